//! Duplicate values: the same unit entered twice, exactly (after normalization) or nearly (one
//! typo apart).
//!
//! Values are compared by their identity key: [`normalize`](crate::normalize)d, with everything
//! but letters and digits dropped (`5RFD-P01`, `5rfd p01` and `5RFDP01` are one key). Keys then
//! link when they are:
//! - the same after folding look-alikes (`O`→`0`, `I`/`L`→`1`, `S`→`5`, `B`→`8`, `Z`→`2`):
//!   `C02…` and `CO2…`;
//! - one adjacent transposition apart (`…GVC8` and `…GV8C`);
//! - one character missing or extra (`C02TJ0Q7GVC8` and `C02TJ0Q7GVC`);
//! - optionally, one character different anywhere ([`NearKinds::substitution`]). Off by default:
//!   sequential serials differ in one character by design.
//!
//! Each source (column) has an [`Alphabet`], and near duplicates are looked for among the keys
//! of one alphabet: in a MAC column `B` and `8` are both hex digits and never fold, and two
//! IMEIs or GTINs that both pass their check digit are two units. Units numbered in sequence
//! are never near duplicates of each other: a value whose trailing counter has a neighbour a
//! few steps away is a unit of a run.
//!
//! Keys shorter than [`MIN_NEAR_LEN`] only take part in exact matches. Every search is a hash
//! lookup per key and position, never a comparison of all pairs, so ten million values finish.
//!
//! ```
//! use serialkit::dupes::{find_duplicates, GroupKind};
//! let groups = find_duplicates(&["C02TJ0Q7GVC8", "c02tj0q7gvc8 ", "CO2TJ0Q7GVC8", "FVFXC2MHHV29"]);
//! assert_eq!(groups.len(), 1);
//! assert_eq!(groups[0].kind, GroupKind::Near);
//! assert_eq!(groups[0].indexes(), vec![0, 1, 2]);
//! ```

use crate::normalize::normalize;
use crate::{Kind, Options, Registry};
use serde::Serialize;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Keys shorter than this are only ever exact duplicates: short values are one typo apart from
/// too many others to mean anything.
pub const MIN_NEAR_LEN: usize = 6;

/// Why two values are thought to be one unit, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The same once case, spaces and punctuation are ignored.
    Exact,
    /// The same value in two different columns (a MAC pasted as a serial).
    OtherColumn,
    /// The same once look-alike characters are folded (`O`/`0`, `I`/`L`/`1`, `S`/`5`, `B`/`8`, `Z`/`2`).
    Confusable,
    /// Two neighbouring characters swapped.
    Transposition,
    /// One character missing or extra.
    MissingOrExtra,
    /// One character different.
    Substitution,
}

impl Reason {
    /// How sure a link of this kind is, 0 to 1.
    pub fn confidence(self) -> f64 {
        match self {
            Reason::Exact => 1.0,
            Reason::OtherColumn => 0.95,
            Reason::Confusable => 0.9,
            Reason::Transposition => 0.75,
            Reason::MissingOrExtra => 0.7,
            Reason::Substitution => 0.5,
        }
    }

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Exact => "exact",
            Reason::OtherColumn => "other-column",
            Reason::Confusable => "confusable",
            Reason::Transposition => "transposition",
            Reason::MissingOrExtra => "missing-or-extra",
            Reason::Substitution => "substitution",
        }
    }
}

/// Which near-duplicate links to look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NearKinds {
    /// Look-alike characters.
    pub confusable: bool,
    /// Adjacent transpositions.
    pub transposition: bool,
    /// One character missing or extra.
    pub missing_or_extra: bool,
    /// One character different anywhere.
    pub substitution: bool,
}

impl Default for NearKinds {
    fn default() -> NearKinds {
        NearKinds { confusable: true, transposition: true, missing_or_extra: true, substitution: false }
    }
}

impl NearKinds {
    /// Every kind, substitution included.
    pub fn all() -> NearKinds {
        NearKinds { substitution: true, ..NearKinds::default() }
    }

    /// Exact duplicates only.
    pub fn none() -> NearKinds {
        NearKinds { confusable: false, transposition: false, missing_or_extra: false, substitution: false }
    }
}

/// The identity key of a value: normalized, letters and digits only.
///
/// ```
/// assert_eq!(serialkit::dupes::identity_key(" 5rfd–p01 "), "5RFDP01");
/// ```
pub fn identity_key(value: &str) -> String {
    let mut key = String::with_capacity(value.len());
    identity_key_into(value, &mut key);
    key
}

/// [`identity_key`] written into `key`, whose buffer is reused; whether `value` was its own
/// key already.
fn identity_key_into(value: &str, key: &mut String) -> bool {
    key.clear();
    if is_plain_key(value) {
        key.push_str(value);
        return true;
    }
    if value.is_ascii() {
        // The common case, without the general clean-up's allocations: for ASCII it keeps the
        // same letters and digits.
        // Bytes, not chars: pushing a char at a time showed in profiles of every MAC address.
        let mut bytes = std::mem::take(key).into_bytes();
        bytes.extend(value.bytes().filter(u8::is_ascii_alphanumeric).map(|b| b.to_ascii_uppercase()));
        *key = String::from_utf8(bytes).unwrap_or_default();
        return false;
    }
    key.extend(normalize(value).chars().filter(|c| c.is_alphanumeric()));
    false
}

/// Whether `value` is its own identity key: upper-case ASCII letters and digits, as most
/// serials are written.
fn is_plain_key(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Identity keys of values as a registry reads them: a valid value's key is that of its
/// normalized form, so `SC02TJ0Q7GVC8` (an Apple serial with the `S` a box label's barcode
/// adds) and `C02TJ0Q7GVC8` are one unit, and so are `d0:5:9:4:a2:a0` and `D0:05:09:04:A2:A0`.
///
/// Decoding takes microseconds, and a value that fits nothing ten or more, so only values
/// whose normalized form can differ from their plain key are decoded: those with a
/// one-character group between separators, and those that start with a scanner prefix of
/// some format. Many serials start with a prefix letter by chance, so in bulk
/// ([`KeyReader::plain_key`]) those are decoded only once their [`stripped`](KeyReader::stripped)
/// key turns out to be another value's ([`Finder::has_key`], [`Finder::rekey`]).
///
/// ```
/// use serialkit::{Options, Registry, dupes::KeyReader};
/// let keys = KeyReader::new(Registry::builtin());
/// assert_eq!(keys.key("SC02TJ0Q7GVC8", &Options::default()), "C02TJ0Q7GVC8");
/// assert_eq!(keys.key("d0:5:9:4:a2:a0", &Options::default()), "D0050904A2A0");
/// assert_eq!(keys.key("5rfd-p01", &Options::default()), "5RFDP01");
/// ```
pub struct KeyReader<'r> {
    registry: &'r Registry,
    /// Every format's scanner prefixes, upper case.
    prefixes: Vec<String>,
}

