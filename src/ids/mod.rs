//! Standard identifiers that need no vendor rule: MAC addresses, IMEI/MEID/ICCID, GTIN/UPC/ISBN
//! and GS1 element strings.
//!
//! Each family has its own module with `parse` functions returning a [`Decoded`] or the
//! [`Problem`] with the span of the wrong characters in the value as typed. [`Registry::decode`](crate::Registry::decode) tries the
//! families whose shape fits a value.
//!
//! All of them share the vendor-independent clean-up of [`crate::normalize`] (trimming, full-width
//! forms, Unicode dashes), except GS1 element strings, whose group separator is a control
//! character and which are read as typed.

pub mod gs1;
pub mod gtin;
pub mod imei;
pub mod mac;
pub mod oui;
pub(crate) mod partial;

use crate::decode::{Decoded, Detail, Kind, MAX_INPUT_CHARS};
use crate::error::{Problem, ProblemKind, Shown, Span};
use crate::normalize::Cleaned;
use crate::rules::schema::Value;
use std::collections::BTreeMap;

/// The cleaned characters of a value, with the way back to the input's characters.
pub(crate) struct Text<'a> {
    cleaned: &'a Cleaned,
}

impl<'a> Text<'a> {
    /// The cleaned value, rejected when empty or overlong; `what` names the identifier in the
    /// messages ("an imei").
    pub(crate) fn new(cleaned: &'a Cleaned, what: &str) -> Result<Text<'a>, Problem> {
        if cleaned.chars.is_empty() {
            return Err(Problem::new(ProblemKind::Empty, Span::new(0, cleaned.input_len), "empty value")
                .with_hint(format!("enter {what}")));
        }
        if cleaned.chars.len() > MAX_INPUT_CHARS {
            let text = Text { cleaned };
            return Err(Problem::new(
                ProblemKind::TooLong,
                text.span(MAX_INPUT_CHARS, text.len()),
                format!(
                    "too long: {} characters, no identifier takes more than {MAX_INPUT_CHARS}",
                    text.len()
                ),
            ));
        }
        Ok(Text { cleaned })
    }

    /// The cleaned characters.
    pub(crate) fn chars(&self) -> &[char] {
        &self.cleaned.chars
    }

    pub(crate) fn len(&self) -> usize {
        self.cleaned.chars.len()
    }

    /// The input span of cleaned characters `start..end`.
    pub(crate) fn span(&self, start: usize, end: usize) -> Span {
        let (s, e) = self.cleaned.input_span(start, end);
        Span::new(s, e)
    }

    /// The empty span just after the last character.
    pub(crate) fn end(&self) -> Span {
        self.span(self.len(), self.len())
    }

    /// The characters other than `separators`, each with its index among the cleaned characters.
    pub(crate) fn without(&self, separators: &[char]) -> Vec<(char, usize)> {
        // Sized for all of them: collecting a filter would grow the vector several times.
        let mut kept = Vec::with_capacity(self.len());
        kept.extend(
            self.chars().iter().enumerate().filter(|(_, c)| !separators.contains(c)).map(|(i, &c)| (c, i)),
        );
        kept
    }
}

/// Characters people type for a digit, and the digit they meant.
const LOOK_ALIKES: &[(char, char)] = &[
    ('B', '8'),
    ('I', '1'),
    ('L', '1'),
    ('O', '0'),
    ('Q', '0'),
    ('S', '5'),
    ('Z', '2'),
    ('l', '1'),
    ('o', '0'),
];

/// The digit `c` probably stands for.
pub(crate) fn look_alike_digit(c: char) -> Option<char> {
    LOOK_ALIKES.iter().find(|(x, _)| *x == c).map(|&(_, d)| d)
}

/// The decimal digits of a value once its separators are dropped.
pub(crate) struct Digits {
    /// The digits, as text.
    pub(crate) compact: String,
    separators: &'static [char],
}

impl Digits {
    /// How many digits there are.
    pub(crate) fn len(&self) -> usize {
        self.compact.len()
    }

    /// Digit `k`.
    pub(crate) fn char(&self, k: usize) -> char {
        char::from(self.compact.as_bytes()[k])
    }

