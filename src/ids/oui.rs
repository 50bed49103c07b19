//! The IEEE MAC address registries: which organization a MAC address (or EUI-64) was assigned to.
//!
//! The IEEE Registration Authority assigns blocks of addresses in four registries:
//!
//! | registry | prefix  | block                                               |
//! |----------|---------|-----------------------------------------------------|
//! | `MA-L`   | 24 bits | the OUI: 2²⁴ addresses                              |
//! | `MA-M`   | 28 bits | 2²⁰ addresses, inside an MA-L of the IEEE RA        |
//! | `MA-S`   | 36 bits | 4096 addresses, inside an MA-L of the IEEE RA       |
//! | `IAB`    | 36 bits | legacy (closed 2014), inside 00-50-C2 and 40-D8-55  |
//!
//! [`MacRegistry::lookup`] takes the **longest** prefix that matches: an MA-S or IAB beats an
//! MA-M, which beats an MA-L, so the MA-L blocks owned by "IEEE Registration Authority" only
//! answer when the data has no smaller assignment for the address.
//!
//! The data is `vendors/data/ieee/registry.tsv` (its header names the source packages and date;
//! `scripts/refresh-ieee.sh` regenerates it). `build.rs` compiles it to a binary table. Native
//! builds embed that table ([`current`] returns it). The wasm32 build does not, to keep the module
//! small for pages that never see a MAC address: the page fetches the table
//! (`pkg/ieee-registry.bin`, written by `scripts/build-wasm.sh`) when it needs it and installs it
//! with `load_registry` (wasm32 only); until then MAC addresses decode without an organization.
//!
//! # The table
//!
//! All numbers little-endian:
//!
//! ```text
//! "SKMACREG"  u32 version (1)  u32 record count  u32 names length
//! u16 length + date (YYYY-MM-DD)  u16 length + source
//! records: one u64 per assignment, sorted, unique:
//!     bits 63..28  the prefix, left-aligned in 36 bits
//!     bits 27..26  the registry: 0 MA-L, 1 MA-M, 2 MA-S, 3 IAB
//!     bits 25..0   offset of the organization in the names
//! names: each a u8 length and that many bytes of UTF-8
//! ```

use std::borrow::Cow;
use std::fmt;

/// The registry a block was assigned in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RegistryKind {
    /// MAC Address Block Large: 24-bit prefix (the OUI).
    MaL,
    /// MAC Address Block Medium: 28-bit prefix.
    MaM,
    /// MAC Address Block Small: 36-bit prefix.
    MaS,
    /// Individual Address Block, the MA-S's predecessor: 36-bit prefix.
    Iab,
}

impl RegistryKind {
    const ALL: [RegistryKind; 4] =
        [RegistryKind::MaL, RegistryKind::MaM, RegistryKind::MaS, RegistryKind::Iab];

    /// The IEEE's name: `MA-L`, `MA-M`, `MA-S` or `IAB`.
    pub fn as_str(self) -> &'static str {
        match self {
            RegistryKind::MaL => "MA-L",
            RegistryKind::MaM => "MA-M",
            RegistryKind::MaS => "MA-S",
            RegistryKind::Iab => "IAB",
        }
    }

    /// The length of its prefixes in bits.
    pub fn bits(self) -> u32 {
        match self {
            RegistryKind::MaL => 24,
            RegistryKind::MaM => 28,
            RegistryKind::MaS | RegistryKind::Iab => 36,
        }
    }
}

impl fmt::Display for RegistryKind {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One block of addresses and the organization it is assigned to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment<'a> {
    /// The block's first bits, right-aligned (`0x00000C` for Cisco's MA-L).
    pub prefix: u64,
    /// The registry, which also gives the prefix length.
    pub registry: RegistryKind,
    /// The organization's name as the IEEE lists it ("Private" when it asked not to be named).
    pub organization: &'a str,
}

