//! Checks rule files strictly and reports every problem, each with its file and key.

use super::pattern::{Item, Pattern};
use super::regex::FormatRegex;
use super::schema::{DecodeType, Decoder, Table, VendorRules};
use crate::check_digit::Algorithm;
use crate::matcher::digit_alphabet;
use std::collections::{BTreeSet, HashMap};
use std::fmt;

/// One problem in a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintIssue {
    /// The file (or, for rules not read from a file, `<id>.toml`).
    pub file: String,
    /// Where in the file: a dotted key such as `formats[1].decode[0].table`.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LintIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.key.is_empty() {
            true => write!(f, "{}: {}", self.file, self.message),
            false => write!(f, "{}: {}: {}", self.file, self.key, self.message),
        }
    }
}

struct Issues {
    file: String,
    list: Vec<LintIssue>,
}

impl Issues {
    fn add(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.list.push(LintIssue { file: self.file.clone(), key: key.into(), message: message.into() });
    }
}

/// Every problem in `rules`: structure and examples, each with its file (`<id>.toml`) and key.
pub fn lint(rules: &[VendorRules]) -> Vec<LintIssue> {
    lint_files(rules, &[])
}

/// Every problem in `rules`, read from `files` (one per rule set, in order; `<id>.toml` where
/// none is given). The examples run even when the structure has problems, on what compiles,
/// so one run lists everything.
pub fn lint_files(rules: &[VendorRules], files: &[String]) -> Vec<LintIssue> {
    let mut issues = structure_files(rules, files);
    let registry = crate::Registry::compile_unchecked(rules.to_vec());
    for (v, vendor) in rules.iter().enumerate() {
        issues.extend(examples(&registry, vendor, file_name(vendor, files, v)));
    }
    issues
}

fn file_name(vendor: &VendorRules, files: &[String], index: usize) -> String {
    files.get(index).cloned().unwrap_or_else(|| format!("{}.toml", vendor.id))
}

/// Problems in the shape of the rules: ids, aliases, tables, patterns and decoders.
pub fn structure(rules: &[VendorRules]) -> Vec<LintIssue> {
    structure_files(rules, &[])
}

fn structure_files(rules: &[VendorRules], files: &[String]) -> Vec<LintIssue> {
    let mut all = Vec::new();
    let mut format_ids = HashMap::new();
    let mut names = HashMap::new();
    for (v, vendor) in rules.iter().enumerate() {
        let file = file_name(vendor, files, v);
        let mut issues = Issues { file: file.clone(), list: Vec::new() };
        check_vendor(vendor, &mut issues);
        for name in std::iter::once(&vendor.id).chain(&vendor.aliases) {
            let folded = crate::registry::fold_name(name);
            match names.insert(folded, file.clone()) {
                Some(other) if other != file => {
                    issues.add("aliases", format!("'{name}' also names a vendor of {other}"))
                }
                _ => {}
            }
        }
        for (i, format) in vendor.formats.iter().enumerate() {
            if let Some(other) = format_ids.insert(format.id.clone(), file.clone()) {
                issues.add(
                    format!("formats[{i}].id"),
                    format!("format id '{}' is also used in {other}", format.id),
                );
            }
        }
        all.extend(issues.list);
    }
    all
}

