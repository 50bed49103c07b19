//! `serialkit dupes FILE [--against OTHER…]`: the units entered twice, exactly or one typo apart.
//!
//! A first pass keeps identity keys (letters and digits of each value), a bit for each value
//! written as its key and the text of some others; an entry's number says where it came from.
//! The groups are found by hash lookups, never by comparing all pairs; a second pass reads back
//! the text of grouped values the first did not keep, when there are any.

use super::check::Failure;
use super::columns::{Checked, Selection, choose_columns, open_input};
use super::progress::Progress;
use super::read::{Input, Located, ReadOptions, Row};
use super::write::{Format, Named, neutralize, output_name};
use super::{EXIT_FINDINGS, EXIT_OK};
use crate::dupes::{Alphabet, Finder, KeyReader, Keys, NearKinds, Reason};
use crate::{Kind, Options, Registry};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// Rows between updates of the progress bar.
const BATCH: u64 = 1 << 15;

/// Arguments of `dupes`.
#[derive(clap::Args)]
pub struct Args {
    /// The inventory (CSV, TSV, XLSX, XLS or ODS; `-` reads stdin).
    file: PathBuf,
    /// Existing inventories to compare FILE against: only groups with a row of FILE are shown.
    #[arg(long, num_args = 1.., value_name = "OTHER")]
    against: Vec<PathBuf>,
    /// A column to compare, by header name or 1-based index; repeat for several (a value found
    /// in two columns is reported). Without it the serial, MAC and IMEI columns are found.
    #[arg(long = "column", short = 'c')]
    columns: Vec<String>,
    /// Near-duplicate kinds, comma-separated: confusable, transposition, missing, substitution,
    /// all, none. Default: confusable,transposition,missing (substitution flags sequential
    /// serials, so it is opt-in).
    #[arg(long, value_parser = parse_near, default_value = "confusable,transposition,missing")]
    near: NearKinds,
    /// The sheet of an XLSX/XLS/ODS file, by name or 1-based number.
    #[arg(long)]
    sheet: Option<String>,
    /// The files have no header row.
    #[arg(long)]
    no_header: bool,
    /// The CSV field delimiter; sniffed by default.
    #[arg(long)]
    delimiter: Option<char>,
    /// One JSON object per group (NDJSON) instead of CSV rows.
    #[arg(long)]
    json: bool,
    /// Where to write the groups; stdout by default. CSV, or NDJSON for a name ending in
    /// `.ndjson`, `.jsonl` or `.json`.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    /// The summary as text on stderr (default) or one JSON object on stdout.
    #[arg(long, value_enum, default_value_t = Summary::Text)]
    summary: Summary,
    /// No summary or column notes on stderr.
    #[arg(long, short = 'q')]
    quiet: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Summary {
    Text,
    Json,
}

fn parse_near(s: &str) -> Result<NearKinds, String> {
    let mut near = NearKinds::none();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part {
            "all" => near = NearKinds::all(),
            "none" => near = NearKinds::none(),
            "confusable" => near.confusable = true,
            "transposition" => near.transposition = true,
            "missing" | "extra" | "missing-or-extra" => near.missing_or_extra = true,
            "substitution" => near.substitution = true,
            other => return Err(format!("unknown near-duplicate kind '{other}'")),
        }
    }
    Ok(near)
}

/// Gives each entry with a scanner prefix the key of its normalized form, when its key
/// without the prefix is another value's: only then is it worth decoding.
fn rekey_prefixed(finder: &mut Finder, keys_of: &KeyReader, prefixed: &[(u32, Option<Kind>)]) {
    for &(entry, kind) in prefixed {
        let options = Options { kind, ..Options::default() };
        if let Some(key) = keys_of.rekeyed(finder.key_of(entry), &options, |rest| finder.has_key(rest)) {
            finder.rekey(entry, &key);
        }
    }
}

/// The entries of one file: `columns` a row for `rows` rows numbered from `first_row`,
/// numbered from `start`.
struct Entries {
    start: u32,
    first_row: u64,
    rows: u64,
    columns: usize,
}

impl Entries {
    /// The row number and the column (of those compared) of entry `entry`, one of these.
    fn row_and_column(&self, entry: u32) -> (u64, usize) {
        let at = (entry - self.start) as usize;
        (self.first_row + (at / self.columns) as u64, at % self.columns)
    }
}

