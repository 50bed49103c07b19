//! A format compiled for matching: its pattern as a small automaton, its decoders resolved.
//!
//! The pattern parser (nom) turns the rule text into [`Item`]s; here the items are run as a
//! position-set automaton over the value's characters. One pass tells whether the value matches,
//! where it stops fitting (the wrong character), and what may come next while it is typed.
//!
//! A format with a `regex` key instead has no items: the regex says only whether the whole
//! value matches, and its named groups are the segments ([`Scan::Unmatched`]).

use crate::check_digit::Algorithm;
use crate::decode::push_int;
use crate::error::{Problem, ProblemKind, Span};
use crate::rules::pattern::{CharSet, Item, Pattern};
use crate::rules::regex::FormatRegex;
use crate::rules::schema::{DecodeType, Decoder, Format, Value};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// A table ready for lookups: code → row, each cell already in the form a field takes.
#[derive(Debug, Clone)]
pub(crate) struct CompiledTable {
    pub name: String,
    pub columns: Vec<String>,
    /// Row index by code (upper case); a code listed twice has its last row.
    rows: CodeMap<usize>,
    /// Each row's cells: `None` where empty, else a whole number when the text is one and the
    /// text otherwise (what [`fill_columns`] puts in a field).
    cells: Vec<Vec<Option<Value>>>,
    /// Each row's `years` column (comma-separated production years), read once; empty when
    /// the table has no such column or the row leaves it empty.
    years: Vec<Vec<i64>>,
    pub confidence: f64,
}

impl CompiledTable {
    pub fn new(name: &str, table: &crate::rules::schema::Table) -> CompiledTable {
        let cell = |text: &String| match text.is_empty() {
            true => None,
            false => Some(text.parse::<i64>().map(Value::Int).unwrap_or_else(|_| Value::Text(text.clone()))),
        };
        let years_column = table.columns.iter().position(|c| c == "years");
        let mut compiled = CompiledTable {
            name: name.to_string(),
            columns: table.columns.clone(),
            rows: CodeMap::default(),
            cells: Vec::with_capacity(table.rows.len()),
            years: Vec::with_capacity(table.rows.len()),
            confidence: table.confidence,
        };
        for row in &table.rows {
            let Some(code) = row.first() else { continue };
            compiled.rows.insert(code.to_ascii_uppercase(), compiled.cells.len());
            compiled.cells.push(row.iter().map(cell).collect());
            let years = years_column.and_then(|i| row.get(i)).map(String::as_str).unwrap_or_default();
            compiled.years.push(years.split(',').filter_map(|y| y.trim().parse().ok()).collect());
        }
        compiled
    }

    /// The row of `code`, if the table has it.
    fn row(&self, code: &str) -> Option<usize> {
        self.rows.get(code).copied()
    }

    /// The cell of `row` in column `column` (`None` when empty or when there is no column).
    fn cell(&self, row: usize, column: Option<usize>) -> Option<&Value> {
        self.cells[row].get(column?)?.as_ref()
    }

    /// The cell as a whole number, when it is one.
    fn int(&self, row: usize, column: Option<usize>) -> Option<i64> {
        match self.cell(row, column) {
            Some(Value::Int(n)) => Some(*n),
            _ => None,
        }
    }
}

/// FxHash, the multiply-and-rotate hash rustc uses: for the short codes tables are keyed by it
/// costs a fraction of the default SipHash. The keys come from rule files, not from the values
/// looked up, so there is no collision flooding to defend against.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct CodeHasher(u64);

impl CodeHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for CodeHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by table codes.
pub(crate) type CodeMap<V> = HashMap<String, V, BuildHasherDefault<CodeHasher>>;

/// A decoder with its segment, table and columns resolved to indexes.
#[derive(Debug, Clone)]
pub(crate) struct CompiledDecoder {
    pub rules: Decoder,
    /// Item index, or `None` for the whole value.
    pub item: Option<usize>,
    /// The field a year, week or month decoder writes: its `field`, or the standard name.
    field: String,
    /// The field of the years a decade-repeating year digit may stand for: `field_candidates`.
    candidates_field: String,
    /// The index of its table among the vendor's tables.
    table: Option<usize>,
    /// Its `columns`: each field with the index of the column it is filled from.
    columns: Vec<(String, Option<usize>)>,
    /// The columns of its table that year, week and month decoders read.
    half_column: Option<usize>,
    year_column: Option<usize>,
    digit_column: Option<usize>,
    /// `week` or `month`, as the decoder's type says.
    period_column: Option<usize>,
    /// Where `decade_from` points: the item, and the table its decoder uses.
    decade_from: Option<(usize, Option<usize>)>,
}

/// A compiled format.
#[derive(Debug, Clone)]
pub(crate) struct CompiledFormat {
    pub rules: Format,
    pub vendor: usize,
    pub items: Vec<Item>,
    pub min_len: usize,
    pub max_len: usize,
    pub separators: Vec<char>,
    pub decoders: Vec<CompiledDecoder>,
    pub check: Option<Algorithm>,
    /// Characters a value may start with (after a scanner prefix is removed).
    pub first: CharSet,
    /// Whether the pattern has fixed text (more telling when it matches).
    pub has_literal: bool,
    /// How much narrower the pattern is than "any alphanumerics of that length", 0 to 1: a
    /// match of a narrow pattern says more.
    pub specificity: f64,
    /// The `regex` key, compiled; `items` is then empty and segments are its named groups.
    pub regex: Option<FormatRegex>,
    /// The segment `normalize_to` names: the value's normalized form.
    pub normalize_to: Option<usize>,
    /// When every item has a single length: the item and offset of each character position,
    /// so a value of that length is matched one look per character.
    fixed_positions: Option<Vec<State>>,
    /// Then also the items' ranges: the only split there is.
    fixed_ranges: Option<Vec<(usize, usize)>>,
    /// The states [`CompiledFormat::distance`] steps through, in item order.
    edit_states: Vec<EditState>,
}

