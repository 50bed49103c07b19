//! Known junk values that stand in for a serial: BIOS defaults, labels, counting sequences.

use crate::normalize::Cleaned;
use crate::rules::pattern::CharSet;
use std::sync::OnceLock;

static LIST: &str = include_str!("../vendors/data/placeholders.tsv");

/// The listed values.
struct Listed {
    /// By their comparison form ([`key`]), sorted for binary search.
    rows: Vec<(String, &'static str)>,
    /// The characters they start with (they are ASCII: a test checks).
    firsts: CharSet,
}

fn table() -> &'static Listed {
    static TABLE: OnceLock<Listed> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut rows: Vec<(String, &'static str)> = LIST
            .lines()
            .filter(|line| !line.starts_with('#'))
            .skip(1) // column names
            .filter_map(|line| {
                let mut cols = line.split('\t');
                Some((key(&crate::normalize(cols.next()?)), cols.next()?))
            })
            .collect();
        rows.sort();
        rows.dedup_by(|a, b| a.0 == b.0);
        let firsts =
            rows.iter().filter_map(|(k, _)| k.chars().next()).fold(CharSet::default(), CharSet::with);
        Listed { rows, firsts }
    })
}

/// The form values are compared in, from the normalized value: its letters and digits, so
/// `TO BE FILLED BY OEM` is GLPI's `To Be Filled By O.E.M.` and `0123456789---` is a counting
/// sequence (as a format with separators reads it); a value with neither stays as it is (`.`).
fn key(normalized: &str) -> String {
    let kept: String = normalized.chars().filter(|c| c.is_alphanumeric()).collect();
    if kept.is_empty() { normalized.to_string() } else { kept }
}

/// A version number such as `1.0` or `2.1.3` (GLPI's `/\d\.\d(\.\d)?/`, for the whole value):
/// single digits with dots between them, two or three of them.
fn is_version(chars: &[char]) -> bool {
    matches!(chars.len(), 3 | 5)
        && chars.iter().enumerate().all(|(i, &c)| if i % 2 == 0 { c.is_ascii_digit() } else { c == '.' })
}

/// Why `value` is a placeholder rather than a serial, or `None` when it is not one.
///
/// ```
/// assert!(serialkit::placeholder_reason("To be filled by O.E.M.").is_some());
/// assert!(serialkit::placeholder_reason("0000000").is_some());
/// assert!(serialkit::placeholder_reason("C02TJ0Q7GVC8").is_none());
/// ```
pub fn reason(value: &str) -> Option<String> {
    reason_cleaned(&Cleaned::new(value).chars)
}

/// [`reason`] for a value's cleaned characters (case kept). They are compared in upper case
/// without building that text: nearly every value checked is no placeholder.
pub(crate) fn reason_cleaned(chars: &[char]) -> Option<String> {
    let upper = || chars.iter().map(|c| c.to_ascii_uppercase());
    // The comparison form of `key`: the letters and digits, unless there are none.
    let keyed = chars.iter().any(|c| c.is_alphanumeric());
    let wanted = || upper().filter(move |c| !keyed || c.is_alphanumeric());
    // Most values start with a character no listed value starts with.
    let listed = &table();
    if wanted().next().is_some_and(|c| listed.firsts.contains(c)) {
        if let Ok(i) = listed.rows.binary_search_by(|(k, _)| k.chars().cmp(wanted())) {
            return Some(listed.rows[i].1.to_string());
        }
    }
    // Separators do not make a run of one character a serial: "00-00000" is "0000000".
    let mut kept = upper().filter(|c| c.is_alphanumeric());
    let first = kept.next()?;
    // The run's length, or `None` at the first other character (where looking can stop).
    let run = kept.try_fold(1, |n, c| (c == first).then_some(n + 1));
    if run.is_some_and(|n| n >= 3) {
        return Some(format!("one character repeated ('{first}')"));
    }
    // GLPI's /^(0|1)+$/: a row of switches or a test pattern, not a serial.
    if chars.len() >= 4 && chars.iter().all(|&c| c == '0' || c == '1') {
        return Some("only the digits 0 and 1".into());
    }
    if is_version(chars) {
        return Some("a version number".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_parses_with_reasons() {
        assert!(table().rows.len() > 30);
        assert!(table().rows.iter().all(|(_, r)| !r.is_empty()));
        // `firsts` holds ASCII characters only.
        assert!(table().rows.iter().all(|(k, _)| k.is_ascii()));
        assert_eq!(
            reason("  default   string ").as_deref(),
            Some("the AMI BIOS default the maker did not replace")
        );
    }

    #[test]
    fn dots_do_not_matter_but_a_lone_dot_is_one() {
        let oem = Some("the AMI BIOS default the maker did not replace");
        assert_eq!(reason("TO BE FILLED BY OEM").as_deref(), oem);
        assert_eq!(reason("To Be Filled By O.E.M.").as_deref(), oem);
        assert_eq!(reason(".").as_deref(), Some("a lone '.' written in place of a serial"));
        assert_eq!(reason("Unknown").as_deref(), Some("\"unknown\" written in place of a serial"));
    }

    #[test]
    fn glpi_patterns() {
        assert_eq!(reason("0101").as_deref(), Some("only the digits 0 and 1"));
        assert_eq!(reason("101").as_deref(), None);
        assert_eq!(reason("1.0").as_deref(), Some("a version number"));
        assert_eq!(reason("2.1.3").as_deref(), Some("a version number"));
        assert_eq!(reason("1.23").as_deref(), None);
    }

    #[test]
    fn long_and_non_ascii_values_are_compared_too() {
        let long = "x".repeat(70);
        assert_eq!(reason(&long).as_deref(), Some("one character repeated ('X')"));
        assert_eq!(reason(&format!("{long}y")).as_deref(), None);
        assert_eq!(reason("ＮＯＮＥ").as_deref(), reason("none").as_deref());
        assert_eq!(reason("Señal").as_deref(), None);
    }

    #[test]
    fn versions_are_single_digits_with_dots() {
        for (value, version) in
            [("1.0", true), ("2.1.3", true), ("1.", false), ("1.2.", false), ("12.3", false)]
        {
            let chars: Vec<char> = value.chars().collect();
            assert_eq!(is_version(&chars), version, "{value}");
        }
        assert_eq!(reason("1.2.3.4").as_deref(), None);
    }

    #[test]
    fn runs_need_three_characters() {
        assert_eq!(reason("00").as_deref(), None);
        assert_eq!(reason("xxxx").as_deref(), Some("one character repeated ('X')"));
        assert_eq!(reason("").as_deref(), None);
        assert_eq!(reason("00-00 000").as_deref(), Some("one character repeated ('0')"));
        assert_eq!(reason("0-0").as_deref(), None);
        assert_eq!(reason("---").as_deref(), None);
    }
}