fn check_vendor(v: &VendorRules, issues: &mut Issues) {
    let id_ok =
        !v.id.is_empty() && v.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !id_ok {
        issues.add("id", format!("id '{}' must be lowercase letters, digits and '-'", v.id));
    }
    if v.name.trim().is_empty() {
        issues.add("name", "name is empty");
    }
    if v.source.trim().is_empty() {
        issues.add("source", "every rule file names the public source of its facts");
    }
    check_confidence(v.confidence, "confidence", issues);
    for (from, to) in &v.never {
        if from.chars().count() != 1 || to.chars().count() != 1 {
            issues.add(format!("never.{from}"), "never maps one character to one character");
        }
    }
    for (name, table) in &v.tables {
        check_table(name, table, issues);
    }
    let mut uses = Vec::new();
    for (i, format) in v.formats.iter().enumerate() {
        let key = format!("formats[{i}]");
        if format.id != v.id && !format.id.starts_with(&format!("{}-", v.id)) {
            issues.add(format!("{key}.id"), format!("format id '{}' must start with '{}-'", format.id, v.id));
        }
        check_confidence(format.confidence, &format!("{key}.confidence"), issues);
        if !["", "jan1", "iso"].contains(&format.week_start.as_str()) {
            issues.add(
                format!("{key}.week_start"),
                format!("week_start '{}' is not jan1 or iso", format.week_start),
            );
        }
        if !format.check_digit.is_empty() && Algorithm::by_name(&format.check_digit).is_none() {
            let names: Vec<&str> = crate::check_digit::ALGORITHMS.iter().map(|(n, _)| *n).collect();
            issues.add(
                format!("{key}.check_digit"),
                format!("unknown algorithm '{}'; known: {}", format.check_digit, names.join(", ")),
            );
        }
        if format.scanner_prefixes.iter().any(|p| p.is_empty()) {
            issues.add(format!("{key}.scanner_prefixes"), "a scanner prefix is empty");
        }
        let segments = match (format.pattern.is_empty(), format.regex.is_empty()) {
            (false, false) => {
                issues.add(format!("{key}.regex"), "pattern and regex are exclusive: give one");
                None
            }
            (true, true) => {
                issues.add(format!("{key}.pattern"), "give a pattern or a regex");
                None
            }
            (false, true) => match Pattern::parse(&format.pattern) {
                Ok(pattern) => Some(Segments::Pattern(pattern)),
                Err(e) => {
                    issues.add(format!("{key}.pattern"), e.to_string());
                    None
                }
            },
            (true, false) => match FormatRegex::new(&format.regex, format.case_sensitive) {
                Ok(regex) => Some(Segments::Regex(regex)),
                Err(e) => {
                    issues.add(format!("{key}.regex"), e.to_string());
                    None
                }
            },
        };
        if format.max_length > 0 && format.regex.is_empty() {
            issues.add(format!("{key}.max_length"), "max_length belongs to a regex format");
        }
        if format.max_length > crate::decode::MAX_INPUT_CHARS {
            issues.add(
                format!("{key}.max_length"),
                format!(
                    "max_length {} is over the input limit {}",
                    format.max_length,
                    crate::decode::MAX_INPUT_CHARS
                ),
            );
        }
        if let Some(segments) = segments {
            if !format.normalize_to.is_empty() && !segments.has(&format.normalize_to) {
                issues.add(format!("{key}.normalize_to"), segments.missing(&format.normalize_to));
            }
            for (j, d) in format.decode.iter().enumerate() {
                check_decoder(d, &segments, v, &format!("{key}.decode[{j}]"), issues, &mut uses);
            }
        }
    }
    check_table_codes(v, &uses, issues);
    for (i, ex) in v.examples.iter().enumerate() {
        if ex.value.is_empty() {
            issues.add(format!("examples[{i}].value"), "example value is empty");
        }
        let decodes_to = !ex.fields.is_empty() || !ex.normalized.is_empty();
        if !ex.error.is_empty() && decodes_to {
            issues.add(
                format!("examples[{i}]"),
                "an example has either an error or what it decodes to (fields, normalized), not both",
            );
        }
        if !ex.format.is_empty() && !v.formats.iter().any(|f| f.id == ex.format) {
            issues.add(format!("examples[{i}].format"), format!("no format '{}' in this file", ex.format));
        }
        if !ex.span.is_empty() && (ex.span.len() != 2 || ex.span[0] > ex.span[1]) {
            issues.add(format!("examples[{i}].span"), "span is [start, end] with start <= end");
        }
    }
    if v.examples.iter().filter(|e| e.error.is_empty()).count() == 0 && !v.formats.is_empty() {
        issues.add("examples", "give at least one valid example, with its source");
    }
}

fn check_confidence(c: f64, key: &str, issues: &mut Issues) {
    if !(0.0..=1.0).contains(&c) {
        issues.add(key, format!("confidence {c} is not between 0 and 1"));
    }
}

fn check_table(name: &str, t: &Table, issues: &mut Issues) {
    let key = format!("tables.{name}");
    if !t.file.is_empty() {
        issues.add(format!("{key}.file"), format!("table file '{}' was not loaded", t.file));
        return;
    }
    check_confidence(t.confidence, &format!("{key}.confidence"), issues);
    if t.columns.is_empty() {
        issues.add(format!("{key}.columns"), "a table needs columns; the first names the code");
    }
    let mut seen = BTreeSet::new();
    for (i, row) in t.rows.iter().enumerate() {
        if row.len() != t.columns.len() {
            issues.add(
                format!("{key}.rows[{i}]"),
                format!("row has {} cells, the table has {} columns", row.len(), t.columns.len()),
            );
        }
        if let Some(code) = row.first() {
            if !seen.insert(code.to_ascii_uppercase()) {
                issues.add(format!("{key}.rows[{i}]"), format!("code '{code}' appears twice"));
            }
        }
    }
}

