//! Known junk values that stand in for a serial: BIOS defaults, labels, counting sequences.

use std::collections::HashMap;
use std::sync::OnceLock;

static LIST: &str = include_str!("../vendors/data/placeholders.tsv");

fn table() -> &'static HashMap<String, &'static str> {
    static TABLE: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        LIST.lines()
            .filter(|line| !line.starts_with('#'))
            .skip(1) // column names
            .filter_map(|line| {
                let mut cols = line.split('\t');
                Some((crate::normalize(cols.next()?), cols.next()?))
            })
            .collect()
    })
}

/// Why `value` is a placeholder rather than a serial, or `None` when it is not one.
///
/// ```
/// assert!(serialkit::placeholder_reason("To be filled by O.E.M.").is_some());
/// assert!(serialkit::placeholder_reason("0000000").is_some());
/// assert!(serialkit::placeholder_reason("C02TJ0Q7GVC8").is_none());
/// ```
pub fn reason(value: &str) -> Option<String> {
    let normalized = crate::normalize(value);
    if let Some(reason) = table().get(&normalized) {
        return Some(reason.to_string());
    }
    let mut chars = normalized.chars();
    let first = chars.next()?;
    if normalized.chars().count() >= 3 && chars.all(|c| c == first) {
        return Some(format!("one character repeated ('{first}')"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_parses_with_reasons() {
        assert!(table().len() > 30);
        assert!(table().values().all(|r| !r.is_empty()));
        assert_eq!(
            reason("  default   string ").as_deref(),
            Some("the AMI BIOS default the maker did not replace")
        );
    }

    #[test]
    fn runs_need_three_characters() {
        assert_eq!(reason("00").as_deref(), None);
        assert_eq!(reason("xxxx").as_deref(), Some("one character repeated ('X')"));
        assert_eq!(reason("").as_deref(), None);
    }
}
