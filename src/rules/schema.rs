//! The rule-file schema: what a `vendors/<id>.toml` file may say.
//!
//! These types are read from TOML by `build.rs` (for the built-in vendors) and by
//! [`Registry::from_dir`](crate::Registry::from_dir) (for user rules), and from a plain JS object
//! by the wasm bindings. Reading is strict: an unknown key is an error naming the key.
//!
//! This file is also compiled into `build.rs`, so it depends on `serde` alone.
//! No field may use `skip_serializing_if`: built-in rules travel as postcard, which needs
//! every field present.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// One rule file: a manufacturer (or an organisation's own identifiers) and its formats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorRules {
    /// The vendor id: lowercase letters, digits and `-`; must equal the file stem.
    pub id: String,
    /// The display name, e.g. `Apple`.
    pub name: String,
    /// Other names the vendor goes by in inventories ("Hewlett-Packard", "HP Inc.").
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The public source of the facts in this file, unless a table or format names its own.
    pub source: String,
    /// How far the facts in this file are trusted, 0 to 1 (1 = read in a vendor's own source).
    #[serde(default = "full_confidence")]
    pub confidence: f64,
    /// Anything a maintainer should know about this file.
    #[serde(default)]
    pub note: String,
    /// Characters this vendor never uses, each with the character a typist probably meant.
    #[serde(default)]
    pub never: BTreeMap<String, String>,
    /// Lookup tables, by name, used by the formats' decoders.
    #[serde(default)]
    pub tables: BTreeMap<String, Table>,
    /// The identifier formats this vendor uses.
    #[serde(default)]
    pub formats: Vec<Format>,
    /// Values with the result they must give: executed by the test suite and by `lint-rules`.
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// A lookup table: the first column is the code, the others are facts about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// The public source of this table.
    #[serde(default)]
    pub source: String,
    /// How far the table is trusted, 0 to 1.
    #[serde(default = "full_confidence")]
    pub confidence: f64,
    /// Column names; the first names the code.
    #[serde(default)]
    pub columns: Vec<String>,
    /// Rows, each as long as `columns`.
    #[serde(default)]
    pub rows: Vec<Vec<String>>,
    /// A tab-separated file, relative to the rule file's folder, read in place of `rows`:
    /// `#` lines are comments and the first other line holds the column names.
    #[serde(default)]
    pub file: String,
}

/// The four ways manufacturers build serials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormatKind {
    /// A counter, often behind a fixed prefix.
    Sequential,
    /// Year, week or month codes inside the value.
    DateEncoded,
    /// Segments that name a plant, product line or configuration.
    ProductCoded,
    /// An alphabet and a length, maybe a check character; nothing to decode.
    Randomized,
}

/// What kind of identifier a format describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Identifies {
    /// A unit's serial number.
    #[default]
    Serial,
    /// A model, machine type or part number: shared by many units.
    Model,
    /// A stock-keeping unit defined by an organisation.
    Sku,
    /// An organisation's own asset tag.
    AssetTag,
}

