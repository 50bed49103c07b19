//! GS1 trade item numbers: GTIN-8, UPC-A (GTIN-12), EAN/GTIN-13, GTIN-14, UPC-E, and books'
//! ISBN-10 and ISBN-13.
//!
//! Check digits use GS1 mod 10 (weights 3, 1, 3, … from the right), ISBN-10 its own mod 11.
//! Every number also gets its `gtin` field: the 14-digit form, left-padded with zeros, which is
//! how GS1 says to store them. The GS1 prefix names the member organisation that issued the
//! company prefix, not the country where the product was made.

use super::{Fields, Text, check_digit_problem, decimal_digits, decoded, not_a_digit};
use crate::check_digit::Algorithm;
use crate::decode::{Decoded, Kind, Reasons, push_count};
use crate::error::{Problem, ProblemKind};
use crate::normalize::Cleaned;

const SEPARATORS: &[char] = &[' ', '-'];

/// GS1 prefixes (first three digits of a GTIN-13) and the organisation that issues them; a
/// partial table from GS1's prefix list (see `vendor-formats.md`). Sorted, not overlapping.
#[rustfmt::skip]
const PREFIXES: &[(u16, u16, &str)] = &[
    (0, 19, "GS1 US"),
    (20, 29, "restricted circulation"),
    (30, 39, "GS1 US"),
    (40, 49, "restricted circulation"),
    (60, 139, "GS1 US"),
    (200, 299, "restricted circulation"),
    (300, 379, "GS1 France"),
    (400, 440, "GS1 Germany"),
    (450, 459, "GS1 Japan"),
    (460, 469, "GS1 Russia"),
    (471, 471, "GS1 Taiwan"),
    (489, 489, "GS1 Hong Kong"),
    (490, 499, "GS1 Japan"),
    (500, 509, "GS1 UK"),
    (690, 699, "GS1 China"),
    (729, 729, "GS1 Israel"),
    (750, 750, "GS1 Mexico"),
    (760, 769, "GS1 Switzerland"),
    (789, 790, "GS1 Brazil"),
    (800, 839, "GS1 Italy"),
    (840, 849, "GS1 Spain"),
    (870, 879, "GS1 Netherlands"),
    (880, 880, "GS1 Korea"),
    (890, 890, "GS1 India"),
    (930, 939, "GS1 Australia"),
    (950, 950, "GS1 Global Office"),
    (977, 977, "ISSN (serial publications)"),
    (978, 979, "ISBN (books)"),
];

/// The organisation that issues GS1 prefix `prefix` (three digits), when the table knows it.
///
/// ```
/// assert_eq!(serialkit::ids::gtin::organization("400"), Some("GS1 Germany"));
/// assert_eq!(serialkit::ids::gtin::organization("978"), Some("ISBN (books)"));
/// ```
pub fn organization(prefix: &str) -> Option<&'static str> {
    let p: u16 = prefix.get(..3)?.parse().ok()?;
    PREFIXES.iter().find(|&&(lo, hi, _)| lo <= p && p <= hi).map(|&(_, _, name)| name)
}

/// Reads a GTIN of 8, 12 (UPC-A), 13 (EAN) or 14 digits, spaces and `-` allowed between digits.
///
/// Fields: `gtin` (14 digits), `check_digit`, `prefix` and `organization` (the GS1 prefix and its
/// issuer), `indicator` for a GTIN-14, `isbn10` for a convertible 978 book number.
///
/// ```
/// let ean = serialkit::ids::gtin::parse("4006381333931").unwrap();
/// assert_eq!(ean.format, "gtin-13");
/// assert_eq!(ean.fields["organization"].to_string(), "GS1 Germany");
/// let err = serialkit::ids::gtin::parse("4006381333932").unwrap_err();
/// assert_eq!(err.message(), "check digit should be 1, not 2");
/// ```
pub fn parse(value: &str) -> Result<Decoded, Problem> {
    read_gtin(&Cleaned::new(value), false)
}

