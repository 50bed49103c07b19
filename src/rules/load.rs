//! Reading rule files leniently, so that one run reports every problem of a file.
//!
//! A file is parsed into a spanned TOML document first; then each part (the file's own keys,
//! each table, each format, each decoder, each example) is read on its own. A part with an
//! unknown key or a value of the wrong type is reported at that key (`formats[2].decode[0].colour`)
//! and read again without it, so the rest of the file is still checked: by `lint-rules`, the
//! structure and the examples of whatever could be read.

use super::lint::{self, LintIssue};
use super::schema::{Decoder, Example, Format, Table, VendorRules};
use serde::de::DeserializeOwned;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Reads one rule file, checking that its `id` matches the file name.
pub fn load_file(path: &Path) -> Result<VendorRules, Vec<LintIssue>> {
    match read_file(path) {
        (Some(rules), issues) if issues.is_empty() => Ok(rules),
        (_, issues) => Err(issues),
    }
}

/// Reads every `*.toml` file in `dir`, in name order. When any file has a problem, the result is
/// every problem of every file: reading, structure and examples, each with its file and key.
pub fn load_dir(dir: &Path) -> Result<Vec<VendorRules>, Vec<LintIssue>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![LintIssue {
            file: dir.display().to_string(),
            key: String::new(),
            message: format!("cannot read folder: {e}"),
        }]
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let (mut rules, mut files, mut issues) = (Vec::new(), Vec::new(), Vec::new());
    for path in paths {
        let (read, problems) = read_file(&path);
        issues.extend(problems);
        if let Some(read) = read {
            rules.push(read);
            files.push(path.display().to_string());
        }
    }
    if issues.is_empty() {
        return Ok(rules);
    }
    issues.extend(lint::lint_files(&rules, &files));
    Err(issues)
}

/// Reads what can be read of one rule file, with every problem found on the way.
pub fn read_file(path: &Path) -> (Option<VendorRules>, Vec<LintIssue>) {
    let file = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            let issue = LintIssue { file, key: String::new(), message: format!("cannot read: {e}") };
            return (None, vec![issue]);
        }
    };
    let (rules, mut issues) = parse_file(path, &text);
    let Some(mut rules) = rules else { return (None, issues) };
    let dir = path.parent().unwrap_or(Path::new("."));
    for (name, table) in &mut rules.tables {
        if let Err(message) = table.load_file(dir) {
            let key = format!("tables.{name}.file");
            issues.push(LintIssue { file: file.clone(), key, message });
        }
    }
    (Some(rules), issues)
}

/// Reads `text` as [`read_file`] reads the rule file at `path` (its `id` must match the file
/// name), without touching the disk: tables that name a `file` are left unread.
pub fn parse_file(path: &Path, text: &str) -> (Option<VendorRules>, Vec<LintIssue>) {
    let mut reader = Reader { file: path.display().to_string(), text, issues: Vec::new() };
    let Some(rules) = reader.rules() else { return (None, reader.issues) };
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    if rules.id != stem {
        reader.add("id", format!("id '{}' differs from the file name '{stem}'", rules.id));
    }
    (Some(rules), reader.issues)
}

/// Reads rule files from their text, collecting problems.
struct Reader<'t> {
    file: String,
    text: &'t str,
    issues: Vec<LintIssue>,
}

type Piece<'t> = Spanned<DeTable<'t>>;

impl<'t> Reader<'t> {
    fn add(&mut self, key: &str, message: String) {
        self.issues.push(LintIssue { file: self.file.clone(), key: key.to_string(), message });
    }

    /// The whole file; `None` only when it is not TOML at all.
    fn rules(&mut self) -> Option<VendorRules> {
        let (document, errors) = DeTable::parse_recoverable(self.text);
        for e in &errors {
            let key = e.span().map(|s| line_col(self.text, s.start)).unwrap_or_default();
            self.add(&key, e.message().trim().to_string());
        }
        if !errors.is_empty() && document.get_ref().is_empty() {
            return None;
        }
        let span = document.span();
        let mut root = document.into_inner();
        let tables = root.remove("tables");
        let formats = root.remove("formats");
        let examples = root.remove("examples");
        let mut rules: VendorRules = self.read(Spanned::new(span, root), "")?;
        for (name, table) in self.entries(tables, "tables") {
            if let Some(table) = self.read::<Table>(table, &format!("tables.{name}")) {
                rules.tables.insert(name, table);
            }
        }
        for (i, mut format) in self.items(formats, "formats").into_iter().enumerate() {
            let key = format!("formats[{i}]");
            let decoders = format.get_mut().remove("decode");
            let Some(mut format) = self.read::<Format>(format, &key) else { continue };
            for (j, decoder) in self.items(decoders, &format!("{key}.decode")).into_iter().enumerate() {
                format.decode.extend(self.read::<Decoder>(decoder, &format!("{key}.decode[{j}]")));
            }
            rules.formats.push(format);
        }
        for (i, example) in self.items(examples, "examples").into_iter().enumerate() {
            rules.examples.extend(self.read::<Example>(example, &format!("examples[{i}]")));
        }
        Some(rules)
    }

