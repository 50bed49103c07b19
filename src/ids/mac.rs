//! IEEE MAC addresses (EUI-48) and EUI-64 identifiers, in the notations people paste.
//!
//! Accepted, as netaddr's `eui48` strategy does:
//!
//! | notation     | example             |
//! |--------------|---------------------|
//! | `colon`      | `aa:bb:cc:dd:ee:ff` |
//! | `hyphen`     | `AA-BB-CC-DD-EE-FF` |
//! | `space`      | `AA BB CC DD EE FF` |
//! | `cisco`      | `aabb.ccdd.eeff`    |
//! | `postgresql` | `aabbcc:ddeeff`     |
//! | `bare`       | `AABBCCDDEEFF`      |
//!
//! and the same with 8 octets for EUI-64. Groups of the 6- and 8-group notations may drop a
//! leading zero (`d0:5:9:4:a2:a0`, as `ifconfig` on BSD and macOS prints them): netaddr accepts
//! them, validator.js does not; we accept them with `:` and `-` (not with spaces, where a short
//! group is more likely something else, such as a MEID's check digit) and say so in the reason.
//! Cisco groups may drop leading zeros as well (`1.2.3` reads as `0001.0002.0003`, as in
//! netaddr), and a PostgreSQL half one (`01b77:4954fd`, netaddr's `[0-9A-F]{5,6}`). [`write()`]
//! gives an address in any of these notations. A bare value must have exactly 12 (or 16) hex digits: netaddr also takes 11, we do
//! not. A value with more than one kind of separator is refused, with the span of the first
//! separator that differs.
//!
//! The organization the address was assigned to comes from the IEEE registries ([`super::oui`]),
//! by longest prefix. A locally administered address (second hex digit 2, 6, A or E) is not
//! assigned by the IEEE: phones randomize them per network, virtual machines and containers make
//! them up, so a lookup would name a random organization; such an address gets the reason
//! "no registered organization" instead, unless its prefix is one of the few early MA-L
//! assignments that have the local bit set. A group (multicast) address belongs to the holder of
//! the OUI with the group bit cleared (`01:00:5E` is IANA's `00:00:5E`), as IEEE 802 assigns it.

use super::oui::{self, MacRegistry};
use super::{Fields, Text};
use crate::decode::{Decoded, Detail, Kind, Reasons};
use crate::error::{Problem, ProblemKind, Shown};
use crate::normalize::Cleaned;

const SEPARATORS: &[char] = &[':', '-', '.', ' '];

/// Reads a MAC address or EUI-64 in any of the notations above.
///
/// The normalized form is `AA:BB:CC:DD:EE:FF` (8 groups for EUI-64). Fields: `notation`, `oui`
/// (the first three octets), `multicast`, `locally_administered`, for EUI-48 its `eui64` (FF:FE
/// inserted in the middle) and `modified_eui64` (that with the universal/local bit flipped, as
/// IPv6 interface identifiers use it), and when the IEEE registries know the address's block,
/// its `organization` and `registry` (`MA-L`, `MA-M`, `MA-S` or `IAB`). The registries are
/// [`oui::current`]'s: built in natively, loaded at run time in the browser.
///
/// ```
/// let mac = serialkit::ids::mac::parse("0050.56c0.0003").unwrap();
/// assert_eq!(mac.normalized, "00:50:56:C0:00:03");
/// let err = serialkit::ids::mac::parse("00:50-56:c0:00:03").unwrap_err();
/// assert_eq!(err.message(), "mixed separators: ':' and '-'");
/// assert_eq!((err.span().start, err.span().end), (5, 6));
/// ```
pub fn parse(value: &str) -> Result<Decoded, Problem> {
    parse_with(value, oui::current())
}

/// [`parse`] with the organization looked up in `registry` (none when `None`).
pub fn parse_with(value: &str, registry: Option<&MacRegistry>) -> Result<Decoded, Problem> {
    read(&Cleaned::new(value), registry, false, Detail::Full)
}

/// [`parse`] as validator.js reads addresses: every group written in full, so `d0:5:9:4:a2:a0`
/// and `1.2.3` are refused with the span of the first short group.
///
/// ```
/// let err = serialkit::ids::mac::parse_strict("d0:5:9:4:a2:a0").unwrap_err();
/// assert_eq!(err.message(), "group of 1 hex digit, the colon notation has 2 per group");
/// assert_eq!((err.span().start, err.span().end), (3, 4));
/// ```
pub fn parse_strict(value: &str) -> Result<Decoded, Problem> {
    read(&Cleaned::new(value), oui::current(), true, Detail::Full)
}