/// A state of the edit-distance automaton: `k` characters of `item` read. One index past the
/// last state stands for "after the last item".
#[derive(Debug, Clone, Copy)]
struct EditState {
    item: usize,
    k: usize,
    /// Whether the item may take another character (`k` below its maximum); the next state is
    /// then the one after this.
    grows: bool,
    /// The first state of the next item, when the item may end here (`k` at its minimum or more).
    ends_to: Option<usize>,
}

/// A cost no edit count reaches: a state not reached yet.
const FAR: usize = usize::MAX / 2;

/// The states of the edit-distance automaton of `items`: for each item, `k` from 0 to its most
/// characters.
fn edit_states(items: &[Item]) -> Vec<EditState> {
    let mut states = Vec::new();
    for (item, it) in items.iter().enumerate() {
        let (lo, hi) = it.bounds();
        let next_item = states.len() + hi + 1;
        states.extend((0..=hi).map(|k| EditState {
            item,
            k,
            grows: k < hi,
            ends_to: (k >= lo).then_some(next_item),
        }));
    }
    states
}

/// Where a value stopped fitting a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scan {
    /// The whole value fits and is complete; `more` holds what may still follow (variable-length
    /// formats), empty when nothing may.
    Complete { more: CharSet },
    /// The whole value fits but more must follow: at least `needs` more characters, and the
    /// next one from `next`.
    Prefix { needs: usize, next: CharSet },
    /// The character at `at` does not fit; `item` is what it was expected to belong to, or
    /// `None` when the pattern had already ended (too long).
    Stopped { at: usize, item: Option<usize> },
    /// A regex format does not match the whole value, and cannot say where it goes wrong;
    /// `may_grow` when the value is shorter than the format's maximum, so more typing might
    /// still make it match.
    Unmatched { may_grow: bool },
}

/// The outcome of decoding one value with one format.
///
/// It borrows from the registry and points into the value, so that decoding an attempt that
/// loses to another costs no copies: [`Decoding::fields_map`] builds the fields of the reading
/// that is returned.
#[derive(Debug, Clone, Default)]
pub(crate) struct Decoding<'r> {
    /// The fields in the order they were set; a name set again replaces the earlier value.
    fields: Vec<(Cow<'r, str>, FieldValue<'r>)>,
    /// Whether a date field is among them.
    dated: bool,
    /// Problems in normalized-character coordinates.
    pub problems: Vec<Problem>,
    pub reasons: Vec<String>,
    pub table_hits: u32,
    pub table_misses: u32,
    /// Sum of the confidences of the tables that knew their code.
    pub table_weight: f64,
    pub ambiguous: bool,
    /// Decoded facts that contradict each other (a year the model was not made in).
    pub contradictions: u32,
    pub check_passed: bool,
    /// The characters of the normalized form when the format normalizes to one segment
    /// (`normalize_to`); otherwise the whole value is.
    pub normalized: Option<(usize, usize)>,
}

/// A field's value while decoding: made, borrowed or pointed at, and copied only for the
/// reading that is returned.
#[derive(Debug, Clone)]
enum FieldValue<'r> {
    Made(Value),
    /// A table cell.
    Cell(&'r Value),
    /// The characters `start..end` of the value, as text.
    Chars(usize, usize),
}

impl<'r> Decoding<'r> {
    fn set(&mut self, name: impl Into<Cow<'r, str>>, value: FieldValue<'r>) {
        let name = name.into();
        self.dated |= matches!(&*name, "year" | "year_candidates" | "week" | "month");
        self.fields.push((name, value));
    }

    /// Whether a date field was set (`year`, `year_candidates`, `week` or `month`).
    pub fn dated(&self) -> bool {
        self.dated
    }

    /// The field as a whole number, when it is one.
    fn int(&self, name: &str) -> Option<i64> {
        match self.fields.iter().rev().find(|(n, _)| n == name)?.1 {
            FieldValue::Made(Value::Int(n)) | FieldValue::Cell(&Value::Int(n)) => Some(n),
            _ => None,
        }
    }

    /// The fields by name that `keep` keeps, for the reading of `chars` (the characters the
    /// format saw).
    pub fn into_fields(self, chars: &[char], keep: impl Fn(&str) -> bool) -> BTreeMap<String, Value> {
        let mut map = BTreeMap::new();
        for (name, value) in self.fields.into_iter().filter(|(name, _)| keep(name)) {
            let value = match value {
                FieldValue::Made(v) => v,
                FieldValue::Cell(v) => v.clone(),
                FieldValue::Chars(start, end) => Value::Text(chars[start..end].iter().collect()),
            };
            map.insert(name.into_owned(), value);
        }
        map
    }
}

type State = (usize, usize);

/// Room for the states of [`CompiledFormat::scan_in`], kept from one scan to the next.
#[derive(Debug, Default)]
pub(crate) struct ScanRoom {
    states: Vec<State>,
    next: Vec<State>,
}

/// The years a decade-repeating digit may stand for, and the production years of the model
/// code that chose among them (empty when unknown).
struct DecadeChoice<'a> {
    years: Vec<i64>,
    code: &'a str,
    produced: &'a [i64],
}

impl DecadeChoice<'_> {
    /// Why `year` is unlikely, when the model was not made that year.
    fn outside_production(&self, year: i64) -> Option<String> {
        let (first, last) = (self.produced.iter().min()?, self.produced.iter().max()?);
        if self.produced.contains(&year) {
            return None;
        }
        let span = if first == last { first.to_string() } else { format!("{first}-{last}") };
        Some(format!("year {year} is outside the production years of model code {} ({span})", self.code))
    }
}

impl CompiledFormat {
    /// Compiles a format of `vendor`, whose tables are `tables`.
    pub fn compile(
        rules: Format,
        vendor: usize,
        pattern: Pattern,
        tables: &[CompiledTable],
    ) -> CompiledFormat {
        let (min_len, max_len) = pattern.bounds();
        let items = pattern.items;
        let mut format = CompiledFormat {
            separators: rules.separators.chars().collect(),
            check: Algorithm::by_name(&rules.check_digit),
            has_literal: items.iter().any(|i| matches!(i, Item::Literal(_))),
            decoders: Vec::new(),
            first: CharSet::default(),
            specificity: specificity(&items, max_len),
            items,
            min_len,
            max_len,
            vendor,
            rules,
            regex: None,
            normalize_to: None,
            fixed_positions: None,
            fixed_ranges: None,
            edit_states: Vec::new(),
        };
        format.edit_states = edit_states(&format.items);
        format.first = format.next_chars(&format.start());
        format.resolve_decoders(tables);
        format.fix_positions();
        format
    }

