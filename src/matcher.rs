//! A format compiled for matching: its pattern as a small automaton, its decoders resolved.
//!
//! The pattern parser (nom) turns the rule text into [`Item`]s; here the items are run as a
//! position-set automaton over the value's characters. One pass tells whether the value matches,
//! where it stops fitting (the wrong character), and what may come next while it is typed.
//!
//! A format with a `regex` key instead has no items: the regex says only whether the whole
//! value matches, and its named groups are the segments ([`Scan::Unmatched`]).

use crate::check_digit::Algorithm;
use crate::error::{Problem, ProblemKind, Span};
use crate::rules::pattern::{CharSet, Item, Pattern};
use crate::rules::regex::FormatRegex;
use crate::rules::schema::{DecodeType, Decoder, Format, Value};
use std::collections::{BTreeMap, HashMap};

/// A table ready for lookups: code → row.
#[derive(Debug, Clone)]
pub(crate) struct CompiledTable {
    pub columns: Vec<String>,
    pub rows: HashMap<String, Vec<String>>,
    pub confidence: f64,
}

impl CompiledTable {
    pub fn column(&self, row: &[String], name: &str) -> Option<String> {
        let i = self.columns.iter().position(|c| c == name)?;
        row.get(i).filter(|v| !v.is_empty()).cloned()
    }
}

/// A decoder with its segment and table resolved to indexes.
#[derive(Debug, Clone)]
pub(crate) struct CompiledDecoder {
    pub rules: Decoder,
    /// Item index, or `None` for the whole value.
    pub item: Option<usize>,
    /// Where `decade_from` points: the item and the table its decoder uses.
    pub decade_from: Option<(usize, String)>,
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
#[derive(Debug, Clone, Default)]
pub(crate) struct Decoding {
    pub fields: BTreeMap<String, Value>,
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
    /// The normalized form when the format normalizes to one segment (`normalize_to`);
    /// otherwise the whole value is.
    pub normalized: Option<String>,
}

type State = (usize, usize);

/// The years a decade-repeating digit may stand for, and the production years of the model
/// code that chose among them (empty when unknown).
struct DecadeChoice {
    years: Vec<i64>,
    code: String,
    produced: Vec<i64>,
}

impl DecadeChoice {
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
    pub fn compile(rules: Format, vendor: usize, pattern: Pattern) -> CompiledFormat {
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
        };
        format.first = format.next_chars(&format.start());
        format.resolve_decoders();
        format
    }