impl Assignment<'_> {
    /// Whether this is a block the IEEE RA keeps to subdivide (MA-M, MA-S), not an end user's.
    pub fn is_registration_authority(&self) -> bool {
        self.organization == REGISTRATION_AUTHORITY
    }

    /// The prefix in the IEEE's notation: `00-00-0C`, `70-B3-D5-F2-F`.
    pub fn prefix_text(&self) -> String {
        let mut text = String::with_capacity(14);
        self.push_prefix(&mut text);
        text
    }

    /// [`Assignment::prefix_text`] written into other text, without a string of its own.
    pub(crate) fn push_prefix(&self, text: &mut String) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let digits = self.registry.bits() / 4;
        for i in 0..digits {
            if i > 0 && i % 2 == 0 {
                text.push('-');
            }
            let nibble = (self.prefix >> (4 * (digits - 1 - i))) & 0xF;
            text.push(char::from(HEX[nibble as usize]));
        }
    }
}

/// The organization of the MA-L blocks that are subdivided into MA-M and MA-S blocks.
pub const REGISTRATION_AUTHORITY: &str = "IEEE Registration Authority";

/// Why a table could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(&'static str);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "not a mac registry table: {}", self.0)
    }
}

impl std::error::Error for LoadError {}

const MAGIC: &[u8; 8] = b"SKMACREG";
const VERSION: usize = 1;

/// A compiled registry table: the built-in one ([`current`]) or one read with
/// [`MacRegistry::from_bytes`].
pub struct MacRegistry {
    bytes: Cow<'static, [u8]>,
    count: usize,
    records: usize,
    names: usize,
    date: (usize, usize),
    source: (usize, usize),
}

impl fmt::Debug for MacRegistry {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("MacRegistry").field("assignments", &self.count).field("date", &self.date()).finish()
    }
}

/// Reads little-endian numbers off the front of a byte slice.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<(usize, &'a [u8]), LoadError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or(LoadError("truncated"))?;
        let start = std::mem::replace(&mut self.at, end);
        Ok((start, &self.bytes[start..end]))
    }

    fn u16(&mut self) -> Result<usize, LoadError> {
        let (_, b) = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]) as usize)
    }

    fn u32(&mut self) -> Result<usize, LoadError> {
        let (_, b) = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    /// A length-prefixed UTF-8 string, as its range.
    fn text(&mut self) -> Result<(usize, usize), LoadError> {
        let len = self.u16()?;
        let (start, b) = self.take(len)?;
        std::str::from_utf8(b).map_err(|_| LoadError("text is not utf-8"))?;
        Ok((start, start + len))
    }
}

impl MacRegistry {
    /// Reads a table `build.rs` wrote (`ieee-registry.bin`), checking all of it: afterwards
    /// lookups cannot fail or panic.
    pub fn from_bytes(bytes: impl Into<Cow<'static, [u8]>>) -> Result<MacRegistry, LoadError> {
        let table = MacRegistry::with_header(bytes.into())?;
        table.check_records()?;
        Ok(table)
    }

    /// The table in `bytes` with its header and layout checked, its records not yet.
    fn with_header(bytes: Cow<'static, [u8]>) -> Result<MacRegistry, LoadError> {
        let mut r = Reader { bytes: &bytes, at: 0 };
        if r.take(8)?.1 != MAGIC {
            return Err(LoadError("wrong magic number"));
        }
        if r.u32()? != VERSION {
            return Err(LoadError("unknown version"));
        }
        let count = r.u32()?;
        let names_len = r.u32()?;
        let date = r.text()?;
        let source = r.text()?;
        let records = r.take(count.checked_mul(8).ok_or(LoadError("truncated"))?)?.0;
        let names = r.take(names_len)?.0;
        if r.at != bytes.len() {
            return Err(LoadError("bytes after the names"));
        }
        Ok(MacRegistry { bytes, count, records, names, date, source })
    }