    /// A format with a `regex` key: tried on values of 1 to `max_length` characters (the input
    /// limit when unbounded) whatever they start with. How narrow a regex is cannot be told, so
    /// a match adds nothing for specificity.
    pub fn compile_regex(
        rules: Format,
        vendor: usize,
        regex: FormatRegex,
        tables: &[CompiledTable],
    ) -> CompiledFormat {
        let max_len = match rules.max_length {
            0 => crate::decode::MAX_INPUT_CHARS,
            n => n,
        };
        let mut format = CompiledFormat {
            separators: rules.separators.chars().collect(),
            check: Algorithm::by_name(&rules.check_digit),
            has_literal: false,
            decoders: Vec::new(),
            first: CharSet::range('\0', '\x7f'),
            specificity: 0.0,
            items: Vec::new(),
            min_len: 1,
            max_len,
            vendor,
            rules,
            regex: Some(regex),
            normalize_to: None,
            fixed_positions: None,
            fixed_ranges: None,
            edit_states: Vec::new(),
        };
        format.resolve_decoders(tables);
        format
    }

    /// Resolves each decoder's segment, table and columns to indexes, once.
    fn resolve_decoders(&mut self, tables: &[CompiledTable]) {
        let table_of = |name: &str| tables.iter().position(|t| t.name == name);
        let column_of = |table: Option<usize>, name: &str| {
            tables.get(table?).and_then(|t| t.columns.iter().position(|c| c == name))
        };
        let format = &*self;
        let decoders = format
            .rules
            .decode
            .iter()
            .map(|d| {
                let table = table_of(&d.table);
                let (default_field, period) = match d.kind {
                    DecodeType::Year => ("year", ""),
                    DecodeType::Week => ("week", "week"),
                    DecodeType::Month => ("month", "month"),
                    _ => ("", ""),
                };
                let field = or_default(&d.field, default_field);
                CompiledDecoder {
                    item: format.segment(&d.segment),
                    field: field.to_string(),
                    candidates_field: format!("{field}_candidates"),
                    table,
                    columns: d.columns.iter().map(|(f, c)| (f.clone(), column_of(table, c))).collect(),
                    half_column: column_of(table, "half"),
                    year_column: column_of(table, "year"),
                    digit_column: column_of(table, "digit"),
                    period_column: column_of(table, period),
                    decade_from: format.segment(&d.decade_from).and_then(|i| {
                        let source = format
                            .rules
                            .decode
                            .iter()
                            .find(|o| o.segment == d.decade_from && !o.table.is_empty())?;
                        Some((i, table_of(&source.table)))
                    }),
                    rules: d.clone(),
                }
            })
            .collect();
        self.decoders = decoders;
        self.normalize_to = self.segment(&self.rules.normalize_to);
    }

    /// Fills `fixed_positions` and `fixed_ranges` when every item has a single length.
    fn fix_positions(&mut self) {
        let single = |item: &Item| {
            let (lo, hi) = item.bounds();
            (lo == hi && lo > 0).then_some(lo)
        };
        let Some(lengths) = self.items.iter().map(single).collect::<Option<Vec<usize>>>() else { return };
        let mut positions = Vec::with_capacity(self.max_len);
        let mut ranges = Vec::with_capacity(lengths.len());
        for (item, len) in lengths.into_iter().enumerate() {
            ranges.push((positions.len(), positions.len() + len));
            positions.extend((0..len).map(|k| (item, k)));
        }
        self.fixed_positions = Some(positions);
        self.fixed_ranges = Some(ranges);
    }

    fn segment(&self, name: &str) -> Option<usize> {
        if let Some(regex) = &self.regex {
            return regex.group_index(name);
        }
        self.items.iter().position(|item| matches!(item, Item::Segment { name: n, .. } if n == name))
    }

    /// Per-format view of cleaned characters: separators dropped, upper-cased unless the
    /// format is case-sensitive. Returns the characters and each one's index in `chars`.
    pub fn view(&self, chars: &[char]) -> (Vec<char>, Vec<usize>) {
        let mut view = Vec::with_capacity(chars.len());
        self.view_into(chars, &mut view);
        let origin = (0..chars.len()).filter(|&i| !self.separators.contains(&chars[i])).collect();
        (view, origin)
    }

    /// The characters of [`CompiledFormat::view`] alone, written into a vector reused from
    /// format to format: a reading that accepts the value needs no way back to the input.
    pub fn view_into(&self, chars: &[char], view: &mut Vec<char>) {
        view.clear();
        let case_sensitive = self.rules.case_sensitive;
        let kept = chars.iter().filter(|c| !self.separators.contains(c));
        view.extend(kept.map(|&c| if case_sensitive { c } else { c.to_ascii_uppercase() }));
    }

    fn start(&self) -> Vec<State> {
        let mut states = vec![(0, 0)];
        self.close(&mut states);
        states
    }

    /// Adds the states reachable without reading a character.
    fn close(&self, states: &mut Vec<State>) {
        let mut i = 0;
        while i < states.len() {
            let (item, k) = states[i];
            if item < self.items.len() && k >= self.items[item].bounds().0 {
                let next = (item + 1, 0);
                if !states.contains(&next) {
                    states.push(next);
                }
            }
            i += 1;
        }
    }

    fn accepts(&self, item: usize, k: usize, c: char) -> bool {
        match &self.items[item] {
            Item::Segment { class, max, .. } => k < *max as usize && class.contains(c),
            Item::Literal(text) => text.as_bytes().get(k).is_some_and(|&b| {
                if self.rules.case_sensitive { b as char == c } else { (b as char).eq_ignore_ascii_case(&c) }
            }),
        }
    }

