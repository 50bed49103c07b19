//! Mobile equipment identities: IMEI and IMEISV (3GPP TS 23.003 §6.2), MEID (3GPP2 S.R0048) and
//! SIM card numbers (ICCID, ITU-T E.118).
//!
//! Digits may be grouped with spaces or `-` as they are printed (`35-209900-176148-1`).

use super::{Fields, Text, check_digit_problem, decimal_digits, decoded, not_a_digit};
use crate::check_digit::Algorithm;
use crate::decode::{Decoded, Detail, Kind, Reasons, push_count};
use crate::error::{Problem, ProblemKind, Shown};
use crate::normalize::Cleaned;

const SEPARATORS: &[char] = &[' ', '-'];

/// Reads an IMEI (15 digits with a Luhn check digit, or 14 without it) or an IMEISV (16 digits:
/// the software version replaces the check digit).
///
/// ```
/// let imei = serialkit::ids::imei::parse_imei("35-209900-176148-1").unwrap();
/// assert_eq!(imei.format, "imei");
/// assert_eq!(imei.fields["tac"].to_string(), "35209900");
/// let err = serialkit::ids::imei::parse_imei("35-209900-176148-2").unwrap_err();
/// assert_eq!(err.message(), "check digit should be 1, not 2");
/// ```
pub fn parse_imei(value: &str) -> Result<Decoded, Problem> {
    read_imei(&Cleaned::new(value), Detail::Full)
}

/// [`parse_imei`] of a value already cleaned.
pub(crate) fn read_imei(cleaned: &Cleaned, detail: Detail) -> Result<Decoded, Problem> {
    let text = Text::new(cleaned, "the 15-digit IMEI (dial *#06#)")?;
    let digits = decimal_digits(&text, SEPARATORS, "an imei")?;
    let n = digits.len();
    if n < 14 {
        return Err(Problem::new(
            ProblemKind::TooShort,
            text.end(),
            format!("too short: {n} digits, an imei has 15"),
        )
        .with_hint("an imei has 15 digits: 8 for the model (TAC), 6 for the unit and a check digit"));
    }
    if n > 16 {
        return Err(Problem::new(
            ProblemKind::TooLong,
            text.span(digits.at(&text, 16), text.len()),
            format!("too long: {n} digits, an imei has 15 (16 for an imeisv)"),
        ));
    }
    let compact = &digits.compact;
    let (tac, serial, rest) = (&compact[..8], &compact[8..14], &compact[14..]);
    let mut fields = Fields::of(detail);
    fields.text("tac", tac).text("serial", serial).text("reporting_body", &compact[..2]);
    let mut reasons = Reasons::of(detail);
    reasons.push_with(|text| {
        push_count(text, n);
        text.push_str(" digits");
    });
    let (kind, format, confidence) = match n {
        15 => {
            let expected = Algorithm::Luhn.check(&compact[..14]).unwrap_or_default();
            if expected.as_str() != rest {
                let at = digits.at(&text, 14);
                return Err(check_digit_problem(&text, at, expected.as_str(), digits.char(14)));
            }
            fields.text("check_digit", rest);
            reasons.push(format_args!("luhn check digit matches"));
            (Kind::Imei, "imei", 0.9)
        }
        14 => {
            // Not on the value: what its check digit would be, named apart from a given one.
            let expected = Algorithm::Luhn.check(compact).unwrap_or_default();
            fields.text("computed_check_digit", expected.as_str());
            reasons.push(format_args!("no check digit to verify (14 digits)"));
            (Kind::Imei, "imei", 0.5)
        }
        _ => {
            fields.text("svn", rest);
            reasons.push(format_args!("software version number instead of a check digit"));
            (Kind::Imeisv, "imeisv", 0.7)
        }
    };
    Ok(decoded(kind, format, digits.compact, confidence, reasons.into_text(), fields))
}

/// Reads a MEID: 14 hex digits (optionally a 15th, the Luhn mod 16 check digit) or the 18-digit
/// decimal form (optionally a 19th, a Luhn check digit).
///
/// Fields: `manufacturer_code` (8 hex digits, the first two are the region code), `serial` (6 hex
/// digits), `meid_hex` and `meid_dec` (both forms without check digit), `pseudo_esn` and
/// `pseudo_esn_dec` (the 32-bit ESN that networks expecting an ESN derive from the MEID: `80` and
/// the low 24 bits of the SHA-1 of its 56 bits, per 3GPP2 X.S0008) and `check_digit` when
/// given. A 14-digit hex form of decimal digits only is also an IMEI body, and is checked with
/// the decimal Luhn algorithm, as python-stdnum does.
///
/// ```
/// let meid = serialkit::ids::imei::parse_meid("29360 87365 0070 3710 0").unwrap();
/// assert_eq!(meid.fields["meid_hex"].to_string(), "AF0123450ABCDE");
/// assert_eq!(meid.fields["pseudo_esn"].to_string(), "8016B128");
/// ```
pub fn parse_meid(value: &str) -> Result<Decoded, Problem> {
    read_meid(&Cleaned::new(value))
}

