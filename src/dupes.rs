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
    if value.is_ascii() {
        // The common case, without the general clean-up's allocations: for ASCII it keeps the
        // same letters and digits.
        let mut key = String::with_capacity(value.len());
        key.extend(value.bytes().filter(u8::is_ascii_alphanumeric).map(|b| b.to_ascii_uppercase() as char));
        return key;
    }
    normalize(value).chars().filter(|c| c.is_alphanumeric()).collect()
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
        let key = identity_key(value);
        if !has_short_group(value) {
            return key;
        }
        self.decoded_key(value, &options()).unwrap_or(key)
    }

    /// `key` without the scanner prefix it starts with, if it starts with one.
    pub fn stripped<'k>(&self, key: &'k str) -> Option<&'k str> {
        self.prefixes.iter().find_map(|p| key.strip_prefix(p.as_str()).filter(|rest| !rest.is_empty()))
    }

    /// The identity key of `value`'s normalized form, when `value` is valid.
    pub fn decoded_key(&self, value: &str, options: &Options) -> Option<String> {
        self.registry.best(value, options).ok().map(|decoded| identity_key(&decoded.normalized))
    }
}

/// Whether `value` has a one-character group between `:` or `-` separators (`d0:5:9:…`),
/// which a MAC address's normalized form pads with a zero.
fn has_short_group(value: &str) -> bool {
    let (mut groups, mut short) = (0, false);
    for group in value.trim().split([':', '-']) {
        groups += 1;
        short |= group.len() == 1;
    }
    short && groups > 2
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

/// 64-bit FNV-1a, seeded, over the bytes `parts` yields.
fn hash<'a>(seed: u64, parts: impl IntoIterator<Item = &'a [u8]>) -> u64 {
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

/// An empty slot of the key table.
const NONE: u32 = u32::MAX;

/// The key index: open addressing over `(id, hash tag)` slots, at most 70% full. Eight bytes
/// a slot, and the keys themselves stay in the arena.
struct KeyTable {
    slots: Vec<(u32, u32)>,
    len: usize,
}

impl KeyTable {
    fn new() -> KeyTable {
        KeyTable { slots: vec![(NONE, 0); 1024], len: 0 }
    }

    /// Ids stored under hashes with the same probe start and tag as `h`; callers compare bytes.
    fn get(&self, h: u64) -> impl Iterator<Item = u32> + '_ {
        let mask = self.slots.len() - 1;
        let tag = (h >> 32) as u32;
        let mut at = h as usize & mask;
        std::iter::from_fn(move || {
            loop {
                let (id, t) = self.slots[at];
                if id == NONE {
                    return None;
                }
                at = (at + 1) & mask;
                if t == tag {
                    return Some(id);
                }
            }
        })
    }

    fn place(slots: &mut [(u32, u32)], h: u64, id: u32) {
        let mask = slots.len() - 1;
        let mut at = h as usize & mask;
        while slots[at].0 != NONE {
            at = (at + 1) & mask;
        }
        slots[at] = (id, (h >> 32) as u32);
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

/// Collects values and finds the duplicates among them, in memory proportional to the total
/// length of the distinct keys.
pub struct Finder {
    near: NearKinds,
    /// Distinct keys, back to back.
    arena: Vec<u8>,
    /// Start of key `k` in the arena (one more entry at the end).
    starts: Vec<u32>,
    /// Key id by key hash; collisions are resolved by comparing bytes.
    ids: KeyTable,
    /// For each entry: its key (`u32::MAX` for a blank value) and its source (column or file).
    entry_key: Vec<u32>,
    entry_source: Vec<u32>,
    /// The alphabets in use, the default first; `source_class[s]` indexes the one of source `s`.
    classes: Vec<Alphabet>,
    source_class: Vec<u8>,
    /// For each key: a bit per alphabet of the sources it came from.
    key_classes: Vec<u16>,
    /// Keys entries were moved from, with the key they were moved to: one unit.
    aliases: Vec<(u32, u32)>,
}

impl Finder {
    /// A finder looking for `near` kinds of near duplicates.
    pub fn new(near: NearKinds) -> Finder {
        Finder {
            near,
            arena: Vec::new(),
            starts: vec![0],
            ids: KeyTable::new(),
            entry_key: Vec::new(),
            entry_source: Vec::new(),
            classes: vec![Alphabet::Alphanumeric],
            source_class: Vec::new(),
            key_classes: Vec::new(),
            aliases: Vec::new(),
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
        let id = if key.is_empty() { u32::MAX } else { self.intern(key.as_bytes()) };
        if id != u32::MAX {
            let class = self.source_class.get(source as usize).copied().unwrap_or(0);
            self.key_classes[id as usize] |= 1 << class;
        }
        self.entry_key.push(id);
        self.entry_source.push(source);
        (self.entry_key.len() - 1) as u32
    }

    /// Whether some value added so far has the identity key `key`.
    pub fn has_key(&self, key: &str) -> bool {
        self.lookup(hash(0, [key.as_bytes()]), key.as_bytes()).is_some()
    }

    /// The identity key entry `entry` has (empty for a blank value).
    pub fn key_of(&self, entry: u32) -> &str {
        match self.entry_key.get(entry as usize) {
            Some(&id) if id != u32::MAX => std::str::from_utf8(self.key(id)).unwrap_or(""),
            _ => "",
        }
    }

    /// Gives entry `entry` the identity key `key` in place of the one it was added with: its
    /// value's normalized form turned out to be another value's key (see [`KeyReader`]). The
    /// old key stays, so values one typo from the entry's value as written still join it.
    pub fn rekey(&mut self, entry: u32, key: &str) {
        let Some(&source) = self.entry_source.get(entry as usize) else { return };
        let id = self.intern(key.as_bytes());
        let class = self.source_class.get(source as usize).copied().unwrap_or(0);
        self.key_classes[id as usize] |= 1 << class;
        let old = std::mem::replace(&mut self.entry_key[entry as usize], id);
        if old != u32::MAX && old != id {
            self.aliases.push((old, id));
        }
    }

    /// Number of entries added.
    pub fn len(&self) -> usize {
        self.entry_key.len()
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.entry_key.is_empty()
    }

    fn key(&self, id: u32) -> &[u8] {
        &self.arena[self.starts[id as usize] as usize..self.starts[id as usize + 1] as usize]
    }

    fn lookup(&self, h: u64, bytes: &[u8]) -> Option<u32> {
        self.ids.get(h).find(|&id| self.key(id) == bytes)
    }

    fn intern(&mut self, key: &[u8]) -> u32 {
        let h = hash(0, [key]);
        if let Some(id) = self.lookup(h, key) {
            return id;
        }
        let id = (self.starts.len() - 1) as u32;
        self.arena.extend_from_slice(key);
        self.starts.push(self.arena.len() as u32);
        self.key_classes.push(0);
        if (self.ids.len + 1) * 10 > self.ids.slots.len() * 7 {
            // Double the table; the hashes come again from the arena.
            let mut slots = vec![(NONE, 0); self.ids.slots.len() * 2];
            for old in 0..id {
                KeyTable::place(&mut slots, hash(0, [self.key(old)]), old);
            }
            self.ids.slots = slots;
        }
        KeyTable::place(&mut self.ids.slots, h, id);
        self.ids.len += 1;
        id
    }

    /// Finds the groups: every set of entries linked by exact keys or near-duplicate links,
    /// with at least two entries. Groups come ordered by confidence, then by first entry.
    pub fn finish(self) -> Vec<RawGroup> {
        let keys = self.starts.len() - 1;
        let mut sets = DisjointSets::new(keys);
        let mut links: Vec<(u32, Reason)> = Vec::new();
        for &(old, new) in &self.aliases {
            sets.union(old as usize, new as usize);
        }
        self.link_near(&mut sets, &mut links);

        // Entries by root key, kept only for roots with two entries or more: most keys are
        // alone, and a vector each would cost more than the keys.
        let roots: Vec<u32> = (0..keys as u32).map(|k| sets.find(k)).collect();
        let mut count = vec![0u32; keys];
        for &key in &self.entry_key {
            if key != u32::MAX {
                count[roots[key as usize] as usize] += 1;
            }
        }
        let mut members: HashMap<u32, Vec<u32>> = HashMap::new();
        for (entry, &key) in self.entry_key.iter().enumerate() {
            if key != u32::MAX && count[roots[key as usize] as usize] > 1 {
                members.entry(roots[key as usize]).or_default().push(entry as u32);
            }
        }
        drop(count);
        let mut reasons_by_root: HashMap<u32, Vec<Reason>> = HashMap::new();
        for (key, reason) in links {
            reasons_by_root.entry(roots[key as usize]).or_default().push(reason);
        }
        let mut groups: Vec<RawGroup> = members
            .into_iter()
            .filter(|(_, entries)| entries.len() > 1)
            .map(|(root, entries)| {
                let mut reasons = reasons_by_root.remove(&root).unwrap_or_default();
                let mut by_key: HashMap<u32, Vec<u32>> = HashMap::new();
                for &e in &entries {
                    by_key.entry(self.entry_key[e as usize]).or_default().push(self.entry_source[e as usize]);
                }
                if by_key.values().any(|sources| sources.len() > 1) {
                    reasons.push(Reason::Exact);
                }
                if by_key.values().any(|s| s.iter().any(|&x| x != s[0])) {
                    reasons.push(Reason::OtherColumn);
                }
                reasons.sort();
                reasons.dedup();
                let confidence = reasons.iter().map(|r| r.confidence()).fold(1.0, f64::min);
                RawGroup { entries, reasons, confidence }
            })
            .collect();
        for g in &mut groups {
            g.entries.sort_unstable();
        }
        groups.sort_by(|a, b| b.confidence.total_cmp(&a.confidence).then(a.entries[0].cmp(&b.entries[0])));
        groups
    }

    /// Links keys that are one typo apart, each kind by hash lookups per key and position. Keys
    /// are compared within one alphabet at a time: the alphabet says which look-alikes fold.
    fn link_near(&self, sets: &mut DisjointSets, links: &mut Vec<(u32, Reason)>) {
        let keys = (self.starts.len() - 1) as u32;
        // Most probes below find nothing. A bitset of key hashes, small enough to stay in cache,
        // answers those without touching the hash table.
        let bits = (keys as usize * 16).next_power_of_two().max(64);
        let mut present = vec![0u64; bits / 64];
        for id in 0..keys {
            let b = (hash(0, [self.key(id)]) as usize) & (bits - 1);
            present[b / 64] |= 1 << (b % 64);
        }
        let maybe = |h: u64| {
            let b = (h as usize) & (bits - 1);
            present[b / 64] & (1 << (b % 64)) != 0
        };
        for (class, &alphabet) in self.classes.iter().enumerate() {
            let bit = 1u16 << class;
            let near_ok = |id: u32| {
                let k = self.key(id);
                self.key_classes[id as usize] & bit != 0 && k.len() >= MIN_NEAR_LEN && k.is_ascii()
            };
            if !(0..keys).any(near_ok) {
                continue;
            }
            let mut linker = Linker::new(self, bit, alphabet);
            if self.near.confusable {
                self.link_confusable(alphabet, near_ok, sets, links);
            }
            let mut variant = Vec::new();
            for id in (0..keys).filter(|&id| near_ok(id)) {
                let key = self.key(id);
                if self.near.transposition {
                    for p in 0..key.len() - 1 {
                        if key[p] == key[p + 1] {
                            continue;
                        }
                        variant.clear();
                        variant.extend_from_slice(key);
                        variant.swap(p, p + 1);
                        let h = hash(0, [&variant[..]]);
                        if !maybe(h) {
                            continue;
                        }
                        if let Some(other) = self.lookup(h, &variant).filter(|&o| near_ok(o)) {
                            linker.consider(sets, links, id, other, Reason::Transposition);
                        }
                    }
                }
                if self.near.missing_or_extra {
                    // Dropping one character of this key gives the other key.
                    for p in 0..key.len() {
                        if p > 0 && key[p] == key[p - 1] {
                            continue; // the same shorter key as dropping p - 1
                        }
                        let h = hash(0, [&key[..p], &key[p + 1..]]);
                        if !maybe(h) {
                            continue;
                        }
                        for other in self.ids.get(h) {
                            let o = self.key(other);
                            let dropped =
                                o.len() + 1 == key.len() && o[..p] == key[..p] && o[p..] == key[p + 1..];
                            if dropped && near_ok(other) {
                                linker.consider(sets, links, id, other, Reason::MissingOrExtra);
                            }
                        }
                    }
                }
            }
            if self.near.substitution {
                self.link_substitutions(near_ok, &mut linker, sets, links);
            }
            linker.finish(sets, links);
        }
    }

    /// Links keys that are the same once look-alikes are folded as `alphabet` says.
    fn link_confusable(
        &self,
        alphabet: Alphabet,
        near_ok: impl Fn(u32) -> bool,
        sets: &mut DisjointSets,
        links: &mut Vec<(u32, Reason)>,
    ) {
        let keys = (self.starts.len() - 1) as u32;
        let folded = |id: u32| self.key(id).iter().map(move |&b| alphabet.fold(b));
        // Keys by the hash of their folded form, sorted: equal folded forms sit together.
        let mut by_fold: Vec<(u64, u32)> = (0..keys)
            .filter(|&id| near_ok(id))
            .map(|id| (hash(1, [&folded(id).collect::<Vec<u8>>()[..]]), id))
            .collect();
        by_fold.sort_unstable();
        for run in by_fold.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
            for (j, &(_, id)) in run.iter().enumerate() {
                let same = run[..j].iter().map(|&(_, o)| o).find(|&o| folded(o).eq(folded(id)));
                if let Some(other) = same {
                    join(sets, links, other, id, Reason::Confusable);
                }
            }
        }
    }

    /// Per position: keys equal once that position is blanked out.
    fn link_substitutions(
        &self,
        near_ok: impl Fn(u32) -> bool,
        linker: &mut Linker,
        sets: &mut DisjointSets,
        links: &mut Vec<(u32, Reason)>,
    ) {
        let keys = (self.starts.len() - 1) as u32;
        let max = (0..keys).filter(|&id| near_ok(id)).map(|id| self.key(id).len()).max().unwrap_or(0);
        let mut by_blank: Vec<(u64, u32)> = Vec::new();
        for p in 0..max {
            by_blank.clear();
            by_blank.extend((0..keys).filter(|&id| near_ok(id) && self.key(id).len() > p).map(|id| {
                let key = self.key(id);
                (hash(2 + key.len() as u64, [&key[..p], &key[p + 1..]]), id)
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
    if sets.union(a as usize, b as usize) {
        links.push((a, reason));
    }
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
    /// The alphabet's bit in `Finder::key_classes`.
    bit: u16,
    alphabet: Alphabet,
    sequential: HashMap<u32, bool>,
    valid: HashMap<u32, bool>,
    /// Links from a lone key to a key with sequential neighbours, decided at the end.
    deferred: Vec<(u32, u32, Reason)>,
}

impl<'f> Linker<'f> {
    fn new(finder: &'f Finder, bit: u16, alphabet: Alphabet) -> Linker<'f> {
        Linker {
            finder,
            bit,
            alphabet,
            sequential: HashMap::new(),
            valid: HashMap::new(),
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
                let h = hash(0, [&neighbour[..]]);
                self.finder
                    .lookup(h, &neighbour)
                    .is_some_and(|o| self.finder.key_classes[o as usize] & self.bit != 0)
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
        .finish()
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

/// Union-find over `0..n`, with path halving; the smaller id becomes the root.
struct DisjointSets {
    parent: Vec<u32>,
}

impl DisjointSets {
    fn new(n: usize) -> DisjointSets {
        DisjointSets { parent: (0..n as u32).collect() }
    }

    fn find(&mut self, x: u32) -> u32 {
        let mut x = x;
        while self.parent[x as usize] != x {
            self.parent[x as usize] = self.parent[self.parent[x as usize] as usize];
            x = self.parent[x as usize];
        }
        x
    }

    /// Joins the sets of `a` and `b`; false when they were one already.
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (a, b) = (self.find(a as u32), self.find(b as u32));
        if a != b {
            self.parent[a.max(b) as usize] = a.min(b);
        }
        a != b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
