//! Check-character algorithms, by the names rule files use.
//!
//! Each algorithm computes the check character(s) for a body; [`Algorithm::verify`] compares them with the
//! end of a value. Bodies are upper-case ASCII; anything outside an algorithm's alphabet gives
//! `None`, never a panic.

/// The algorithms, by rule-file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// Luhn over decimal digits (IMEI, ICCID, payment cards).
    Luhn,
    /// Luhn mod 16 over hex digits (MEID).
    LuhnMod16,
    /// Luhn mod 36 over `0-9A-Z`.
    LuhnMod36,
    /// GS1 mod 10: weights 3,1,3,… from the right (GTIN, UPC, EAN, ISBN-13).
    Gs1Mod10,
    /// ISBN-10: Σ i·dᵢ mod 11, 10 written `X`.
    IsbnMod11,
    /// ISO 7064 MOD 11-2 (one check character, `X` for 10).
    Iso7064Mod11_2,
    /// ISO 7064 MOD 37-2 (one check character from `0-9A-Z*`).
    Iso7064Mod37_2,
    /// ISO 7064 MOD 37,36 (one check character from `0-9A-Z`).
    Iso7064Mod37_36,
    /// ISO 7064 MOD 97-10 (two check digits).
    Iso7064Mod97_10,
    /// Verhoeff's dihedral-group check digit.
    Verhoeff,
    /// Damm's quasigroup check digit.
    Damm,
}

/// Every algorithm with its rule-file name.
pub const ALGORITHMS: &[(&str, Algorithm)] = &[
    ("damm", Algorithm::Damm),
    ("gs1-mod-10", Algorithm::Gs1Mod10),
    ("isbn-mod-11", Algorithm::IsbnMod11),
    ("iso7064-mod-11-2", Algorithm::Iso7064Mod11_2),
    ("iso7064-mod-37-2", Algorithm::Iso7064Mod37_2),
    ("iso7064-mod-37-36", Algorithm::Iso7064Mod37_36),
    ("iso7064-mod-97-10", Algorithm::Iso7064Mod97_10),
    ("luhn", Algorithm::Luhn),
    ("luhn-mod-16", Algorithm::LuhnMod16),
    ("luhn-mod-36", Algorithm::LuhnMod36),
    ("verhoeff", Algorithm::Verhoeff),
];

const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

impl Algorithm {
    /// The algorithm a rule file calls `name`.
    pub fn by_name(name: &str) -> Option<Algorithm> {
        ALGORITHMS.iter().find(|(n, _)| *n == name).map(|&(_, a)| a)
    }

    /// How many check characters it appends.
    pub fn width(self) -> usize {
        if self == Algorithm::Iso7064Mod97_10 { 2 } else { 1 }
    }

    /// The check character(s) for `body`, or `None` if `body` has a character the algorithm
    /// cannot read or is empty.
    pub fn compute(self, body: &str) -> Option<String> {
        self.check(body).map(|c| c.as_str().to_string())
    }

    /// [`Algorithm::compute`] without allocating, for the per-value paths.
    pub(crate) fn check(self, body: &str) -> Option<Check> {
        if body.is_empty() {
            return None;
        }
        let one = |c: u8| Some(Check { bytes: [c, 0], len: 1 });
        match self {
            Algorithm::Luhn => one(ALNUM[luhn(body, 10)?]),
            Algorithm::LuhnMod16 => one(ALNUM[luhn(body, 16)?]),
            Algorithm::LuhnMod36 => one(ALNUM[luhn(body, 36)?]),
            Algorithm::Gs1Mod10 => one(ALNUM[gs1_mod10(body)?]),
            Algorithm::IsbnMod11 => one(b"0123456789X"[isbn_mod11(body)?]),
            Algorithm::Iso7064Mod11_2 => one(b"0123456789X"[pure_system(body, 11, 2, 10)?]),
            Algorithm::Iso7064Mod37_2 => {
                one(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"[pure_system(body, 37, 2, 36)?])
            }
            Algorithm::Iso7064Mod37_36 => one(ALNUM[hybrid_system(body, 36)?]),
            Algorithm::Iso7064Mod97_10 => {
                let n = mod97_10(body)? as u8;
                Some(Check { bytes: [b'0' + n / 10, b'0' + n % 10], len: 2 })
            }
            Algorithm::Verhoeff => one(b'0' + verhoeff(body)?),
            Algorithm::Damm => one(b'0' + damm(body)?),
        }
    }

    /// Whether `value` ends in the right check character(s) for the rest of it.
    pub fn verify(self, value: &str) -> bool {
        let w = self.width();
        value.is_ascii()
            && value.len() > w
            && self.check(&value[..value.len() - w]).is_some_and(|c| c.as_str() == &value[value.len() - w..])
    }
}

/// The check character(s) an algorithm computed: one or two ASCII characters (none for the
/// default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Check {
    bytes: [u8; 2],
    len: u8,
}