/// [`parse`] as validator.js's `isEAN` reads numbers: 8, 13 or 14 digits, so a 12-digit UPC-A
/// is refused, with the EAN-13 it stands for (a leading 0) in the hint. python-stdnum, and
/// [`parse`], read it as a UPC-A.
///
/// ```
/// let err = serialkit::ids::gtin::parse_strict("036000291452").unwrap_err();
/// assert_eq!(err.message(), "12 digits is a upc-a, not an ean");
/// assert_eq!(err.hint(), Some("an ean has 8, 13 or 14 digits: write this upc-a as the ean-13 0036000291452"));
/// assert!(serialkit::ids::gtin::parse_strict("0036000291452").is_ok());
/// ```
pub fn parse_strict(value: &str) -> Result<Decoded, Problem> {
    read_gtin(&Cleaned::new(value), true)
}

/// [`parse`] (or [`parse_strict`]) of a value already cleaned.
pub(crate) fn read_gtin(cleaned: &Cleaned, strict: bool) -> Result<Decoded, Problem> {
    let text = Text::new(cleaned, "the digits under the barcode")?;
    let digits = decimal_digits(&text, SEPARATORS, "a gtin")?;
    let n = digits.len();
    let format = match n {
        8 => "gtin-8",
        12 if strict => {
            let compact = &digits.compact;
            return Err(Problem::new(
                ProblemKind::TooShort,
                text.span(digits.at(&text, 0), digits.at(&text, n - 1) + 1),
                "12 digits is a upc-a, not an ean",
            )
            .with_hint(format!("an ean has 8, 13 or 14 digits: write this upc-a as the ean-13 0{compact}")));
        }
        12 => "upc-a",
        13 => "gtin-13",
        14 => "gtin-14",
        _ if n < 14 => {
            return Err(Problem::new(
                ProblemKind::TooShort,
                text.end(),
                format!("too short: {n} digits, a gtin has 8, 12, 13 or 14"),
            )
            .with_hint("type every digit under the barcode, including the small ones at either side"));
        }
        _ => {
            return Err(Problem::new(
                ProblemKind::TooLong,
                text.span(digits.at(&text, 14), text.len()),
                format!("too long: {n} digits, a gtin has at most 14"),
            ));
        }
    };
    let compact = &digits.compact;
    verify_mod10(&text, compact, || digits.at(&text, n - 1))?;
    let mut fields = Fields::default();
    let mut reasons = Reasons::written();
    reasons.push_with(|text| {
        push_count(text, n);
        text.push_str(" digits");
    });
    reasons.push(format_args!("gs1 check digit matches"));
    let gtin14 = format!("{compact:0>14}");
    fields.text("gtin", gtin14.as_str()).text("check_digit", &compact[n - 1..]);
    let mut confidence: f64 = match n {
        8 => 0.6,
        14 => 0.75,
        _ => 0.85,
    };
    if n == 8 {
        let prefix = &compact[..3];
        fields.text("prefix", prefix);
        let org = match prefix.as_bytes()[0] {
            b'0' | b'2' => Some("restricted circulation"),
            _ => organization(prefix),
        };
        if let Some(org) = org {
            fields.text("organization", org);
        }
    } else {
        if n == 14 {
            fields.int("indicator", i64::from(super::digit_value(digits.char(0))));
        }
        prefix_fields(&mut fields, &mut reasons, &gtin14[1..]);
        if &gtin14[1..4] == "978" {
            let body = &gtin14[4..13];
            let check = Algorithm::IsbnMod11.check(body).unwrap_or_default();
            fields.text("isbn10", format!("{body}{check}"));
        }
    }
    if compact.bytes().all(|b| b == b'0') {
        reasons.push(format_args!("all zeros: a placeholder, not a product"));
        confidence = 0.1;
    }
    Ok(decoded(Kind::Gtin, format, digits.compact, confidence, reasons.into_text(), fields))
}

/// Reads an 8-digit UPC-E (number system 0 or 1, six digits, check digit) and expands it to the
/// UPC-A it stands for (GS1 General Specifications §5.2.2.4.2).
///
/// ```
/// let upc = serialkit::ids::gtin::parse_upc_e("04252614").unwrap();
/// assert_eq!(upc.fields["upc_a"].to_string(), "042100005264");
/// ```
pub fn parse_upc_e(value: &str) -> Result<Decoded, Problem> {
    read_upc_e(&Cleaned::new(value))
}

