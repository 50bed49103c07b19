//! As-you-type answers for standard identifiers: can more typing make a value valid?
//!
//! A value is a prefix of a valid identifier when some completion of it parses. Rather than a
//! second grammar per family, each family offers a few *witnesses*: completions of the shortest
//! length its notation allows, filled with zeros. A witness counts when the family's own parser
//! accepts the completed value, or rejects only its check digit (a different last character
//! then fixes it). So the answer can never disagree with the parser about what is valid.

use super::{gs1, identify, identify_cleaned};
use crate::decode::{Detail, Kind};
use crate::error::{Problem, ProblemKind};
use crate::normalize::Cleaned;
use crate::rules::pattern::CharSet;

/// What a value still being typed as `kind` lacks: at least this many characters, and the
/// characters that may come next. `None` when no completion is valid.
pub(crate) fn completion(value: &str, kind: Kind, strict: bool) -> Option<(usize, CharSet)> {
    let cleaned = Cleaned::new(value);
    let typed = &cleaned.chars;
    let accepts = |witness: &str| {
        identify(&format!("{value}{witness}"), Some(kind), strict).iter().any(|r| {
            r.as_ref().is_ok_and(|d| d.kind == kind)
                || r.as_ref().is_err_and(|p| p.kind() == ProblemKind::CheckDigit)
        })
    };
    let witnesses = match kind {
        Kind::Mac => mac_witnesses(typed, strict),
        Kind::Gs1 => Vec::new(),
        _ => digit_witnesses(typed, kind),
    };
    let accepted: Vec<&String> = witnesses.iter().filter(|w| accepts(w)).collect();
    let needs = accepted.iter().map(|w| w.chars().count()).min();
    match needs {
        Some(needs) => {
            let next = accepted
                .iter()
                .filter_map(|w| w.chars().next())
                .fold(CharSet::default(), |set, c| set.union(next_class(c, kind, typed.len())));
            Some((needs, next))
        }
        // GS1 element strings have no fixed length: the parser says when data is still missing,
        // or when the application identifier at the end is not finished.
        None if kind != Kind::Gs1 => None,
        None => identify_cleaned(value, &cleaned, Some(kind), strict, Detail::Brief)
            .iter()
            .any(|r| r.as_ref().is_err_and(|p| p.kind() == ProblemKind::TooShort || unfinished_ai(value, p)))
            .then(|| (1, CharSet::default())),
    }
}

/// Whether `problem` is an unknown application identifier at the end of `value` that is the
/// start of a known one (`1` of `10`, `31` of `310n`), or the start of a symbology identifier.
fn unfinished_ai(value: &str, problem: &Problem) -> bool {
    let span = problem.span();
    let typed: String = value.chars().skip(span.start).take(span.end - span.start).collect();
    let symbology = gs1::SYMBOLOGIES.iter().any(|(id, _)| id.len() > typed.len() && id.starts_with(&typed));
    let ai = gs1::AIS.iter().any(|ai| {
        let known = &ai.ai[..ai.ai.len().min(typed.len())];
        typed.len() < ai.len && typed.starts_with(known)
    });
    problem.kind() == ProblemKind::UnknownCode && span.end == value.chars().count() && (symbology || ai)
}

/// The characters a witness's first character stands for: a zero for any digit of the family.
fn next_class(c: char, kind: Kind, typed: usize) -> CharSet {
    let digits = CharSet::range('0', '9');
    let hex = digits.union(CharSet::range('A', 'F')).case_folded();
    match (c, kind) {
        ('0', Kind::Mac) => hex,
        // A MEID's hex form has 14 or 15 characters; longer values are decimal.
        ('0', Kind::Meid) if typed < 15 => hex,
        ('0', Kind::Isbn) if typed == 9 => digits.with('X').with('x'),
        ('0', _) => digits,
        (c, _) => CharSet::default().with(c),
    }
}

/// The longest digit string of each digits-only family (an ICCID may end in an `F` filler).
fn digit_template(kind: Kind) -> &'static str {
    match kind {
        Kind::Imei => "000000000000000",
        Kind::Imeisv => "0000000000000000",
        Kind::Meid => "0000000000000000000",
        Kind::Iccid => "89000000000000000000",
        Kind::Gtin => "00000000000000",
        Kind::Isbn => "9780000000000",
        _ => "",
    }
}

/// Completions of a digits-only value: the rest of the family's template, one length at a time.
fn digit_witnesses(typed: &[char], kind: Kind) -> Vec<String> {
    let template = digit_template(kind);
    let n = typed.iter().filter(|c| c.is_ascii_alphanumeric()).count();
    // ISBN-10s may start with any digit; ISBN-13s start with 978 or 979.
    let zeros = "0".repeat(template.len());
    let templates: &[&str] = if kind == Kind::Isbn { &[template, &zeros[..10]] } else { &[template] };
    let mut out = Vec::new();
    for t in templates {
        for end in n + 1..=t.len() {
            out.push(t[n.min(t.len())..end].to_string());
        }
    }
    out
}

/// The MAC notations by separator: digits per group and groups (EUI-48, EUI-64). Groups of four
/// may be separated by any separator, as the parser allows.
const MAC_NOTATIONS: &[(char, usize, usize)] = &[
    (':', 2, 6),
    (':', 2, 8),
    (':', 6, 2),
    (':', 4, 3),
    ('-', 2, 6),
    ('-', 2, 8),
    ('-', 6, 2),
    ('-', 4, 3),
    (' ', 2, 6),
    (' ', 2, 8),
    (' ', 4, 3),
    ('.', 4, 3),
    ('.', 4, 4),
];