/// One identifier format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Format {
    /// Unique in the registry; by convention it starts with the vendor id (`apple-12`).
    pub id: String,
    /// How the serial is built.
    pub kind: FormatKind,
    /// What the value identifies; `serial` unless said.
    #[serde(default)]
    pub identifies: Identifies,
    /// One line a person can read: what this format is and when it was used.
    #[serde(default)]
    pub description: String,
    /// The segment pattern, e.g. `plant:@upper{3} year:@digit{2} '-' seq:@digit{4}`.
    /// See the pattern language in `vendors/README.md`. A format has a pattern or a `regex`.
    #[serde(default)]
    pub pattern: String,
    /// A regular expression the whole value must match, in place of `pattern`; its named
    /// groups (`(?P<dept>[A-Z]{3})`) are the segments decoders read. See `vendors/README.md`.
    #[serde(default)]
    pub regex: String,
    /// For a `regex` format: the most characters a value has (after separators are dropped);
    /// longer values are wrong at once, also while typed. 0: no bound but the input limit.
    #[serde(default)]
    pub max_length: usize,
    /// The public source of this format.
    #[serde(default)]
    pub source: String,
    /// How far this format is trusted, 0 to 1.
    #[serde(default = "full_confidence")]
    pub confidence: f64,
    /// Characters printed inside values that carry no meaning (`-`, ` `): dropped before matching.
    #[serde(default)]
    pub separators: String,
    /// Prefixes a barcode scanner adds in front of the value (Apple box labels add `S`).
    #[serde(default)]
    pub scanner_prefixes: Vec<String>,
    /// The segment whose text is the value's normalized form, for a label string that wraps
    /// the serial in more (Lenovo's `1S` + machine type-model + serial): the rest is still
    /// decoded into fields, and duplicates are found on the segment alone. Empty: the whole
    /// value.
    #[serde(default)]
    pub normalize_to: String,
    /// `true` when letter case matters; otherwise the value is upper-cased first.
    #[serde(default)]
    pub case_sensitive: bool,
    /// How a year and week become a `date`: `jan1` (7-day blocks from 1 January) or `iso`.
    #[serde(default)]
    pub week_start: String,
    /// A check-character algorithm over the whole normalized value, whose last character is the
    /// check (`luhn`, `luhn-mod-16`, `gs1-mod-10`, …); empty for none.
    #[serde(default)]
    pub check_digit: String,
    /// Decoders that turn segments into fields, in order.
    #[serde(default)]
    pub decode: Vec<Decoder>,
}

/// What a decoder does with its segment's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecodeType {
    /// Copy the text into `field` (and look it up in `table` when one is named).
    #[default]
    Text,
    /// Read the text as a number in base `base` (and look the number up in `table`).
    Number,
    /// A year: a number plus `offset`, a last digit resolved over `decades`, or a table row.
    Year,
    /// A week: a number or a table row, moved to the second half when the year said so.
    Week,
    /// A month: a number or a table row.
    Month,
    /// Bits `shift .. shift + width` of the text read as a number in base `base`.
    Bits,
}

/// A decoder: turns one segment into one or more fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decoder {
    /// The segment it reads, or `*` for the whole normalized value.
    pub segment: String,
    /// What it does; `text` unless said.
    #[serde(default, rename = "type")]
    pub kind: DecodeType,
    /// The field it writes (a standard name where one applies: `plant`, `year`, `week`, …).
    #[serde(default)]
    pub field: String,
    /// A table to look the code (or number) up in.
    #[serde(default)]
    pub table: String,
    /// Fields to fill from the table row: output field name → column name.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// What an unknown code means: `note` (still valid, lower confidence) or `error`.
    #[serde(default)]
    pub unknown: String,
    /// Number base, 2 to 36 (`number`, `bits`, `year`, `week`, `month`); 10 unless said.
    #[serde(default)]
    pub base: u32,
    /// A named digit alphabet for `base` (`base34` skips I and O); `0-9A-Z` unless said.
    #[serde(default)]
    pub alphabet: String,
    /// Added to the number (`year` with two digits: 1996 for Cisco).
    #[serde(default)]
    pub offset: i64,
    /// Decades a last year digit may belong to, oldest first (`[2010, 2020]`).
    #[serde(default)]
    pub decades: Vec<i64>,
    /// A segment whose table row has a `years` column (comma-separated production years) that
    /// picks the decade: the latest one the first production year has reached. A year outside
    /// the production years lowers the confidence and says so. Without a known row several
    /// decades stay possible and the result says so.
    #[serde(default)]
    pub decade_from: String,
    /// With `decade_from`: codes of that segment from which a year digit belongs to the latest
    /// decade, known row or not (macserial: model codes from `H` on with a year digit 0 are 2020).
    #[serde(default)]
    pub later_decade: Option<LaterDecade>,
    /// Weeks added when the year decoder's table row says `half = 2` (26 for Apple).
    #[serde(default)]
    pub half_offset: i64,
    /// Smallest and largest allowed value; outside it the segment is wrong.
    #[serde(default)]
    pub range: Vec<i64>,
    /// Write the number again in this base as `field` (Dell tag ⇄ Express Service Code).
    #[serde(default)]
    pub encode_base: u32,
    /// Left-pad the re-encoded number with zeros to this width.
    #[serde(default)]
    pub encode_width: u32,
    /// First bit (`bits`).
    #[serde(default)]
    pub shift: u32,
    /// Number of bits (`bits`).
    #[serde(default)]
    pub width: u32,
}