/// [`parse_upc_e`] of a value already cleaned.
pub(crate) fn read_upc_e(cleaned: &Cleaned) -> Result<Decoded, Problem> {
    let text = Text::new(cleaned, "the 8 digits under the UPC-E barcode")?;
    let digits = decimal_digits(&text, SEPARATORS, "a upc-e")?;
    let n = digits.len();
    if n != 8 {
        let (kind, span, what) = match n < 8 {
            true => (ProblemKind::TooShort, text.end(), "too short"),
            false => (ProblemKind::TooLong, text.span(digits.at(&text, 8), text.len()), "too long"),
        };
        return Err(Problem::new(kind, span, format!("{what}: {n} digits, a upc-e has 8")));
    }
    let first = digits.char(0);
    if first != '0' && first != '1' {
        let at = digits.at(&text, 0);
        return Err(Problem::new(
            ProblemKind::InvalidCharacter,
            text.span(at, at + 1),
            format!("'{first}' cannot start a upc-e: its number system is 0 or 1"),
        ));
    }
    let upc_a = expand_upc_e(&digits.compact);
    let expected = Algorithm::Gs1Mod10.check(&upc_a[..11]).unwrap_or_default();
    let found = digits.char(7);
    if !expected.is(found) {
        return Err(check_digit_problem(&text, digits.at(&text, 7), expected.as_str(), found));
    }
    let mut fields = Fields::default();
    let mut reasons = Reasons::written();
    reasons.push(format_args!("8 digits, number system 0 or 1"));
    reasons.push(format_args!("check digit of the upc-a matches"));
    fields
        .text("upc_a", upc_a.clone())
        .text("gtin", format!("{upc_a:0>14}"))
        .text("check_digit", found.to_string());
    prefix_fields(&mut fields, &mut reasons, &format!("0{upc_a}"));
    Ok(decoded(Kind::Gtin, "upc-e", digits.compact, 0.5, reasons.into_text(), fields))
}

/// The UPC-A for an 8-digit UPC-E: zeros restored where the last body digit says.
fn expand_upc_e(upc_e: &str) -> String {
    let d: Vec<char> = upc_e.chars().collect();
    let s = |r: std::ops::Range<usize>| d[r].iter().collect::<String>();
    let (ns, check) = (d[0], d[7]);
    match d[6] {
        '0'..='2' => format!("{ns}{}{}0000{}{check}", s(1..3), d[6], s(3..6)),
        '3' => format!("{ns}{}00000{}{check}", s(1..4), s(4..6)),
        '4' => format!("{ns}{}00000{}{check}", s(1..5), d[5]),
        _ => format!("{ns}{}0000{}{check}", s(1..6), d[6]),
    }
}

/// Reads an ISBN-10 (nine digits and a mod 11 check character, `X` for 10) or an ISBN-13 (978 or
/// 979 and an EAN check digit), hyphens and spaces allowed.
///
/// Fields: `isbn13` for an ISBN-10, `isbn10` for a 978 ISBN-13, `gtin`, `check_digit`.
///
/// ```
/// let isbn = serialkit::ids::gtin::parse_isbn("1-85798-218-5").unwrap();
/// assert_eq!(isbn.fields["isbn13"].to_string(), "9781857982183");
/// ```
pub fn parse_isbn(value: &str) -> Result<Decoded, Problem> {
    read_isbn(&Cleaned::new(value))
}