/// The segments a format's decoders may read: a pattern's, or a regex's named groups.
enum Segments {
    Pattern(Pattern),
    Regex(FormatRegex),
}

impl Segments {
    fn has(&self, name: &str) -> bool {
        match self {
            Segments::Pattern(p) => p.segment_index(name).is_some(),
            Segments::Regex(r) => r.group_index(name).is_some(),
        }
    }

    /// Why `name` is no segment, in the words of the pattern or regex.
    fn missing(&self, name: &str) -> String {
        match self {
            Segments::Pattern(_) => format!("the pattern has no segment '{name}'"),
            Segments::Regex(_) => format!("the regex has no named group '{name}'"),
        }
    }

    /// The pattern item called `name` (a regex group has no item).
    fn item(&self, name: &str) -> Option<&Item> {
        match self {
            Segments::Pattern(p) => p.segment_index(name).map(|i| &p.items[i]),
            Segments::Regex(_) => None,
        }
    }
}

fn check_decoder(
    d: &Decoder,
    segments: &Segments,
    v: &VendorRules,
    key: &str,
    issues: &mut Issues,
    uses: &mut Vec<TableUse>,
) {
    if !segments.has(&d.segment) && d.segment != "*" {
        issues.add(format!("{key}.segment"), segments.missing(&d.segment));
    }
    if !["", "note", "error"].contains(&d.unknown.as_str()) {
        issues.add(format!("{key}.unknown"), format!("unknown must be note or error, not '{}'", d.unknown));
    }
    if d.base == 1 || d.base > 36 {
        issues.add(format!("{key}.base"), format!("base {} is not between 2 and 36", d.base));
    }
    match digit_alphabet(&d.alphabet) {
        None => issues.add(
            format!("{key}.alphabet"),
            format!("unknown digit alphabet '{}'; known: alnum, base34, base31", d.alphabet),
        ),
        Some(digits) if d.base as usize > digits.len() => issues.add(
            format!("{key}.base"),
            format!("base {} needs more digits than alphabet '{}' has", d.base, d.alphabet),
        ),
        _ => {}
    }
    if d.encode_base == 1 || d.encode_base > 36 {
        issues.add(
            format!("{key}.encode_base"),
            format!("encode_base {} is not between 2 and 36", d.encode_base),
        );
    }
    if !(d.range.is_empty() || d.range.len() == 2 && d.range[0] <= d.range[1]) {
        issues.add(format!("{key}.range"), "range is [lowest, highest]");
    }
    if d.kind == DecodeType::Bits && !(1..=64).contains(&d.width) {
        issues.add(format!("{key}.width"), "bits needs a width from 1 to 64");
    }
    if !d.decades.is_empty() && d.kind != DecodeType::Year {
        issues.add(format!("{key}.decades"), "decades belong to a year decoder");
    }
    if !d.decade_from.is_empty() {
        let has_years = v.formats.iter().flat_map(|f| &f.decode).any(|o| {
            o.segment == d.decade_from
                && v.tables.get(&o.table).is_some_and(|t| t.columns.iter().any(|c| c == "years"))
        });
        if !segments.has(&d.decade_from) || !has_years {
            issues.add(
                format!("{key}.decade_from"),
                format!(
                    "'{}' must be a segment decoded with a table that has a 'years' column",
                    d.decade_from
                ),
            );
        }
    }
    if let Some(later) = &d.later_decade {
        if d.decade_from.is_empty() || d.decades.len() < 2 {
            issues
                .add(format!("{key}.later_decade"), "later_decade needs decade_from and two or more decades");
        }
        if later.codes_from.is_empty() || later.digits.iter().any(|n| !(0..=9).contains(n)) {
            issues.add(format!("{key}.later_decade"), "later_decade is a first code and year digits 0 to 9");
        }
    }
    let needs_field = matches!(d.kind, DecodeType::Text | DecodeType::Number | DecodeType::Bits);
    if needs_field && d.field.is_empty() && d.columns.is_empty() {
        issues.add(format!("{key}.field"), "the decoder writes nothing: give field or columns");
    }
    if d.table.is_empty() {
        if !d.columns.is_empty() {
            issues.add(format!("{key}.columns"), "columns need a table");
        }
        return;
    }
    let Some(table) = v.tables.get(&d.table) else {
        issues.add(format!("{key}.table"), format!("no table '{}' in this file", d.table));
        return;
    };
    for (field, column) in &d.columns {
        if !table.columns.contains(column) {
            issues.add(
                format!("{key}.columns.{field}"),
                format!("table '{}' has no column '{column}'", d.table),
            );
        }
    }
    let column_needed = match d.kind {
        DecodeType::Year => Some(&["year", "digit"][..]),
        DecodeType::Week => Some(&["week"][..]),
        DecodeType::Month => Some(&["month"][..]),
        _ => None,
    };
    if let Some(names) = column_needed {
        if !names.iter().any(|n| table.columns.iter().any(|c| c == n)) {
            issues.add(
                format!("{key}.table"),
                format!("table '{}' needs a column named {}", d.table, names.join(" or ")),
            );
        }
    }
    uses.push(TableUse {
        table: d.table.clone(),
        decoder: key.to_string(),
        segment: d.segment.clone(),
        // A number lookup is keyed by the decimal value, and a regex group has no class.
        item: match d.kind {
            DecodeType::Number | DecodeType::Bits => None,
            _ => segments.item(&d.segment).cloned(),
        },
    });
}