/// [`parse_meid`] of a value already cleaned.
pub(crate) fn read_meid(cleaned: &Cleaned) -> Result<Decoded, Problem> {
    let text = Text::new(cleaned, "the MEID (14 hex digits or 18 decimal digits)")?;
    let chars = text.without(SEPARATORS);
    let all_decimal = chars.iter().all(|(c, _)| c.is_ascii_digit());
    let n = chars.len();
    if let Some(&(c, at)) = chars.iter().find(|(c, _)| !c.is_ascii_hexdigit()) {
        // A MEID is hex: the digits-only hint of the decimal families would mislead.
        let hint = match super::look_alike_digit(c) {
            Some(d) => format!("a meid has only hex digits 0-9 and A-F — did you mean {d}?"),
            None => "a meid has only hex digits 0-9 and A-F (or 18 decimal digits), optionally grouped with spaces or '-'".into(),
        };
        return Err(Problem::new(
            ProblemKind::InvalidCharacter,
            text.span(at, at + 1),
            format!("{} cannot appear in a meid", Shown(c)),
        )
        .with_hint(hint));
    }
    let compact: String = chars.iter().map(|(c, _)| c.to_ascii_uppercase()).collect();
    let mut reasons = Reasons::written();
    let (format, hex, check_len) = match n {
        14 | 15 => ("meid-hex", compact[..14].to_string(), n - 14),
        18 | 19 if all_decimal => {
            let (maker, serial) = (&compact[..10], &compact[10..18]);
            let maker_value: u64 = maker.parse().unwrap_or(u64::MAX);
            let serial_value: u64 = serial.parse().unwrap_or(u64::MAX);
            if maker_value > 0xFFFF_FFFF {
                return Err(Problem::new(
                    ProblemKind::OutOfRange,
                    text.span(chars[0].1, chars[9].1 + 1),
                    format!("manufacturer code {maker} is out of range (at most 4294967295)"),
                ));
            }
            if serial_value > 0xFF_FFFF {
                return Err(Problem::new(
                    ProblemKind::OutOfRange,
                    text.span(chars[10].1, chars[17].1 + 1),
                    format!("serial {serial} is out of range (at most 16777215)"),
                ));
            }
            ("meid-dec", format!("{maker_value:08X}{serial_value:06X}"), n - 18)
        }
        16..=19 if !all_decimal => {
            return Err(Problem::new(
                ProblemKind::TooLong,
                text.span(chars[15].1, text.len()),
                format!("too long: {n} hex digits, a meid has 14 (15 with its check digit)"),
            ));
        }
        _ if n < 14 => {
            return Err(Problem::new(
                ProblemKind::TooShort,
                text.end(),
                format!("too short: {n} digits, a meid has 14 hex digits"),
            ));
        }
        _ => {
            let hint_at = if all_decimal { 18 } else { 14 };
            return Err(Problem::new(
                ProblemKind::TooLong,
                text.span(chars[hint_at.min(n - 1)].1, text.len()),
                format!("wrong length: {n} digits, a meid has 14 hex or 18 decimal digits"),
            ));
        }
    };
    let body = &compact[..n - check_len];
    // Why it reads as a MEID at all, as the IMEI's reading says its digit count.
    reasons.push_with(|text| {
        push_count(text, n);
        text.push_str(if format == "meid-hex" { " hex digits" } else { " decimal digits" });
    });
    if check_len == 0 {
        reasons.push(format_args!("no check digit to verify"));
    }
    let mut fields = Fields::default();
    if check_len == 1 {
        let algorithm =
            if body.bytes().all(|b| b.is_ascii_digit()) { Algorithm::Luhn } else { Algorithm::LuhnMod16 };
        let expected = algorithm.check(body).unwrap_or_default();
        let (found, at) = chars[n - 1];
        if !expected.is(found.to_ascii_uppercase()) {
            return Err(check_digit_problem(&text, at, expected.as_str(), found));
        }
        fields.text("check_digit", expected.as_str());
        reasons.push(format_args!("luhn check digit matches"));
    }
    let maker = u64::from_str_radix(&hex[..8], 16).unwrap_or(0);
    let serial = u64::from_str_radix(&hex[8..], 16).unwrap_or(0);
    fields
        .text("region_code", &hex[..2])
        .text("manufacturer_code", &hex[..8])
        .text("serial", &hex[8..])
        .text("meid_hex", hex.clone())
        .text("meid_dec", format!("{maker:010}{serial:08}"));
    let pseudo = pseudo_esn((maker << 24) | serial);
    fields
        .text("pseudo_esn", format!("{pseudo:08X}"))
        .text("pseudo_esn_dec", format!("{:03}{:08}", pseudo >> 24, pseudo & 0xFF_FFFF));
    let mut confidence: f64 = if check_len == 1 { 0.85 } else { 0.6 };
    if format == "meid-hex" && all_decimal {
        reasons.push(format_args!("only decimal digits: also an imei"));
        confidence -= 0.3;
    }
    if format == "meid-hex" && !(hex.starts_with('A') || hex.starts_with('9')) {
        reasons.push(format_args!("region code outside A0–FF and 99 (MEIDs assigned so far)"));
        confidence -= 0.2;
    }
    Ok(decoded(Kind::Meid, format, compact, confidence, reasons.into_text(), fields))
}