    /// The index of digit `k` among the cleaned characters of `text` (the end past the last):
    /// found again when a problem needs it, rather than kept for every digit.
    pub(crate) fn at(&self, text: &Text, k: usize) -> usize {
        let kept = text.chars().iter().enumerate().filter(|(_, c)| !self.separators.contains(c));
        kept.map(|(i, _)| i).nth(k).unwrap_or(text.len())
    }
}

/// The decimal digits of `text` once `separators` are dropped; the first other character is the
/// problem.
pub(crate) fn decimal_digits(
    text: &Text,
    separators: &'static [char],
    what: &str,
) -> Result<Digits, Problem> {
    let mut compact = String::with_capacity(text.len());
    for (at, &c) in text.chars().iter().enumerate() {
        if c.is_ascii_digit() {
            compact.push(c);
        } else if !separators.contains(&c) {
            return Err(not_a_digit(text, at, c, what));
        }
    }
    Ok(Digits { compact, separators })
}

/// The problem for a character that is not a decimal digit in a digits-only identifier.
pub(crate) fn not_a_digit(text: &Text, at: usize, c: char, what: &str) -> Problem {
    let problem = Problem::new(
        ProblemKind::InvalidCharacter,
        text.span(at, at + 1),
        format!("{} cannot appear in {what}", Shown(c)),
    );
    match look_alike_digit(c) {
        Some(d) => problem.with_hint(format!("{what} has only digits — did you mean {d}?")),
        None => problem.with_hint(format!("{what} has only digits, optionally grouped with spaces or '-'")),
    }
}

/// The problem for a wrong check character at cleaned index `at`.
pub(crate) fn check_digit_problem(text: &Text, at: usize, expected: &str, found: char) -> Problem {
    Problem::new(
        ProblemKind::CheckDigit,
        text.span(at, at + 1),
        format!("check digit should be {expected}, not {found}"),
    )
    .with_hint("a digit is mistyped or two neighbours are swapped: compare with the label")
}

/// Builds the fields of a [`Decoded`]: those its [`Detail`] keeps.
pub(crate) struct Fields {
    map: BTreeMap<String, Value>,
    detail: Detail,
}

impl Default for Fields {
    fn default() -> Fields {
        Fields::of(Detail::Full)
    }
}

impl Fields {
    /// The fields of a reading built with `detail`.
    pub(crate) fn of(detail: Detail) -> Fields {
        Fields { map: BTreeMap::new(), detail }
    }

    pub(crate) fn text(&mut self, name: &str, value: impl Into<String>) -> &mut Fields {
        self.set(name, || Value::Text(value.into()))
    }

    pub(crate) fn int(&mut self, name: &str, value: i64) -> &mut Fields {
        self.set(name, || Value::Int(value))
    }

    pub(crate) fn flag(&mut self, name: &str, value: bool) -> &mut Fields {
        self.set(name, || Value::Bool(value))
    }