/// Makes room in `finder` for the rest of a file of `size` bytes, read up to byte `position`,
/// from what it added since it held `before` (entries, keys, key bytes): grown a little at a
/// time, its tables would be copied, and both copies held for a while.
fn reserve(finder: &mut Finder, before: (usize, usize, usize), position: Option<u64>, size: u64) {
    let Some(position) = position.filter(|&p| p > 0 && p < size) else { return };
    let scale = |n: usize| (n as f64 * (size - position) as f64 / position as f64 * 1.1) as usize;
    let (keys, key_bytes) = finder.size();
    finder.reserve(scale(finder.len() - before.0), scale(keys - before.1), scale(key_bytes - before.2));
}

/// The texts of some entries, in entry order, back to back.
#[derive(Default)]
struct Texts {
    /// Entry numbers, each with where its text ends in `text`.
    ends: Vec<(u32, u32)>,
    text: String,
}

impl Texts {
    /// Adds the text of `entry`, numbered after those added before.
    fn push(&mut self, entry: u32, value: &str) {
        self.text.push_str(value);
        self.ends.push((entry, self.text.len() as u32));
    }

    fn get(&self, entry: u32) -> Option<&str> {
        let i = self.ends.binary_search_by_key(&entry, |&(e, _)| e).ok()?;
        let start = if i == 0 { 0 } else { self.ends[i - 1].1 as usize };
        Some(&self.text[start..self.ends[i].1 as usize])
    }
}

/// The text of the entries as written, from the first reading, so that the rows of groups need
/// not be read again: most values are written as their key, so a bit says so; the others are
/// kept up to `limit` bytes and the rest read back.
#[derive(Default)]
struct Written {
    /// A bit per entry: written exactly as its key.
    as_key: Vec<u64>,
    kept: Texts,
    limit: usize,
}

/// Text is kept for up to this part of the input's size, so memory stays a small multiple of it.
const KEEP_PART: u64 = 8;

impl Written {
    fn note(&mut self, entry: u32, value: &str, as_key: bool) {
        let (word, bit) = (entry as usize / 64, entry % 64);
        if self.as_key.len() <= word {
            self.as_key.resize(word + 1, 0);
        }
        if as_key {
            self.as_key[word] |= 1 << bit;
        } else if self.kept.text.len() + value.len() <= self.limit {
            self.kept.push(entry, value);
        }
    }

    /// The text of `entry` if the first reading has it.
    fn get<'a>(&'a self, entry: u32, keys: &'a Keys) -> Option<&'a str> {
        let word = self.as_key.get(entry as usize / 64).copied().unwrap_or(0);
        if word >> (entry % 64) & 1 == 1 {
            return Some(keys.key_of(entry));
        }
        self.kept.get(entry)
    }
}

/// Rows keyed in one batch: a divisor of [`BATCH`], so that the early [`reserve`] falls at
/// the end of a batch.
const KEYED_ROWS: u64 = 1 << 12;

/// The keys of up to [`KEYED_ROWS`] rows of a file, compared cells in row order.
#[derive(Default)]
struct Keyed {
    /// The keys, back to back, with where each ends.
    text: String,
    ends: Vec<u32>,
    /// How many rows the keys are of.
    rows: u64,
    /// How far into the file the last row ends ([`Input::position`]).
    position: Option<u64>,
}

impl Keyed {
    /// Adds the key of the next cell.
    fn push(&mut self, key: &str) {
        self.text.push_str(key);
        self.ends.push(self.text.len() as u32);
    }

    /// The keys, in the order they were added.
    fn keys(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(start, &end)| &self.text[start as usize..end as usize])
    }

    /// Empties the batch, keeping its buffers.
    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.rows = 0;
    }
}

/// Adds the keys of a file of `source` to `finder` as `batches` of them come, and gives each
/// batch back to `spare` to be filled again.
fn add_keys(
    finder: &mut Finder,
    source: &Source,
    batches: mpsc::Receiver<Keyed>,
    spare: mpsc::Sender<Keyed>,
) {
    let before = (finder.len(), finder.size().0, finder.size().1);
    let mut rows = 0;
    for batch in batches.iter() {
        for (i, key) in batch.keys().enumerate() {
            finder.add_key(key, source.compared[i % source.columns.len()]);
        }
        rows += batch.rows;
        if rows == BATCH {
            reserve(finder, before, batch.position, source.size);
        }
        // The reader is done when this fails.
        let _ = spare.send(batch);
    }
}