impl<'r> KeyReader<'r> {
    /// A reader for the values `registry` decodes.
    pub fn new(registry: &'r Registry) -> KeyReader<'r> {
        let mut prefixes: Vec<String> = registry
            .vendors()
            .flat_map(|v| &v.formats)
            .flat_map(|f| &f.scanner_prefixes)
            .map(|p| p.to_ascii_uppercase())
            .collect();
        prefixes.sort();
        prefixes.dedup();
        KeyReader { registry, prefixes }
    }

    /// The identity key of `value` read with `options` (its kind and vendor).
    pub fn key(&self, value: &str, options: &Options) -> String {
        let key = self.plain_key(value, || options.clone());
        match self.stripped(&key) {
            Some(_) => self.decoded_key(value, options).unwrap_or(key),
            None => key,
        }
    }

    /// The identity key of `value`, decoding it (with the options `options` makes) only when
    /// it has a one-character group; a value with a scanner prefix keeps its plain key.
    pub fn plain_key(&self, value: &str, options: impl FnOnce() -> Options) -> String {
        let mut key = String::new();
        self.plain_key_into(value, options, &mut key);
        key
    }

    /// [`plain_key`](KeyReader::plain_key) written into `key`, whose buffer is reused.
    pub(crate) fn plain_key_into(&self, value: &str, options: impl FnOnce() -> Options, key: &mut String) {
        if !identity_key_into(value, key) && has_short_group(value) {
            if let Some(decoded) = self.decoded_key(value, &options()) {
                *key = decoded;
            }
        }
    }

    /// `key` without the scanner prefix it starts with, if it starts with one.
    pub fn stripped<'k>(&self, key: &'k str) -> Option<&'k str> {
        self.prefixes.iter().find_map(|p| key.strip_prefix(p.as_str()).filter(|rest| !rest.is_empty()))
    }

    /// The key a value with a scanner prefix moves to: its normalized form's, when the key
    /// without the prefix is one `known` holds (only then is it worth decoding) and the
    /// normalized form's key is another.
    pub fn rekeyed(&self, key: &str, options: &Options, known: impl FnOnce(&str) -> bool) -> Option<String> {
        self.stripped(key).filter(|rest| known(rest))?;
        self.decoded_key(key, options).filter(|k| k != key)
    }

    /// The identity key of `value`'s normalized form, when `value` is valid.
    pub fn decoded_key(&self, value: &str, options: &Options) -> Option<String> {
        self.registry.best(value, options).ok().map(|decoded| identity_key(&decoded.normalized))
    }
}

/// Whether `value` has a one-character group between `:` or `-` separators (`d0:5:9:…`),
/// which a MAC address's normalized form pads with a zero.
fn has_short_group(value: &str) -> bool {
    // One pass over the bytes: every MAC address of a file comes here.
    let (mut groups, mut short, mut len) = (1, false, 0);
    for b in value.trim().bytes() {
        if b == b':' || b == b'-' {
            (groups, short, len) = (groups + 1, short | (len == 1), 0);
        } else {
            len += 1;
        }
    }
    (short || len == 1) && groups > 2
}

/// Folds a look-alike character to the one it is taken for.
fn fold(b: u8) -> u8 {
    match b {
        b'O' => b'0',
        b'I' | b'L' => b'1',
        b'S' => b'5',
        b'B' => b'8',
        b'Z' => b'2',
        b => b,
    }
}

/// What the values of one source (a column) may contain. Look-alikes fold only where the
/// alphabet makes one of the pair illegal, and a check digit tells two units from a typo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Alphabet {
    /// Letters and digits, either of a look-alike pair legal or not (serials, model numbers):
    /// every look-alike pair folds.
    #[default]
    Alphanumeric,
    /// Hexadecimal digits (MAC addresses, hex MEIDs): `B` and `8` are both legal and never
    /// fold; `O`, `I`, `L`, `S` and `Z` do.
    Hex,
    /// Decimal digits without a check digit (IMEISV): every look-alike letter folds.
    Decimal,
    /// Decimal digits with a check digit (IMEI, ICCID, GTIN, ISBN): two values that both pass
    /// the check are two units, never a typo of each other.
    CheckDigit(Kind),
}

impl Alphabet {
    /// The alphabet of values of `kind` (`None`: any identifier).
    ///
    /// ```
    /// use serialkit::{Kind, dupes::Alphabet};
    /// assert_eq!(Alphabet::of(Some(Kind::Mac)), Alphabet::Hex);
    /// assert_eq!(Alphabet::of(None), Alphabet::Alphanumeric);
    /// ```
    pub fn of(kind: Option<Kind>) -> Alphabet {
        match kind {
            Some(Kind::Mac | Kind::Meid) => Alphabet::Hex,
            Some(Kind::Imeisv) => Alphabet::Decimal,
            Some(k @ (Kind::Imei | Kind::Iccid | Kind::Gtin | Kind::Isbn)) => Alphabet::CheckDigit(k),
            _ => Alphabet::Alphanumeric,
        }
    }

    /// The character the look-alike `b` is taken for, unless `b` is legal here.
    fn fold(self, b: u8) -> u8 {
        if self == Alphabet::Hex && b.is_ascii_hexdigit() {
            return b;
        }
        fold(b)
    }

    /// The base of the counter that ends a value numbered in sequence.
    fn counter_base(self) -> u32 {
        if self == Alphabet::Hex { 16 } else { 10 }
    }
}

/// Alphabets a finder tells apart, at most (one bit each in a key's classes).
const MAX_ALPHABETS: usize = 16;

/// 64-bit FNV-1a, seeded, over the bytes `parts` yields. The substitution search visits keys
/// in the order of these hashes.
fn fnv<'a>(seed: u64, parts: impl IntoIterator<Item = &'a [u8]>) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325 ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for part in parts {
        for &b in part {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    // A final mix so nearby keys spread over the hash table.
    h ^= h >> 29;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^ (h >> 32)
}

/// The hash of key `bytes`: eight bytes at a time, each word folded in by a 128-bit
/// multiplication (as wyhash does). Keys that collide cost a comparison of bytes, never a
/// wrong answer.
fn key_hash(bytes: &[u8]) -> u64 {
    const K: [u64; 4] =
        [0xA076_1D64_78BD_642F, 0xE703_7ED1_A0B4_28DB, 0x8EBC_6AF0_9C88_C6E3, 0x5899_65CC_7537_4CC3];
    let n = bytes.len();
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
    let mut h = K[0] ^ (n as u64).wrapping_mul(K[1]);
    if n <= 8 {
        // One to eight bytes in one word, from overlapping reads of the ends.
        let w = match n {
            0 => 0,
            1..=3 => u64::from(bytes[0]) << 16 | u64::from(bytes[n / 2]) << 8 | u64::from(bytes[n - 1]),
            _ => {
                let half = |at: usize| {
                    u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default()))
                };
                half(0) << 32 | half(n - 4)
            }
        };
        h = fold_mul(h ^ w, K[2]);
    } else {
        let mut at = 0;
        while at + 8 < n {
            h = fold_mul(h ^ word(at), K[2]);
            at += 8;
        }
        // The last eight bytes, overlapping the word before when the length is no multiple.
        h = fold_mul(h ^ word(n - 8), K[3]);
    }
    fold_mul(h, K[1])
}

/// The two halves of the 128-bit product of `a` and `b`, folded together.
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    p as u64 ^ (p >> 64) as u64
}

/// The multiplier of [`Polynomial`] hashes (odd).
const POLY_BASE: u64 = 0x9E37_79B9_7F4A_7C15;

/// A key read as a polynomial in [`POLY_BASE`] modulo 2⁶⁴, with what it takes to get the
/// polynomial of the key with two neighbours swapped, or one character dropped, in one
/// multiplication, without writing the variant out. Weak against keys written to collide,
/// so only the [`Filter`] uses it: a collision there costs one lookup in the key index, which
/// has its own hash. Buffers are kept from key to key.
#[derive(Default)]
struct Polynomial {
    /// `BASE^k`, as far as the longest key so far needs.
    powers: Vec<u64>,
    /// The polynomials of the key's prefixes, by length.
    prefixes: Vec<u64>,
}