    fn next_chars(&self, states: &[State]) -> CharSet {
        let mut set = CharSet::default();
        for &(item, k) in states {
            match self.items.get(item) {
                Some(Item::Segment { class, max, .. }) if k < *max as usize => set = set.union(*class),
                Some(Item::Literal(text)) => {
                    if let Some(&b) = text.as_bytes().get(k) {
                        set = set.with(b as char);
                    }
                }
                _ => {}
            }
        }
        set
    }

    /// Runs the automaton over `chars`.
    pub fn scan(&self, chars: &[char]) -> Scan {
        self.scan_in(chars, &mut ScanRoom::default())
    }

    /// [`CompiledFormat::scan`] with the automaton's states kept in `room`, reused from scan to
    /// scan.
    pub fn scan_in(&self, chars: &[char], room: &mut ScanRoom) -> Scan {
        if let Some(regex) = &self.regex {
            if chars.len() > self.max_len {
                return Scan::Stopped { at: self.max_len, item: None };
            }
            return match regex.is_match(&chars.iter().collect::<String>()) {
                true => Scan::Complete { more: CharSet::default() },
                false => Scan::Unmatched { may_grow: chars.len() < self.max_len },
            };
        }
        if let Some(scan) = self.scan_fixed(chars) {
            return scan;
        }
        let ScanRoom { states, next } = room;
        states.clear();
        states.push((0, 0));
        self.close(states);
        for (at, &c) in chars.iter().enumerate() {
            next.clear();
            for &(item, k) in states.iter() {
                if item < self.items.len() && self.accepts(item, k, c) && !next.contains(&(item, k + 1)) {
                    next.push((item, k + 1));
                }
            }
            if next.is_empty() {
                // Blame the furthest item that could still take characters.
                let item = states
                    .iter()
                    .filter(|&&(item, k)| item < self.items.len() && k < self.items[item].bounds().1)
                    .map(|&(item, _)| item)
                    .max();
                return Scan::Stopped { at, item };
            }
            std::mem::swap(states, next);
            self.close(states);
        }
        if states.contains(&(self.items.len(), 0)) {
            return Scan::Complete { more: self.next_chars(states) };
        }
        let needs = states.iter().map(|&(item, k)| self.min_remaining(item, k)).min().unwrap_or(0);
        Scan::Prefix { needs, next: self.next_chars(states) }
    }

    /// [`CompiledFormat::scan`] of a pattern whose items all have one length, for a value at
    /// least that long: each character is looked at once, against the one item it belongs
    /// to. `None` for other patterns and shorter values (a prefix, which the general scan
    /// describes).
    fn scan_fixed(&self, chars: &[char]) -> Option<Scan> {
        let positions = self.fixed_positions.as_deref().filter(|p| chars.len() >= p.len())?;
        Some(match positions.iter().zip(chars).position(|(&(item, k), &c)| !self.accepts(item, k, c)) {
            Some(at) => Scan::Stopped { at, item: Some(positions[at].0) },
            None if chars.len() > positions.len() => Scan::Stopped { at: positions.len(), item: None },
            // Nothing may follow the last character of the last item.
            None => Scan::Complete { more: CharSet::default() },
        })
    }

    /// The fewest characters to change, add or remove for `chars` to fit the pattern (how
    /// close a value that does not fit comes to this format), when it is at most `bound`;
    /// `None` as soon as it is sure to be more, which spares the rest of the work for formats
    /// that come no closer than one already found.
    /// With `prefix`, the fewest edits for `chars` to become the start of a value (what is
    /// still to be typed costs nothing).
    pub fn distance_within(&self, chars: &[char], prefix: bool, bound: usize) -> Option<usize> {
        if self.regex.is_some() {
            // A regex cannot say how close a value comes: as far as can be.
            let d = match self.scan(chars) {
                Scan::Complete { .. } => 0,
                _ => chars.len().max(1),
            };
            return (d <= bound).then_some(d);
        }
        // cost[j]: the fewest edits for the characters read so far to reach state j.
        let done = self.edit_states.len();
        let mut cost = vec![FAR; done + 1];
        let mut next = vec![FAR; done + 1];
        cost[0] = 0;
        self.relax(&mut cost);
        for &c in chars {
            for (x, &y) in next.iter_mut().zip(&cost) {
                *x = y.saturating_add(1); // an extra character
            }
            for (j, state) in self.edit_states.iter().enumerate() {
                let here = cost[j];
                if state.grows && here < FAR {
                    let step = here + usize::from(!self.accepts(state.item, state.k, c));
                    next[j + 1] = next[j + 1].min(step);
                }
            }
            std::mem::swap(&mut cost, &mut next);
            // No state gets cheaper with more characters: past the bound, it stays past it.
            if self.relax(&mut cost) > bound {
                return None;
            }
        }
        let d = if prefix { cost.iter().copied().min().unwrap_or(0) } else { cost[done] };
        (d <= bound).then_some(d)
    }

    /// Settles the moves that read no character (an item ending, a missing character), in
    /// one forward pass since every move goes to a later state; returns the cheapest state.
    fn relax(&self, cost: &mut [usize]) -> usize {
        let mut cheapest = FAR;
        for (j, state) in self.edit_states.iter().enumerate() {
            let here = cost[j];
            cheapest = cheapest.min(here);
            if here >= FAR {
                continue;
            }
            if let Some(to) = state.ends_to {
                cost[to] = cost[to].min(here);
            }
            if state.grows {
                cost[j + 1] = cost[j + 1].min(here + 1); // a missing character
            }
        }
        cheapest.min(cost[self.edit_states.len()])
    }

    fn min_remaining(&self, item: usize, k: usize) -> usize {
        let rest: usize = self.items.iter().skip(item + 1).map(|i| i.bounds().0).sum();
        self.items.get(item).map_or(0, |i| i.bounds().0.saturating_sub(k)) + rest
    }