impl Check {
    /// Whether it is the one character `c`.
    pub(crate) fn is(&self, c: char) -> bool {
        self.as_str().chars().eq(std::iter::once(c))
    }

    /// The characters as text.
    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII digits, letters and '*' are ever stored.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The value of an alphanumeric character in `radix`, upper case only.
fn digit(c: u8, radix: u32) -> Option<usize> {
    (c as char).to_digit(radix).filter(|_| !c.is_ascii_lowercase()).map(|d| d as usize)
}

/// The values of `body`'s characters in `radix`, `None` for one outside it; read in either
/// direction without collecting them.
fn digits(body: &str, radix: u32) -> impl DoubleEndedIterator<Item = Option<usize>> + '_ {
    body.bytes().map(move |c| digit(c, radix))
}

/// Luhn mod n: double every second digit from the right of the body, add the digits of each
/// product in base n.
fn luhn(body: &str, n: u32) -> Option<usize> {
    let n = n as usize;
    let sum = digits(body, n as u32).rev().enumerate().try_fold(0, |sum, (i, d)| {
        let d = d?;
        let term = if i % 2 == 0 { 2 * d / n + 2 * d % n } else { d };
        Some(sum + term)
    })?;
    Some((n - sum % n) % n)
}

fn gs1_mod10(body: &str) -> Option<usize> {
    let sum = digits(body, 10)
        .rev()
        .enumerate()
        .try_fold(0, |sum, (i, d)| Some(sum + if i % 2 == 0 { 3 * d? } else { d? }))?;
    Some((10 - sum % 10) % 10)
}

fn isbn_mod11(body: &str) -> Option<usize> {
    let sum = digits(body, 10).enumerate().try_fold(0, |sum, (i, d)| Some(sum + (i + 1) * d?))?;
    Some(sum % 11)
}

/// ISO 7064 pure system with modulus `m` and radix `r`; `radix_chars` is how many input
/// characters have values (10 for digits, 36 for alphanumerics).
fn pure_system(body: &str, m: usize, r: usize, radix_chars: u32) -> Option<usize> {
    let p = digits(body, radix_chars).try_fold(0, |p, d| Some(((p + d?) * r) % m))?;
    Some((m + 1 - p) % m)
}

/// ISO 7064 hybrid system MOD (m+1, m).
fn hybrid_system(body: &str, m: usize) -> Option<usize> {
    let p = digits(body, m as u32).try_fold(m, |p, d| {
        let s = (p + d?) % m;
        Some((if s == 0 { m } else { s } * 2) % (m + 1))
    })?;
    Some((m + 1 - p) % m)
}

fn mod97_10(body: &str) -> Option<usize> {
    let r = digits(body, 10).try_fold(0, |r, d| Some((r * 10 + d?) % 97))?;
    // 98 − (body·100 mod 97) lies in 2..=98; reducing it mod 97 would give 00/01 for 97/98.
    Some(98 - (r * 100) % 97)
}

#[rustfmt::skip]
const VERHOEFF_D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
#[rustfmt::skip]
const VERHOEFF_P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const VERHOEFF_INV: [u8; 10] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

fn verhoeff(body: &str) -> Option<u8> {
    let c = digits(body, 10)
        .rev()
        .enumerate()
        .try_fold(0u8, |c, (i, d)| Some(VERHOEFF_D[c as usize][VERHOEFF_P[(i + 1) % 8][d?] as usize]))?;
    Some(VERHOEFF_INV[c as usize])
}