/// When a code says its year digit belongs to the latest decade, whatever its table row says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaterDecade {
    /// The lowest code (compared character by character, e.g. `H`: `H000` and `J1AB` qualify).
    pub codes_from: String,
    /// The year digits this holds for (`[0]`).
    pub digits: Vec<i64>,
}

/// An executable example: a value and the result it must give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The value as a person would enter it.
    pub value: String,
    /// The format it must match (valid examples), if it matters.
    #[serde(default)]
    pub format: String,
    /// Fields the decoded value must have (others may be present too).
    #[serde(default)]
    pub fields: BTreeMap<String, Value>,
    /// For a valid value: the normalized form it must give, when the example shows it.
    #[serde(default)]
    pub normalized: String,
    /// For an invalid value: the exact error message it must give.
    #[serde(default)]
    pub error: String,
    /// For an invalid value: the character span `[start, end)` the error must point at.
    #[serde(default)]
    pub span: Vec<usize>,
    /// Where the example comes from.
    #[serde(default)]
    pub source: String,
}

/// A field value: text, a whole number or a flag (in rule-file examples and decoded results).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    /// Text.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A flag.
    Bool(bool),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Text(s) => f.write_str(s),
            Value::Int(n) => write!(f, "{n}"),
            Value::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// The tagged form postcard needs; human-readable formats (TOML, JSON, JS) use the plain value.
#[derive(Serialize, Deserialize)]
enum TaggedValue {
    Text(String),
    Int(i64),
    Bool(bool),
}

/// Reads the plain value of human-readable formats (no untagged enum: its buffering is far more
/// code, in the wasm module too).
struct PlainValue;

impl<'de> serde::de::Visitor<'de> for PlainValue {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("text, a whole number or a flag")
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Int(n))
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Value, E> {
        i64::try_from(n)
            .map(Value::Int)
            .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(n), &self))
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(Value::Text(s.to_string()))
    }

    fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Value, E> {
        Ok(Value::Text(s))
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (self, s.is_human_readable()) {
            (Value::Text(t), true) => s.serialize_str(t),
            (Value::Int(n), true) => s.serialize_i64(*n),
            (Value::Bool(b), true) => s.serialize_bool(*b),
            (Value::Text(t), false) => TaggedValue::Text(t.clone()).serialize(s),
            (Value::Int(n), false) => TaggedValue::Int(*n).serialize(s),
            (Value::Bool(b), false) => TaggedValue::Bool(*b).serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            d.deserialize_any(PlainValue)
        } else {
            Ok(match TaggedValue::deserialize(d)? {
                TaggedValue::Text(t) => Value::Text(t),
                TaggedValue::Int(n) => Value::Int(n),
                TaggedValue::Bool(b) => Value::Bool(b),
            })
        }
    }
}

fn full_confidence() -> f64 {
    1.0
}

#[cfg(not(target_arch = "wasm32"))]
impl VendorRules {
    /// Reads the `file` of every table (relative to `dir`) into its `columns` and `rows`.
    pub fn load_table_files(&mut self, dir: &std::path::Path) -> Result<(), String> {
        for (name, table) in &mut self.tables {
            table.load_file(dir).map_err(|e| format!("tables.{name}.file: {e}"))?;
        }
        Ok(())
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Table {
    /// Reads `file` (relative to `dir`), when set, into `columns` and `rows`.
    pub fn load_file(&mut self, dir: &std::path::Path) -> Result<(), String> {
        if self.file.is_empty() {
            return Ok(());
        }
        let path = dir.join(&self.file);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut lines = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        let header = lines.next().ok_or_else(|| format!("{} has no header line", path.display()))?;
        self.columns = header.split('\t').map(str::to_string).collect();
        self.rows = lines.map(|l| l.split('\t').map(|c| c.trim().to_string()).collect()).collect();
        self.file.clear();
        Ok(())
    }
}