impl Polynomial {
    /// The polynomial of `key`.
    fn of(key: &[u8]) -> u64 {
        key.iter().fold(0u64, |h, &b| h.wrapping_mul(POLY_BASE).wrapping_add(u64::from(b)))
    }

    /// Starts on `key`: its prefixes, and powers up to its length.
    fn start(&mut self, key: &[u8]) {
        while self.powers.len() < key.len() {
            let next = self.powers.last().map_or(1, |&p| p.wrapping_mul(POLY_BASE));
            self.powers.push(next);
        }
        self.prefixes.clear();
        let mut h = 0u64;
        self.prefixes.push(h);
        for &b in key {
            h = h.wrapping_mul(POLY_BASE).wrapping_add(u64::from(b));
            self.prefixes.push(h);
        }
    }

    /// The polynomial of the key started on, with bytes `p` and `p + 1` swapped.
    fn swapped(&self, key: &[u8], p: usize) -> u64 {
        // Byte p moves from weight BASE^(n-1-p) to BASE^(n-2-p), byte p + 1 the other way.
        let n = key.len();
        let d = u64::from(key[p + 1]).wrapping_sub(u64::from(key[p]));
        let weight = self.powers[n - 1 - p].wrapping_sub(self.powers[n - 2 - p]);
        self.prefixes[n].wrapping_add(d.wrapping_mul(weight))
    }

    /// The polynomial of the key started on, without byte `p`.
    fn dropped(&self, key: &[u8], p: usize) -> u64 {
        // The bytes before p lose one power; those after keep theirs.
        let n = key.len();
        let d = self.prefixes[p].wrapping_sub(self.prefixes[p + 1]);
        self.prefixes[n].wrapping_add(d.wrapping_mul(self.powers[n - 1 - p]))
    }
}

/// A set of keys by their [`Polynomial`] and length, two bits of one word each: it answers
/// "absent" for most of the variants looked for, from a byte per key that stays in cache.
struct Filter {
    words: Vec<u64>,
}

impl Filter {
    /// An empty filter for about `keys` keys.
    fn new(keys: usize) -> Filter {
        Filter { words: vec![0; keys.div_ceil(8).max(1)] }
    }

    fn at(&self, poly: u64, len: usize) -> (usize, u64) {
        let h = fold_mul(poly ^ (len as u64).wrapping_mul(0xA076_1D64_78BD_642F), 0xE703_7ED1_A0B4_28DB);
        let word = (((h >> 32) * self.words.len() as u64) >> 32) as usize;
        (word, 1 << (h & 63) | 1 << ((h >> 6) & 63))
    }

    fn insert(&mut self, poly: u64, len: usize) {
        let (word, bits) = self.at(poly, len);
        self.words[word] |= bits;
    }

    /// False when no key of `len` bytes with polynomial `poly` was inserted; true when one
    /// was, and for a few others.
    fn may_hold(&self, poly: u64, len: usize) -> bool {
        let (word, bits) = self.at(poly, len);
        self.words[word] & bits == bits
    }
}

/// The key index: open addressing over 32-bit slots, at most 70% full. A slot holds a key id
/// plus one (0 is empty) in its low bits and, above them, as many bits of the key's hash as
/// are left over, which tell most keys of other hashes apart without comparing bytes. The
/// keys themselves stay in the arena.
struct KeyTable {
    slots: Vec<u32>,
    len: usize,
    /// The bits of a slot that hold the id.
    id_mask: u32,
}

impl KeyTable {
    fn with_slots(n: usize) -> KeyTable {
        // Ids stay below the slot count, so the id part needs as many bits as that count.
        let id_bits = usize::BITS - n.leading_zeros();
        let id_mask = if id_bits >= 32 { u32::MAX } else { (1 << id_bits) - 1 };
        KeyTable { slots: vec![0; n], len: 0, id_mask }
    }

    /// Slots for `keys` keys at most 70% full.
    fn slots_for(keys: usize) -> usize {
        (keys * 10 / 7 + 1).max(1024)
    }

    fn start(&self, h: u64) -> usize {
        (((h >> 32) * self.slots.len() as u64) >> 32) as usize
    }

    /// The id stored under hash `h` for which `is` holds; callers compare bytes.
    fn find(&self, h: u64, mut is: impl FnMut(u32) -> bool) -> Option<u32> {
        let tag = h as u32 & !self.id_mask;
        let mut at = self.start(h);
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                return None;
            }
            if slot & !self.id_mask == tag && is((slot & self.id_mask) - 1) {
                return Some((slot & self.id_mask) - 1);
            }
            at += 1;
            if at == self.slots.len() {
                at = 0;
            }
        }
    }

    fn place(&mut self, h: u64, id: u32) {
        let mut at = self.start(h);
        while self.slots[at] != 0 {
            at += 1;
            if at == self.slots.len() {
                at = 0;
            }
        }
        self.slots[at] = (h as u32 & !self.id_mask) | (id + 1);
        self.len += 1;
    }
}

/// A group of entries found by [`Finder::finish`].
#[derive(Debug, Clone, PartialEq)]
pub struct RawGroup {
    /// Entry numbers (in the order they were added).
    pub entries: Vec<u32>,
    /// Every kind of link inside the group, strongest first.
    pub reasons: Vec<Reason>,
    /// How sure the weakest link needed is.
    pub confidence: f64,
}

/// An entry with a blank value: it has no key.
const BLANK: u32 = u32::MAX;

/// The identity key of each entry, each distinct key stored once: what a [`Finder`] keeps of
/// the values added, and leaves when it is done ([`Finder::into_groups`]).
pub struct Keys {
    /// Distinct keys, back to back.
    arena: Vec<u8>,
    /// Start of key `k` in the arena (one more entry at the end).
    starts: Vec<u32>,
    /// For each entry: its key ([`BLANK`] for a blank value).
    entry_key: Vec<u32>,
}

impl Keys {
    /// The identity key entry `entry` has (empty for a blank value).
    pub fn key_of(&self, entry: u32) -> &str {
        match self.entry_key.get(entry as usize) {
            Some(&id) if id != BLANK => std::str::from_utf8(self.key(id)).unwrap_or(""),
            _ => "",
        }
    }

    fn key(&self, id: u32) -> &[u8] {
        &self.arena[self.starts[id as usize] as usize..self.starts[id as usize + 1] as usize]
    }

    fn count(&self) -> usize {
        self.starts.len() - 1
    }
}

/// Collects values and finds the duplicates among them, in memory proportional to the total
/// length of the distinct keys: about 20 bytes a distinct key of 10 characters, and 4 an
/// entry.
pub struct Finder {
    near: NearKinds,
    keys: Keys,
    /// Key id by key hash; collisions are resolved by comparing bytes.
    ids: KeyTable,
    /// For each entry: its source (column or file); empty while every entry is from source 0.
    entry_source: Vec<u32>,
    /// The alphabets in use, the default first; `source_class[s]` indexes the one of source `s`.
    classes: Vec<Alphabet>,
    source_class: Vec<u8>,
    /// For each key: a bit per alphabet of the sources it came from; empty while every key
    /// came from sources of the default alphabet only.
    key_classes: Vec<u16>,
    /// Keys entries were moved from, with the key they were moved to: one unit.
    aliases: Vec<(u32, u32)>,
}

impl Finder {
    /// A finder looking for `near` kinds of near duplicates.
    pub fn new(near: NearKinds) -> Finder {
        Finder {
            near,
            keys: Keys { arena: Vec::new(), starts: vec![0], entry_key: Vec::new() },
            ids: KeyTable::with_slots(KeyTable::slots_for(0)),
            entry_source: Vec::new(),
            classes: vec![Alphabet::Alphanumeric],
            source_class: Vec::new(),
            key_classes: Vec::new(),
            aliases: Vec::new(),
        }
    }