#[rustfmt::skip]
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9], [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5], [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

fn damm(body: &str) -> Option<u8> {
    digits(body, 10).try_fold(0u8, |i, d| Some(DAMM[i as usize][d?]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sorted_and_unique() {
        assert!(ALGORITHMS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn luhn_vectors() {
        // The Luhn article's classic example and an IMEI from 3GPP-style documentation.
        assert!(Algorithm::Luhn.verify("79927398713"));
        assert!(!Algorithm::Luhn.verify("79927398710"));
        assert!(Algorithm::Luhn.verify("490154203237518"));
    }

    #[test]
    fn gs1_vectors() {
        assert_eq!(Algorithm::Gs1Mod10.compute("400638133393").as_deref(), Some("1"));
        assert!(Algorithm::Gs1Mod10.verify("036000291452"));
    }

    // Published vectors from the docstrings of arthurdejong/python-stdnum (stdnum/luhn.py,
    // stdnum/iso7064/*.py, stdnum/verhoeff.py, stdnum/damm.py, stdnum/imei.py, stdnum/meid.py,
    // stdnum/ean.py, stdnum/isbn.py).

    #[test]
    fn luhn_stdnum_vectors() {
        // stdnum/luhn.py: calc_check_digit('7894') == '9'; validate('78949').
        assert_eq!(Algorithm::Luhn.compute("7894").as_deref(), Some("9"));
        assert!(Algorithm::Luhn.verify("78949"));
        assert!(!Algorithm::Luhn.verify("7894"));
        // stdnum/imei.py: 354178036859789 is valid, 35-417803-685978-1 is not; the 14-digit
        // 35686800004141 takes check digit 8.
        assert!(Algorithm::Luhn.verify("354178036859789"));
        assert!(!Algorithm::Luhn.verify("354178036859781"));
        assert_eq!(Algorithm::Luhn.compute("35686800004141").as_deref(), Some("8"));
        // stdnum/meid.py: the decimal MEID 293608736500703710 takes check digit 0.
        assert_eq!(Algorithm::Luhn.compute("293608736500703710").as_deref(), Some("0"));
    }

    #[test]
    fn luhn_mod16_stdnum_vectors() {
        // stdnum/meid.py: AF 01 23 45 0A BC DE takes check digit C (Luhn over hex digits).
        assert_eq!(Algorithm::LuhnMod16.compute("AF0123450ABCDE").as_deref(), Some("C"));
        assert!(Algorithm::LuhnMod16.verify("AF0123450ABCDEC"));
        // stdnum/luhn.py: checksum('1234', hex alphabet) is 14, so 1234 is not valid and its
        // check digit is the one that makes the sum 0.
        assert!(!Algorithm::LuhnMod16.verify("1234"));
        assert!(
            Algorithm::LuhnMod16.verify(&format!("1234{}", Algorithm::LuhnMod16.compute("1234").unwrap()))
        );
    }

    #[test]
    fn luhn_mod36_stdnum_vectors() {
        // stdnum/in_/gstin.py: an Indian GSTIN ends in a Luhn mod 36 check character over
        // 0-9A-Z; 27AAPFU0939F1ZV is valid and 27AAPFU0939F1ZO fails its checksum.
        assert_eq!(Algorithm::LuhnMod36.compute("27AAPFU0939F1Z").as_deref(), Some("V"));
        assert!(Algorithm::LuhnMod36.verify("27AAPFU0939F1ZV"));
        assert!(!Algorithm::LuhnMod36.verify("27AAPFU0939F1ZO"));
    }

    #[test]
    fn luhn_mod36_round_trips() {
        for body in ["ABC123", "Z9", "0000001"] {
            let check = Algorithm::LuhnMod36.compute(body).unwrap();
            assert!(Algorithm::LuhnMod36.verify(&format!("{body}{check}")), "{body}");
        }
    }

    #[test]
    fn gs1_mod10_stdnum_vectors() {
        // stdnum/ean.py: EAN-8, EAN-13 (an ISBN-13) and GTIN-14 examples.
        assert!(Algorithm::Gs1Mod10.verify("73513537"));
        assert!(Algorithm::Gs1Mod10.verify("9780471117094"));
        assert!(Algorithm::Gs1Mod10.verify("98412345678908"));
        // stdnum/isbn.py: 978-9024538270 is valid, 978-9024538271 is not.
        assert!(Algorithm::Gs1Mod10.verify("9789024538270"));
        assert!(!Algorithm::Gs1Mod10.verify("9789024538271"));
    }

    #[test]
    fn isbn_mod11_stdnum_vectors() {
        // stdnum/isbn.py: 1-85798-218-5 ↔ 978-1-85798-218-3.
        assert!(Algorithm::IsbnMod11.verify("1857982185"));
        assert_eq!(Algorithm::Gs1Mod10.compute("978185798218").as_deref(), Some("3"));
        assert!(!Algorithm::IsbnMod11.verify("1857982186"));
    }

    #[test]
    fn iso7064_mod11_2_stdnum_vectors() {
        // stdnum/iso7064/mod_11_2.py.
        assert_eq!(Algorithm::Iso7064Mod11_2.compute("0794").as_deref(), Some("0"));
        assert!(Algorithm::Iso7064Mod11_2.verify("07940"));
        assert_eq!(Algorithm::Iso7064Mod11_2.compute("079").as_deref(), Some("X"));
        assert!(Algorithm::Iso7064Mod11_2.verify("079X"));
    }

    #[test]
    fn iso7064_mod37_2_stdnum_vectors() {
        // stdnum/iso7064/mod_37_2.py.
        assert_eq!(Algorithm::Iso7064Mod37_2.compute("G123489654321").as_deref(), Some("Y"));
        assert!(Algorithm::Iso7064Mod37_2.verify("G123489654321Y"));
    }

    #[test]
    fn iso7064_mod37_36_stdnum_vectors() {
        // stdnum/iso7064/mod_37_36.py.
        assert_eq!(Algorithm::Iso7064Mod37_36.compute("A12425GABC1234002").as_deref(), Some("M"));
        assert!(Algorithm::Iso7064Mod37_36.verify("A12425GABC1234002M"));
    }

    #[test]
    fn iso7064_mod97_10_stdnum_vectors() {
        // stdnum/iso7064/mod_97_10.py.
        // stdnum's calc_check_digits takes the body with "00" appended; `compute` takes the body.
        assert_eq!(Algorithm::Iso7064Mod97_10.compute("99991234567890121414").as_deref(), Some("90"));
        assert!(Algorithm::Iso7064Mod97_10.verify("9999123456789012141490"));
        assert_eq!(Algorithm::Iso7064Mod97_10.compute("4354111611551114").as_deref(), Some("31"));
        assert!(Algorithm::Iso7064Mod97_10.verify("08686001256515001121751"));
        assert_eq!(Algorithm::Iso7064Mod97_10.compute("22181321402534321446701611").as_deref(), Some("35"));
        // Check digits run 02–98 (98 − body·100 mod 97), never 00 or 01.
        assert_eq!(Algorithm::Iso7064Mod97_10.compute("97").as_deref(), Some("98"));
        assert!(Algorithm::Iso7064Mod97_10.verify("9798"));
    }

    #[test]
    fn verhoeff_stdnum_vectors() {
        // stdnum/verhoeff.py.
        assert_eq!(Algorithm::Verhoeff.compute("1234").as_deref(), Some("0"));
        assert!(Algorithm::Verhoeff.verify("12340"));
        assert!(!Algorithm::Verhoeff.verify("1234"));
    }

    #[test]
    fn damm_stdnum_vectors() {
        // stdnum/damm.py.
        assert_eq!(Algorithm::Damm.compute("572").as_deref(), Some("4"));
        assert!(Algorithm::Damm.verify("5724"));
        assert!(!Algorithm::Damm.verify("572"));
    }

    #[test]
    fn rejects_foreign_characters_without_panicking() {
        for a in ALGORITHMS.iter().map(|&(_, a)| a) {
            assert_eq!(a.compute("12a"), None);
            assert_eq!(a.compute(""), None);
            assert!(!a.verify("é"));
            assert!(!a.verify("1"));
        }
    }
}