    /// Splits a complete match into one character range per item; earlier items take as many
    /// characters as they can.
    pub fn split(&self, chars: &[char]) -> Option<Cow<'_, [(usize, usize)]>> {
        if let Some(regex) = &self.regex {
            return regex.groups(&chars.iter().collect::<String>()).map(Cow::Owned);
        }
        let n = chars.len();
        if let Some(ranges) = self.fixed_ranges.as_deref() {
            return (n == self.min_len).then_some(Cow::Borrowed(ranges));
        }
        if self.min_len == self.max_len {
            // Every item has a fixed length: the split is the only one there is.
            if n != self.min_len {
                return None;
            }
            let mut p = 0;
            return Some(Cow::Owned(
                self.items
                    .iter()
                    .map(|item| {
                        let len = item.bounds().0;
                        p += len;
                        (p - len, p)
                    })
                    .collect(),
            ));
        }
        let m = self.items.len();
        // can_finish[i][p]: items i.. match chars[p..].
        let mut can_finish = vec![vec![false; n + 1]; m + 1];
        can_finish[m][n] = true;
        for i in (0..m).rev() {
            let (lo, hi) = self.items[i].bounds();
            for p in 0..=n {
                can_finish[i][p] = (lo..=hi.min(n - p))
                    .any(|len| can_finish[i + 1][p + len] && self.item_matches(i, &chars[p..p + len]));
            }
        }
        if !can_finish[0][0] {
            return None;
        }
        let mut ranges = Vec::with_capacity(m);
        let mut p = 0;
        for i in 0..m {
            let (lo, hi) = self.items[i].bounds();
            let len = (lo..=hi.min(n - p))
                .rev()
                .find(|&len| can_finish[i + 1][p + len] && self.item_matches(i, &chars[p..p + len]))?;
            ranges.push((p, p + len));
            p += len;
        }
        Some(Cow::Owned(ranges))
    }

    fn item_matches(&self, item: usize, text: &[char]) -> bool {
        text.iter().enumerate().all(|(k, &c)| self.accepts(item, k, c))
    }

    /// Ranges of the leading fixed-length items that `len` typed characters cover completely
    /// (none for a regex format: a regex does not say where its groups fall in a prefix).
    pub fn typed_ranges(&self, len: usize) -> Vec<(usize, usize)> {
        let mut ranges = Vec::new();
        if self.regex.is_some() {
            return ranges;
        }
        let mut p = 0;
        for item in &self.items {
            let (lo, hi) = item.bounds();
            if lo != hi || p + lo > len {
                break;
            }
            ranges.push((p, p + lo));
            p += lo;
        }
        ranges
    }

    /// Runs the decoders over the items in `ranges` (all of them for a complete value, the typed
    /// ones for a prefix). `tables` are the vendor's.
    pub fn decode<'r>(
        &'r self,
        chars: &[char],
        ranges: &[(usize, usize)],
        tables: &'r [CompiledTable],
        complete: bool,
    ) -> Decoding<'r> {
        let mut out = Decoding { fields: Vec::with_capacity(self.decoders.len() + 4), ..Decoding::default() };
        if let Some(&range) = self.normalize_to.and_then(|i| ranges.get(i)).filter(|_| complete) {
            out.normalized = Some(range);
        }
        let mut half: i32 = 1;
        let mut year: Option<i64> = None;
        // The text a decoder reads or looks up, reused from one decoder to the next.
        let mut text = String::with_capacity(chars.len());
        for d in &self.decoders {
            let (start, end) = match d.item {
                Some(i) => match ranges.get(i) {
                    Some(&r) => r,
                    None => continue,
                },
                None if complete => (0, chars.len()),
                None => continue,
            };
            if start == end {
                continue;
            }
            text.clear();
            text.extend(&chars[start..end]);
            let span = Span::new(start, end);
            let r = &d.rules;
            let table = d.table.and_then(|t| tables.get(t));
            match r.kind {
                DecodeType::Text => {
                    if !r.field.is_empty() {
                        out.set(r.field.as_str(), FieldValue::Chars(start, end));
                    }
                    if let Some((table, row)) = look_up(table, &text, d, span, &mut out) {
                        fill_columns(&mut out, table, row, d);
                    }
                }
                DecodeType::Number | DecodeType::Bits => {
                    let Some(mut n) = parse_number(&text, r.base, &r.alphabet) else {
                        continue;
                    };
                    if r.kind == DecodeType::Bits {
                        n = (n >> r.shift.min(127)) & mask(r.width);
                    }
                    let Ok(value) = i64::try_from(n).map(|n| n.saturating_add(r.offset)) else {
                        continue;
                    };
                    if !self.in_range(&mut out, r, value, span) {
                        continue;
                    }
                    if !r.field.is_empty() {
                        let v = if r.encode_base >= 2 {
                            Value::Text(encode(n, r.encode_base, r.encode_width as usize))
                        } else {
                            Value::Int(value)
                        };
                        out.set(r.field.as_str(), FieldValue::Made(v));
                    }
                    if table.is_some() {
                        // Rows are keyed by the number as written in decimal.
                        text.clear();
                        push_int(&mut text, value);
                        if let Some((table, row)) = look_up(table, &text, d, span, &mut out) {
                            fill_columns(&mut out, table, row, d);
                        }
                    }
                }
                DecodeType::Year => {
                    let row = match table {
                        Some(_) => match look_up(table, &text, d, span, &mut out) {
                            Some(found) => Some(found),
                            None => continue,
                        },
                        None => None,
                    };
                    let (full, digit) = match row {
                        Some((t, row)) => {
                            half = t.int(row, d.half_column).and_then(|h| i32::try_from(h).ok()).unwrap_or(1);
                            (t.int(row, d.year_column), t.int(row, d.digit_column))
                        }
                        None => {
                            let Some(n) =
                                parse_number(&text, r.base, &r.alphabet).and_then(|n| i64::try_from(n).ok())
                            else {
                                continue;
                            };
                            if r.decades.is_empty() {
                                (Some(n + r.offset), None)
                            } else {
                                (None, Some(n % 10))
                            }
                        }
                    };
                    if let Some(y) = full {
                        if self.in_range(&mut out, r, y, span) {
                            year = Some(y);
                            out.set(d.field.as_str(), FieldValue::Made(Value::Int(y)));
                        }
                    } else if let Some(digit) = digit {
                        // The code of the segment that picks the decade, in place of this one's.
                        text.clear();
                        if let Some(&(s, e)) = d.decade_from.and_then(|(item, _)| ranges.get(item)) {
                            text.extend(&chars[s..e]);
                        }
                        let choice = CompiledFormat::decade_choice(d, digit, &text, tables);
                        year = set_decade_year(&mut out, d, digit, span, choice).or(year);
                    }
                    if let Some((table, row)) = row {
                        fill_columns(&mut out, table, row, d);
                    }
                }
                DecodeType::Week | DecodeType::Month => {
                    let n = match table {
                        Some(_) => {
                            let Some((table, row)) = look_up(table, &text, d, span, &mut out) else {
                                continue;
                            };
                            table.int(row, d.period_column)
                        }
                        None => parse_number(&text, r.base, &r.alphabet).and_then(|n| i64::try_from(n).ok()),
                    };
                    let Some(mut n) = n else { continue };
                    n += r.offset;
                    if half == 2 {
                        n += r.half_offset;
                    }
                    if self.in_range(&mut out, r, n, span) {
                        out.set(d.field.as_str(), FieldValue::Made(Value::Int(n)));
                    }
                }
            }
        }
        if complete {
            self.add_date(&mut out, year);
            self.verify_check(&mut out, chars, &mut text);
        }
        out
    }

    fn in_range(&self, out: &mut Decoding, r: &Decoder, value: i64, span: Span) -> bool {
        let [lo, hi] = r.range[..] else { return true };
        if (lo..=hi).contains(&value) {
            return true;
        }
        let field = if r.field.is_empty() { r.segment.as_str() } else { r.field.as_str() };
        let field = match (field, r.kind) {
            ("", DecodeType::Year) => "year",
            ("", DecodeType::Week) => "week",
            ("", DecodeType::Month) => "month",
            (f, _) => f,
        };
        out.problems.push(Problem::new(
            ProblemKind::OutOfRange,
            span,
            format!("{field} {value} is out of range {lo}-{hi}"),
        ));
        false
    }

    /// The years a last digit may stand for: each of `decades` within `range`, never after the
    /// build year; then, as macserial decides (acidanthera/OpenCorePkg macserial.c), the latest
    /// decade when the `later_decade` rule holds for the `decade_from` code, else the latest
    /// decade the model's first production year has reached. An unknown model keeps every
    /// candidate the rule leaves.
    fn decade_choice<'a>(
        d: &CompiledDecoder,
        digit: i64,
        code: &'a str,
        tables: &'a [CompiledTable],
    ) -> DecadeChoice<'a> {
        let r = &d.rules;
        let mut years: Vec<i64> = r
            .decades
            .iter()
            .map(|dec| dec + digit)
            .filter(|y| match r.range[..] {
                [lo, hi] => (lo..=hi).contains(y),
                _ => true,
            })
            .filter(|y| *y <= crate::date::BUILD_YEAR)
            .collect();
        let Some((_, table)) = d.decade_from else {
            return DecadeChoice { years, code: "", produced: &[] };
        };
        let produced: &[i64] = table
            .and_then(|t| tables.get(t))
            .and_then(|t| Some(t.years[t.row(code)?].as_slice()))
            .unwrap_or_default();
        let later = r.later_decade.as_ref().is_some_and(|l| {
            l.digits.contains(&digit) && !l.codes_from.is_empty() && code >= l.codes_from.as_str()
        });
        let decade_of = |y: &i64| y - digit;
        let chosen = match (later, produced.iter().min()) {
            (true, _) => years.iter().copied().max(),
            (false, Some(first)) => {
                let reached = years.iter().copied().filter(|y| decade_of(y) <= *first).max();
                reached.or_else(|| years.iter().copied().min())
            }
            (false, None) => return DecadeChoice { years, code, produced },
        };
        years.clear();
        years.extend(chosen);
        DecadeChoice { years, code, produced }
    }

    fn add_date(&self, out: &mut Decoding, year: Option<i64>) {
        let Some(year) = year else { return };
        let week = out.int("week").and_then(|w| u32::try_from(w).ok());
        let date = match (self.rules.week_start.as_str(), week) {
            ("jan1", Some(w)) => crate::date::week_date(year, w, false),
            ("iso", Some(w)) => crate::date::week_date(year, w, true),
            _ => None,
        };
        if let Some(date) = date {
            out.set("date", FieldValue::Made(Value::Text(date)));
        }
    }

    /// Checks the check character(s) at the end of `chars`; `text` is room to write them in.
    fn verify_check(&self, out: &mut Decoding, chars: &[char], text: &mut String) {
        let Some(algorithm) = self.check else { return };
        text.clear();
        text.extend(chars);
        let w = algorithm.width();
        if text.len() <= w || !text.is_ascii() {
            return;
        }
        let (body, given) = text.split_at(text.len() - w);
        match algorithm.check(body) {
            Some(expected) if expected.as_str() == given => {
                out.check_passed = true;
                out.set("check_digit", FieldValue::Chars(chars.len() - w, chars.len()));
            }
            Some(expected) => out.problems.push(
                Problem::new(
                    ProblemKind::CheckDigit,
                    Span::new(chars.len() - w, chars.len()),
                    format!("check digit should be {expected}, not {given}"),
                )
                .with_hint("a character was probably mistyped or two were swapped"),
            ),
            None => {}
        }
    }
}