    /// Makes room for `entries` more entries and `keys` more distinct keys of `key_bytes`
    /// bytes in all: a finder that knows its size up front never copies what it holds.
    pub fn reserve(&mut self, entries: usize, keys: usize, key_bytes: usize) {
        self.keys.entry_key.reserve(entries);
        self.keys.starts.reserve(keys);
        self.keys.arena.reserve(key_bytes);
        let slots = KeyTable::slots_for(self.key_count() + keys);
        if slots > self.ids.slots.len() {
            self.rehash(slots);
        }
    }

    /// Says what `source`'s values may contain ([`Alphabet::Alphanumeric`] until told):
    /// near duplicates are looked for among the keys of one alphabet at a time.
    pub fn set_alphabet(&mut self, source: u32, alphabet: Alphabet) {
        let class = match self.classes.iter().position(|&a| a == alphabet) {
            Some(c) => c,
            None if self.classes.len() < MAX_ALPHABETS => {
                self.classes.push(alphabet);
                self.classes.len() - 1
            }
            None => 0,
        };
        let source = source as usize;
        if self.source_class.len() <= source {
            self.source_class.resize(source + 1, 0);
        }
        self.source_class[source] = class as u8;
    }

    /// Adds a value from `source` (a column or file number); returns its entry number.
    pub fn add(&mut self, value: &str, source: u32) -> u32 {
        self.add_key(&identity_key(value), source)
    }

    /// Adds an identity key (see [`identity_key`]) from `source`; returns its entry number.
    pub fn add_key(&mut self, key: &str, source: u32) -> u32 {
        let id = if key.is_empty() { BLANK } else { self.intern(key.as_bytes()) };
        if id != BLANK {
            self.mark_class(id, source);
        }
        let entry = self.keys.entry_key.len();
        self.keys.entry_key.push(id);
        if source != 0 && self.entry_source.is_empty() {
            self.entry_source.resize(entry, 0);
        }
        if !self.entry_source.is_empty() {
            self.entry_source.push(source);
        }
        entry as u32
    }

    /// Whether some value added so far has the identity key `key`.
    pub fn has_key(&self, key: &str) -> bool {
        self.lookup(key_hash(key.as_bytes()), key.as_bytes()).is_some()
    }

    /// The identity key entry `entry` has (empty for a blank value).
    pub fn key_of(&self, entry: u32) -> &str {
        self.keys.key_of(entry)
    }

    /// Gives entry `entry` the identity key `key` in place of the one it was added with: its
    /// value's normalized form turned out to be another value's key (see [`KeyReader`]). The
    /// old key stays, so values one typo from the entry's value as written still join it.
    pub fn rekey(&mut self, entry: u32, key: &str) {
        if entry as usize >= self.keys.entry_key.len() {
            return;
        }
        let source = self.source(entry);
        let id = self.intern(key.as_bytes());
        self.mark_class(id, source);
        let old = std::mem::replace(&mut self.keys.entry_key[entry as usize], id);
        if old != BLANK && old != id {
            self.aliases.push((old, id));
        }
    }

    /// How many distinct keys there are, and how many bytes they take.
    pub fn size(&self) -> (usize, usize) {
        (self.key_count(), self.keys.arena.len())
    }

    /// Number of entries added.
    pub fn len(&self) -> usize {
        self.keys.entry_key.len()
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.keys.entry_key.is_empty()
    }

    fn source(&self, entry: u32) -> u32 {
        self.entry_source.get(entry as usize).copied().unwrap_or(0)
    }

    fn key_count(&self) -> usize {
        self.keys.count()
    }

    fn key(&self, id: u32) -> &[u8] {
        self.keys.key(id)
    }

    /// Notes that key `id` came from `source`'s alphabet.
    fn mark_class(&mut self, id: u32, source: u32) {
        let class = self.source_class.get(source as usize).copied().unwrap_or(0);
        if class != 0 && self.key_classes.is_empty() {
            self.key_classes = vec![1; self.key_count()];
        }
        if let Some(classes) = self.key_classes.get_mut(id as usize) {
            *classes |= 1 << class;
        }
    }

    /// Whether key `id` came from a source of alphabet `class`.
    fn in_class(&self, id: u32, class: usize) -> bool {
        match self.key_classes.get(id as usize) {
            Some(classes) => classes & (1 << class) != 0,
            None => class == 0,
        }
    }

    fn lookup(&self, h: u64, bytes: &[u8]) -> Option<u32> {
        self.ids.find(h, |id| self.key(id) == bytes)
    }

    fn intern(&mut self, key: &[u8]) -> u32 {
        let h = key_hash(key);
        if let Some(id) = self.lookup(h, key) {
            return id;
        }
        let id = self.key_count() as u32;
        self.keys.arena.extend_from_slice(key);
        self.keys.starts.push(self.keys.arena.len() as u32);
        if !self.key_classes.is_empty() {
            self.key_classes.push(0);
        }
        if (self.ids.len + 1) * 10 > self.ids.slots.len() * 7 {
            self.rehash(self.ids.slots.len() * 2);
        }
        self.ids.place(h, id);
        id
    }

    /// Rebuilds the key index with `slots` slots; the hashes come again from the arena.
    fn rehash(&mut self, slots: usize) {
        let mut ids = KeyTable::with_slots(slots);
        for id in 0..self.ids.len as u32 {
            ids.place(key_hash(self.key(id)), id);
        }
        self.ids = ids;
    }

    /// Finds the groups: every set of entries linked by exact keys or near-duplicate links,
    /// with at least two entries. Groups come ordered by confidence, then by first entry.
    pub fn finish(&self) -> Vec<RawGroup> {
        let (sets, links) = self.links();
        self.groups(sets, links)
    }

    /// [`finish`](Finder::finish) for a finder that is done: the index of keys goes before
    /// the groups are made, which then take its memory, and the entries' keys stay.
    pub fn into_groups(mut self) -> (Vec<RawGroup>, Keys) {
        let (sets, links) = self.links();
        self.ids = KeyTable::with_slots(0);
        self.key_classes = Vec::new();
        let groups = self.groups(sets, links);
        (groups, self.keys)
    }

    /// The sets of linked keys, and the reason for each link that joined two sets.
    fn links(&self) -> (DisjointSets, Vec<(u32, Reason)>) {
        let mut sets = DisjointSets::default();
        let mut links: Vec<(u32, Reason)> = Vec::new();
        for &(old, new) in &self.aliases {
            sets.union(old, new);
        }
        self.link_near(&mut sets, &mut links);
        (sets, links)
    }