    /// The named tables under `key` (`[tables.NAME]`).
    fn entries(&mut self, value: Option<Spanned<DeValue<'t>>>, key: &str) -> Vec<(String, Piece<'t>)> {
        let Some(value) = value else { return Vec::new() };
        match value.into_inner() {
            DeValue::Table(table) => table
                .into_iter()
                .filter_map(|(name, v)| {
                    let key = format!("{key}.{}", name.get_ref());
                    Some((name.into_inner().into_owned(), self.table(v, &key)?))
                })
                .collect(),
            other => {
                self.add(key, format!("{key} is a table of tables, not {}", other.type_str()));
                Vec::new()
            }
        }
    }

    /// The tables of the array under `key` (`[[formats]]`).
    fn items(&mut self, value: Option<Spanned<DeValue<'t>>>, key: &str) -> Vec<Piece<'t>> {
        let Some(value) = value else { return Vec::new() };
        match value.into_inner() {
            DeValue::Array(array) => array
                .into_iter()
                .enumerate()
                .filter_map(|(i, v)| self.table(v, &format!("{key}[{i}]")))
                .collect(),
            other => {
                self.add(key, format!("{key} is an array of tables, not {}", other.type_str()));
                Vec::new()
            }
        }
    }

    fn table(&mut self, value: Spanned<DeValue<'t>>, key: &str) -> Option<Piece<'t>> {
        let span = value.span();
        match value.into_inner() {
            DeValue::Table(table) => Some(Spanned::new(span, table)),
            other => {
                self.add(key, format!("expected a table, found {}", other.type_str()));
                None
            }
        }
    }

    /// Reads one part as a `T`: every key that is unknown or of the wrong type is reported and
    /// left out, and the part read again. A required key that is missing leaves the part out
    /// (the file's own `id`, `name` and `source` are read as empty instead, to keep going).
    fn read<T: DeserializeOwned>(&mut self, mut piece: Piece<'t>, key: &str) -> Option<T> {
        let join = |k: &str| if key.is_empty() { k.to_string() } else { format!("{key}.{k}") };
        loop {
            let error = match T::deserialize(toml::de::Deserializer::from(piece.clone())) {
                Ok(value) => return Some(value),
                Err(e) => e,
            };
            let message = error.message().trim();
            if let Some(missing) = quoted(message, "missing field `") {
                self.add(&join(&missing), format!("missing key '{missing}'"));
                if key.is_empty() {
                    let span = piece.span();
                    let value = Spanned::new(span.clone(), DeValue::String(String::new().into()));
                    piece.get_mut().insert(Spanned::new(span, missing.into()), value);
                    continue;
                }
                return None;
            }
            let culprit = error.span().and_then(|at| entry_at(piece.get_ref(), at.start));
            let Some((name, inner)) = culprit else {
                self.add(key, message.to_string());
                return None;
            };
            let message = match quoted(message, "unknown field `") {
                Some(unknown) => {
                    let known = message.split_once("expected ").map(|(_, k)| k.replace('`', ""));
                    match known {
                        Some(known) => format!("unknown key '{unknown}'; expected {known}"),
                        None => format!("unknown key '{unknown}'"),
                    }
                }
                None => message.to_string(),
            };
            self.add(&format!("{}{inner}", join(&name)), message);
            piece.get_mut().remove(name.as_str());
        }
    }
}

/// The text between `prefix` and the next backtick of `message`.
fn quoted(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    Some(rest[..rest.find('`')?].to_string())
}

/// The key of `table` whose key or value holds byte `at`, and the path inside its value
/// (`.plant_name`, `[2]`).
fn entry_at(table: &DeTable, at: usize) -> Option<(String, String)> {
    table.iter().find_map(|(k, v)| {
        let holds = k.span().contains(&at) || v.span().contains(&at) || v.span().start == at;
        holds.then(|| (k.get_ref().to_string(), path_in(v, at)))
    })
}

fn path_in(value: &Spanned<DeValue>, at: usize) -> String {
    match value.get_ref() {
        DeValue::Table(t) => entry_at(t, at).map(|(k, rest)| format!(".{k}{rest}")).unwrap_or_default(),
        DeValue::Array(a) => a
            .iter()
            .position(|v| v.span().contains(&at))
            .map(|i| format!("[{i}]{}", path_in(&a[i], at)))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// `line L, column C` of a byte offset: for a file that is not TOML, the only place to point.
fn line_col(text: &str, offset: usize) -> String {
    let offset = (0..=offset.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("line {line}, column {col}")
}