/// [`parse_isbn`] of a value already cleaned.
pub(crate) fn read_isbn(cleaned: &Cleaned) -> Result<Decoded, Problem> {
    let text = Text::new(cleaned, "the ISBN printed on the back cover or the copyright page")?;
    let chars = text.without(SEPARATORS);
    let n = chars.len();
    for (i, &(c, at)) in chars.iter().enumerate() {
        let x_allowed = n == 10 && i == 9 && matches!(c, 'x' | 'X');
        if !c.is_ascii_digit() && !x_allowed {
            let p = not_a_digit(&text, at, c, "an isbn");
            return Err(if look_alike(c) {
                p
            } else {
                p.with_hint("an isbn has only digits, and X as the last of ten")
            });
        }
    }
    let compact: String = chars.iter().map(|&(c, _)| c.to_ascii_uppercase()).collect();
    let mut fields = Fields::default();
    let mut reasons = Reasons::written();
    match n {
        10 => {
            let expected = Algorithm::IsbnMod11.check(&compact[..9]).unwrap_or_default();
            let (found, at) = chars[9];
            if !expected.is(found.to_ascii_uppercase()) {
                return Err(check_digit_problem(&text, at, expected.as_str(), found));
            }
            let body = format!("978{}", &compact[..9]);
            let isbn13 = format!("{body}{}", Algorithm::Gs1Mod10.check(&body).unwrap_or_default());
            fields
                .text("gtin", format!("0{isbn13}"))
                .text("isbn13", isbn13)
                .text("check_digit", expected.as_str());
            reasons.push(format_args!("10 characters, isbn mod 11 check digit matches"));
            Ok(decoded(Kind::Isbn, "isbn-10", compact, 0.8, reasons.into_text(), fields))
        }
        13 => {
            let prefix = &compact[..3];
            if prefix != "978" && prefix != "979" {
                return Err(Problem::new(
                    ProblemKind::UnknownCode,
                    text.span(chars[0].1, chars[2].1 + 1),
                    format!("an isbn-13 starts with 978 or 979, not {prefix}"),
                )
                .with_hint("this may be another product's gtin; books use the 978 and 979 prefixes"));
            }
            verify_mod10(&text, &compact, || chars[12].1)?;
            fields.text("gtin", format!("0{compact}")).text("check_digit", &compact[12..]);
            if prefix == "978" {
                let body = &compact[3..12];
                let check = Algorithm::IsbnMod11.check(body).unwrap_or_default();
                fields.text("isbn10", format!("{body}{check}"));
            }
            reasons.push(format_args!("13 digits starting with {prefix}, gs1 check digit matches"));
            Ok(decoded(Kind::Isbn, "isbn-13", compact, 0.85, reasons.into_text(), fields))
        }
        _ if n < 13 => {
            let problem = Problem::new(
                ProblemKind::TooShort,
                text.end(),
                format!("too short: {n} characters, an isbn has 10 or 13"),
            );
            // python-stdnum reads 9 as an SBN; serialkit asks for it to be written out.
            Err(match n {
                9 => problem.with_hint("a 9-digit SBN (books before 1974) is the ISBN-10 with a leading 0"),
                _ => problem,
            })
        }
        _ => Err(Problem::new(
            ProblemKind::TooLong,
            text.span(chars[13].1, text.len()),
            format!("too long: {n} characters, an isbn has 10 or 13"),
        )),
    }
}

fn look_alike(c: char) -> bool {
    super::look_alike_digit(c).is_some()
}

/// `prefix` and `organization` for the GS1 prefix of a GTIN-13.
fn prefix_fields(fields: &mut Fields, reasons: &mut Reasons, gtin13: &str) {
    let prefix = &gtin13[..3];
    fields.text("prefix", prefix);
    match organization(prefix) {
        Some(org) => {
            fields.text("organization", org);
        }
        None => reasons.push(format_args!("gs1 prefix {prefix} is not in the built-in table")),
    }
}