    /// The groups of entries, once keys are linked: linked keys by the root of their set,
    /// every other key alone.
    fn groups(&self, mut sets: DisjointSets, links: Vec<(u32, Reason)>) -> Vec<RawGroup> {
        // Entries per key, 2 standing for two or more; the top bit marks keys in a group.
        const GROUPED: u8 = 0x80;
        let mut count = vec![0u8; self.key_count()];
        for &key in &self.keys.entry_key {
            if key != BLANK {
                count[key as usize] = (count[key as usize] + 1).min(2);
            }
        }
        let linked = sets.members();
        let mut total: IdMap<u8> = IdMap::default();
        for &key in &linked {
            let t = total.entry(sets.find(key)).or_default();
            *t = (*t + count[key as usize]).min(2);
        }
        // The group of each root of linked keys, and of each key in a group.
        let mut group_of_root: IdMap<u32> = IdMap::default();
        let mut group_of: IdMap<u32> = IdMap::default();
        let mut groups = 0u32;
        let mut new_group = || {
            groups += 1;
            groups - 1
        };
        for &key in &linked {
            let root = sets.find(key);
            if total[&root] >= 2 {
                let g = *group_of_root.entry(root).or_insert_with(&mut new_group);
                group_of.insert(key, g);
            }
        }
        for (key, c) in count.iter().enumerate() {
            if *c >= 2 && !sets.contains(key as u32) {
                group_of.insert(key as u32, new_group());
            }
        }
        for &key in group_of.keys() {
            count[key as usize] |= GROUPED;
        }
        drop((total, linked));
        let blank = || RawGroup { entries: Vec::new(), reasons: Vec::new(), confidence: 1.0 };
        let mut groups: Vec<RawGroup> = (0..groups).map(|_| blank()).collect();
        for (entry, &key) in self.keys.entry_key.iter().enumerate() {
            if key != BLANK && count[key as usize] & GROUPED != 0 {
                groups[group_of[&key] as usize].entries.push(entry as u32);
            }
        }
        drop((count, group_of));
        for (key, reason) in links {
            if let Some(&g) = group_of_root.get(&sets.find(key)) {
                groups[g as usize].reasons.push(reason);
            }
        }
        for group in &mut groups {
            let mut keyed: Vec<(u32, u32)> =
                group.entries.iter().map(|&e| (self.keys.entry_key[e as usize], self.source(e))).collect();
            keyed.sort_unstable();
            let same_key = keyed.windows(2).filter(|w| w[0].0 == w[1].0);
            if same_key.clone().next().is_some() {
                group.reasons.push(Reason::Exact);
            }
            if same_key.clone().any(|w| w[0].1 != w[1].1) {
                group.reasons.push(Reason::OtherColumn);
            }
            group.reasons.sort();
            group.reasons.dedup();
            group.confidence = group.reasons.iter().map(|r| r.confidence()).fold(1.0, f64::min);
        }
        // No two groups share a first entry, so an unstable sort (which needs no buffer) gives
        // the one order.
        groups.sort_unstable_by(|a, b| {
            b.confidence.total_cmp(&a.confidence).then(a.entries[0].cmp(&b.entries[0]))
        });
        groups
    }

    /// Links keys that are one typo apart, each kind by hash lookups per key and position. Keys
    /// are compared within one alphabet at a time: the alphabet says which look-alikes fold.
    fn link_near(&self, sets: &mut DisjointSets, links: &mut Vec<(u32, Reason)>) {
        let keys = self.key_count() as u32;
        let typos = self.near.transposition || self.near.missing_or_extra;
        // Most probes for typos find nothing: a filter answers those without the key index.
        let mut filter = None;
        for (class, &alphabet) in self.classes.iter().enumerate() {
            let near_ok = |id: u32| {
                let k = self.key(id);
                self.in_class(id, class) && k.len() >= MIN_NEAR_LEN && k.is_ascii()
            };
            if !(0..keys).any(near_ok) {
                continue;
            }
            // The searches only read the keys: the typos are looked for on all cores, a range
            // of keys each, and links are made after, in the order one search after the other
            // found them. The look-alikes are looked for first, alone: their tables and the
            // filter at once would take more memory.
            let confusable =
                if self.near.confusable { self.confusables(alphabet, near_ok) } else { Vec::new() };
            let mut typo_links = Vec::new();
            if typos {
                let filter = &*filter.get_or_insert_with(|| self.filter());
                let found = in_ranges(keys, |ids| self.typos(filter, near_ok, ids));
                typo_links = found.into_iter().flatten().collect();
            }
            for (a, b) in confusable {
                join(sets, links, a, b, Reason::Confusable);
            }
            let mut linker = Linker::new(self, class, alphabet);
            for (a, b, reason) in typo_links {
                linker.consider(sets, links, a, b, reason);
            }
            if self.near.substitution {
                self.link_substitutions(near_ok, &mut linker, sets, links);
            }
            linker.finish(sets, links);
        }
    }

    /// A filter of every key.
    fn filter(&self) -> Filter {
        let mut filter = Filter::new(self.key_count());
        for id in 0..self.key_count() as u32 {
            let key = self.key(id);
            filter.insert(Polynomial::of(key), key.len());
        }
        filter
    }

    /// The keys one adjacent transposition, or one missing character, from keys `ids`: for
    /// each key, in order, its variants are looked for among the keys.
    fn typos(
        &self,
        filter: &Filter,
        near_ok: impl Fn(u32) -> bool,
        ids: Range<u32>,
    ) -> Vec<(u32, u32, Reason)> {
        let mut found = Vec::new();
        // A variant that may be a key is written out, by changing a byte or two of the last.
        let mut poly = Polynomial::default();
        let (mut swapped, mut dropped) = (Vec::new(), Vec::new());
        for id in ids.filter(|&id| near_ok(id)) {
            let key = self.key(id);
            let n = key.len();
            poly.start(key);
            if self.near.transposition {
                swapped.clear();
                swapped.extend_from_slice(key);
                for p in 0..n - 1 {
                    if key[p] == key[p + 1] || !filter.may_hold(poly.swapped(key, p), n) {
                        continue;
                    }
                    swapped.swap(p, p + 1);
                    let other = self.lookup(key_hash(&swapped), &swapped);
                    swapped.swap(p, p + 1);
                    if let Some(other) = other.filter(|&o| near_ok(o)) {
                        found.push((id, other, Reason::Transposition));
                    }
                }
            }
            if self.near.missing_or_extra {
                // Dropping one character of this key gives the other key.
                dropped.clear();
                dropped.extend_from_slice(&key[1..]);
                let mut written = 0;
                for p in 0..n {
                    if p > 0 && key[p] == key[p - 1] {
                        continue; // the same shorter key as dropping p - 1
                    }
                    if !filter.may_hold(poly.dropped(key, p), n - 1) {
                        continue;
                    }
                    // Dropping p keeps key[..p]: the bytes before it come back in place.
                    dropped[written..p].copy_from_slice(&key[written..p]);
                    written = p;
                    if let Some(other) = self.lookup(key_hash(&dropped), &dropped).filter(|&o| near_ok(o)) {
                        found.push((id, other, Reason::MissingOrExtra));
                    }
                }
            }
        }
        found
    }