    /// Checks that the records are in order and that every name is UTF-8 inside the names.
    fn check_records(&self) -> Result<(), LoadError> {
        let mut previous = None;
        for i in 0..self.count {
            let record = self.record(i);
            if previous.is_some_and(|p| p >= record >> 26) {
                return Err(LoadError("records out of order"));
            }
            previous = Some(record >> 26);
            let offset = (record & ((1 << 26) - 1)) as usize;
            let name = self.bytes[self.names..].get(offset..).and_then(|n| {
                let len = *n.first()? as usize;
                n.get(1..1 + len)
            });
            match name.map(std::str::from_utf8) {
                Some(Ok(_)) => {}
                Some(Err(_)) => return Err(LoadError("a name is not utf-8")),
                None => return Err(LoadError("a name lies outside the names")),
            }
        }
        Ok(())
    }

    /// The number of assignments.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are no assignments.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The date of the data (`YYYY-MM-DD`), as the TSV's header gives it.
    pub fn date(&self) -> &str {
        self.text(self.date)
    }

    /// The packages the data was taken from.
    pub fn source(&self) -> &str {
        self.text(self.source)
    }

    /// The size of the table in bytes.
    pub fn size(&self) -> usize {
        self.bytes.len()
    }

    fn text(&self, (start, end): (usize, usize)) -> &str {
        std::str::from_utf8(&self.bytes[start..end]).unwrap_or_default()
    }

    fn record(&self, i: usize) -> u64 {
        let at = self.records + 8 * i;
        let mut b = [0; 8];
        b.copy_from_slice(&self.bytes[at..at + 8]);
        u64::from_le_bytes(b)
    }

    fn assignment(&self, record: u64) -> Assignment<'_> {
        let registry = RegistryKind::ALL[(record >> 26 & 3) as usize];
        let offset = self.names + (record & ((1 << 26) - 1)) as usize;
        let len = self.bytes[offset] as usize;
        let organization = std::str::from_utf8(&self.bytes[offset + 1..offset + 1 + len]).unwrap_or_default();
        Assignment { prefix: (record >> 28) >> (36 - registry.bits()), registry, organization }
    }

    /// Every assignment, in prefix order (a block before the smaller blocks inside it).
    pub fn iter(&self) -> impl Iterator<Item = Assignment<'_>> + '_ {
        (0..self.count).map(|i| self.assignment(self.record(i)))
    }

    /// The sort key of record `i`: its prefix (36 bits, left-aligned) and registry.
    fn key(&self, i: usize) -> u64 {
        self.record(i) >> 26
    }

    /// The first record in `lo..hi` whose key is at least `key` (`hi` when none is).
    fn lower_bound(&self, mut lo: usize, mut hi: usize, key: u64) -> usize {
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.key(mid) < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The records of blocks inside the 24-bit prefix `oui` (its MA-L and what is carved out of
    /// it): every block an address of that prefix can be in. Usually none or one.
    fn records_of(&self, oui: u64) -> std::ops::Range<usize> {
        let (first, limit) = (oui << 14, (oui + 1) << 14);
        let lo = self.lower_bound(0, self.count, first);
        let hi = match lo + 1 {
            next if next >= self.count || self.key(next) >= limit => next.min(self.count),
            // A registration authority's block, subdivided: search for its end.
            next => self.lower_bound(next, self.count, limit),
        };
        match lo < self.count && self.key(lo) < limit {
            true => lo..hi,
            false => lo..lo,
        }
    }

    /// The assignment in `registry` whose prefix is `prefix36`'s first bits, if any, among the
    /// records in `within`.
    fn find(
        &self,
        prefix36: u64,
        registry: RegistryKind,
        within: std::ops::Range<usize>,
    ) -> Option<Assignment<'_>> {
        let shift = 36 - registry.bits();
        let key = (prefix36 >> shift << shift) << 2 | registry as u64;
        let at = self.lower_bound(within.start, within.end, key);
        (at < within.end && self.key(at) == key).then(|| self.assignment(self.record(at)))
    }

    /// The assignment with the longest prefix that `address` (at least 5 octets: an EUI-48 or
    /// EUI-64) starts with, taken as it is: the caller decides what a multicast or locally
    /// administered address means.
    ///
    /// ```
    /// # #[cfg(not(target_arch = "wasm32"))] {
    /// use serialkit::ids::oui;
    /// let registry = oui::current().unwrap();
    /// let vmware = registry.lookup(&[0x00, 0x50, 0x56, 0xC0, 0x00, 0x03]).unwrap();
    /// assert_eq!((vmware.organization, vmware.registry.as_str()), ("VMware, Inc.", "MA-L"));
    /// # }
    /// ```
    pub fn lookup(&self, address: &[u8]) -> Option<Assignment<'_>> {
        let [a, b, c, d, e, ..] = *address else { return None };
        let prefix36 = (u64::from(a) << 28)
            | (u64::from(b) << 20)
            | (u64::from(c) << 12)
            | (u64::from(d) << 4)
            | (u64::from(e) >> 4);
        let within = self.records_of(prefix36 >> 12);
        [RegistryKind::MaS, RegistryKind::Iab, RegistryKind::MaM, RegistryKind::MaL]
            .into_iter()
            .find_map(|registry| self.find(prefix36, registry, within.clone()))
    }
}