/// [`parse`] (or [`parse_strict`]) of a value already cleaned.
pub(crate) fn parse_cleaned(cleaned: &Cleaned, strict: bool, detail: Detail) -> Result<Decoded, Problem> {
    read(cleaned, oui::current(), strict, detail)
}

fn read(
    cleaned: &Cleaned,
    registry: Option<&MacRegistry>,
    strict: bool,
    detail: Detail,
) -> Result<Decoded, Problem> {
    let text = Text::new(cleaned, "a MAC address such as AA:BB:CC:DD:EE:FF")?;
    match usual_form(text.chars()) {
        Some((octets, notation)) => Ok(describe(&octets, notation, false, registry, detail)),
        None => read_any_form(&text, registry, strict, detail),
    }
}

/// [`read`] for a value in any notation.
fn read_any_form(
    text: &Text,
    registry: Option<&MacRegistry>,
    strict: bool,
    detail: Detail,
) -> Result<Decoded, Problem> {
    check_characters(text)?;
    let separator = text.chars().iter().copied().find(|c| SEPARATORS.contains(c));
    let groups = split(text, separator)?;
    let (octets, notation, short_groups) = octets(text, separator, &groups, strict)?;
    Ok(describe(&octets, notation, short_groups, registry, detail))
}

/// The octets and notation of a MAC address in the usual form, six pairs of hex digits split
/// by `:` or `-` throughout, as the general path below reads it: most addresses in bulk are in
/// it, and this is one pass where that path makes several.
fn usual_form(chars: &[char]) -> Option<([u8; 6], &'static str)> {
    if chars.len() != 17 {
        return None;
    }
    let separator = chars[2];
    let notation = match separator {
        ':' => "colon",
        '-' => "hyphen",
        _ => return None,
    };
    let mut octets = [0u8; 6];
    for (i, octet) in octets.iter_mut().enumerate() {
        let at = i * 3;
        if i > 0 && chars[at - 1] != separator {
            return None;
        }
        *octet = (chars[at].to_digit(16)? << 4 | chars[at + 1].to_digit(16)?) as u8;
    }
    Some((octets, notation))
}