    /// Pairs of keys that are the same once look-alikes are folded as `alphabet` says: each
    /// key with the first before it of its folded form.
    fn confusables(&self, alphabet: Alphabet, near_ok: impl Fn(u32) -> bool + Sync) -> Vec<(u32, u32)> {
        let keys = self.key_count() as u32;
        let table: [u8; 256] = std::array::from_fn(|b| alphabet.fold(b as u8));
        let folded = |id: u32| self.key(id).iter().map(move |&b| table[b as usize]);
        let fold_hash = |id: u32, buffer: &mut Vec<u8>| {
            buffer.clear();
            buffer.extend(folded(id));
            key_hash(buffer)
        };
        // Only keys whose folded hash is some other key's too can share a folded form: a bit
        // per hash seen once and one per hash seen twice find them, in a few bits per key.
        // Setting bits is the same in any order, so the ranges of keys mark them on all cores.
        let bits = (keys as u64 * 8).next_power_of_two().max(64);
        let bit = |h: u64| (((h & (bits - 1)) / 64) as usize, 1u64 << (h & 63));
        let words = || (0..bits / 64).map(|_| AtomicU64::new(0)).collect::<Vec<_>>();
        let (once, twice) = (words(), words());
        in_ranges(keys, |ids| {
            let mut buffer = Vec::new();
            for id in ids.filter(|&id| near_ok(id)) {
                let (w, b) = bit(fold_hash(id, &mut buffer));
                if once[w].fetch_or(b, Relaxed) & b != 0 {
                    twice[w].fetch_or(b, Relaxed);
                }
            }
        });
        drop(once);
        // Keys by the hash of their folded form, sorted: equal folded forms sit together.
        let shared = in_ranges(keys, |ids| {
            let mut buffer = Vec::new();
            let ids = ids.filter(|&id| near_ok(id));
            let pairs = ids.filter_map(|id| {
                let h = fold_hash(id, &mut buffer);
                let (w, b) = bit(h);
                (twice[w].load(Relaxed) & b != 0).then_some(((h >> 32) as u32, id))
            });
            pairs.collect::<Vec<_>>()
        });
        drop(twice);
        let mut by_fold: Vec<(u32, u32)> = shared.concat();
        by_fold.sort_unstable();
        let mut pairs = Vec::new();
        for run in by_fold.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
            for (j, &(_, id)) in run.iter().enumerate() {
                let same = run[..j].iter().map(|&(_, o)| o).find(|&o| folded(o).eq(folded(id)));
                if let Some(other) = same {
                    pairs.push((other, id));
                }
            }
        }
        pairs
    }

    /// Per position: keys equal once that position is blanked out.
    fn link_substitutions(
        &self,
        near_ok: impl Fn(u32) -> bool,
        linker: &mut Linker,
        sets: &mut DisjointSets,
        links: &mut Vec<(u32, Reason)>,
    ) {
        let keys = self.key_count() as u32;
        // Asked once per key, not once per key and position.
        let ok: Vec<bool> = (0..keys).map(near_ok).collect();
        let max = (0..keys).filter(|&id| ok[id as usize]).map(|id| self.key(id).len()).max().unwrap_or(0);
        let mut by_blank: Vec<(u64, u32)> = Vec::new();
        for p in 0..max {
            by_blank.clear();
            by_blank.extend((0..keys).filter(|&id| ok[id as usize] && self.key(id).len() > p).map(|id| {
                let key = self.key(id);
                (fnv(2 + key.len() as u64, [&key[..p], &key[p + 1..]]), id)
            }));
            by_blank.sort_unstable();
            for run in by_blank.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
                for (j, &(_, id)) in run.iter().enumerate() {
                    let key = self.key(id);
                    for &(_, other) in &run[..j] {
                        let o = self.key(other);
                        if o.len() == key.len() && o[..p] == key[..p] && o[p + 1..] == key[p + 1..] {
                            linker.consider(sets, links, other, id, Reason::Substitution);
                        }
                    }
                }
            }
        }
    }
}

/// Joins the sets of keys `a` and `b`, noting why when they were apart.
fn join(sets: &mut DisjointSets, links: &mut Vec<(u32, Reason)>, a: u32, b: u32, reason: Reason) {
    if sets.union(a, b) {
        links.push((a, reason));
    }
}

/// Keys a search takes at a time on one thread.
const RANGE_KEYS: u32 = 1 << 14;

/// `search` of the ranges of ids below `keys`, in order; on all cores with the `parallel`
/// feature.
fn in_ranges<T: Send>(keys: u32, search: impl Fn(Range<u32>) -> T + Sync) -> Vec<T> {
    let ranges = (0..keys).step_by(RANGE_KEYS as usize).map(|start| start..keys.min(start + RANGE_KEYS));
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        ranges.collect::<Vec<_>>().into_par_iter().map(&search).collect()
    }
    #[cfg(not(feature = "parallel"))]
    ranges.map(search).collect()
}

/// How far from a sequential value its neighbours are looked for: units are often numbered
/// with a stride (a MAC address each for Ethernet, Wi-Fi and Bluetooth).
const NEIGHBOUR_STRIDE: u64 = 4;

/// Decides whether a typo-shaped link between two keys of one alphabet is a typo.
///
/// Two values that both pass a check digit are two units. Elsewhere, one character different
/// inside the counters that end both values (trailing digits; all of a MAC address) is how the
/// units of a run differ. A value with a sequential neighbour (its counter one to
/// [`NEIGHBOUR_STRIDE`] away is also present) is a unit of a numbered run, and two of those one
/// swap or one character apart are neighbours in the run, not one unit. A lone value near a
/// run is a typo only when it is near exactly one unit of it.
struct Linker<'f> {
    finder: &'f Finder,
    /// The alphabet's index in `Finder::classes`.
    class: usize,
    alphabet: Alphabet,
    sequential: IdMap<bool>,
    valid: IdMap<bool>,
    /// Links from a lone key to a key with sequential neighbours, decided at the end.
    deferred: Vec<(u32, u32, Reason)>,
}

impl<'f> Linker<'f> {
    fn new(finder: &'f Finder, class: usize, alphabet: Alphabet) -> Linker<'f> {
        Linker {
            finder,
            class,
            alphabet,
            sequential: IdMap::default(),
            valid: IdMap::default(),
            deferred: Vec::new(),
        }
    }

    /// A transposition, a missing character or a substitution between keys `a` and `b`.
    fn consider(
        &mut self,
        sets: &mut DisjointSets,
        links: &mut Vec<(u32, Reason)>,
        a: u32,
        b: u32,
        reason: Reason,
    ) {
        if sets.find(a) == sets.find(b) {
            return;
        }
        if matches!(self.alphabet, Alphabet::CheckDigit(_)) {
            if self.valid(a) && self.valid(b) {
                return;
            }
        } else if reason == Reason::Substitution && self.differ_in_counters(a, b) {
            return;
        }
        match (self.sequential(a), self.sequential(b)) {
            (true, true) => {}
            (false, false) => join(sets, links, a, b, reason),
            (false, true) => self.deferred.push((a, b, reason)),
            (true, false) => self.deferred.push((b, a, reason)),
        }
    }

    /// Links each lone key that is near exactly one unit of a numbered run to it.
    fn finish(mut self, sets: &mut DisjointSets, links: &mut Vec<(u32, Reason)>) {
        self.deferred.sort_unstable_by_key(|&(lone, partner, _)| (lone, partner));
        self.deferred.dedup_by_key(|&mut (lone, partner, _)| (lone, partner));
        for run in self.deferred.chunk_by(|a, b| a.0 == b.0) {
            if let [(lone, partner, reason)] = *run {
                join(sets, links, lone, partner, reason);
            }
        }
    }

    fn valid(&mut self, id: u32) -> bool {
        let Alphabet::CheckDigit(kind) = self.alphabet else { return false };
        let finder = self.finder;
        *self.valid.entry(id).or_insert_with(|| {
            let key = std::str::from_utf8(finder.key(id)).unwrap_or("");
            crate::ids::identify(key, Some(kind), false).iter().any(Result::is_ok)
        })
    }

    fn sequential(&mut self, id: u32) -> bool {
        if let Some(&known) = self.sequential.get(&id) {
            return known;
        }
        let known = self.has_neighbour(id);
        self.sequential.insert(id, known);
        known
    }

    /// The length of the counter that ends `key`: its trailing digits in the alphabet's base.
    fn counter_len(&self, key: &[u8]) -> usize {
        let base = self.alphabet.counter_base();
        key.iter().rev().take_while(|&&b| char::from(b).is_digit(base)).count()
    }

    /// Whether keys `a` and `b` (one substitution apart) differ inside both their counters:
    /// that is how the units of a numbered run differ, whatever the distance.
    fn differ_in_counters(&self, a: u32, b: u32) -> bool {
        let (ka, kb) = (self.finder.key(a), self.finder.key(b));
        let at = ka.iter().zip(kb).position(|(x, y)| x != y).unwrap_or(ka.len());
        at >= ka.len() - self.counter_len(ka) && at >= kb.len() - self.counter_len(kb)
    }

    /// Whether the key with its trailing counter a few steps up or down is present too.
    fn has_neighbour(&self, id: u32) -> bool {
        let key = self.finder.key(id);
        let base = self.alphabet.counter_base();
        // At most 15 digits, so the counter fits a u64 in either base.
        let run = self.counter_len(key).min(15);
        if run == 0 {
            return false;
        }
        let start = key.len() - run;
        let Some(counter) =
            std::str::from_utf8(&key[start..]).ok().and_then(|t| u64::from_str_radix(t, base).ok())
        else {
            return false;
        };
        let limit = u64::from(base).pow(run as u32);
        let mut neighbour = key.to_vec();
        (1..=NEIGHBOUR_STRIDE)
            .flat_map(|d| [counter.checked_sub(d), counter.checked_add(d).filter(|&n| n < limit)])
            .flatten()
            .any(|n| {
                write_digits(&mut neighbour[start..], n, base);
                self.finder
                    .lookup(key_hash(&neighbour), &neighbour)
                    .is_some_and(|o| self.finder.in_class(o, self.class))
            })
    }
}

/// Writes `n` in `base` into `out`, upper-case, zero-padded to its length.
fn write_digits(out: &mut [u8], mut n: u64, base: u32) {
    for slot in out.iter_mut().rev() {
        let digit = (n % u64::from(base)) as u32;
        *slot = char::from_digit(digit, base).map_or(b'0', |c| c.to_ascii_uppercase() as u8);
        n /= u64::from(base);
    }
}

/// How the values of a group are alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupKind {
    /// Every member has the same identity key.
    Exact,
    /// Members are linked by near-duplicate links (see the module documentation).
    Near,
}