fn specificity(items: &[Item], max_len: usize) -> f64 {
    let accepted: f64 = items
        .iter()
        .map(|item| match item {
            Item::Segment { class, max, .. } => f64::from(*max) * f64::from(class.len().max(1)).ln(),
            Item::Literal(_) => 0.0,
        })
        .sum();
    let alnum = max_len as f64 * 36f64.ln();
    if alnum == 0.0 { 0.0 } else { (1.0 - accepted / alnum).clamp(0.0, 1.0) }
}

/// The year a decade-repeating `digit` stands for, set as the decoder's field when one decade
/// is left; with none left that is a problem, with several the candidates are set.
fn set_decade_year<'r>(
    out: &mut Decoding<'r>,
    d: &'r CompiledDecoder,
    digit: i64,
    span: Span,
    choice: DecadeChoice,
) -> Option<i64> {
    let field = d.field.as_str();
    match choice.years.as_slice() {
        [] => {
            out.problems.push(Problem::new(
                ProblemKind::OutOfRange,
                span,
                format!("{field} digit {digit} fits no allowed year"),
            ));
            None
        }
        &[y] => {
            out.set(field, FieldValue::Made(Value::Int(y)));
            if let Some(reason) = choice.outside_production(y) {
                out.contradictions += 1;
                out.reasons.push(reason);
            }
            Some(y)
        }
        many => {
            out.ambiguous = true;
            let mut list = String::with_capacity(8 * many.len());
            for (i, &year) in many.iter().enumerate() {
                if i > 0 {
                    list.push_str(" or ");
                }
                push_int(&mut list, year);
            }
            out.reasons.push(["the decade is ambiguous: ", &list].concat());
            out.set(d.candidates_field.as_str(), FieldValue::Made(Value::Text(list)));
            None
        }
    }
}