#[cfg(not(target_arch = "wasm32"))]
static BUILTIN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/ieee-registry.bin"));

/// The table MAC addresses are looked up in: natively the built-in one; on wasm32 the one
/// `load_registry` installed, `None` before that.
#[cfg(not(target_arch = "wasm32"))]
pub fn current() -> Option<&'static MacRegistry> {
    static TABLE: std::sync::OnceLock<Option<MacRegistry>> = std::sync::OnceLock::new();
    // Written by build.rs in the same build, and checked record by record by the test
    // damaged_tables_are_refused: only its header is read here (checking every record took
    // milliseconds at the first MAC address).
    TABLE.get_or_init(|| MacRegistry::with_header(Cow::Borrowed(BUILTIN)).ok()).as_ref()
}

#[cfg(target_arch = "wasm32")]
static LOADED: std::sync::OnceLock<MacRegistry> = std::sync::OnceLock::new();

/// The table MAC addresses are looked up in: natively the built-in one; on wasm32 the one
/// [`load_registry`] installed, `None` before that.
#[cfg(target_arch = "wasm32")]
pub fn current() -> Option<&'static MacRegistry> {
    LOADED.get()
}

/// Installs the table that [`current`] returns (wasm32, where none is built in): the bytes of
/// `pkg/ieee-registry.bin`. Only the first successful load counts; later calls check the bytes
/// and return the table already installed.
#[cfg(target_arch = "wasm32")]
pub fn load_registry(bytes: Vec<u8>) -> Result<&'static MacRegistry, LoadError> {
    if let Some(table) = LOADED.get() {
        return Ok(table);
    }
    let table = MacRegistry::from_bytes(bytes)?;
    Ok(LOADED.get_or_init(|| table))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn table() -> &'static MacRegistry {
        current().expect("the built-in table loads")
    }

    /// The address written as hex digits, padded with zeros to 6 octets.
    fn lookup(hex: &str) -> Option<(String, &'static str, &'static str)> {
        let hex = format!("{hex:0<12}");
        let octets: Vec<u8> =
            (0..6).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
        table().lookup(&octets).map(|a| (a.prefix_text(), a.registry.as_str(), a.organization))
    }

    /// The rows of the TSV with this prefix, as `registry`, `organization`.
    fn rows(prefix: &str) -> Vec<(String, String)> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/vendors/data/ieee/registry.tsv");
        let text = std::fs::read_to_string(path).unwrap();
        text.lines()
            .filter_map(|l| l.strip_prefix(prefix)?.strip_prefix('\t'))
            .map(|rest| {
                let cols: Vec<&str> = rest.split('\t').collect();
                (cols[1].to_string(), cols[2].to_string())
            })
            .collect()
    }

    #[test]
    fn well_known_ouis_match_the_data_file() {
        for (prefix, organization) in [
            ("00000C", "Cisco Systems, Inc"),
            ("005056", "VMware, Inc."),
            ("ACDE48", "Private"),
            ("B827EB", "Raspberry Pi Foundation"),
            ("00005E", "ICANN, IANA Department"),
        ] {
            assert_eq!(rows(prefix), [("MA-L".to_string(), organization.to_string())], "{prefix}");
            let text = format!("{}-{}-{}", &prefix[..2], &prefix[2..4], &prefix[4..]);
            assert_eq!(lookup(prefix), Some((text, "MA-L", organization)), "{prefix}");
        }
    }

    #[test]
    fn the_longest_prefix_wins() {
        // 70-B3-D5 is an MA-L of the IEEE RA, subdivided into MA-S blocks.
        assert_eq!(rows("70B3D5"), [("MA-L".into(), REGISTRATION_AUTHORITY.into())]);
        let (registry, organization) = rows("70B3D5F2F").remove(0);
        assert_eq!(registry, "MA-S");
        assert_eq!(lookup("70B3D5F2F"), Some(("70-B3-D5-F2-F".into(), "MA-S", table_name(&organization))));
        // An MA-M block inside an IEEE RA MA-L.
        let (registry, organization) = rows("B0C5CA0").remove(0);
        assert_eq!(rows("B0C5CA")[0].1, REGISTRATION_AUTHORITY);
        assert_eq!(registry, "MA-M");
        assert_eq!(lookup("B0C5CA0"), Some(("B0-C5-CA-0".into(), "MA-M", table_name(&organization))));
        // An IAB.
        assert_eq!(lookup("0050C27D5").map(|a| a.1), Some("IAB"));
        // Inside an IEEE RA block, an address the data has no smaller block for: the RA answers.
        let unassigned = (0..4096)
            .map(|i| format!("8C1F64{i:03X}"))
            .find(|p| lookup(p).is_some_and(|a| a.1 == "MA-L"))
            .expect("some 8C-1F-64 block is not in the data");
        assert_eq!(lookup(&unassigned).unwrap().2, REGISTRATION_AUTHORITY);
    }

    /// The table's copy of a name (a `&'static str` to compare with).
    fn table_name(name: &str) -> &'static str {
        table().iter().find(|a| a.organization == name).unwrap().organization
    }

    #[test]
    fn unknown_prefixes_have_no_assignment() {
        // 02-00-00: the local bit is set, the IEEE assigns no such OUI.
        assert_eq!(lookup("020000"), None);
        assert_eq!(table().lookup(&[0x00, 0x00]), None);
    }

    #[test]
    fn the_table_is_sorted_unique_and_complete() {
        let t = table();
        assert!(t.len() > 50_000, "{} assignments", t.len());
        assert_eq!(t.date().len(), 10);
        assert!(t.source().contains("oui-data"), "{}", t.source());
        let keys: Vec<(u64, RegistryKind)> =
            t.iter().map(|a| (a.prefix << (36 - a.registry.bits()), a.registry)).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "records sorted and unique");
        // Every line of the TSV is in the table.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/vendors/data/ieee/registry.tsv");
        let lines = std::fs::read_to_string(path).unwrap();
        let rows = lines.lines().filter(|l| !l.starts_with('#')).skip(1).count();
        assert!(rows >= t.len(), "{rows} rows for {} assignments", t.len());
    }

    #[test]
    fn damaged_tables_are_refused() {
        let good = BUILTIN.to_vec();
        assert!(MacRegistry::from_bytes(good.clone()).is_ok());
        let err = |bytes: Vec<u8>| MacRegistry::from_bytes(bytes).unwrap_err().to_string();
        assert_eq!(err(b"SKMACREX".to_vec()), "not a mac registry table: wrong magic number");
        assert_eq!(err(good[..good.len() - 1].to_vec()), "not a mac registry table: truncated");
        let mut longer = good.clone();
        longer.push(0);
        assert_eq!(err(longer), "not a mac registry table: bytes after the names");
        // Swap the first two records.
        let t = table();
        let mut swapped = good;
        swapped[t.records..t.records + 16].rotate_left(8);
        assert_eq!(err(swapped), "not a mac registry table: records out of order");
    }
}