/// One value of a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// Its position in the input list, from 0.
    pub index: usize,
    /// The value as given.
    pub value: String,
    /// The value after [`normalize`](crate::normalize).
    pub normalized: String,
}

/// Values that are probably the same unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// Exact or near.
    pub kind: GroupKind,
    /// The kinds of links inside the group, strongest first.
    pub reasons: Vec<Reason>,
    /// How sure the group is, 0 to 1.
    pub confidence: f64,
    /// The members, in input order; at least two.
    pub members: Vec<Member>,
}

impl Group {
    /// The members' positions in the input list.
    pub fn indexes(&self) -> Vec<usize> {
        self.members.iter().map(|m| m.index).collect()
    }
}

/// Groups the duplicates in `values` with the default near-duplicate kinds, surest first.
/// Blank values are never duplicates.
pub fn find_duplicates<S: AsRef<str>>(values: &[S]) -> Vec<Group> {
    find_duplicates_with(values, NearKinds::default())
}

/// [`find_duplicates`] with a choice of near-duplicate kinds.
pub fn find_duplicates_with<S: AsRef<str>>(values: &[S], near: NearKinds) -> Vec<Group> {
    let mut finder = Finder::new(near);
    for value in values {
        finder.add(value.as_ref(), 0);
    }
    finder
        .into_groups()
        .0
        .into_iter()
        .map(|g| {
            let exact = g.reasons.iter().all(|r| *r == Reason::Exact);
            Group {
                kind: if exact { GroupKind::Exact } else { GroupKind::Near },
                reasons: g.reasons,
                confidence: g.confidence,
                members: g
                    .entries
                    .into_iter()
                    .map(|e| {
                        let value = values[e as usize].as_ref();
                        Member { index: e as usize, value: value.to_string(), normalized: normalize(value) }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// A map keyed by key or entry number: ids are no secret, and these maps sit in inner loops.
type IdMap<V> = HashMap<u32, V, BuildHasherDefault<crate::matcher::CodeHasher>>;

/// Union-find with path halving, over the keys that were ever joined (most keys never are);
/// the smaller id becomes the root.
#[derive(Default)]
struct DisjointSets {
    parent: IdMap<u32>,
}

impl DisjointSets {
    fn find(&mut self, x: u32) -> u32 {
        let mut x = x;
        loop {
            let parent = self.parent.get(&x).copied().unwrap_or(x);
            if parent == x {
                return x;
            }
            let grandparent = self.parent.get(&parent).copied().unwrap_or(parent);
            self.parent.insert(x, grandparent);
            x = grandparent;
        }
    }

    /// Joins the sets of `a` and `b`; false when they were one already.
    fn union(&mut self, a: u32, b: u32) -> bool {
        self.parent.entry(a).or_insert(a);
        self.parent.entry(b).or_insert(b);
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.parent.insert(a.max(b), a.min(b));
        }
        a != b
    }

    /// Whether `x` was ever joined to another key.
    fn contains(&self, x: u32) -> bool {
        self.parent.contains_key(&x)
    }

    /// The keys ever joined, in order.
    fn members(&self) -> Vec<u32> {
        let mut keys: Vec<u32> = self.parent.keys().copied().collect();
        keys.sort_unstable();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_groups_are_single_characters_between_separators() {
        let cases = [
            ("d0:5:9:4:a2:a0", true),
            ("D0:05:09:04:A2:A0", false),
            (" 1:22:33 ", true),
            ("ab-cd-e", true),
            ("1::", true),
            ("a-b", false), // two groups: a serial with a dash, not a MAC address
            ("::", false),
            ("C02TJ0Q7GVC8", false),
            ("a", false),
            ("", false),
        ];
        for (value, short) in cases {
            assert_eq!(has_short_group(value), short, "{value:?}");
        }
    }

    #[track_caller]
    fn groups_with(values: &[&str], near: NearKinds) -> Vec<(GroupKind, Vec<usize>, Vec<Reason>)> {
        find_duplicates_with(values, near).into_iter().map(|g| (g.kind, g.indexes(), g.reasons)).collect()
    }

    #[track_caller]
    fn groups(values: &[&str]) -> Vec<(GroupKind, Vec<usize>, Vec<Reason>)> {
        groups_with(values, NearKinds::default())
    }

    #[test]
    fn nothing_in_an_empty_or_distinct_list() {
        assert_eq!(groups(&[]), vec![]);
        assert_eq!(groups(&["C02TJ0Q7GVC8", "FVFXC2MHHV29", "JAE2445044T"]), vec![]);
    }

    #[test]
    fn case_spaces_and_punctuation_are_exact_duplicates() {
        assert_eq!(
            groups(&["5RFD-P01", "x", "5rfd\u{2013}p01", " 5RFD P01 ", "5rfdp01"]),
            vec![(GroupKind::Exact, vec![0, 2, 3, 4], vec![Reason::Exact])]
        );
    }

    #[test]
    fn blank_values_are_not_duplicates() {
        assert_eq!(groups(&["", "  ", "\u{200B}", "--"]), vec![]);
    }

    #[test]
    fn look_alikes_are_near_duplicates() {
        for (a, b) in [("C02TJ0", "CO2TJ0"), ("A1B2C3", "AIB2C3"), ("A1B2C3", "ALB2C3"), ("S5S5S5", "555555")]
        {
            assert_eq!(
                groups(&[a, b]),
                vec![(GroupKind::Near, vec![0, 1], vec![Reason::Confusable])],
                "{a} {b}"
            );
        }
    }

    #[test]
    fn transposition_and_missing_character() {
        assert_eq!(
            groups(&["C02TJ0Q7GVC8", "C02TJ0Q7GV8C"]),
            vec![(GroupKind::Near, vec![0, 1], vec![Reason::Transposition])]
        );
        assert_eq!(
            groups(&["C02TJ0Q7GVC", "C02TJ0Q7GVC8"]),
            vec![(GroupKind::Near, vec![0, 1], vec![Reason::MissingOrExtra])]
        );
        assert_eq!(
            groups(&["C02TJ0Q7GVC8", "C02TJ0QQ7GVC8"]),
            vec![(GroupKind::Near, vec![0, 1], vec![Reason::MissingOrExtra])]
        );
    }

    #[test]
    fn substitution_only_when_asked() {
        let values = ["C02TJ0Q7GVC8", "C02TJ0Q7GXC8"];
        assert_eq!(groups(&values), vec![]);
        assert_eq!(
            groups_with(&values, NearKinds::all()),
            vec![(GroupKind::Near, vec![0, 1], vec![Reason::Substitution])]
        );
        assert_eq!(groups_with(&["C02TJ0", "CO2TJ0"], NearKinds::none()), vec![]);
    }

    /// The groups of `values`, all from one source of `alphabet`, as entry numbers.
    #[track_caller]
    fn groups_in(alphabet: Alphabet, values: &[&str], near: NearKinds) -> Vec<Vec<u32>> {
        let mut f = Finder::new(near);
        f.set_alphabet(0, alphabet);
        for v in values {
            f.add(v, 0);
        }
        f.finish().into_iter().map(|g| g.entries).collect()
    }

    #[test]
    fn units_numbered_in_sequence_are_not_near_duplicates() {
        let run: Vec<String> = (100_230..=100_260).map(|n| format!("SN{n}")).collect();
        let mut values: Vec<&str> = run.iter().map(String::as_str).collect();
        // SN100234 / SN100243 are a swap apart, SN100240 / SN100250 one digit apart: both in the run.
        assert_eq!(groups_in(Alphabet::Alphanumeric, &values, NearKinds::all()), Vec::<Vec<u32>>::new());
        // Two counters one digit apart are two units of a run, however far apart the numbers.
        assert_eq!(
            groups_in(Alphabet::Alphanumeric, &["SN100234", "SN700234"], NearKinds::all()),
            Vec::<Vec<u32>>::new()
        );
        // A value outside the run, one swap from exactly one unit of it, is that unit mistyped.
        values.push("SN100324");
        // Seven characters: the start of ten units (SN100250 … SN100259), so none of them.
        values.push("SN10025");
        assert_eq!(groups_in(Alphabet::Alphanumeric, &values, NearKinds::default()), vec![vec![4, 31]]);
    }

    #[test]
    fn hex_digits_are_not_look_alikes_in_a_mac_column() {
        let macs = ["001A2B3C4D8B", "001A2B3C4D88", "9C1A2B3C4D8B"];
        assert_eq!(groups_in(Alphabet::Hex, &macs, NearKinds::default()), Vec::<Vec<u32>>::new());
        assert_eq!(groups_in(Alphabet::Alphanumeric, &macs, NearKinds::default()), vec![vec![0, 1]]);
        // O is not a hex digit: there it is a 0 mistyped.
        assert_eq!(
            groups_in(Alphabet::Hex, &["001A2B3C4DO5", "001A2B3C4D05"], NearKinds::default()),
            vec![vec![0, 1]]
        );
    }

    #[test]
    fn two_values_that_pass_their_check_digit_are_two_units() {
        // A UPC-A and the EAN-13 with its leading zero: one character apart, both valid.
        let gtins = ["036000291452", "0036000291452"];
        assert_eq!(
            groups_in(Alphabet::CheckDigit(Kind::Gtin), &gtins, NearKinds::default()),
            Vec::<Vec<u32>>::new()
        );
        assert_eq!(groups_in(Alphabet::Alphanumeric, &gtins, NearKinds::default()), vec![vec![0, 1]]);
        // A swap the check digit catches: the invalid one is the valid one mistyped.
        let imeis = ["490154203237518", "491054203237518"];
        assert_eq!(
            groups_in(Alphabet::CheckDigit(Kind::Imei), &imeis, NearKinds::default()),
            vec![vec![0, 1]]
        );
    }

    #[test]
    fn an_entry_given_its_normalized_key_is_an_exact_duplicate() {
        let mut f = Finder::new(NearKinds::default());
        let scanned = f.add("SC02TJ0Q7GVC8", 0);
        f.add("C02TJ0Q7GVC8", 0);
        // One character short of the value as scanned.
        f.add("SC02TJ0Q7GVC", 0);
        assert!(f.has_key("C02TJ0Q7GVC8") && !f.has_key("C02TJ0Q7GVC"));
        f.rekey(scanned, "C02TJ0Q7GVC8");
        assert_eq!(f.key_of(scanned), "C02TJ0Q7GVC8");
        let groups = f.finish();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].entries, vec![0, 1, 2]);
        assert_eq!(groups[0].reasons, vec![Reason::Exact, Reason::MissingOrExtra]);
    }

    #[test]
    fn a_finder_that_is_done_gives_the_same_groups_and_keeps_the_keys() {
        let mut f = Finder::new(NearKinds::all());
        for v in
            ["C02TJ0Q7GVC8", "CO2TJ0Q7GVC8", "C02TJ0Q7GV8C", "", "C02TJ0Q7GVC", "c02tj0q7gvc8", "SN100234"]
        {
            f.add(v, 0);
        }
        let finished = f.finish();
        let (groups, keys) = f.into_groups();
        assert_eq!(groups, finished);
        assert_eq!((keys.key_of(1), keys.key_of(3), keys.key_of(99)), ("CO2TJ0Q7GVC8", "", ""));
    }

    #[test]
    fn short_values_are_only_exact() {
        assert_eq!(groups(&["C02", "CO2"]), vec![]);
        assert_eq!(groups(&["AB12", "AB12"]), vec![(GroupKind::Exact, vec![0, 1], vec![Reason::Exact])]);
    }

    #[test]
    fn a_value_joins_one_group_and_surest_groups_come_first() {
        let found =
            find_duplicates(&["C02TJ0Q7GVC8", "B8B8B8B8", "c02tj0q7gvc8", "CO2TJ0Q7GVC8", "b8b8b8b8"]);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].kind, found[0].indexes()), (GroupKind::Exact, vec![1, 4]));
        assert_eq!((found[1].kind, found[1].indexes()), (GroupKind::Near, vec![0, 2, 3]));
        assert_eq!(found[1].reasons, vec![Reason::Exact, Reason::Confusable]);
        assert_eq!(found[1].confidence, 0.9);
        assert_eq!(found[1].members[2].normalized, "CO2TJ0Q7GVC8");
    }

    #[test]
    fn the_same_value_in_two_columns() {
        let mut f = Finder::new(NearKinds::default());
        f.add("00:1A:2B:3C:4D:5E", 0);
        f.add("001a2b3c4d5e", 1);
        let groups = f.finish();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].reasons, vec![Reason::Exact, Reason::OtherColumn]);
    }

    #[test]
    fn hash_collisions_do_not_merge_keys() {
        // Different keys that land in one bucket stay distinct: force it by interning directly.
        let mut f = Finder::new(NearKinds::none());
        let a = f.intern(b"AAAAAA1");
        let b = f.intern(b"AAAAAA2");
        assert_ne!(a, b);
        assert_eq!(f.intern(b"AAAAAA1"), a);
    }
}