    /// A format with a `regex` key: tried on values of 1 to `max_length` characters (the input
    /// limit when unbounded) whatever they start with. How narrow a regex is cannot be told, so
    /// a match adds nothing for specificity.
    pub fn compile_regex(rules: Format, vendor: usize, regex: FormatRegex) -> CompiledFormat {
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
        };
        format.resolve_decoders();
        format
    }

    fn resolve_decoders(&mut self) {
        let format = &*self;
        let decoders = format
            .rules
            .decode
            .iter()
            .map(|d| CompiledDecoder {
                item: format.segment(&d.segment),
                decade_from: format.segment(&d.decade_from).and_then(|i| {
                    let table = format
                        .rules
                        .decode
                        .iter()
                        .find(|o| o.segment == d.decade_from && !o.table.is_empty())?;
                    Some((i, table.table.clone()))
                }),
                rules: d.clone(),
            })
            .collect();
        self.decoders = decoders;
        self.normalize_to = self.segment(&self.rules.normalize_to);
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
        let mut origin = Vec::with_capacity(chars.len());
        for (i, &c) in chars.iter().enumerate().filter(|(_, c)| !self.separators.contains(c)) {
            view.push(if self.rules.case_sensitive { c } else { c.to_ascii_uppercase() });
            origin.push(i);
        }
        (view, origin)
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
        if let Some(regex) = &self.regex {
            if chars.len() > self.max_len {
                return Scan::Stopped { at: self.max_len, item: None };
            }
            return match regex.is_match(&chars.iter().collect::<String>()) {
                true => Scan::Complete { more: CharSet::default() },
                false => Scan::Unmatched { may_grow: chars.len() < self.max_len },
            };
        }
        let mut states = self.start();
        let mut next = Vec::with_capacity(states.len());
        for (at, &c) in chars.iter().enumerate() {
            next.clear();
            for &(item, k) in &states {
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
            std::mem::swap(&mut states, &mut next);
            self.close(&mut states);
        }
        if states.contains(&(self.items.len(), 0)) {
            return Scan::Complete { more: self.next_chars(&states) };
        }
        let needs = states.iter().map(|&(item, k)| self.min_remaining(item, k)).min().unwrap_or(0);
        Scan::Prefix { needs, next: self.next_chars(&states) }
    }

    /// The fewest characters to change, add or remove for `chars` to fit the pattern: how
    /// close a value that does not fit comes to this format.
    /// With `prefix`, the fewest edits for `chars` to become the start of a value (what is
    /// still to be typed costs nothing).
    pub fn distance(&self, chars: &[char], prefix: bool) -> usize {
        if self.regex.is_some() {
            // A regex cannot say how close a value comes: as far as can be.
            return match self.scan(chars) {
                Scan::Complete { .. } => 0,
                _ => chars.len().max(1),
            };
        }
        // States (item, k) flattened in item order; the last index is "after the last item".
        // Every move goes to a later index, so one forward pass settles the free moves.
        let n = self.items.len();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut at = 0;
        for item in &self.items {
            offsets.push(at);
            at += item.bounds().1 + 1;
        }
        offsets.push(at);
        let done = at;
        const FAR: usize = usize::MAX / 2;
        let relax = |cost: &mut [usize]| {
            for (i, item) in self.items.iter().enumerate() {
                let (lo, hi) = item.bounds();
                for k in 0..=hi {
                    let here = cost[offsets[i] + k];
                    if here >= FAR {
                        continue;
                    }
                    if k >= lo {
                        let to = offsets[i + 1];
                        cost[to] = cost[to].min(here);
                    }
                    if k < hi {
                        let to = offsets[i] + k + 1;
                        cost[to] = cost[to].min(here + 1); // a missing character
                    }
                }
            }
        };
        let mut cost = vec![FAR; done + 1];
        let mut next = vec![FAR; done + 1];
        cost[0] = 0;
        relax(&mut cost);
        for &c in chars {
            for (x, &y) in next.iter_mut().zip(&cost) {
                *x = y.saturating_add(1); // an extra character
            }
            for (i, item) in self.items.iter().enumerate() {
                for k in 0..item.bounds().1 {
                    let here = cost[offsets[i] + k];
                    if here < FAR {
                        let step = here + usize::from(!self.accepts(i, k, c));
                        let to = offsets[i] + k + 1;
                        next[to] = next[to].min(step);
                    }
                }
            }
            std::mem::swap(&mut cost, &mut next);
            relax(&mut cost);
        }
        if prefix { cost.iter().copied().min().unwrap_or(0) } else { cost[done] }
    }

    fn min_remaining(&self, item: usize, k: usize) -> usize {
        let rest: usize = self.items.iter().skip(item + 1).map(|i| i.bounds().0).sum();
        self.items.get(item).map_or(0, |i| i.bounds().0.saturating_sub(k)) + rest
    }

    /// Splits a complete match into one character range per item; earlier items take as many
    /// characters as they can.
    pub fn split(&self, chars: &[char]) -> Option<Vec<(usize, usize)>> {
        if let Some(regex) = &self.regex {
            return regex.groups(&chars.iter().collect::<String>());
        }
        let n = chars.len();
        if self.min_len == self.max_len {
            // Every item has a fixed length: the split is the only one there is.
            if n != self.min_len {
                return None;
            }
            let mut p = 0;
            return Some(
                self.items
                    .iter()
                    .map(|item| {
                        let len = item.bounds().0;
                        p += len;
                        (p - len, p)
                    })
                    .collect(),
            );
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
        Some(ranges)
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
    /// ones for a prefix).
    pub fn decode(
        &self,
        chars: &[char],
        ranges: &[(usize, usize)],
        tables: &HashMap<String, CompiledTable>,
        complete: bool,
    ) -> Decoding {
        let mut out = Decoding::default();
        if let Some(&(start, end)) = self.normalize_to.and_then(|i| ranges.get(i)).filter(|_| complete) {
            out.normalized = Some(chars[start..end].iter().collect());
        }
        let mut half = 1;
        let mut year: Option<i64> = None;
        for d in &self.decoders {
            let (start, end) = match d.item {
                Some(i) => match ranges.get(i) {
                    Some(&r) => r,
                    None => continue,
                },
                None if complete => (0, chars.len()),
                None => continue,
            };
            let text: String = chars[start..end].iter().collect();
            if text.is_empty() {
                continue;
            }
            let span = Span::new(start, end);
            let r = &d.rules;
            let table = tables.get(&r.table);
            let row_of = |key: &str, out: &mut Decoding| -> Option<&[String]> {
                let table = table?;
                match table.rows.get(key) {
                    Some(row) => {
                        out.table_hits += 1;
                        out.table_weight += table.confidence;
                        Some(row.as_slice())
                    }
                    None => {
                        out.table_misses += 1;
                        let what = if d.rules.segment == "*" { "value" } else { &d.rules.segment };
                        if r.unknown == "error" {
                            out.problems.push(Problem::new(
                                ProblemKind::UnknownCode,
                                span,
                                format!("unknown {what} code '{key}'"),
                            ));
                        } else {
                            out.reasons.push(format!("{what} code {key} is not in the table"));
                        }
                        None
                    }
                }
            };
            match r.kind {
                DecodeType::Text => {
                    if !r.field.is_empty() {
                        out.fields.insert(r.field.clone(), Value::Text(text.clone()));
                    }
                    if let Some(row) = row_of(&text, &mut out) {
                        fill_columns(&mut out, table, row, r);
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
                        out.fields.insert(r.field.clone(), v);
                    }
                    if let Some(row) = row_of(&value.to_string(), &mut out) {
                        fill_columns(&mut out, table, row, r);
                    }
                }
                DecodeType::Year => {
                    let field = or_default(&r.field, "year");
                    let row = if table.is_some() { row_of(&text, &mut out) } else { None };
                    let (full, digit) = match (&row, table) {
                        (Some(row), Some(t)) => {
                            half = t.column(row, "half").and_then(|h| h.parse().ok()).unwrap_or(1);
                            (
                                t.column(row, "year").and_then(|y| y.parse::<i64>().ok()),
                                t.column(row, "digit").and_then(|y| y.parse::<i64>().ok()),
                            )
                        }
                        (None, Some(_)) => continue,
                        _ => {
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
                            out.fields.insert(field.to_string(), Value::Int(y));
                        }
                    } else if let Some(digit) = digit {
                        let choice = self.decade_choice(r, digit, chars, ranges, tables, d);
                        match choice.years.as_slice() {
                            [] => out.problems.push(Problem::new(
                                ProblemKind::OutOfRange,
                                span,
                                format!("{field} digit {digit} fits no allowed year"),
                            )),
                            [y] => {
                                year = Some(*y);
                                out.fields.insert(field.to_string(), Value::Int(*y));
                                if let Some(reason) = choice.outside_production(*y) {
                                    out.contradictions += 1;
                                    out.reasons.push(reason);
                                }
                            }
                            many => {
                                out.ambiguous = true;
                                let list: Vec<String> = many.iter().map(|y| y.to_string()).collect();
                                let list = list.join(" or ");
                                out.reasons.push(format!("the decade is ambiguous: {list}"));
                                out.fields.insert(format!("{field}_candidates"), Value::Text(list));
                            }
                        }
                    }
                    if let (Some(row), Some(_)) = (&row, table) {
                        fill_columns(&mut out, table, row, r);
                    }
                }
                DecodeType::Week | DecodeType::Month => {
                    let (field, column) = if r.kind == DecodeType::Week {
                        (or_default(&r.field, "week"), "week")
                    } else {
                        (or_default(&r.field, "month"), "month")
                    };
                    let n = if table.is_some() {
                        let Some(row) = row_of(&text, &mut out) else { continue };
                        table.and_then(|t| t.column(row, column)).and_then(|v| v.parse::<i64>().ok())
                    } else {
                        parse_number(&text, r.base, &r.alphabet).and_then(|n| i64::try_from(n).ok())
                    };
                    let Some(mut n) = n else { continue };
                    n += r.offset;
                    if half == 2 {
                        n += r.half_offset;
                    }
                    if self.in_range(&mut out, r, n, span) {
                        out.fields.insert(field.to_string(), Value::Int(n));
                    }
                }
            }
        }
        if complete {
            self.add_date(&mut out, year);
            self.verify_check(&mut out, chars);
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
    fn decade_choice(
        &self,
        r: &Decoder,
        digit: i64,
        chars: &[char],
        ranges: &[(usize, usize)],
        tables: &HashMap<String, CompiledTable>,
        d: &CompiledDecoder,
    ) -> DecadeChoice {
        let years: Vec<i64> = r
            .decades
            .iter()
            .map(|dec| dec + digit)
            .filter(|y| match r.range[..] {
                [lo, hi] => (lo..=hi).contains(y),
                _ => true,
            })
            .filter(|y| *y <= crate::date::BUILD_YEAR)
            .collect();
        let Some((item, table)) = &d.decade_from else {
            return DecadeChoice { years, code: String::new(), produced: Vec::new() };
        };
        let code: String = ranges.get(*item).map(|&(s, e)| chars[s..e].iter().collect()).unwrap_or_default();
        let produced: Vec<i64> = tables
            .get(table)
            .and_then(|t| t.column(t.rows.get(&code)?, "years"))
            .map(|list| list.split(',').filter_map(|y| y.trim().parse().ok()).collect())
            .unwrap_or_default();
        let later = r.later_decade.as_ref().is_some_and(|l| {
            l.digits.contains(&digit) && !l.codes_from.is_empty() && code.as_str() >= l.codes_from.as_str()
        });
        let decade_of = |y: &i64| y - digit;
        let years = match (later, produced.iter().min()) {
            (true, _) => years.iter().copied().max().into_iter().collect(),
            (false, Some(first)) => {
                let reached = years.iter().copied().filter(|y| decade_of(y) <= *first).max();
                reached.or_else(|| years.iter().copied().min()).into_iter().collect()
            }
            (false, None) => years,
        };
        DecadeChoice { years, code, produced }
    }

    fn add_date(&self, out: &mut Decoding, year: Option<i64>) {
        let Some(year) = year else { return };
        let week = match out.fields.get("week") {
            Some(Value::Int(w)) => u32::try_from(*w).ok(),
            _ => None,
        };
        let date = match (self.rules.week_start.as_str(), week) {
            ("jan1", Some(w)) => crate::date::week_date(year, w, false),
            ("iso", Some(w)) => crate::date::week_date(year, w, true),
            _ => None,
        };
        if let Some(date) = date {
            out.fields.insert("date".into(), Value::Text(date));
        }
    }

    fn verify_check(&self, out: &mut Decoding, chars: &[char]) {
        let Some(algorithm) = self.check else { return };
        let text: String = chars.iter().collect();
        let w = algorithm.width();
        if text.len() <= w || !text.is_ascii() {
            return;
        }
        let (body, given) = text.split_at(text.len() - w);
        match algorithm.compute(body) {
            Some(expected) if expected == given => {
                out.check_passed = true;
                out.fields.insert("check_digit".into(), Value::Text(given.to_string()));
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

fn fill_columns(out: &mut Decoding, table: Option<&CompiledTable>, row: &[String], r: &Decoder) {
    let Some(table) = table else { return };
    for (field, column) in &r.columns {
        if let Some(v) = table.column(row, column) {
            let v = v.parse::<i64>().map(Value::Int).unwrap_or(Value::Text(v));
            out.fields.insert(field.clone(), v);
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
    Some(match name {
        "" | "alnum" | "base36" => "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "base34" => "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ",
        "base31" => "0123456789BCDFGHJKLMNPQRSTVWXYZ",
        _ => return None,
    })
}

/// Reads `text` as a number in `base` (10 when 0) using the alphabet's first `base` digits.
pub(crate) fn parse_number(text: &str, base: u32, alphabet: &str) -> Option<u128> {
    let base = if base == 0 { 10 } else { base };
    let digits = digit_alphabet(alphabet)?.as_bytes().get(..base as usize)?;
    text.bytes().try_fold(0u128, |n, c| {
        let d = digits.iter().position(|&x| x == c.to_ascii_uppercase())?;
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
        CompiledFormat::compile(rules, 0, Pattern::parse(pattern).unwrap())
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
        assert_eq!(f.split(&chars("AB123")), Some(vec![(0, 3), (3, 5)]));
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
    fn numbers_round_trip_between_bases() {
        assert_eq!(parse_number("5RFDP01", 36, ""), Some(12542331601));
        assert_eq!(encode(12542331601, 36, 7), "5RFDP01");
        assert_eq!(encode(35, 36, 3), "00Z");
        assert_eq!(parse_number("Z", 10, ""), None);
        assert_eq!(parse_number("ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", 36, ""), None);
    }

    impl CompiledFormat {
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