/// Completions of a MAC address in every notation its separator allows, each as short as the
/// notation permits (groups of one digit where leading zeros may be dropped).
fn mac_witnesses(typed: &[char], strict: bool) -> Vec<String> {
    let separator = typed.iter().copied().find(|c| [':', '-', '.', ' '].contains(c));
    let mut out = Vec::new();
    let groups: Vec<usize> = match separator {
        Some(sep) => typed.split(|&c| c == sep).map(<[char]>::len).collect(),
        None => {
            // Bare hex, or the first group of a separated notation.
            for total in [12usize, 16] {
                out.push("0".repeat(total.saturating_sub(typed.len())));
            }
            vec![typed.len()]
        }
    };
    let typed_groups = groups.len();
    let last = groups.last().copied().unwrap_or(0);
    for &(sep, width, count) in MAC_NOTATIONS {
        // The parser takes groups of four between ':', '-' or ' ' once a group is that wide.
        let wide = groups.iter().any(|&g| g > 2);
        if separator.is_some_and(|s| s != sep)
            || typed_groups > count
            || last > width
            || (width == 4 && sep != '.' && !wide)
        {
            continue;
        }
        // Leading zeros may be dropped in the colon and hyphen notations, as the parser allows.
        let exact = strict || sep == ' ' || sep == '.' || width == 6;
        let least = if exact { width } else { 1 };
        // The shortest completion, and one that fills the group being typed first.
        for first in [least.saturating_sub(last), width - last] {
            let mut witness = "0".repeat(first);
            for _ in typed_groups..count {
                witness.push(sep);
                witness.push_str(&"0".repeat(least));
            }
            out.push(witness);
        }
    }
    out.retain(|w| !w.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs(value: &str, kind: Kind) -> Option<usize> {
        completion(value, kind, false).map(|(n, _)| n)
    }

    #[test]
    fn mac_prefixes_in_every_notation_are_completable() {
        assert_eq!(needs("00:1A:2B", Kind::Mac), Some(6));
        assert_eq!(needs("00:1A:", Kind::Mac), Some(7));
        assert_eq!(needs("00:1A:2B:3C:4D:5E:6", Kind::Mac), Some(2));
        // Cisco's groups are four digits each: a dot and four more.
        assert_eq!(needs("0050.56c0", Kind::Mac), Some(5));
        assert_eq!(needs("005056", Kind::Mac), Some(6));
        assert_eq!(needs("005056:c0", Kind::Mac), Some(4));
        assert_eq!(needs("00 50 5", Kind::Mac), Some(10));
        // Leading zeros may be dropped, so one digit per group is enough.
        assert_eq!(needs("d0:5", Kind::Mac), Some(8));
        assert_eq!(completion("d0:5", Kind::Mac, true).map(|(n, _)| n), Some(13));
    }

    #[test]
    fn wrong_mac_prefixes_are_not() {
        assert_eq!(needs("00:1A-2B", Kind::Mac), None);
        assert_eq!(needs("00:1G", Kind::Mac), None);
        assert_eq!(needs("00:1A2B3", Kind::Mac), None);
        assert_eq!(needs("00::", Kind::Mac), None);
        assert_eq!(needs("00112233445566778", Kind::Mac), None);
    }

    #[test]
    fn what_may_follow_a_mac_prefix() {
        let (_, next) = completion("00:1", Kind::Mac, false).unwrap();
        assert_eq!(next.describe(), "0-9 : A-F a-f");
        let (_, next) = completion("00:1A", Kind::Mac, false).unwrap();
        assert_eq!(next.describe(), ":");
    }

    #[test]
    fn digit_families_count_what_is_missing() {
        // 14 digits are an IMEI without its check digit.
        assert_eq!(needs("35-209900-17", Kind::Imei), Some(4));
        assert_eq!(needs("3520990017614", Kind::Imei), Some(1));
        assert_eq!(needs("3520990017614A", Kind::Imei), None);
        assert_eq!(needs("8", Kind::Iccid), Some(18));
        assert_eq!(needs("7", Kind::Iccid), None);
        // A GTIN-8 with a wrong check digit may still become a GTIN-12.
        assert_eq!(needs("40063813", Kind::Gtin), Some(4));
        assert_eq!(needs("034567891", Kind::Isbn), Some(1));
        let (_, next) = completion("034567891", Kind::Isbn, false).unwrap();
        assert_eq!(next.describe(), "0-9 X x");
        assert_eq!(needs("978030640615", Kind::Isbn), Some(1));
        assert_eq!(needs("AF0123450A", Kind::Meid), Some(4));
        assert_eq!(needs("490154203237518", Kind::Imeisv), Some(1));
        assert_eq!(needs("490154203237518", Kind::Imei), None);
    }

    #[test]
    fn gs1_asks_its_parser() {
        assert_eq!(needs("(01)0950", Kind::Gs1), Some(1));
        assert_eq!(needs("]d2", Kind::Gs1), Some(1));
        assert_eq!(needs("(99", Kind::Gs1).is_some(), needs("(99)", Kind::Gs1).is_some());
    }
}
