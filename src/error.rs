//! What is wrong with a value, where, and what to do about it.

use serde::Serialize;
use std::fmt;

/// A range of characters `[start, end)` in the value as the user typed it.
///
/// Offsets count Unicode scalar values (`char`s), not bytes; the JS API converts them to UTF-16
/// code units. An empty span (`start == end`) points between characters, e.g. at the end of a
/// value that is too short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// First character, counted from 0.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

impl Span {
    /// The span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

/// The sort of problem, stable for programs to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ProblemKind {
    /// Nothing but white space.
    Empty,
    /// A known junk value such as `To be filled by O.E.M.`.
    Placeholder,
    /// A character the format does not allow at that position.
    InvalidCharacter,
    /// The value stops before the format is complete.
    TooShort,
    /// Characters after the end of the format.
    TooLong,
    /// A decoded number outside its range (week 55).
    OutOfRange,
    /// A code missing from a table that must contain it.
    UnknownCode,
    /// A check character that does not add up.
    CheckDigit,
    /// No known format fits the value.
    NoMatch,
    /// Separators of more than one kind in one value (a MAC with `:` and `-`).
    MixedSeparators,
    /// The vendor named by the caller is not in the registry.
    UnknownVendor,
    /// A valid identifier of another kind than the one asked for (a MAC address as a serial).
    WrongKind,
    /// Two parts of the value that must agree do not (a GS1 application identifier given twice
    /// with different data).
    Conflict,
}

impl ProblemKind {
    /// The kebab-case name, as serialized (`invalid-character`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Empty => "empty",
            ProblemKind::Placeholder => "placeholder",
            ProblemKind::InvalidCharacter => "invalid-character",
            ProblemKind::TooShort => "too-short",
            ProblemKind::TooLong => "too-long",
            ProblemKind::OutOfRange => "out-of-range",
            ProblemKind::UnknownCode => "unknown-code",
            ProblemKind::CheckDigit => "check-digit",
            ProblemKind::NoMatch => "no-match",
            ProblemKind::MixedSeparators => "mixed-separators",
            ProblemKind::UnknownVendor => "unknown-vendor",
            ProblemKind::WrongKind => "wrong-kind",
            ProblemKind::Conflict => "conflict",
        }
    }
}

/// One problem with a value: where it is, what it is, and a hint a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    #[serde(flatten)]
    span: Span,
    #[serde(rename = "code")]
    kind: ProblemKind,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
}

impl Problem {
    /// A problem of `kind` at `span`.
    pub fn new(kind: ProblemKind, span: Span, message: impl Into<String>) -> Problem {
        Problem { span, kind, message: message.into(), hint: None }
    }

    /// The same problem with a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Problem {
        self.hint = Some(hint.into());
        self
    }

    /// The sort of problem.
    pub fn kind(&self) -> ProblemKind {
        self.kind
    }

    /// The characters it is about, in the value as typed.
    pub fn span(&self) -> Span {
        self.span
    }

    /// What is wrong: lowercase, no trailing period.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What the person could do, when there is something to suggest.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    pub(crate) fn set_span(&mut self, span: Span) {
        self.span = span;
    }

    /// The value with carets under the problem's characters, for a terminal:
    ///
    /// ```text
    /// C02XK1ZQJGH5O
    ///             ^ too long: 13 characters, apple-12 takes at most 12
    /// ```
    pub fn render(&self, value: &str) -> String {
        let shown: String = value.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        let pad = " ".repeat(self.span.start);
        let carets = "^".repeat((self.span.end - self.span.start).max(1));
        let mut out = format!("{shown}\n{pad}{carets} {}", self.message);
        if let Some(hint) = &self.hint {
            out.push_str(&format!("\n{pad}{} hint: {hint}", " ".repeat(carets.len())));
        }
        out
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (characters {}..{})", self.message, self.span.start, self.span.end)?;
        if let Some(hint) = &self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problem {}

/// A character as messages show it: in quotes, or as its code point when a terminal or a page
/// would show nothing or a blank (a NUL, a control character, a no-break or odd-width space).
pub(crate) struct Shown(pub char);

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        // Format characters that draw nothing, or turn the rest of the line around.
        let invisible = matches!(c, '\u{AD}' | '\u{34F}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}');
        if c.is_control() || (c.is_whitespace() && c != ' ') || invisible {
            write!(f, "U+{:04X}", u32::from(c))
        } else {
            write!(f, "'{c}'")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_puts_carets_under_the_span() {
        let p = Problem::new(ProblemKind::InvalidCharacter, Span::new(1, 2), "'O' cannot appear in plant")
            .with_hint("did you mean 0?");
        assert_eq!(p.render("CO2"), "CO2\n ^ 'O' cannot appear in plant\n   hint: did you mean 0?");
    }

    #[test]
    fn empty_span_gets_one_caret() {
        let p = Problem::new(ProblemKind::TooShort, Span::new(3, 3), "too short");
        assert_eq!(p.render("ABC"), "ABC\n   ^ too short");
    }

    #[test]
    fn invisible_characters_are_shown_by_code_point() {
        let shown: Vec<String> = ['O', ' ', '\0', '\t', '\u{A0}', '\u{200B}', '\u{202E}', 'é']
            .map(|c| Shown(c).to_string())
            .into();
        assert_eq!(shown, ["'O'", "' '", "U+0000", "U+0009", "U+00A0", "U+200B", "U+202E", "'é'"]);
    }

    #[test]
    fn display_names_the_span() {
        let p = Problem::new(ProblemKind::Empty, Span::new(0, 0), "empty value");
        assert_eq!(p.to_string(), "empty value (characters 0..0)");
    }
}