/// The pseudo-ESN of a 56-bit MEID: the manufacturer code 0x80 and the low 24 bits of the
/// SHA-1 of the MEID's 7 bytes.
fn pseudo_esn(meid: u64) -> u32 {
    let digest = sha1_smol::Sha1::from(&meid.to_be_bytes()[1..]).digest().bytes();
    0x8000_0000 | u32::from_be_bytes([0, digest[17], digest[18], digest[19]])
}

/// Reads an ICCID (SIM card number): `89`, country code, issuer and account, 19 or 20 digits
/// with a final Luhn check digit. An `F` filler that modems append is dropped.
///
/// ```
/// let sim = serialkit::ids::imei::parse_iccid("8931 4101 0654 3789 306").unwrap();
/// assert_eq!(sim.normalized, "8931410106543789306");
/// ```
pub fn parse_iccid(value: &str) -> Result<Decoded, Problem> {
    read_iccid(&Cleaned::new(value))
}

/// [`parse_iccid`] of a value already cleaned.
pub(crate) fn read_iccid(cleaned: &Cleaned) -> Result<Decoded, Problem> {
    let text = Text::new(cleaned, "the ICCID printed on the SIM card (19 or 20 digits)")?;
    let mut chars = text.without(SEPARATORS);
    let filler = chars.last().is_some_and(|(c, _)| matches!(c, 'F' | 'f')) && chars.len() > 1;
    if filler {
        chars.pop();
    }
    if let Some(&(c, at)) = chars.iter().find(|(c, _)| !c.is_ascii_digit()) {
        return Err(not_a_digit(&text, at, c, "an iccid"));
    }
    if let Some(&(c, at)) = chars.iter().zip("89".chars()).find(|((c, _), want)| c != want).map(|(x, _)| x) {
        return Err(Problem::new(
            ProblemKind::InvalidCharacter,
            text.span(at, at + 1),
            format!("{} cannot appear here: an iccid starts with 89", Shown(c)),
        )
        .with_hint("89 is the telecommunications industry code every SIM number starts with"));
    }
    let n = chars.len();
    if n < 19 {
        return Err(Problem::new(
            ProblemKind::TooShort,
            text.end(),
            format!("too short: {n} digits, an iccid has 19 or 20"),
        ));
    }
    if n > 20 {
        return Err(Problem::new(
            ProblemKind::TooLong,
            text.span(chars[20].1, text.len()),
            format!("too long: {n} digits, an iccid has 19 or 20"),
        ));
    }
    let compact: String = chars.iter().map(|&(c, _)| c).collect();
    let expected = Algorithm::Luhn.check(&compact[..n - 1]).unwrap_or_default();
    let (found, at) = chars[n - 1];
    if !expected.is(found) {
        return Err(check_digit_problem(&text, at, expected.as_str(), found));
    }
    let mut reasons = Reasons::written();
    reasons.push(format_args!("{n} digits starting with 89"));
    if filler {
        reasons.push(format_args!("filler F removed"));
    }
    reasons.push(format_args!("luhn check digit matches"));
    let mut fields = Fields::default();
    fields.text("industry", "89").text("check_digit", expected.as_str()).text("account", &compact[2..n - 1]);
    Ok(decoded(Kind::Iccid, "iccid", compact, 0.9, reasons.into_text(), fields))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Span;

    #[track_caller]
    fn problem(result: Result<Decoded, Problem>, message: &str, span: (usize, usize)) -> Problem {
        let p = result.expect_err("should be invalid");
        assert_eq!(p.message(), message);
        assert_eq!(p.span(), Span::new(span.0, span.1));
        p
    }

    #[test]
    fn imei_fields() {
        let d = parse_imei("490154203237518").unwrap();
        assert_eq!(
            (d.kind, d.format.as_str(), d.normalized.as_str()),
            (Kind::Imei, "imei", "490154203237518")
        );
        assert_eq!(d.fields["tac"].to_string(), "49015420");
        assert_eq!(d.fields["serial"].to_string(), "323751");
        assert_eq!(d.fields["check_digit"].to_string(), "8");
    }

    #[test]
    fn meid_hints_speak_of_hex() {
        let p = problem(parse_meid("AF0123450ABCDG"), "'G' cannot appear in a meid", (13, 14));
        assert_eq!(
            p.hint(),
            Some(
                "a meid has only hex digits 0-9 and A-F (or 18 decimal digits), optionally grouped with spaces or '-'"
            )
        );
        let p = problem(parse_meid("AF0123450ABCDO"), "'O' cannot appear in a meid", (13, 14));
        assert_eq!(p.hint(), Some("a meid has only hex digits 0-9 and A-F — did you mean 0?"));
    }

    #[test]
    fn imeisv_and_imei_without_check_digit() {
        // python-stdnum stdnum/imei.py docstring.
        let d = parse_imei("35686800-004141-20").unwrap();
        assert_eq!((d.kind, d.format.as_str()), (Kind::Imeisv, "imeisv"));
        assert_eq!(d.fields["svn"].to_string(), "20");
        // 14 digits: no check digit given; the one it would have is named apart.
        let d = parse_imei("35686800-004141").unwrap();
        assert_eq!(d.fields["computed_check_digit"].to_string(), "8");
        assert!(!d.fields.contains_key("check_digit"));
    }

    #[test]
    fn imei_problems_point_at_the_culprit() {
        // python-stdnum: 35-417803-685978-1 has a bad check digit (9 is right).
        let p = problem(parse_imei("35-417803-685978-1"), "check digit should be 9, not 1", (17, 18));
        assert_eq!(p.kind(), ProblemKind::CheckDigit);
        let p = problem(parse_imei("3541780368597O9"), "'O' cannot appear in an imei", (13, 14));
        assert_eq!(p.hint(), Some("an imei has only digits — did you mean 0?"));
        problem(
            parse_imei("35417803685978912"),
            "too long: 17 digits, an imei has 15 (16 for an imeisv)",
            (16, 17),
        );
        problem(parse_imei("1234567890123"), "too short: 13 digits, an imei has 15", (13, 13));
    }

    #[test]
    fn meid_forms() {
        // python-stdnum stdnum/meid.py docstring.
        let d = parse_meid("AF 01 23 45 0A BC DE C").unwrap();
        assert_eq!((d.format.as_str(), d.normalized.as_str()), ("meid-hex", "AF0123450ABCDEC"));
        assert_eq!(d.fields["meid_dec"].to_string(), "293608736500703710");
        assert_eq!(d.fields["region_code"].to_string(), "AF");
        let d = parse_meid("29360 87365 0070 3710 0").unwrap();
        assert_eq!(d.format, "meid-dec");
        assert_eq!(d.fields["meid_hex"].to_string(), "AF0123450ABCDE");
        problem(parse_meid("29360 87365 0070 3710 1"), "check digit should be 0, not 1", (22, 23));
        problem(parse_meid("af0123450abcdeG"), "'G' cannot appear in a meid", (14, 15));
        problem(
            parse_meid("999999999900000000"),
            "manufacturer code 9999999999 is out of range (at most 4294967295)",
            (0, 10),
        );
    }

    #[test]
    fn iccid() {
        // Constructed: a 19-digit body with its Luhn digit, and a modem's F filler.
        let d = parse_iccid("89310410106543789305F").unwrap();
        assert_eq!(d.normalized, "89310410106543789305");
        assert_eq!(d.fields["check_digit"].to_string(), "5");
        problem(parse_iccid("89310410106543789301"), "check digit should be 5, not 1", (19, 20));
        problem(
            parse_iccid("9931041010654378930"),
            "'9' cannot appear here: an iccid starts with 89",
            (0, 1),
        );
    }
}