/// A decoder that looks its segment up in a table.
struct TableUse {
    table: String,
    decoder: String,
    segment: String,
    /// The segment's pattern item, when its codes can be checked against it.
    item: Option<Item>,
}

impl TableUse {
    fn fits(&self, code: &str) -> bool {
        match &self.item {
            Some(Item::Segment { class, min, max, .. }) => {
                let n = code.chars().count();
                n >= *min as usize
                    && n <= *max as usize
                    && code.chars().all(|c| class.contains(c.to_ascii_uppercase()))
            }
            _ => true,
        }
    }
}

/// A table row whose code no segment that reads the table can ever hold is a mistake.
fn check_table_codes(v: &VendorRules, uses: &[TableUse], issues: &mut Issues) {
    for (name, table) in &v.tables {
        let readers: Vec<&TableUse> = uses.iter().filter(|u| &u.table == name).collect();
        if readers.is_empty() {
            continue;
        }
        for (i, row) in table.rows.iter().enumerate() {
            let Some(code) = row.first() else { continue };
            if !readers.iter().any(|u| u.fits(code)) {
                let segments: Vec<String> =
                    readers.iter().map(|u| format!("'{}' ({})", u.segment, u.decoder)).collect();
                issues.add(
                    format!("tables.{name}.rows[{i}]"),
                    format!("code '{code}' can never match segment {}", segments.join(" or ")),
                );
            }
        }
    }
}