struct Source {
    located: Located,
    /// How to read it (a plain list is read as headerless).
    options: ReadOptions,
    columns: Vec<Checked>,
    /// Its size in bytes (0 when unknown).
    size: u64,
    /// The compared column each of `columns` is.
    compared: Vec<u32>,
}

/// A column compared across files: the same header name in each, or else the same kind.
struct Compared {
    name: String,
    kind: Option<Kind>,
}

/// Which compared column each of a file's `columns` is, adding new ones: by header name
/// first, then by kind ("Serial Number" here, "Serial" there), whatever their order.
fn match_columns(compared: &mut Vec<Compared>, columns: &[Checked]) -> Vec<u32> {
    let name = |c: &Checked| c.name.trim().to_lowercase();
    let mut ids: Vec<Option<usize>> = vec![None; columns.len()];
    let free = |ids: &[Option<usize>], i: usize| !ids.contains(&Some(i));
    for (c, column) in columns.iter().enumerate() {
        ids[c] = (0..compared.len()).find(|&i| free(&ids, i) && compared[i].name == name(column));
    }
    for (c, column) in columns.iter().enumerate().filter(|(_, col)| col.kind.is_some()) {
        if ids[c].is_none() {
            ids[c] = (0..compared.len()).find(|&i| free(&ids, i) && compared[i].kind == column.kind);
        }
    }
    columns
        .iter()
        .zip(ids)
        .map(|(column, id)| {
            let id = id.unwrap_or_else(|| {
                compared.push(Compared { name: name(column), kind: column.kind });
                compared.len() - 1
            });
            id as u32
        })
        .collect()
}

impl Source {
    /// Opens the file again, reading only the compared columns.
    fn open(&self) -> Result<Input, String> {
        let mut input = Input::open(&self.located, &self.options)?;
        input.only_columns(&self.columns.iter().map(|c| c.index).collect::<Vec<_>>());
        Ok(input)
    }
}

/// Finds the groups; exit 1 when there are any.
pub fn run(registry: &Registry, args: &Args) -> io::Result<i32> {
    Failure::exit(dupes(registry, args))
}