    /// Sets `name`, when kept, to the value `value` makes.
    fn set(&mut self, name: &str, value: impl FnOnce() -> Value) -> &mut Fields {
        if self.detail.keeps(name) {
            self.map.insert(name.to_string(), value());
        }
        self
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    pub(crate) fn into_map(self) -> BTreeMap<String, Value> {
        self.map
    }
}

/// A [`Decoded`] of a standard identifier (no vendor).
pub(crate) fn decoded(
    kind: Kind,
    format: &str,
    normalized: String,
    confidence: f64,
    reason: String,
    fields: Fields,
) -> Decoded {
    Decoded {
        kind,
        vendor: String::new(),
        format: format.to_string(),
        normalized,
        // To the hundredth, as vendor readings are: the parsers' deductions leave 0.35000000000000003.
        confidence: (confidence * 100.0).round() / 100.0,
        reason,
        fields: fields.into_map(),
    }
}

/// The value of a decimal digit character.
pub(crate) fn digit_value(c: char) -> u32 {
    c.to_digit(10).unwrap_or(0)
}

/// Tries the parsers for `kind` on `value` (every family whose shape fits when `kind` is `None`)
/// and returns what each made of it, valid readings and problems alike. `strict` is
/// [`crate::Options::strict`].
pub(crate) fn identify(value: &str, kind: Option<Kind>, strict: bool) -> Vec<Result<Decoded, Problem>> {
    identify_cleaned(value, &Cleaned::new(value), kind, strict, Detail::Full)
}

/// [`identify`] of a value already cleaned as `cleaned`, the MAC and IMEI readings built with
/// `detail` (the others are small).
pub(crate) fn identify_cleaned(
    value: &str,
    cleaned: &Cleaned,
    kind: Option<Kind>,
    strict: bool,
    detail: Detail,
) -> Vec<Result<Decoded, Problem>> {
    let mac = || mac::parse_cleaned(cleaned, strict, detail);
    let gtin = || gtin::read_gtin(cleaned, strict);
    let mut out = Vec::new();
    match kind {
        Some(Kind::Mac) => out.push(mac()),
        // `--kind imei` is strict (validator.js reads 16 digits as wrong); `--kind imeisv` or no
        // kind reads 16 digits as an IMEISV (python-stdnum).
        Some(Kind::Imei) => out.push(imei::read_imei(cleaned, detail).and_then(|d| {
            match d.kind {
                Kind::Imeisv => Err(Problem::new(
                    ProblemKind::TooLong,
                    Span::new(0, cleaned.input_len),
                    "16 digits is an imeisv, not an imei",
                )
                .with_hint("an imei has 15 digits; pass --kind imeisv to accept the software-version form")),
                _ => Ok(d),
            }
        })),
        Some(Kind::Imeisv) => out.push(imei::read_imei(cleaned, detail).and_then(|d| {
            match d.kind {
                Kind::Imeisv => Ok(d),
                _ => Err(Problem::new(
                    ProblemKind::TooShort,
                    Span::new(0, cleaned.input_len),
                    "an imeisv has 16 digits",
                )
                .with_hint("a 15-digit value with a check digit is an imei: pass --kind imei")),
            }
        })),
        Some(Kind::Meid) => out.push(imei::read_meid(cleaned)),
        Some(Kind::Iccid) => out.push(imei::read_iccid(cleaned)),
        Some(Kind::Gtin) => {
            out.push(gtin());
            if shape(cleaned).digits == 8 {
                out.push(gtin::read_upc_e(cleaned));
            }
        }
        Some(Kind::Isbn) => out.push(gtin::read_isbn(cleaned)),
        Some(Kind::Gs1) => out.push(gs1::parse(value)),
        Some(_) => {}
        None => {
            let s = shape(cleaned);
            if s.too_long {
                return out;
            }
            if gs1::looks_like(value) {
                out.push(gs1::parse(value));
            }
            let digits_only = s.other == 0 && s.hex_letters == 0 && s.dots == 0 && s.colons == 0;
            if s.other == 0 && s.digits + s.hex_letters >= 6 && s.digits + s.hex_letters <= 16 {
                let separated = s.colons + s.dashes + s.dots + s.spaces > 0;
                let bare = s.digits + s.hex_letters;
                if (separated && !digits_only) || s.colons + s.dots > 0 || bare == 12 || bare == 16 {
                    out.push(mac());
                }
            }
            if digits_only && (14..=16).contains(&s.digits) {
                out.push(imei::read_imei(cleaned, detail));
            }
            let meid_hex = s.other == 0 && s.dots + s.colons == 0 && s.hex_letters > 0;
            if (meid_hex && (14..=15).contains(&(s.digits + s.hex_letters)))
                || (digits_only && (18..=19).contains(&s.digits))
            {
                out.push(imei::read_meid(cleaned));
            }
            if s.starts_89 && (18..=20).contains(&s.digits) && s.other + s.dots + s.colons == 0 {
                out.push(imei::read_iccid(cleaned));
            }
            if digits_only && [8, 12, 13, 14].contains(&s.digits) {
                out.push(gtin());
                if s.digits == 8 {
                    out.push(gtin::read_upc_e(cleaned));
                }
            }
            let isbn10 = s.digits == 10 || (s.digits == 9 && s.ends_x);
            if (isbn10 || (s.digits == 13 && s.starts_978))
                && s.colons + s.dots == 0
                && s.other <= usize::from(s.ends_x)
            {
                out.push(gtin::read_isbn(cleaned));
            }
        }
    }
    out
}

/// A rough census of a value's characters, to skip parsers that cannot fit.
#[derive(Debug, Default)]
struct Shape {
    digits: usize,
    hex_letters: usize,
    colons: usize,
    dashes: usize,
    dots: usize,
    spaces: usize,
    other: usize,
    ends_x: bool,
    starts_89: bool,
    starts_978: bool,
    too_long: bool,
}

fn shape(cleaned: &Cleaned) -> Shape {
    let mut s = Shape { too_long: cleaned.chars.len() > MAX_INPUT_CHARS, ..Shape::default() };
    for &c in &cleaned.chars {
        match c {
            '0'..='9' => s.digits += 1,
            'a'..='f' | 'A'..='F' => s.hex_letters += 1,
            ':' => s.colons += 1,
            '-' => s.dashes += 1,
            '.' => s.dots += 1,
            ' ' => s.spaces += 1,
            _ => s.other += 1,
        }
    }
    // The letters and digits alone, read from either end without collecting them.
    let compact = || cleaned.chars.iter().copied().filter(char::is_ascii_alphanumeric);
    let starts = |prefix: &str| compact().take(prefix.len()).eq(prefix.chars());
    s.ends_x = compact().next_back().is_some_and(|c| c == 'x' || c == 'X');
    s.starts_89 = starts("89");
    s.starts_978 = starts("978") || starts("979");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formats(value: &str) -> Vec<String> {
        identify(value, None, false).into_iter().filter_map(|r| r.ok()).map(|d| d.format).collect()
    }

    #[test]
    fn identify_picks_the_family_by_shape() {
        assert_eq!(formats("00:1A:2B:3C:4D:5E"), ["mac-eui48"]);
        assert_eq!(formats("490154203237518"), ["imei"]);
        assert_eq!(formats("AF 01 23 45 0A BC DE C"), ["meid-hex"]);
        assert_eq!(formats("4006381333931"), ["gtin-13"]);
        assert_eq!(formats("978-0-471-11709-4"), ["gtin-13", "isbn-13"]);
        assert_eq!(formats("1-85798-218-5"), ["isbn-10"]);
        assert_eq!(formats("(01)09506000134352(17)201225"), ["gs1-element-string"]);
        assert_eq!(formats("8991101200003204514"), ["iccid"]);
    }

    #[test]
    fn identify_with_a_kind_runs_that_parser_only() {
        let results = identify("00-1A-2B-3C-4D-5E", Some(Kind::Mac), false);
        assert_eq!(results.len(), 1);
        assert!(results[0].is_ok());
        assert!(identify("C02TJ0Q7GVC8", Some(Kind::Serial), false).is_empty());
        let err = identify("490154203237517", Some(Kind::Imei), false).remove(0).unwrap_err();
        assert_eq!(err.message(), "check digit should be 8, not 7");
    }

    #[test]
    fn identify_skips_values_no_family_fits() {
        assert!(identify("C02TJ0Q7GVC8", None, false).is_empty());
        assert!(identify(&"1".repeat(300), None, false).is_empty());
    }

    #[test]
    fn text_rejects_empty_and_overlong_values() {
        let e = Text::new(&Cleaned::new("  "), "an imei").err().unwrap();
        assert_eq!((e.message(), e.span()), ("empty value", Span::new(0, 2)));
        let e = Text::new(&Cleaned::new(&"1".repeat(MAX_INPUT_CHARS + 4)), "an imei").err().unwrap();
        assert_eq!(e.kind(), ProblemKind::TooLong);
        assert_eq!(e.span(), Span::new(MAX_INPUT_CHARS, MAX_INPUT_CHARS + 4));
    }

    #[test]
    fn look_alikes_are_sorted() {
        assert!(LOOK_ALIKES.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
