//! Turning what people type, paste and scan into the characters formats are written in.
//!
//! Every normalized character remembers which input character it came from, so errors found in
//! the normalized text point at the right characters of the value as typed.

/// Text after the vendor-independent clean-up, with each character's origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cleaned {
    /// The cleaned characters, case kept.
    pub chars: Vec<char>,
    /// For each cleaned character, its index among the input's characters; empty when each is
    /// the input's character at its own index (most values: nothing folded or dropped), which
    /// [`Cleaned::origin`] then says without a vector to fill and free for every value.
    origin: Vec<usize>,
    /// Number of characters in the input.
    pub input_len: usize,
}

impl Cleaned {
    /// Trims white space, maps full-width forms to ASCII, Unicode dashes to `-`, every white
    /// space run to one space, and drops zero-width characters.
    pub fn new(input: &str) -> Cleaned {
        if input.is_ascii() {
            return Cleaned::ascii(input.as_bytes());
        }
        let mut chars = Vec::with_capacity(input.len());
        let mut origin = Vec::with_capacity(input.len());
        let mut input_len = 0;
        for (i, c) in input.chars().enumerate() {
            input_len = i + 1;
            let Some(c) = fold_char(c) else { continue };
            if c == ' ' && chars.last().is_none_or(|&last| last == ' ') {
                continue;
            }
            chars.push(c);
            origin.push(i);
        }
        if chars.last() == Some(&' ') {
            chars.pop();
            origin.pop();
        }
        Cleaned { chars, origin, input_len }
    }

    /// [`Cleaned::new`] of ASCII text, the common case, a byte at a time: of ASCII, only white
    /// space and control characters fold (to a space).
    fn ascii(input: &[u8]) -> Cleaned {
        // Most values have nothing to fold: every character is kept as it is.
        if input.iter().all(|&b| b > b' ' && b != 0x7f) {
            let chars = input.iter().map(|&b| char::from(b)).collect();
            return Cleaned { chars, origin: Vec::new(), input_len: input.len() };
        }
        let mut chars = Vec::with_capacity(input.len());
        let mut origin = Vec::with_capacity(input.len());
        for (i, &b) in input.iter().enumerate() {
            let blank = b <= b' ' || b == 0x7f;
            if blank && chars.last().is_none_or(|&last| last == ' ') {
                continue;
            }
            chars.push(if blank { ' ' } else { char::from(b) });
            origin.push(i);
        }
        if chars.last() == Some(&' ') {
            chars.pop();
            origin.pop();
        }
        Cleaned { chars, origin, input_len: input.len() }
    }

    /// The cleaned characters upper-cased: the vendor-independent normalization.
    pub fn upper(&self) -> String {
        self.chars.iter().map(|c| c.to_ascii_uppercase()).collect()
    }

    /// The index among the input's characters of cleaned character `i`.
    pub fn origin(&self, i: usize) -> Option<usize> {
        match self.origin.is_empty() {
            true => (i < self.chars.len()).then_some(i),
            false => self.origin.get(i).copied(),
        }
    }

    /// Where the kept characters end in the input: just after the last (before trailing white
    /// space); 0 when none is kept.
    pub fn input_end(&self) -> usize {
        self.chars.len().checked_sub(1).and_then(|last| self.origin(last)).map_or(0, |o| o + 1)
    }

    /// Maps a span of cleaned characters back to the input's characters.
    pub fn input_span(&self, start: usize, end: usize) -> (usize, usize) {
        // Past the end: just after the last kept character.
        let at = |i: usize| self.origin(i).unwrap_or_else(|| self.input_end());
        let s = at(start);
        let e = if end > start { at(end - 1) + 1 } else { s };
        (s, e.max(s))
    }
}

/// The vendor-independent form used for comparison: trimmed, full-width forms and Unicode dashes
/// mapped to ASCII, white space folded, invisible characters dropped, and upper-cased.
///
/// Idempotent: normalizing a normalized value changes nothing.
///
/// ```
/// assert_eq!(serialkit::normalize("  c02tj0q7gvc8\u{3000}"), "C02TJ0Q7GVC8");
/// assert_eq!(serialkit::normalize("ＪＡＥ２４４５０４４Ｔ"), "JAE2445044T");
/// assert_eq!(serialkit::normalize("5RFD\u{2013}P01"), "5RFD-P01");
/// ```
pub fn normalize(input: &str) -> String {
    Cleaned::new(input).upper()
}

/// One input character's cleaned form, or `None` to drop it.
fn fold_char(c: char) -> Option<char> {
    Some(match c {
        // Zero-width space, joiners, byte-order mark, soft hyphen: invisible paste debris.
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => return None,
        // Hyphen, non-breaking hyphen, figure dash, en dash, em dash, bar, minus and small forms.
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
        // Full-width ASCII forms (Japanese and Chinese input methods).
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c if c.is_whitespace() || c.is_control() => ' ',
        c => c,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_origins() {
        let t = Cleaned::new("  a\u{200B}b ");
        assert_eq!(t.chars, vec!['a', 'b']);
        assert_eq!((t.origin(0), t.origin(1), t.origin(2)), (Some(2), Some(4), None));
        assert_eq!(t.input_end(), 5);
        assert_eq!(t.input_len, 6);
        assert_eq!(t.input_span(1, 2), (4, 5));
        assert_eq!(t.input_span(2, 2), (5, 5));
    }

    #[test]
    fn folds_inner_white_space() {
        assert_eq!(normalize("a \t\n b"), "A B");
    }

    #[test]
    fn control_characters_become_spaces() {
        assert_eq!(normalize("A\u{0}B"), "A B");
    }

    #[test]
    fn empty_and_blank() {
        let t = Cleaned::new("   ");
        assert!(t.chars.is_empty());
        assert_eq!(t.input_span(0, 0), (0, 0));
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn ascii_fast_path_agrees_with_the_general_one() {
        // The general path on the same text with a non-ASCII character that is dropped.
        for s in ["  a\tb\x0b\x7fc  ", "\0", " ", "", "C02TJ0Q7GVC8", "a  \r\n b "] {
            let general = Cleaned::new(&format!("{s}\u{200B}"));
            let ascii = Cleaned::new(s);
            let origins = |c: &Cleaned| (0..=c.chars.len()).map(|i| c.origin(i)).collect::<Vec<_>>();
            assert_eq!(origins(&ascii), origins(&general), "{s:?}");
            assert_eq!((&ascii.chars, ascii.input_end()), (&general.chars, general.input_end()), "{s:?}");
            assert_eq!(ascii.input_len, s.len());
        }
    }

    #[test]
    fn idempotent_on_samples() {
        for s in ["  x-Y\u{2014}z ", "ＡＢ\u{3000}ｃ", "\u{FEFF}abc\r\n"] {
            let once = normalize(s);
            assert_eq!(normalize(&once), once);
        }
    }
}