/// Checks the last digit of `compact` (the digits; `last_at` finds the last one's cleaned
/// index for the problem) with GS1 mod 10.
fn verify_mod10(text: &Text, compact: &str, last_at: impl FnOnce() -> usize) -> Result<(), Problem> {
    let (body, last) = compact.split_at(compact.len() - 1);
    let expected = Algorithm::Gs1Mod10.check(body).unwrap_or_default();
    if expected.as_str() != last {
        let found = last.chars().next().unwrap_or_default();
        return Err(check_digit_problem(text, last_at(), expected.as_str(), found));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Span;

    #[track_caller]
    fn err(result: Result<Decoded, Problem>, message: &str, span: (usize, usize)) -> Problem {
        let p = result.expect_err("should be invalid");
        assert_eq!(p.message(), message);
        assert_eq!(p.span(), Span::new(span.0, span.1));
        p
    }

    #[test]
    fn prefix_table_is_sorted_and_disjoint() {
        assert!(PREFIXES.iter().all(|&(lo, hi, _)| lo <= hi && hi <= 999));
        assert!(PREFIXES.windows(2).all(|w| w[0].1 < w[1].0));
    }

    #[test]
    fn organizations() {
        assert_eq!(organization("012"), Some("GS1 US"));
        assert_eq!(organization("471"), Some("GS1 Taiwan"));
        assert_eq!(organization("472"), None);
        assert_eq!(organization("950"), Some("GS1 Global Office"));
        assert_eq!(organization("9"), None);
    }

    #[test]
    fn lengths_and_formats() {
        // python-stdnum stdnum/ean.py docstring.
        assert_eq!(parse("73513537").unwrap().format, "gtin-8");
        assert_eq!(parse("978-0-471-11709-4").unwrap().format, "gtin-13");
        let d = parse("98412345678908").unwrap();
        assert_eq!((d.format.as_str(), d.fields["indicator"].to_string()), ("gtin-14", "9".into()));
        let d = parse("036000291452").unwrap();
        assert_eq!(d.format, "upc-a");
        assert_eq!(d.fields["gtin"].to_string(), "00036000291452");
        assert_eq!(d.fields["organization"].to_string(), "GS1 US");
    }

    #[test]
    fn gtin_problems() {
        let p = err(parse("4006381333932"), "check digit should be 1, not 2", (12, 13));
        assert_eq!(p.kind(), ProblemKind::CheckDigit);
        err(parse("40063813339"), "too short: 11 digits, a gtin has 8, 12, 13 or 14", (11, 11));
        err(parse("40063813339310"), "check digit should be 4, not 0", (13, 14));
        err(parse("400638133393100"), "too long: 15 digits, a gtin has at most 14", (14, 15));
        err(parse("40O6381333931"), "'O' cannot appear in a gtin", (2, 3));
    }

    #[test]
    fn strict_reading_refuses_a_upc_a() {
        // validator.js's isEAN: 8, 13 or 14 digits. The span covers the digits, not the spaces.
        let p = err(parse_strict(" 0 36000 29145 2"), "12 digits is a upc-a, not an ean", (1, 16));
        assert_eq!(p.kind(), ProblemKind::TooShort);
        assert_eq!(
            p.hint(),
            Some("an ean has 8, 13 or 14 digits: write this upc-a as the ean-13 0036000291452")
        );
        // The EAN-13 the hint suggests is valid, and names the same product as the UPC-A.
        let ean = parse_strict("0036000291452").unwrap();
        let upc = parse("036000291452").unwrap();
        assert_eq!(ean.fields["gtin"], upc.fields["gtin"]);
        for other in ["73513537", "4006381333931", "98412345678908"] {
            assert_eq!(parse_strict(other), parse(other), "{other}");
        }
    }

    #[test]
    fn upc_e_expansion() {
        // biip's upc module docstring: 04252614 ↔ 042100005264.
        let d = parse_upc_e("04252614").unwrap();
        assert_eq!(d.fields["upc_a"].to_string(), "042100005264");
        assert_eq!(d.fields["gtin"].to_string(), "00042100005264");
        for (e, a) in [
            ("01234505", "012000003455"),
            ("01234531", "012300000451"),
            ("01234543", "012340000053"),
            ("01234558", "012345000058"),
        ] {
            assert_eq!(expand_upc_e(e), a, "{e}");
        }
        err(parse_upc_e("24252614"), "'2' cannot start a upc-e: its number system is 0 or 1", (0, 1));
        err(parse_upc_e("04252615"), "check digit should be 4, not 5", (7, 8));
    }

    #[test]
    fn isbn() {
        // python-stdnum stdnum/isbn.py docstring.
        let d = parse_isbn("978-9024538270").unwrap();
        assert_eq!((d.format.as_str(), d.normalized.as_str()), ("isbn-13", "9789024538270"));
        err(parse_isbn("978-9024538271"), "check digit should be 0, not 1", (13, 14));
        let d = parse_isbn("1-85798-218-5").unwrap();
        assert_eq!(d.fields["isbn13"].to_string(), "9781857982183");
        let d = parse_isbn("978-1-85798-218-3").unwrap();
        assert_eq!(d.fields["isbn10"].to_string(), "1857982185");
        let d = parse_isbn("0-8044-2957-x").unwrap();
        assert_eq!(d.normalized, "080442957X");
        err(parse_isbn("123-4-56789-012-8"), "an isbn-13 starts with 978 or 979, not 123", (0, 3));
        err(parse_isbn("1-85798-21X-5"), "'X' cannot appear in an isbn", (10, 11));
        // python-stdnum's SBN 85152-629-2 is the ISBN-10 0-85152-629-2: asked for in full.
        let p = err(parse_isbn("85152-629-2"), "too short: 9 characters, an isbn has 10 or 13", (11, 11));
        assert_eq!(p.hint(), Some("a 9-digit SBN (books before 1974) is the ISBN-10 with a leading 0"));
        assert_eq!(parse_isbn("0-85152-629-2").unwrap().normalized, "0851526292");
    }
}