fn dupes(registry: &Registry, args: &Args) -> Result<i32, Failure> {
    // The groups are a list, not a sheet: CSV or NDJSON, as the output's name says.
    let json = match Format::from_path(args.output.as_deref()) {
        Format::Xlsx => {
            let path = args.output.as_deref().unwrap_or(Path::new("-")).display();
            return Err(Failure::Usage(format!(
                "{path}: dupes writes its groups as CSV or NDJSON, not XLSX; name the output .csv or .ndjson"
            )));
        }
        Format::Ndjson => true,
        Format::Csv => args.json,
    };
    let delimiter = match args.delimiter {
        Some(c) if c.is_ascii() => Some(c as u8),
        Some(c) => return Err(Failure::Usage(format!("the delimiter '{c}' is not ASCII"))),
        None => None,
    };
    let inputs: Vec<&Path> = std::iter::once(&args.file).chain(&args.against).map(PathBuf::as_path).collect();
    super::write::refuse_overwriting(args.output.as_deref(), &inputs)?;
    let options = ReadOptions { sheet: args.sheet.clone(), no_header: args.no_header, delimiter };
    let mut sources: Vec<Source> = Vec::new();
    let mut compared: Vec<Compared> = Vec::new();
    for path in std::iter::once(&args.file).chain(&args.against) {
        let first = sources.first().map_or(&[][..], |s| &s.columns[..]);
        let selection = Selection {
            columns: &args.columns,
            kind: None,
            vendor: Some(""),
            vendor_column: None,
            quiet: args.quiet,
            like: first,
        };
        let located = super::read::locate(path)?;
        let mut options = options.clone();
        let mut input = open_input(registry, &located, &mut options, args.quiet)?;
        let (columns, _) = choose_columns(registry, &mut input, &selection, &located, &options)?;
        if !args.quiet {
            let names: Vec<String> = columns.iter().map(|c| format!("'{}'", c.name)).collect();
            eprintln!("serialkit: {}: comparing {}", input.name, names.join(", "));
        }
        let ids = match_columns(&mut compared, &columns);
        let size = std::fs::metadata(&located.path).map_or(0, |m| m.len());
        sources.push(Source { located, options, columns, size, compared: ids });
    }

    // Pass 1: identity keys; an entry's file, row and column follow from its number.
    let keys_of = KeyReader::new(registry);
    let mut finder = Finder::new(args.near);
    for (id, column) in compared.iter().enumerate() {
        finder.set_alphabet(id as u32, Alphabet::of(column.kind));
    }
    let mut files: Vec<Entries> = Vec::new();
    // Entries whose key starts with a scanner prefix, with their column's kind.
    let mut prefixed: Vec<(u32, Option<Kind>)> = Vec::new();
    // A file whose structure is broken (ragged rows, an unclosed quote) is a finding.
    let mut broken = false;
    let progress = Progress::new(args.quiet);
    let mut key = String::new();
    let input_size: u64 = sources.iter().map(|s| s.size).sum();
    let mut written = Written { limit: (input_size / KEEP_PART) as usize, ..Written::default() };
    for source in &sources {
        let mut input = source.open()?;
        progress.pass(format!("reading {}", input.name));
        let mut file =
            Entries { start: finder.len() as u32, first_row: 0, rows: 0, columns: source.columns.len() };
        // Adding the keys takes as long as reading and keying the rows: a thread adds them,
        // taking them in batches, which come back to be filled again.
        let (to_adder, batches) = mpsc::sync_channel::<Keyed>(2);
        let (to_reader, spare) = mpsc::channel::<Keyed>();
        let mut batch = Keyed::default();
        // Entries are numbered as they are added, so the next one's number is known here.
        let mut entry = file.start;
        std::thread::scope(|scope| -> Result<(), Failure> {
            // Owned here, so that the adder stops when this does, by error or at the end.
            let to_adder = to_adder;
            let finder = &mut finder;
            scope.spawn(move || add_keys(finder, source, batches, to_reader));
            // One row's strings, reused from row to row.
            let mut record = Row::default();
            while input.next_row_into(&mut record)? {
                if file.rows == 0 {
                    file.first_row = record.number;
                }
                for column in &source.columns {
                    let value = record.text(column.index);
                    keys_of.plain_key_into(
                        value,
                        || Options { kind: column.kind, ..Options::default() },
                        &mut key,
                    );
                    batch.push(&key);
                    // A key with a scanner prefix changes below: its text is kept.
                    let stripped = keys_of.stripped(&key).is_some();
                    if stripped {
                        prefixed.push((entry, column.kind));
                    }
                    written.note(entry, value, !stripped && key == value);
                    entry += 1;
                }
                file.rows += 1;
                batch.rows += 1;
                if batch.rows == KEYED_ROWS {
                    batch.position = input.position();
                    let next = spare.try_recv().unwrap_or_default();
                    // The adder only stops when the batches do.
                    let _ = to_adder.send(std::mem::replace(&mut batch, next));
                    batch.clear();
                }
                if file.rows % BATCH == 0 {
                    progress.set(file.rows);
                }
            }
            batch.position = input.position();
            let _ = to_adder.send(batch);
            Ok(())
        })?;
        input.print_warnings();
        broken |= input.structural > 0;
        files.push(file);
    }
    let rows = files[0].rows;
    rekey_prefixed(&mut finder, &keys_of, &prefixed);
    drop(prefixed);
    progress.step("linking near duplicates");
    let (mut groups, keys) = finder.into_groups();
    let origin = |entry: u32| {
        let f = files.partition_point(|file| file.start <= entry) - 1;
        let (row, column) = files[f].row_and_column(entry);
        (f, row, column)
    };
    if !args.against.is_empty() {
        // Intake against inventory: only groups that involve the intake file.
        groups.retain(|g| g.entries.iter().any(|&e| origin(e).0 == 0));
    }

    // The text of the entries in groups: from the first reading where it has them (then the
    // finder's memory goes, before anything else is read), else read back in pass 2, up to
    // the last of them.
    let mut grouped: Vec<u32> = groups.iter().flat_map(|g| g.entries.iter().copied()).collect();
    grouped.sort_unstable();
    let (mut known, mut wanted) = (Texts::default(), Vec::new());
    for e in grouped {
        match written.get(e, &keys) {
            Some(value) => known.push(e, value),
            None => wanted.push(e),
        }
    }
    drop((written, keys));
    let mut read_back = Texts::default();
    for (f, source) in sources.iter().enumerate() {
        let mut want = wanted.iter().map(|&e| (e, origin(e))).filter(|(_, o)| o.0 == f).peekable();
        if want.peek().is_none() {
            continue;
        }
        let mut input = source.open()?;
        progress.pass(format!("reading back rows of {}", input.name));
        let mut record = Row::default();
        while input.next_row_into(&mut record)? {
            if record.number % BATCH == 0 {
                progress.set(record.number - files[f].first_row);
            }
            while let Some((e, (_, _, column))) = want.next_if(|(_, o)| o.1 == record.number) {
                read_back.push(e, record.text(source.columns[column].index));
            }
            if want.peek().is_none() {
                break;
            }
        }
    }

    progress.finish();
    let stdout_rows = args.output.is_none() && args.summary == Summary::Json;
    let inner: Box<dyn Write> = match &args.output {
        Some(p) if p.as_os_str() != "-" => Box::new(BufWriter::new(
            std::fs::File::create(p).map_err(|e| Failure::Usage(format!("{}: {e}", p.display())))?,
        )),
        _ if stdout_rows => Box::new(io::sink()),
        _ => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let mut out = Named { inner, name: output_name(args.output.as_deref()) };
    let file_name = |f: usize| sources[f].located.name.clone();
    let mut csv_out = (!json).then(|| csv::Writer::from_writer(Vec::with_capacity(1 << 16)));
    if let Some(w) = &mut csv_out {
        w.write_record(["group", "confidence", "reasons", "file", "row", "column", "value"])
            .map_err(io::Error::other)?;
    }
    let (mut exact, mut near, mut in_groups) = (0u64, 0u64, 0u64);
    for (n, g) in groups.iter().enumerate() {
        let is_exact = g.reasons.iter().all(|r| matches!(r, Reason::Exact | Reason::OtherColumn));
        if is_exact {
            exact += 1
        } else {
            near += 1
        }
        in_groups += g.entries.len() as u64;
        let reasons: Vec<&str> = g.reasons.iter().map(|r| r.as_str()).collect();
        let (number, confidence, reasons_text) =
            ((n + 1).to_string(), format!("{:.2}", g.confidence), reasons.join(" "));
        let members = g.entries.iter().map(|&e| {
            let (f, row, column) = origin(e);
            // A file that changed in between: what is missing reads as empty.
            let value = known.get(e).or_else(|| read_back.get(e)).unwrap_or("").to_string();
            (file_name(f), row, sources[f].columns[column].name.clone(), value)
        });
        match &mut csv_out {
            Some(w) => {
                for (file, row, column, value) in members {
                    // Every cell that comes from a file (or its name) could read as a formula.
                    let [file, column, value] =
                        [file, column, value].map(|cell| neutralize(&cell).into_owned());
                    let row = row.to_string();
                    let record = [&number, &confidence, &reasons_text, &file, &row, &column, &value];
                    w.write_record(record).map_err(io::Error::other)?;
                }
                w.flush()?;
            }
            None => {
                let members: Vec<serde_json::Value> = members
                    .map(|(file, row, column, value)| {
                        serde_json::json!({"file": file, "row": row, "column": column, "value": value})
                    })
                    .collect();
                let object = serde_json::json!({
                    "group": n + 1, "confidence": g.confidence, "reasons": reasons, "members": members,
                });
                // An I/O error keeps its kind: a closed pipe stays quiet.
                serde_json::to_writer(&mut out, &object).map_err(io::Error::from)?;
                writeln!(out)?;
            }
        }
    }
    if let Some(w) = csv_out {
        // Groups are few next to rows: buffering them whole costs little.
        out.write_all(&w.into_inner().map_err(|e| io::Error::other(e.to_string()))?)?;
    }
    out.flush()?;
    let summary = serde_json::json!({
        "rows": rows,
        "groups": groups.len(),
        "exact_groups": exact,
        "near_groups": near,
        "rows_in_groups": in_groups,
    });
    match args.summary {
        Summary::Json => println!("{summary}"),
        Summary::Text if !args.quiet => {
            eprintln!(
                "\nrows       {rows:>9}\ngroups     {:>9} ({exact} exact, {near} near)\nin groups  {in_groups:>9} values",
                groups.len()
            )
        }
        Summary::Text => {}
    }
    Ok(if groups.is_empty() && !broken { EXIT_OK } else { EXIT_FINDINGS })
}