/// Looks `code` up in the decoder's table, counting the hit or the miss; a miss is a problem
/// or a note, as the decoder's `unknown` says. `None` without a table.
fn look_up<'r>(
    table: Option<&'r CompiledTable>,
    code: &str,
    d: &CompiledDecoder,
    span: Span,
    out: &mut Decoding,
) -> Option<(&'r CompiledTable, usize)> {
    let table = table?;
    match table.row(code) {
        Some(row) => {
            out.table_hits += 1;
            out.table_weight += table.confidence;
            Some((table, row))
        }
        None => {
            out.table_misses += 1;
            let what = if d.rules.segment == "*" { "value" } else { &d.rules.segment };
            if d.rules.unknown == "error" {
                out.problems.push(Problem::new(
                    ProblemKind::UnknownCode,
                    span,
                    format!("unknown {what} code '{code}'"),
                ));
            } else {
                out.reasons.push(format!("{what} code {code} is not in the table"));
            }
            None
        }
    }
}

/// Sets the fields the decoder's `columns` fill from `row`.
fn fill_columns<'r>(out: &mut Decoding<'r>, table: &'r CompiledTable, row: usize, d: &'r CompiledDecoder) {
    for (field, column) in &d.columns {
        if let Some(v) = table.cell(row, *column) {
            out.set(field.as_str(), FieldValue::Cell(v));
        }
    }
}

fn or_default<'a>(field: &'a str, default: &'a str) -> &'a str {
    if field.is_empty() { default } else { field }
}

fn mask(width: u32) -> u128 {
    if width >= 128 { u128::MAX } else { (1u128 << width) - 1 }
}

/// The digits of a named alphabet, in value order.
pub(crate) fn digit_alphabet(name: &str) -> Option<&'static str> {
    alphabet(name).map(|(digits, _)| digits)
}

const ALNUM_DIGITS: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const BASE34_DIGITS: &str = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const BASE31_DIGITS: &str = "0123456789BCDFGHJKLMNPQRSTVWXYZ";
static ALNUM_VALUES: [u8; 128] = digit_values(ALNUM_DIGITS);
static BASE34_VALUES: [u8; 128] = digit_values(BASE34_DIGITS);
static BASE31_VALUES: [u8; 128] = digit_values(BASE31_DIGITS);

/// Each ASCII character's value among `digits`, `u8::MAX` for none: read numbers look each
/// character up once rather than search the alphabet for it.
const fn digit_values(digits: &str) -> [u8; 128] {
    let digits = digits.as_bytes();
    let mut values = [u8::MAX; 128];
    let mut i = 0;
    while i < digits.len() {
        values[digits[i] as usize] = i as u8;
        i += 1;
    }
    values
}

/// A named alphabet's digits, and each character's value.
fn alphabet(name: &str) -> Option<(&'static str, &'static [u8; 128])> {
    Some(match name {
        "" | "alnum" | "base36" => (ALNUM_DIGITS, &ALNUM_VALUES),
        "base34" => (BASE34_DIGITS, &BASE34_VALUES),
        "base31" => (BASE31_DIGITS, &BASE31_VALUES),
        _ => return None,
    })
}

/// Reads `text` as a number in `base` (10 when 0) using the alphabet's first `base` digits.
pub(crate) fn parse_number(text: &str, base: u32, alphabet_name: &str) -> Option<u128> {
    let base = if base == 0 { 10 } else { base };
    let (digits, values) = alphabet(alphabet_name)?;
    if base as usize > digits.len() {
        return None;
    }
    text.bytes().try_fold(0u128, |n, c| {
        let d = *values.get(usize::from(c.to_ascii_uppercase()))?;
        if u32::from(d) >= base {
            return None;
        }
        n.checked_mul(base as u128)?.checked_add(d as u128)
    })
}