/// Every character is a hex digit or a separator; only one kind of separator.
fn check_characters(text: &Text) -> Result<(), Problem> {
    let mut first_separator = None;
    for (i, &c) in text.chars().iter().enumerate() {
        if c.is_ascii_hexdigit() {
            continue;
        }
        if !SEPARATORS.contains(&c) {
            let problem = Problem::new(
                ProblemKind::InvalidCharacter,
                text.span(i, i + 1),
                format!("{} cannot appear in a mac address", Shown(c)),
            );
            let hint = match super::look_alike_digit(c) {
                Some(d) => format!("a mac address has only hex digits 0-9 and A-F — did you mean {d}?"),
                None => "a mac address has only hex digits 0-9 and A-F, grouped with ':', '-' or '.'".into(),
            };
            return Err(problem.with_hint(hint));
        }
        match first_separator {
            None => first_separator = Some(c),
            Some(s) if s != c => {
                return Err(Problem::new(
                    ProblemKind::MixedSeparators,
                    text.span(i, i + 1),
                    format!("mixed separators: '{s}' and '{c}'"),
                )
                .with_hint(format!("use '{s}' between all groups, as in AA{s}BB{s}CC{s}DD{s}EE{s}FF")));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The groups between separators, as cleaned-index ranges; empty groups are refused.
fn split(text: &Text, separator: Option<char>) -> Result<Vec<(usize, usize)>, Problem> {
    let chars = text.chars();
    let Some(sep) = separator else { return Ok(vec![(0, chars.len())]) };
    // Room for the most groups a notation has (EUI-64's 8).
    let mut groups = Vec::with_capacity(8);
    let mut start = 0;
    for i in 0..=chars.len() {
        if i == chars.len() || chars[i] == sep {
            if i == start {
                // Two separators in a row, or one at either end.
                let at = if i == chars.len() { i - 1 } else { i };
                return Err(Problem::new(
                    ProblemKind::InvalidCharacter,
                    text.span(at, at + 1),
                    format!("'{sep}' with no hex digits before it or after it"),
                )
                .with_hint("a digit group is missing or a separator is doubled"));
            }
            groups.push((start, i));
            start = i + 1;
        }
    }
    Ok(groups)
}

/// The octets the groups stand for, the notation's name and whether leading zeros were dropped
/// (refused when `strict`).
fn octets(
    text: &Text,
    separator: Option<char>,
    groups: &[(usize, usize)],
    strict: bool,
) -> Result<(Vec<u8>, &'static str, bool), Problem> {
    let n = groups.len();
    let longest = groups.iter().map(|(s, e)| e - s).max().unwrap_or(0);
    let decimal = |&(s, e): &(usize, usize)| text.chars()[s..e].iter().all(char::is_ascii_digit);
    if separator == Some('.') && n == 4 && longest <= 3 && groups.iter().all(decimal) {
        return Err(Problem::new(
            ProblemKind::WrongKind,
            text.span(0, text.len()),
            "an ipv4 address, not a mac address",
        )
        .with_hint(
            "a mac address is 12 hex digits: 00:1A:2B:3C:4D:5E (ask for the interface's, not its IP)",
        ));
    }
    let (digits_per_group, notation) = match (n, separator) {
        (1, _) => {
            // One group: no separators, and every character a hex digit (check_characters).
            let len = text.len();
            return match len {
                12 | 16 => Ok((pack(text.chars().iter().copied()), "bare", false)),
                _ if len < 12 => Err(Problem::new(
                    ProblemKind::TooShort,
                    text.end(),
                    format!("too short: {len} hex digits, a mac address has 12"),
                )),
                13..=15 => Err(Problem::new(
                    ProblemKind::TooLong,
                    text.span(12, len),
                    format!("too long: {len} hex digits, a mac address has 12 (16 for eui-64)"),
                )),
                _ => Err(Problem::new(
                    ProblemKind::TooLong,
                    text.span(16, len),
                    format!("too long: {len} hex digits, an eui-64 has 16"),
                )),
            };
        }
        (2, Some(':' | '-')) if longest > 4 => (6, "postgresql"),
        (3, Some(_)) | (4, Some('.')) if longest > 2 || separator == Some('.') => (4, "cisco"),
        (6 | 8, Some(':')) => (2, "colon"),
        (6 | 8, Some('-')) => (2, "hyphen"),
        (6 | 8, Some(' ')) => (2, "space"),
        (_, sep) => {
            let sep = sep.unwrap_or(':');
            // The notation most groups follow: two hex digits (6 groups) or four (3 groups);
            // dots only ever separate Cisco's groups of four (netaddr).
            let wide = groups.iter().filter(|(s, e)| e - s > 2).count();
            let (want, size) = if 2 * wide > n || sep == '.' { (3, 4) } else { (6, 2) };
            let (notation, eui64_groups) =
                if size == 4 { ("the cisco notation", 4) } else { ("a mac address", 8) };
            if let Some(&(s, e)) = groups.iter().find(|(s, e)| e - s > size) {
                return Err(Problem::new(
                    ProblemKind::TooLong,
                    text.span(s, e),
                    format!("group of {} hex digits, a mac address has {size} per group", e - s),
                )
                .with_hint(format!(
                    "a separator may be missing: write AA{sep}BB{sep}CC{sep}DD{sep}EE{sep}FF"
                )));
            }
            let (s, e) = groups.last().copied().unwrap_or((0, 0));
            return Err(if n < want {
                Problem::new(
                    ProblemKind::TooShort,
                    text.end(),
                    format!("too short: {n} groups, {notation} has {want}"),
                )
                .with_hint(format!(
                    "a mac address has {want} groups of {size} hex digits separated by '{sep}'"
                ))
            } else {
                Problem::new(
                    ProblemKind::TooLong,
                    text.span(groups[want.min(n - 1)].0, e.max(s)),
                    format!("too long: {n} groups, {notation} has {want} ({eui64_groups} for eui-64)"),
                )
            });
        }
    };
    let mut short = false;
    for &(s, e) in groups {
        let len = e - s;
        // Leading zeros may be dropped where netaddr allows it: one in PostgreSQL groups
        // (`[0-9A-F]{5,6}`), none in space notation, which netaddr does not read; none between
        // dots either, or `1a.2b.3c` and an IP address's `10.0.0.1` would be MAC addresses.
        let exact = strict || notation == "space" || separator == Some('.');
        let shortest = if notation == "postgresql" && !strict { 5 } else { 1 };
        if len > digits_per_group || len < shortest || (exact && len != digits_per_group) {
            let kind = if len > digits_per_group { ProblemKind::TooLong } else { ProblemKind::TooShort };
            let digits = if len == 1 { "digit" } else { "digits" };
            let problem = Problem::new(
                kind,
                text.span(s, e),
                format!(
                    "group of {len} hex {digits}, the {notation} notation has {digits_per_group} per group"
                ),
            );
            return Err(match kind {
                ProblemKind::TooShort if notation == "postgresql" => {
                    problem.with_hint("write each half in 6 hex digits: aabbcc:ddeeff")
                }
                ProblemKind::TooShort => problem.with_hint("write the dropped leading zeros: 05, not 5"),
                _ => problem,
            });
        }
        short |= len < digits_per_group;
    }
    // Each group with its dropped leading zeros restored.
    let digits = groups.iter().flat_map(|&(s, e)| {
        std::iter::repeat_n('0', digits_per_group - (e - s)).chain(text.chars()[s..e].iter().copied())
    });
    Ok((pack(digits), notation, short))
}

/// A way to write a MAC address, as netaddr's dialects write them (`netaddr/strategy/eui48.py`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Notation {
    /// `AA:BB:CC:DD:EE:FF`: the normalized form.
    Colon,
    /// `AA-BB-CC-DD-EE-FF`: IEEE 802's form (netaddr `mac_eui48`, its default).
    Hyphen,
    /// `AA BB CC DD EE FF`.
    Space,
    /// `aabb.ccdd.eeff`: Cisco's triple hextet (netaddr `mac_cisco`).
    Cisco,
    /// `AABBCCDDEEFF` (netaddr `mac_bare`).
    Bare,
    /// `aabbcc:ddeeff`: two 24-bit halves (netaddr `mac_pgsql`); EUI-48 only.
    Postgresql,
}

impl Notation {
    /// Every notation, in the order above.
    pub const ALL: &'static [Notation] = &[
        Notation::Colon,
        Notation::Hyphen,
        Notation::Space,
        Notation::Cisco,
        Notation::Bare,
        Notation::Postgresql,
    ];

    /// The name used in the `notation` field (`cisco`).
    pub fn as_str(self) -> &'static str {
        match self {
            Notation::Colon => "colon",
            Notation::Hyphen => "hyphen",
            Notation::Space => "space",
            Notation::Cisco => "cisco",
            Notation::Bare => "bare",
            Notation::Postgresql => "postgresql",
        }
    }
}

/// Writes a MAC address or EUI-64, given in any notation [`parse`] reads, in `notation`: upper
/// case where netaddr's dialect writes upper case (colon, hyphen, bare), lower case otherwise.
/// `None` for a PostgreSQL form of an EUI-64, which has none.
///
/// ```
/// use serialkit::ids::mac::{Notation, write};
/// assert_eq!(write("00-1B-77-49-54-FD", Notation::Postgresql).unwrap().as_deref(), Some("001b77:4954fd"));
/// assert_eq!(write("0:f:1f:12:e7:33", Notation::Cisco).unwrap().as_deref(), Some("000f.1f12.e733"));
/// ```
pub fn write(value: &str, notation: Notation) -> Result<Option<String>, Problem> {
    let decoded = parse_with(value, None)?;
    Ok(write_octets(&pack(decoded.normalized.chars().filter(|&c| c != ':')), notation))
}

/// `octets` in `notation` (`None` for PostgreSQL with other than 6 octets).
pub fn write_octets(octets: &[u8], notation: Notation) -> Option<String> {
    let hex = |upper: bool| -> String {
        octets.iter().map(|b| if upper { format!("{b:02X}") } else { format!("{b:02x}") }).collect()
    };
    let grouped = |text: String, size: usize, sep: char| -> String {
        let chunks: Vec<&str> =
            (0..text.len()).step_by(size).map(|i| &text[i..(i + size).min(text.len())]).collect();
        chunks.join(&sep.to_string())
    };
    Some(match notation {
        Notation::Colon => colons(octets),
        Notation::Hyphen => grouped(hex(true), 2, '-'),
        Notation::Space => grouped(hex(true), 2, ' '),
        Notation::Cisco => grouped(hex(false), 4, '.'),
        Notation::Bare => hex(true),
        Notation::Postgresql if octets.len() == 6 => grouped(hex(false), 6, ':'),
        Notation::Postgresql => return None,
    })
}

/// The octets of hex digits, two to an octet (the digits are checked already; an even number).
fn pack(digits: impl Iterator<Item = char>) -> Vec<u8> {
    let mut octets = Vec::with_capacity(8);
    for (i, c) in digits.enumerate() {
        let nibble = c.to_digit(16).unwrap_or(0) as u8;
        match octets.last_mut() {
            Some(last) if i % 2 == 1 => *last |= nibble,
            _ => octets.push(nibble << 4),
        }
    }
    octets
}

fn colons(octets: &[u8]) -> String {
    // Written by hand: this runs several times per MAC in bulk checks, where `format!` showed.
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(octets.len() * 3);
    for (i, b) in octets.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
}

fn describe(
    octets: &[u8],
    notation: &str,
    short_groups: bool,
    registry: Option<&MacRegistry>,
    detail: Detail,
) -> Decoded {
    let first = octets.first().copied().unwrap_or(0);
    let eui64 = octets.len() == 8;
    let full = detail == Detail::Full;
    let mut fields = Fields::of(detail);
    // A brief reading keeps none of these: they are not even written out.
    if full {
        fields
            .text("notation", notation)
            .text("oui", colons(&octets[..3]))
            .flag("multicast", first & 0x01 != 0)
            .flag("locally_administered", first & 0x02 != 0);
    }
    if !eui64 && full {
        // The OUI, FF FE, then the rest.
        let mut extended = [0xFF; 8];
        extended[..3].copy_from_slice(&octets[..3]);
        extended[4] = 0xFE;
        extended[5..].copy_from_slice(&octets[3..]);
        fields.text("eui64", colons(&extended));
        extended[0] ^= 0x02;
        fields.text("modified_eui64", colons(&extended));
    }
    let format = if eui64 { "mac-eui64" } else { "mac-eui48" };
    let mut reasons = Reasons::of(detail);
    reasons.push_with(|text| {
        text.push_str(if eui64 { "8 octets in " } else { "6 octets in " });
        text.push_str(notation);
        text.push_str(" notation");
    });
    let mut confidence: f64 = match notation {
        "bare" => 0.5,
        "postgresql" => 0.85,
        _ => 0.95,
    };
    if eui64 {
        confidence -= 0.1;
    }
    if short_groups {
        reasons.push(format_args!("leading zeros restored"));
        confidence -= 0.1;
    }
    if notation == "bare" && !octets.iter().any(|b| b >> 4 > 9 || b & 15 > 9) {
        reasons.push(format_args!("only decimal digits: may be another number"));
        confidence -= 0.2;
    }
    if octets.iter().all(|&b| b == 0) {
        reasons.push(format_args!("all zeros: no real interface has it"));
        confidence = 0.3;
    } else if octets.iter().all(|&b| b == 0xFF) {
        reasons.push(format_args!("the broadcast address"));
    }
    // GLPI's MAC blacklist (glpi-project/glpi src/Blacklist.php) refuses 00:50:56:C0:*:* as
    // "VMware MAC address" (00:50:56:C0:00:01 and :08 as vmnet): the host side of VMware's
    // virtual networks, alike on every host, so it tells no machine apart.
    if octets[..4] == [0x00, 0x50, 0x56, 0xC0] {
        fields.flag("virtual", true);
        reasons
            .push(format_args!("a VMware host's virtual network adapter (vmnet): the same on many machines"));
    }
    let special = octets.iter().all(|&b| b == 0) || octets.iter().all(|&b| b == 0xFF);
    // The organization goes only into fields and reasons.
    let found = registry
        .filter(|_| !special && full)
        .is_some_and(|r| organization(r, octets, &mut fields, &mut reasons));
    let local = first & 0x02 != 0;
    match found {
        true => {}
        false if local && first & 0x01 == 0 => reasons.push(format_args!(
            "locally administered (randomized or assigned by software): no registered organization"
        )),
        false if local || special => {}
        false => {
            if let Some(r) = registry {
                reasons.push_with(|text| {
                    text.push_str("no organization in the ieee registries of ");
                    text.push_str(r.date());
                });
            }
        }
    }
    let normalized = colons(octets);
    super::decoded(
        Kind::Mac,
        format,
        normalized,
        (confidence * 100.0).round() / 100.0,
        reasons.into_text(),
        fields,
    )
}

/// Looks the address up (a group address by its OUI with the group bit cleared), adds the
/// `organization` and `registry` fields and the reason, and says whether the block is registered.
fn organization(registry: &MacRegistry, octets: &[u8], fields: &mut Fields, reasons: &mut Reasons) -> bool {
    let first = octets[0];
    // As it is first: a few early MA-L assignments have the local or the group bit set.
    let found = match registry.lookup(octets) {
        Some(a) => Some((a, false)),
        None if first & 0x01 != 0 => {
            let mut individual = [0; 8];
            individual[..octets.len()].copy_from_slice(octets);
            individual[0] &= !0x01;
            registry.lookup(&individual[..octets.len()]).map(|a| (a, true))
        }
        None => None,
    };
    let Some((assignment, group)) = found else { return false };
    let local = first & 0x02 != 0;
    fields.text("organization", assignment.organization).text("registry", assignment.registry.as_str());
    let organization = assignment.organization;
    // "MA-L 00-50-56", written into the reason (this runs for most MAC addresses).
    let block = |text: &mut String| {
        text.push_str(assignment.registry.as_str());
        text.push(' ');
        assignment.push_prefix(text);
    };
    reasons.push_with(|text| {
        if assignment.is_registration_authority() {
            text.push_str("in ");
            block(text);
            text.push_str(
                " of the ieee registration authority: the block inside it is not in the registries of ",
            );
            text.push_str(registry.date());
        } else if group {
            text.push_str("group address of ");
            text.push_str(organization);
            text.push_str(" (");
            block(text);
            text.push(')');
        } else {
            block(text);
            text.push_str(": ");
            text.push_str(organization);
            if local {
                text.push_str(", an early assignment with the local bit set");
            }
        }
    });
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Span;

    #[test]
    fn the_usual_form_reads_as_the_general_path_does() {
        let registry = oui::current();
        let mut next = crate::xorshift(0x2545_F491_4F6C_DD1D);
        // Special and telling first octets: zeros, broadcast, VMware's host side, multicast,
        // locally administered, registered blocks; then random ones in either case.
        let mut values: Vec<String> =
            ["00:00:00:00:00:00", "FF-FF-FF-FF-FF-FF", "00:50:56:C0:00:08", "01:00:5E:7F:00:01"]
                .map(String::from)
                .to_vec();
        values.extend(
            ["02:42:ac:11:00:02", "00:1B:77:49:54:FD", "3c-22-fb-00-00-01", "12:34:56:78:9A:BC"]
                .map(String::from),
        );
        for _ in 0..500 {
            let bytes = next().to_le_bytes();
            let sep = if next() % 2 == 0 { ":" } else { "-" };
            let octets: Vec<String> = bytes[..6]
                .iter()
                .map(|b| if next() % 2 == 0 { format!("{b:02X}") } else { format!("{b:02x}") })
                .collect();
            values.push(octets.join(sep));
        }
        let mut usual = 0;
        for value in &values {
            let cleaned = Cleaned::new(value);
            let text = Text::new(&cleaned, "a MAC address").unwrap();
            usual += usize::from(usual_form(text.chars()).is_some());
            for detail in [Detail::Full, Detail::Brief] {
                for strict in [false, true] {
                    assert_eq!(
                        read(&cleaned, registry, strict, detail),
                        read_any_form(&text, registry, strict, detail),
                        "{value}"
                    );
                }
            }
        }
        assert_eq!(usual, values.len(), "every value is in the usual form");
        // Other forms are left to the general path.
        for other in [
            "00:1B:77:49:54",
            "001B.7749.54FD",
            "00:1B-77:49:54:FD",
            "00:1B:77:49:54:FG",
            "0:1B:77:49:54:FD0",
        ] {
            assert!(usual_form(&Cleaned::new(other).chars).is_none(), "{other}");
        }
    }

    #[track_caller]
    fn ok(value: &str, normalized: &str, notation: &str) -> Decoded {
        let d = parse(value).unwrap_or_else(|p| panic!("{value}: {p}"));
        assert_eq!(d.normalized, normalized, "{value}");
        assert_eq!(d.fields["notation"].to_string(), notation, "{value}");
        d
    }

    #[track_caller]
    fn err(value: &str, message: &str, span: (usize, usize)) -> Problem {
        let p = parse(value).expect_err(value);
        assert_eq!(p.message(), message, "{value}");
        assert_eq!(p.span(), Span::new(span.0, span.1), "{value}");
        p
    }

    #[test]
    fn notations() {
        ok("aa:bb:cc:dd:ee:ff", "AA:BB:CC:DD:EE:FF", "colon");
        ok("AA-BB-CC-DD-EE-FF", "AA:BB:CC:DD:EE:FF", "hyphen");
        ok("aa bb cc dd ee ff", "AA:BB:CC:DD:EE:FF", "space");
        ok("aabb.ccdd.eeff", "AA:BB:CC:DD:EE:FF", "cisco");
        ok("aabbcc:ddeeff", "AA:BB:CC:DD:EE:FF", "postgresql");
        ok("aabbcc-ddeeff", "AA:BB:CC:DD:EE:FF", "postgresql");
        ok("AABBCCDDEEFF", "AA:BB:CC:DD:EE:FF", "bare");
        ok("aabb:ccdd:eeff", "AA:BB:CC:DD:EE:FF", "cisco");
        let d = ok("d0:5:9:4:a2:a0", "D0:05:09:04:A2:A0", "colon");
        assert!(d.reason.contains("leading zeros restored"));
    }

    #[test]
    fn postgresql_halves_may_drop_one_leading_zero() {
        // netaddr RE_MAC_FORMATS: [0-9A-F]{5,6} per half.
        let d = ok("01b77:4954fd", "00:1B:77:49:54:FD", "postgresql");
        assert!(d.reason.contains("leading zeros restored"), "{}", d.reason);
        let p = parse_strict("01b77:4954fd").unwrap_err();
        assert_eq!(p.message(), "group of 5 hex digits, the postgresql notation has 6 per group");
        assert_eq!(p.hint(), Some("write each half in 6 hex digits: aabbcc:ddeeff"));
    }

    #[test]
    fn other_notations_on_request() {
        // netaddr tests: test_eui48_strategy.py (00-0F-1F-12-E7-33 in its dialects) and
        // test_eui.py (00-1B-77-49-54-FD as mac_pgsql is 001b77:4954fd).
        let all: Vec<String> =
            Notation::ALL.iter().map(|&n| write("0:f:1f:12:e7:33", n).unwrap().unwrap()).collect();
        assert_eq!(
            all,
            [
                "00:0F:1F:12:E7:33",
                "00-0F-1F-12-E7-33",
                "00 0F 1F 12 E7 33",
                "000f.1f12.e733",
                "000F1F12E733",
                "000f1f:12e733"
            ]
        );
        assert_eq!(write("00-1B-77-49-54-FD", Notation::Postgresql).unwrap().unwrap(), "001b77:4954fd");
        // Each written form reads back to the same address, in its own notation.
        for &n in Notation::ALL {
            let text = write("00-1B-77-49-54-FD", n).unwrap().unwrap();
            ok(&text, "00:1B:77:49:54:FD", n.as_str());
        }
        assert_eq!(
            write("02:00:5e:10:00:00:00:01", Notation::Cisco).unwrap().unwrap(),
            "0200.5e10.0000.0001"
        );
        assert_eq!(write("02:00:5e:10:00:00:00:01", Notation::Postgresql).unwrap(), None);
        assert_eq!(
            write("00:50:56:g0:00:03", Notation::Bare).unwrap_err().message(),
            "'g' cannot appear in a mac address"
        );
    }

    #[test]
    fn eui64() {
        let d = ok("02:00:5e:10:00:00:00:01", "02:00:5E:10:00:00:00:01", "colon");
        assert_eq!(d.format, "mac-eui64");
        ok("0200.5e10.0000.0001", "02:00:5E:10:00:00:00:01", "cisco");
        ok("02005e1000000001", "02:00:5E:10:00:00:00:01", "bare");
    }

    #[test]
    fn bits_and_derived_identifiers() {
        let d = ok("00:50:56:C0:00:03", "00:50:56:C0:00:03", "colon");
        assert_eq!(d.fields["multicast"].to_string(), "false");
        assert_eq!(d.fields["locally_administered"].to_string(), "false");
        // RFC 4291 appendix A: 00:50:56 → 0250:56ff:fec0:0003.
        assert_eq!(d.fields["eui64"].to_string(), "00:50:56:FF:FE:C0:00:03");
        assert_eq!(d.fields["modified_eui64"].to_string(), "02:50:56:FF:FE:C0:00:03");
        assert_eq!(d.fields["virtual"].to_string(), "true");
        assert!(
            d.reason.contains("a VMware host's virtual network adapter (vmnet): the same on many machines")
        );
        assert!(!parse("00:50:56:01:00:03").unwrap().fields.contains_key("virtual"));
        let d = parse("01:00:5e:00:00:fb").unwrap();
        assert_eq!(d.fields["multicast"].to_string(), "true");
        let d = parse("da:a1:19:00:00:01").unwrap();
        assert_eq!(d.fields["locally_administered"].to_string(), "true");
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn organizations_from_the_ieee_registries() {
        let field = |d: &Decoded, name: &str| d.fields.get(name).map(|v| v.to_string());
        let d = parse("00:50:56:C0:00:03").unwrap();
        assert_eq!(field(&d, "organization").as_deref(), Some("VMware, Inc."));
        assert_eq!(field(&d, "registry").as_deref(), Some("MA-L"));
        assert!(d.reason.contains("MA-L 00-50-56: VMware, Inc."), "{}", d.reason);
        // An MA-S block inside the IEEE RA's 70-B3-D5.
        let d = parse("70-B3-D5-F2-F0-01").unwrap();
        assert_eq!(field(&d, "organization").as_deref(), Some("TELEPLATFORMS"));
        assert_eq!(field(&d, "registry").as_deref(), Some("MA-S"));
        // Randomized: no organization.
        let d = parse("da:a1:19:00:00:01").unwrap();
        assert_eq!(field(&d, "organization"), None);
        assert!(d.reason.ends_with(
            "locally administered (randomized or assigned by software): no registered organization"
        ));
        // A group address belongs to the OUI's holder: 01:00:5E is IANA's.
        let d = parse("01:00:5e:00:00:fb").unwrap();
        assert_eq!(field(&d, "organization").as_deref(), Some("ICANN, IANA Department"));
        assert!(d.reason.contains("group address of ICANN, IANA Department (MA-L 00-00-5E)"), "{}", d.reason);
        // IPv6 multicast (33:33) is local and group: nobody's.
        assert_eq!(field(&parse("33:33:00:00:00:01").unwrap(), "organization"), None);
        // All zeros and broadcast are not looked up.
        assert_eq!(field(&parse("00:00:00:00:00:00").unwrap(), "organization"), None);
        assert_eq!(field(&parse("ff:ff:ff:ff:ff:ff").unwrap(), "organization"), None);
        // An EUI-64 by its first octets.
        let d = parse("00:50:56:ff:fe:c0:00:03").unwrap();
        assert_eq!(field(&d, "organization").as_deref(), Some("VMware, Inc."));
        // Without a registry (the browser before it loads one): no organization, no reason.
        let d = parse_with("00:50:56:C0:00:03", None).unwrap();
        assert_eq!((field(&d, "organization"), d.reason.contains("VMware, Inc.")), (None, false));
    }

    #[test]
    fn problems() {
        let p = err("00:50:56-c0:00:03", "mixed separators: ':' and '-'", (8, 9));
        assert_eq!(p.kind(), ProblemKind::MixedSeparators);
        assert_eq!(p.hint(), Some("use ':' between all groups, as in AA:BB:CC:DD:EE:FF"));
        let p = err("00:50:56:g0:00:03", "'g' cannot appear in a mac address", (9, 10));
        assert_eq!(p.kind(), ProblemKind::InvalidCharacter);
        err("00:5O:56:c0:00:03", "'O' cannot appear in a mac address", (4, 5));
        err("00:50:56:c0:00", "too short: 5 groups, a mac address has 6", (14, 14));
        err("00:50:56:c0:00:03:04", "too long: 7 groups, a mac address has 6 (8 for eui-64)", (18, 20));
        err("00:50::c0:00:03", "':' with no hex digits before it or after it", (6, 7));
        err("00:50:56:c0:00:", "':' with no hex digits before it or after it", (14, 15));
        err("005:50:56:c0:00:03", "group of 3 hex digits, the colon notation has 2 per group", (0, 3));
        err("0050.56c0", "too short: 2 groups, the cisco notation has 3", (9, 9));
        err("005056c0000", "too short: 11 hex digits, a mac address has 12", (11, 11));
        err("005056c000031", "too long: 13 hex digits, a mac address has 12 (16 for eui-64)", (12, 13));
        err("aabb:ddeeff", "group of 4 hex digits, the postgresql notation has 6 per group", (0, 4));
        err("aa.bb.cc.dd.ee.ff", "too long: 6 groups, the cisco notation has 3 (4 for eui-64)", (9, 17));
        // No dropped zeros between dots: an IP address, or short groups, are no MAC address.
        let ip = err("192.168.1.1", "an ipv4 address, not a mac address", (0, 11));
        assert_eq!(ip.kind(), ProblemKind::WrongKind);
        err("10.0.0.1", "an ipv4 address, not a mac address", (0, 8));
        err("1a.2b.3c", "group of 2 hex digits, the cisco notation has 4 per group", (0, 2));
        err("001a.2b3c.4d5", "group of 3 hex digits, the cisco notation has 4 per group", (10, 13));
    }

    #[test]
    fn spans_count_characters_as_typed() {
        // Full-width colon folds to ':'; the leading spaces still count.
        err("  00:50:56：c0-00:03", "mixed separators: ':' and '-'", (13, 14));
    }
}