/// Runs the examples of `v` against `registry`.
fn examples(registry: &crate::Registry, v: &VendorRules, file: String) -> Vec<LintIssue> {
    let mut issues = Issues { file, list: Vec::new() };
    for (i, ex) in v.examples.iter().enumerate() {
        let key = format!("examples[{i}]");
        let result = registry.validate(&ex.value, &v.id);
        match (ex.error.is_empty(), result) {
            (true, Ok(decoded)) => {
                if !ex.format.is_empty() && decoded.format != ex.format {
                    issues.add(
                        &key,
                        format!("'{}' decodes as {}, not {}", ex.value, decoded.format, ex.format),
                    );
                }
                if !ex.normalized.is_empty() && decoded.normalized != ex.normalized {
                    issues.add(
                        format!("{key}.normalized"),
                        format!("'{}' normalizes to {}, not {}", ex.value, decoded.normalized, ex.normalized),
                    );
                }
                for (field, want) in &ex.fields {
                    match decoded.fields.get(field) {
                        Some(got) if got.to_string() == want.to_string() => {}
                        Some(got) => issues.add(
                            format!("{key}.fields.{field}"),
                            format!("'{}' decodes {field} = {got}, not {want}", ex.value),
                        ),
                        None => issues.add(
                            format!("{key}.fields.{field}"),
                            format!("'{}' decodes no {field}", ex.value),
                        ),
                    }
                }
            }
            (true, Err(problem)) => {
                issues.add(&key, format!("'{}' should be valid but: {problem}", ex.value))
            }
            (false, Ok(decoded)) => {
                issues.add(&key, format!("'{}' should fail but decodes as {}", ex.value, decoded.format))
            }
            (false, Err(problem)) => {
                if problem.message() != ex.error {
                    issues.add(
                        format!("{key}.error"),
                        format!("'{}' fails with \"{}\", not \"{}\"", ex.value, problem.message(), ex.error),
                    );
                }
                let span = [problem.span().start, problem.span().end];
                if ex.span.len() == 2 && ex.span[..] != span[..] {
                    issues.add(
                        format!("{key}.span"),
                        format!("'{}' points at {:?}, not {:?}", ex.value, span, ex.span),
                    );
                }
            }
        }
    }
    issues.list
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// The problems `structure` finds in one rule file whose formats are `formats` (TOML).
    fn problems(formats: &str) -> Vec<String> {
        let example = "[[examples]]\nvalue = \"1\"\n";
        let text = format!("id = \"acme\"\nname = \"Acme\"\nsource = \"test\"\n{formats}{example}");
        let rules: VendorRules = toml::from_str(&text).unwrap();
        structure(&[rules]).into_iter().map(|i| format!("{}: {}", i.key, i.message)).collect()
    }

    #[test]
    fn a_format_has_a_pattern_or_a_regex() {
        let both =
            "[[formats]]\nid = \"acme-x\"\nkind = \"sequential\"\npattern = \"n:@digit\"\nregex = '\\d'\n";
        assert_eq!(problems(both), ["formats[0].regex: pattern and regex are exclusive: give one"]);
        let neither = "[[formats]]\nid = \"acme-x\"\nkind = \"sequential\"\n";
        assert_eq!(problems(neither), ["formats[0].pattern: give a pattern or a regex"]);
        let length =
            "[[formats]]\nid = \"acme-x\"\nkind = \"sequential\"\npattern = \"n:@digit\"\nmax_length = 4\n";
        assert_eq!(problems(length), ["formats[0].max_length: max_length belongs to a regex format"]);
    }

    #[test]
    fn normalize_to_names_a_segment() {
        let format = |to: &str| {
            format!(
                "[[formats]]\nid = \"acme-x\"\nkind = \"sequential\"\npattern = \"'1S' n:@digit{{2}}\"\n\
                 normalize_to = \"{to}\"\n"
            )
        };
        assert!(problems(&format("n")).is_empty());
        assert_eq!(
            problems(&format("serial")),
            ["formats[0].normalize_to: the pattern has no segment 'serial'"]
        );
    }

    #[test]
    fn examples_say_what_they_normalize_to() {
        let text = "id = \"acme\"\nname = \"Acme\"\nsource = \"test\"\n\
                    [[formats]]\nid = \"acme-x\"\nkind = \"sequential\"\n\
                    pattern = \"'1S' n:@digit{2}\"\nnormalize_to = \"n\"\n\
                    [[examples]]\nvalue = \"1S42\"\nnormalized = \"42\"\n\
                    [[examples]]\nvalue = \"1S43\"\nnormalized = \"1S43\"\n\
                    [[examples]]\nvalue = \"1S4\"\nerror = \"too short\"\nnormalized = \"4\"\n";
        let rules: VendorRules = toml::from_str(text).unwrap();
        let issues: Vec<String> =
            lint(&[rules]).into_iter().map(|i| format!("{}: {}", i.key, i.message)).collect();
        assert_eq!(
            issues,
            [
                "examples[2]: an example has either an error or what it decodes to (fields, normalized), not both",
                "examples[1].normalized: '1S43' normalizes to 43, not 1S43",
                "examples[2].error: '1S4' fails with \"too short: 3 characters, acme-x needs 4\", not \"too short\"",
            ]
        );
    }

    #[test]
    fn regexes_compile_portably_and_name_the_groups_decoders_read() {
        let format = |regex: &str, segment: &str| {
            format!(
                "[[formats]]\nid = \"acme-x\"\nkind = \"sequential\"\nregex = '{regex}'\n\
                 [[formats.decode]]\nsegment = \"{segment}\"\nfield = \"f\"\n"
            )
        };
        assert!(problems(&format(r"(?P<n>\d+)", "n")).is_empty());
        assert!(problems(&format(r"(?P<n>\d+)", "*")).is_empty());
        assert_eq!(
            problems(&format(r"(?P<n>\d+)", "m")),
            ["formats[0].decode[0].segment: the regex has no named group 'm'"]
        );
        assert_eq!(
            problems(&format(r"\p{Greek}+", "*")),
            [
                "formats[0].regex: Unicode classes (\\p{..}) are not supported: the browser build's engine has none"
            ]
        );
        assert_eq!(
            problems(&format(r"[a-z&&[^e]]", "*")),
            [
                "formats[0].regex: character class set operations (&&, --, ~~) are not supported by the browser build's engine"
            ]
        );
        let broken = problems(&format(r"(?P<n>\d+", "n"));
        assert_eq!(broken.len(), 1);
        assert!(broken[0].starts_with("formats[0].regex: regex does not compile: "), "{broken:?}");
    }
}