/// Writes `n` in `base` (2 to 36, digits `0-9A-Z`), left-padded with zeros to `width`.
pub(crate) fn encode(mut n: u128, base: u32, width: usize) -> String {
    let digits = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let base = base.clamp(2, 36) as u128;
    let mut out = Vec::new();
    loop {
        out.push(digits[(n % base) as usize]);
        n /= base;
        if n == 0 {
            break;
        }
    }
    while out.len() < width {
        out.push(b'0');
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::schema::FormatKind;

    fn format(pattern: &str) -> CompiledFormat {
        let rules = Format {
            id: "t".into(),
            kind: FormatKind::Sequential,
            identifies: Default::default(),
            description: String::new(),
            pattern: pattern.into(),
            regex: String::new(),
            max_length: 0,
            source: String::new(),
            confidence: 1.0,
            separators: "-".into(),
            scanner_prefixes: vec![],
            normalize_to: String::new(),
            case_sensitive: false,
            week_start: String::new(),
            check_digit: String::new(),
            decode: vec![],
        };
        CompiledFormat::compile(rules, 0, Pattern::parse(pattern).unwrap(), &[])
    }

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn scan_reports_complete_prefix_and_stop() {
        let f = format("a:@upper{3} b:@digit{2}");
        assert_eq!(f.scan(&chars("ABC12")), Scan::Complete { more: CharSet::default() });
        assert_eq!(
            f.scan(&chars("AB")),
            Scan::Prefix { needs: 3, next: crate::rules::pattern::alphabet("upper").unwrap() }
        );
        assert_eq!(f.scan(&chars("AB1")), Scan::Stopped { at: 2, item: Some(0) });
        assert_eq!(f.scan(&chars("ABC123")), Scan::Stopped { at: 5, item: None });
    }

    #[test]
    fn variable_segments_split_greedily() {
        let f = format("a:@alnum{1,4} b:@digit{2}");
        assert_eq!(f.split(&chars("AB123")).as_deref(), Some(&[(0, 3), (3, 5)][..]));
        assert_eq!(f.split(&chars("12")), None);
        assert_eq!(f.scan(&chars("A1")), Scan::Prefix { needs: 1, next: f.next_chars(&f.start_after("A1")) });
    }

    #[test]
    fn literals_match_without_case() {
        let f = format("'1S' x:@digit");
        assert_eq!(f.scan(&chars("1s5")), Scan::Complete { more: CharSet::default() });
        assert_eq!(f.scan(&chars("1X")), Scan::Stopped { at: 1, item: Some(0) });
    }

    #[test]
    fn distance_counts_edits() {
        let f = format("a:@upper{3} b:@digit{2}");
        assert_eq!(f.distance(&chars("ABC12"), false), 0);
        assert_eq!(f.distance(&chars("AB012"), false), 1);
        assert_eq!(f.distance(&chars("ABC1"), false), 1);
        assert_eq!(f.distance(&chars("ABC123"), false), 1);
        assert_eq!(f.distance(&chars(""), false), 5);
        assert_eq!(f.distance(&chars("1"), false), 4);
        assert_eq!(f.distance(&chars("AB"), true), 0);
        assert_eq!(f.distance(&chars("A1"), true), 1);
    }

    #[test]
    fn a_bounded_distance_is_the_distance_when_within_the_bound() {
        let formats = [
            format("a:@upper{3} b:@digit{2}"),
            format("'C' p:@alnum{2} y:@digit s:@upper{1,4} '-' t:@digit{2,3}"),
            format("x:@digit{0,3} 'AB' y:@upper{2,6} z:@alnum{0,2}"),
            format("s:@alnum{1,20}"),
        ];
        let mut random = crate::xorshift(3);
        let alphabet: Vec<char> = "ABC0-9Zx".chars().collect();
        for _ in 0..2000 {
            let len = (random() % 16) as usize;
            let value: Vec<char> = (0..len).map(|_| alphabet[(random() % 8) as usize]).collect();
            for f in &formats {
                for prefix in [false, true] {
                    let d = f.distance(&value, prefix);
                    assert_eq!(d, f.plain_distance(&value, prefix), "{value:?} {prefix}");
                    for bound in 0..=d + 1 {
                        let within = f.distance_within(&value, prefix, bound);
                        assert_eq!(within, (d <= bound).then_some(d), "{value:?} {prefix} {bound}");
                    }
                }
            }
        }
    }

    #[test]
    fn numbers_round_trip_between_bases() {
        assert_eq!(parse_number("5RFDP01", 36, ""), Some(12542331601));
        assert_eq!(encode(12542331601, 36, 7), "5RFDP01");
        assert_eq!(encode(35, 36, 3), "00Z");
        assert_eq!(parse_number("Z", 10, ""), None);
        assert_eq!(parse_number("ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", 36, ""), None);
        // A digit of the alphabet beyond the base, and characters of no alphabet.
        assert_eq!(parse_number("1Z", 35, ""), None);
        assert_eq!(parse_number("1O", 34, "base34"), None);
        assert_eq!(parse_number("1é", 36, ""), None);
        assert_eq!(parse_number("10", 37, ""), None);
    }

    impl CompiledFormat {
        fn distance(&self, chars: &[char], prefix: bool) -> usize {
            self.distance_within(chars, prefix, usize::MAX).unwrap()
        }

        /// The edit distance by the plain dynamic programme over every state and character,
        /// to check the windowed one against.
        fn plain_distance(&self, chars: &[char], prefix: bool) -> usize {
            let done = self.edit_states.len();
            let settle = |cost: &mut Vec<usize>| {
                for (j, state) in self.edit_states.iter().enumerate() {
                    if let Some(to) = state.ends_to {
                        cost[to] = cost[to].min(cost[j]);
                    }
                    if state.grows {
                        cost[j + 1] = cost[j + 1].min(cost[j].saturating_add(1));
                    }
                }
            };
            let mut cost = vec![FAR; done + 1];
            cost[0] = 0;
            settle(&mut cost);
            for &c in chars {
                let mut next: Vec<usize> = cost.iter().map(|&x| x.saturating_add(1)).collect();
                for (j, state) in self.edit_states.iter().enumerate() {
                    if state.grows {
                        let step = cost[j].saturating_add(usize::from(!self.accepts(state.item, state.k, c)));
                        next[j + 1] = next[j + 1].min(step);
                    }
                }
                cost = next;
                settle(&mut cost);
            }
            if prefix { cost.into_iter().min().unwrap_or(FAR) } else { cost[done] }
        }

        fn start_after(&self, s: &str) -> Vec<State> {
            let mut states = self.start();
            for c in s.chars() {
                let mut next: Vec<State> = states
                    .iter()
                    .filter(|&&(i, k)| i < self.items.len() && self.accepts(i, k, c))
                    .map(|&(i, k)| (i, k + 1))
                    .collect();
                next.dedup();
                self.close(&mut next);
                states = next;
            }
            states
        }
    }
}
