//! `serialkit check FILE`: validate the identifier columns of an inventory, row by row.
//!
//! Two passes over the file keep memory bounded: the first hashes each checked cell to find
//! duplicates (8 bytes a cell kept, up to 24 while they are sorted), the second checks rows in
//! parallel chunks and writes them in input order with the findings appended. When only the
//! summary is asked for, no row waits for its group: one pass checks and hashes the cells.

use super::columns::{Checked, Selection, choose_columns, destinations, open_input};
use super::progress::Progress;
use super::read::{Input, Located, ReadAhead, ReadOptions, Row};
use super::write::{Format, Layout, Output, Rendered};
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::decode::{DATE_FIELDS, Detail, MODEL_FIELDS, kind_noun, push_count, push_decimal, push_int};
use crate::dupes::KeyReader;
use crate::matcher::CodeMap;
use crate::{Decoded, Kind, Options, Problem, ProblemKind, Registry, Span, Value};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::path::PathBuf;

const BATCH: usize = 8192;

/// Rows checked together on one thread: enough to make handing them out cheap, few enough
/// that both cores stay busy on a batch.
const CHUNK: usize = 512;

/// Arguments of `check`.
#[derive(clap::Args)]
pub struct Args {
    /// The inventory: CSV, TSV, XLSX, XLS or ODS; `-` reads stdin.
    file: PathBuf,
    /// A column to check, by header name or 1-based index; repeat for several. Without it the
    /// serial, MAC and IMEI columns are found from the header and the content.
    #[arg(long = "column", short = 'c')]
    columns: Vec<String>,
    /// Check every chosen column as this kind (serial, model, mac, imei, …).
    #[arg(long, value_parser = super::parse_kind)]
    kind: Option<Kind>,
    /// Refuse lenient readings other tools reject: MAC groups missing a leading zero.
    #[arg(long)]
    strict: bool,
    /// The vendor of every row (an id, name or alias).
    #[arg(long, conflicts_with = "vendor_column")]
    vendor: Option<String>,
    /// A column naming each row's manufacturer ("Hewlett-Packard", "Dell Inc.", …).
    #[arg(long)]
    vendor_column: Option<String>,
    /// The sheet of an XLSX/XLS/ODS file, by name or 1-based number; the first by default.
    #[arg(long)]
    sheet: Option<String>,
    /// The file has no header row (a plain list, one value per line, is a one-column file).
    #[arg(long)]
    no_header: bool,
    /// The CSV field delimiter; sniffed from the first lines by default.
    #[arg(long, value_parser = parse_delimiter)]
    delimiter: Option<u8>,
    /// Where to write the annotated rows; stdout by default (`-`).
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    /// Output format; from the output file's extension by default, else CSV.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the normalized value in place of the original where the value is valid.
    #[arg(long)]
    fix: bool,
    /// Print the summary as text on stderr (default) or as one JSON object on stdout.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    summary: SummaryFormat,
    /// No progress bar and no summary on stderr.
    #[arg(long, short = 'q')]
    quiet: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SummaryFormat {
    Text,
    Json,
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "\\t" | "tab" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(format!("the delimiter is one ASCII character (or 'tab'), not '{s}'")),
    }
}

/// The summary of a run; `--summary json` prints it.
#[derive(serde::Serialize)]
struct Summary {
    #[serde(flatten)]
    tally: Tally,
    duplicate_groups: u64,
    duplicate_rows: u64,
    columns: Vec<String>,
    warnings: u64,
}

/// What the checked rows came to, counted chunk by chunk and added up.
#[derive(serde::Serialize, Default)]
struct Tally {
    rows: u64,
    cells: u64,
    valid: u64,
    invalid: u64,
    blank: u64,
    /// Rows with no invalid cell and a valid one.
    valid_rows: u64,
    /// Rows with an invalid cell.
    invalid_rows: u64,
    /// Rows whose checked cells are all blank.
    blank_rows: u64,
    placeholders: u64,
    fixed: u64,
    by_reason: Counts<ProblemKind>,
    by_vendor: Counts<String>,
    by_kind: Counts<Kind>,
}

/// Counts by kind, reason or vendor: a short list searched from the front (a summary names a
/// few), as every lookup in a map of names compared strings, which showed in profiles of
/// bulk checks. Printed and serialized in name order.
struct Counts<K>(Vec<(K, u64)>);

impl<K> Default for Counts<K> {
    fn default() -> Self {
        Counts(Vec::new())
    }
}

/// What a count is named by in the summary.
trait Named {
    fn name(&self) -> &str;
}

impl Named for Kind {
    fn name(&self) -> &str {
        self.as_str()
    }
}

impl Named for ProblemKind {
    fn name(&self) -> &str {
        self.as_str()
    }
}

impl Named for String {
    fn name(&self) -> &str {
        self
    }
}

impl<K: Named> Counts<K> {
    /// Adds `n` to the count of the key `is` picks, `make` making that key the first time.
    fn add(&mut self, is: impl Fn(&K) -> bool, make: impl FnOnce() -> K, n: u64) {
        match self.0.iter_mut().find(|(key, _)| is(key)) {
            Some((_, count)) => *count += n,
            None => self.0.push((make(), n)),
        }
    }

    /// The counts by name, in name order.
    fn by_name(&self) -> BTreeMap<&str, u64> {
        self.0.iter().map(|(key, n)| (key.name(), *n)).collect()
    }
}

impl<K: Named> serde::Serialize for Counts<K> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.by_name())
    }
}

/// Checks the file; exit 1 when any cell is invalid or duplicated.
pub fn run(registry: &Registry, args: &Args) -> io::Result<i32> {
    Failure::exit(check(registry, args))
}

pub(super) enum Failure {
    Usage(String),
    Io(io::Error),
}

impl Failure {
    /// The exit status of a command's result: a usage or input problem is reported here and
    /// exits 2; an I/O error goes up (a closed pipe is not an error there).
    pub(super) fn exit(result: Result<i32, Failure>) -> io::Result<i32> {
        match result {
            Ok(code) => Ok(code),
            Err(Failure::Usage(message)) => {
                eprintln!("serialkit: {message}");
                Ok(EXIT_USAGE)
            }
            Err(Failure::Io(e)) => Err(e),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Io(e)
    }
}

impl From<String> for Failure {
    fn from(m: String) -> Failure {
        Failure::Usage(m)
    }
}

fn check(registry: &Registry, args: &Args) -> Result<i32, Failure> {
    if let Some(v) = &args.vendor {
        if registry.resolve_vendor(v).is_none() {
            return Err(Failure::Usage(format!("unknown vendor '{v}'")));
        }
    }
    super::write::refuse_overwriting(args.output.as_deref(), &[&args.file])?;
    let located = super::read::locate(&args.file)?;
    let mut read_options =
        ReadOptions { sheet: args.sheet.clone(), no_header: args.no_header, delimiter: args.delimiter };
    let mut input = open_input(registry, &located, &mut read_options, args.quiet)?;
    let selection = Selection {
        columns: &args.columns,
        kind: args.kind,
        vendor: args.vendor.as_deref(),
        vendor_column: args.vendor_column.as_deref(),
        quiet: args.quiet,
        like: &[],
    };
    let (columns, vendor_column) = choose_columns(registry, &mut input, &selection, &located, &read_options)?;
    if !args.quiet {
        let list: Vec<String> = columns
            .iter()
            .map(|c| format!("'{}' as {}", c.name, c.kind.map_or("any identifier", |k| k.as_str())))
            .collect();
        eprintln!("serialkit: checking {}", list.join(", "));
    }
    let reading = Reading { registry, vendor_column, vendor: args.vendor.as_deref(), strict: args.strict };
    let progress = Progress::new(args.quiet);
    let keys_of = KeyReader::new(registry);
    // With no rows written, no row needs its group before it is checked: one pass checks the
    // cells and keys them, and reads only the columns it looks at.
    let one_pass = args.output.is_none() && args.summary == SummaryFormat::Json;
    let mut groups = Groups::default();
    if one_pass {
        input.only_columns_warned(&reading.read_columns(&columns));
    } else {
        progress.pass("looking for duplicates");
        let pass = KeyPass {
            located: &located,
            options: &read_options,
            columns: &columns,
            reading: &reading,
            keys_of: &keys_of,
            progress: &progress,
        };
        let read = pass.read()?;
        groups = duplicate_groups(read, &columns, &reading, &keys_of);
    }
    let destinations = destinations(&input);

    let mut header = input.header.clone();
    // Rows longer than the header widen it, so the appended columns line up on every row.
    let width = header.len().max(groups.width).max(columns.iter().map(|c| c.index + 1).max().unwrap_or(0));
    header.resize(width, String::new());
    let appended = appended_names(&header, &columns);
    header.extend(appended);
    let format = args.format.unwrap_or_else(|| Format::from_path(args.output.as_deref()));
    let mut out = Output::create(args.output.as_deref(), format, one_pass)?;
    // `valid`, the first appended field of each checked column, is true or false.
    let booleans: Vec<usize> = (0..columns.len()).map(|c| width + c * FIELDS.len()).collect();
    out.header(&header, &booleans, input.has_header)?;
    progress.pass("checking");
    let checker = Checker {
        reading: &reading,
        columns: &columns,
        destinations: &destinations,
        groups: &groups.ids,
        width,
        fix: args.fix,
        layout: out.layout().clone(),
        keys_of: one_pass.then_some(&keys_of),
    };
    located.release_sheets();
    let (input, tally, keys) = checker.run(input, &mut out, &progress, &located.name)?;
    if let Some(keys) = keys {
        groups = duplicate_groups(keys, &columns, &reading, &keys_of);
    }
    let summary = Summary {
        tally,
        columns: columns.iter().map(|c| c.name.clone()).collect(),
        duplicate_groups: groups.groups,
        duplicate_rows: groups.rows,
        warnings: input.warnings.len() as u64,
    };
    progress.finish();
    out.finish()?;
    input.print_warnings();
    match args.summary {
        SummaryFormat::Json => println!("{}", serde_json::to_string(&summary).map_err(io::Error::other)?),
        SummaryFormat::Text if !args.quiet => print_summary(&summary),
        SummaryFormat::Text => {}
    }
    let findings = summary.tally.invalid > 0 || summary.duplicate_groups > 0 || input.structural > 0;
    Ok(if findings { EXIT_FINDINGS } else { EXIT_OK })
}

/// How to read the checked cells of a row.
struct Reading<'a> {
    registry: &'a Registry,
    /// The column naming each row's manufacturer.
    vendor_column: Option<usize>,
    /// `--vendor`, for rows the vendor column does not name a known vendor in.
    vendor: Option<&'a str>,
    strict: bool,
}

impl<'a> Reading<'a> {
    /// The columns a pass over the rows reads: the checked ones and the vendor column.
    fn read_columns(&self, columns: &[Checked]) -> Vec<usize> {
        columns.iter().map(|c| c.index).chain(self.vendor_column).collect()
    }

    /// The vendor of `row`.
    fn vendor(&self, row: &Row) -> Option<&'a str> {
        let registry = self.registry;
        let named =
            self.vendor_column.and_then(|i| row.cells.get(i)).and_then(|name| registry.resolve_vendor(name));
        named.or(self.vendor)
    }

    /// The options for `column` of a row of `vendor`.
    fn options(&self, vendor: Option<&str>, column: &Checked) -> Options {
        // SKUs and asset tags are the organisation's, whoever made the unit.
        let own = matches!(column.kind, Some(Kind::Sku | Kind::AssetTag));
        let vendor = vendor.filter(|_| !own).map(str::to_string);
        Options { vendor, kind: column.kind, strict: self.strict }
    }
}

/// What a checked cell came to.
enum Outcome {
    /// Empty or white space: missing data, not a wrong value, so never checked.
    Blank,
    /// Valid as the column's kind.
    Valid(Decoded),
    /// Wrong as it stands; `found` is what it is when it is a value of another kind (a MAC
    /// address in the serial column).
    Invalid { problem: Problem, found: Option<Decoded> },
}

impl Outcome {
    fn decoded(&self) -> Option<&Decoded> {
        match self {
            Outcome::Valid(d) => Some(d),
            Outcome::Blank | Outcome::Invalid { .. } => None,
        }
    }
}

/// With a vendor named, readings of standard kinds less sure than this do not make a value
/// the wrong kind (a MAC address without separators reads at 0.5, an IMEI at 0.9).
const WRONG_KIND_CONFIDENCE: f64 = 0.5;

/// Checks `value` as `options` say. A value of another kind gets the column it belongs in as
/// its hint ("move it to the 'MAC Address' column").
fn outcome(registry: &Registry, value: &str, options: &Options, destinations: &[(Kind, String)]) -> Outcome {
    if value.trim().is_empty() {
        return Outcome::Blank;
    }
    let (problem, other) = match registry.best_or_other(value, options, Detail::Brief) {
        Ok(decoded) => return Outcome::Valid(decoded),
        Err(refused) => refused,
    };
    let Some(wanted) = options.kind else {
        return Outcome::Invalid { problem, found: None };
    };
    let found = if problem.kind() == ProblemKind::WrongKind {
        // What the library found the value to be, for the appended columns and the hint.
        other.map(|other| *other)
    } else if options.vendor.is_some() && !wanted.is_standard() {
        // With a vendor named only its formats are tried: a MAC address or an IMEI pasted
        // into a row of that vendor is one all the same. Only the standard parsers are asked,
        // which look at values of their shape alone.
        let readings = crate::ids::identify(value, None, options.strict).into_iter().filter_map(Result::ok);
        readings
            .filter(|f| f.confidence >= WRONG_KIND_CONFIDENCE)
            .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
    } else {
        None
    };
    let Some(found) = found else {
        return Outcome::Invalid { problem, found: None };
    };
    let destination = destinations.iter().find(|(kind, _)| *kind == found.kind);
    let hint = match (destination, problem.hint()) {
        (Some((_, column)), _) => format!("move it to the '{column}' column"),
        (None, Some(hint)) => hint.to_string(),
        (None, None) => format!("move it to {} column", kind_noun(found.kind)),
    };
    let problem = match problem.kind() {
        ProblemKind::WrongKind => problem,
        _ => Problem::new(
            ProblemKind::WrongKind,
            Span::new(0, value.chars().count()),
            format!("{}, not {}", kind_noun(found.kind), kind_noun(wanted)),
        ),
    };
    Outcome::Invalid { problem: problem.with_hint(hint), found: Some(found) }
}

/// The columns appended for each checked column.
const FIELDS: [&str; 9] =
    ["valid", "kind", "vendor", "normalized", "date", "model", "error", "hint", "duplicate_group"];

/// The names of the columns appended after `header`: one checked column's by the bare field
/// names (`valid`, `kind` …), several columns' as `Column:valid` …. A name the file has already
/// (a checked file checked again) moves that column's to the next of `Column:`, `Column (2):` …,
/// so no key is taken twice and NDJSON's `valid` stays the boolean.
fn appended_names(header: &[String], columns: &[Checked]) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> = header.iter().cloned().collect();
    let mut names = Vec::with_capacity(columns.len() * FIELDS.len());
    for c in columns {
        let prefixes = (columns.len() == 1)
            .then(String::new)
            .into_iter()
            .chain(std::iter::once(format!("{}:", c.name)))
            .chain((2..).map(|k| format!("{} ({k}):", c.name)));
        for prefix in prefixes {
            let mine: Vec<String> = FIELDS.iter().map(|field| format!("{prefix}{field}")).collect();
            if mine.iter().all(|name| !taken.contains(name)) {
                taken.extend(mine.iter().cloned());
                names.extend(mine);
                break;
            }
        }
    }
    names
}

/// What checking rows needs, shared by the threads that check them.
struct Checker<'a> {
    /// How each row's cells are read (its vendor, the options).
    reading: &'a Reading<'a>,
    /// The columns checked.
    columns: &'a [Checked],
    /// The column each kind belongs in, for "move it to" hints.
    destinations: &'a [(Kind, String)],
    /// The duplicate group of each checked cell, row by row.
    groups: &'a [u64],
    /// The width rows are padded to, so the appended columns line up.
    width: usize,
    /// `--fix`: valid values are written normalized.
    fix: bool,
    /// How rows are written out.
    layout: Layout,
    /// Set when the rows are checked in one pass: their cells are keyed as they are checked.
    keys_of: Option<&'a KeyReader<'a>>,
}

/// What a chunk of rows came to.
struct Chunk<'a> {
    /// The rows, ready to write.
    rendered: Rendered,
    /// Their counts.
    tally: Tally,
    /// In one pass, the key of each checked cell (see [`key_cells`]).
    keys: CellKeys<'a>,
}

impl<'a> Checker<'a> {
    /// Checks the rows of `input` and writes them to `out`, in three overlapping stages: a
    /// reader thread reads the next batch, a checker thread has the batch after it checked and
    /// rendered on all cores, and this thread writes, in input order. Batches go back to the
    /// reader, whose strings are reused for the next rows. Gives the input back (for its
    /// warnings) with the counts, and in one pass the keys of the checked cells (`file` names
    /// the file in the error for too many of them).
    fn run(
        &self,
        input: Input,
        out: &mut Output,
        progress: &Progress,
        file: &str,
    ) -> Result<(Input, Tally, Option<Keys<'a>>), Failure> {
        type Batch<'a> = (Vec<Row>, Vec<io::Result<Chunk<'a>>>);
        let (to_writer, checked) = std::sync::mpsc::sync_channel::<Result<Batch, String>>(2);
        let mut tally = Tally::default();
        let mut keys = self.keys_of.map(|_| Keys::default());
        let input = std::thread::scope(|scope| -> Result<Input, Failure> {
            // Owned here, so that a write error drops it and the other stages stop.
            let checked = checked;
            let ReadAhead { batches, recycle, reader } = ReadAhead::start(scope, input, BATCH);
            scope.spawn(move || {
                // The data row (0-based) the batch starts at.
                let mut start = 0;
                for batch in batches.iter() {
                    let mut batch = match batch {
                        Ok(batch) if batch.is_empty() => break,
                        Ok(batch) => batch,
                        Err(e) => {
                            let _ = to_writer.send(Err(e));
                            break;
                        }
                    };
                    let chunks: Vec<io::Result<Chunk>> = batch
                        .par_chunks_mut(CHUNK)
                        .enumerate()
                        .map(|(k, rows)| self.chunk(rows, start + k * CHUNK))
                        .collect();
                    start += batch.len();
                    // The writer has stopped (an error): stop too, and let the reader stop.
                    if to_writer.send(Ok((batch, chunks))).is_err() {
                        break;
                    }
                }
            });
            for batch in checked.iter() {
                let (rows, chunks) = batch?;
                if let Some(keys) = &mut keys {
                    keys.note_rows(&rows, self.columns.len(), file)?;
                }
                for chunk in chunks {
                    let mut chunk = chunk?;
                    out.write(&mut chunk.rendered)?;
                    tally.add(&chunk.tally);
                    if let Some(keys) = &mut keys {
                        keys.push(chunk.keys);
                    }
                }
                progress.set(tally.rows);
                // The reader may have finished: then the rows are not needed.
                let _ = recycle.send(rows);
            }
            reader.join().map_err(|_| Failure::Usage("the reader thread failed".into()))
        })?;
        Ok((input, tally, keys))
    }

    /// Checks and renders `rows`, the first of which is data row `start` (0-based).
    fn chunk(&self, rows: &mut [Row], start: usize) -> io::Result<Chunk<'a>> {
        // Keyed before `--fix` rewrites the cells, as the first pass would have.
        let keys = match self.keys_of {
            Some(keys_of) => key_cells(rows, self.columns, self.reading, keys_of),
            None => CellKeys::default(),
        };
        let mut chunk = Chunk { rendered: Rendered::default(), tally: Tally::default(), keys };
        let mut vendors = VendorOptions::default();
        let mut reports = Vec::with_capacity(self.columns.len());
        // The appended cells, their strings reused from row to row.
        let mut extra = vec![String::new(); self.columns.len() * FIELDS.len()];
        let ungrouped = vec![0; self.columns.len()];
        let registry = self.reading.registry;
        let others = rows.len().saturating_sub(1);
        for (i, row) in rows.iter_mut().enumerate() {
            let options = vendors.get(self.reading, self.columns, row);
            reports.clear();
            reports.extend(
                self.columns
                    .iter()
                    .zip(options)
                    .map(|(c, options)| outcome(registry, row.text(c.index), options, self.destinations)),
            );
            let at = (start + i) * self.columns.len();
            // Rows beyond the first pass's (a file that grew in between) are in no group.
            let group_ids = self.groups.get(at..at + self.columns.len()).unwrap_or(&ungrouped);
            self.annotate(row, &reports, group_ids, &mut extra, &mut chunk.tally);
            self.layout.render(&mut chunk.rendered, row.number, &row.cells, &row.raw, &extra)?;
            if i == 0 {
                // The other rows are about as long, give or take a fifth.
                chunk.rendered.reserve_like(others * 6 / 5);
            }
        }
        Ok(chunk)
    }

    /// Fills the appended cells of `row` from its `reports`, counting them in `tally`; with
    /// `--fix`, valid values are replaced by their normalized form.
    fn annotate(
        &self,
        row: &mut Row,
        reports: &[Outcome],
        group_ids: &[u64],
        extra: &mut [String],
        tally: &mut Tally,
    ) {
        tally.rows += 1;
        if row.cells.len() < self.width {
            row.cells.resize(self.width, String::new());
        }
        extra.iter_mut().for_each(String::clear);
        let (valid, invalid) = (tally.valid, tally.invalid);
        let cells = self.columns.iter().zip(reports).zip(group_ids).zip(extra.chunks_mut(FIELDS.len()));
        for (((column, report), &group), fields) in cells {
            tally.cells += 1;
            tally.add_cell(report);
            if matches!(report, Outcome::Blank) {
                continue;
            }
            if let Some(d) = report.decoded().filter(|d| self.fix && row.cells[column.index] != d.normalized)
            {
                row.cells[column.index].clone_from(&d.normalized);
                row.raw.retain(|(at, _)| *at != column.index);
                tally.fixed += 1;
            }
            // Counted above; the appended cells only matter when rows are written.
            if self.layout.writes() {
                fill(fields, report, group);
            }
        }
        match (tally.valid > valid, tally.invalid > invalid) {
            (_, true) => tally.invalid_rows += 1,
            (true, false) => tally.valid_rows += 1,
            (false, false) => tally.blank_rows += 1,
        }
    }
}

/// The appended cells of a cell that is not blank: what its value is (its reading as the
/// column's kind, or as the kind it turned out to be), what is wrong with it, its group.
fn fill(fields: &mut [String], report: &Outcome, group: u64) {
    let decoded = report.decoded();
    let shown = match report {
        Outcome::Valid(d) => Some(d),
        Outcome::Invalid { found, .. } => found.as_ref(),
        Outcome::Blank => None,
    };
    let field = |keys: &[&str], into: &mut String| match keys.iter().find_map(|k| decoded?.fields.get(*k)) {
        Some(Value::Text(text)) => into.push_str(text),
        Some(&Value::Int(n)) => push_int(into, n),
        // Writing to a String cannot fail.
        Some(other) => _ = write!(into, "{other}"),
        None => {}
    };
    fields[0].push_str(if decoded.is_some() { "true" } else { "false" });
    fields[1].push_str(shown.map_or("", |d| d.kind.as_str()));
    fields[2].push_str(shown.map_or("", |d| d.vendor.as_str()));
    fields[3].push_str(shown.map_or("", |d| d.normalized.as_str()));
    field(&DATE_FIELDS, &mut fields[4]);
    field(&MODEL_FIELDS, &mut fields[5]);
    if let Outcome::Invalid { problem, .. } = report {
        write_error(&mut fields[6], problem);
        fields[7].push_str(problem.hint().unwrap_or_default());
    }
    if group > 0 {
        fields[8].push_str("row ");
        push_decimal(&mut fields[8], group);
    }
}

/// The options of each checked column for each maker name met in a chunk of rows: a name is
/// resolved (folded and looked up) once, not once a cell.
#[derive(Default)]
struct VendorOptions {
    /// The maker names met (the vendor column's text), each with its place in `options`. Hashed
    /// with FxHash, not SipHash (which showed in profiles): a chunk has at most [`CHUNK`] names,
    /// too few for colliding names to cost much.
    by_name: CodeMap<usize>,
    /// For each name, the options of each checked column.
    options: Vec<Vec<Options>>,
}

impl VendorOptions {
    /// The options of each of `columns` for `row`, by the maker its vendor column names.
    fn get(&mut self, reading: &Reading, columns: &[Checked], row: &Row) -> &[Options] {
        let name = reading.vendor_column.map_or("", |i| row.text(i));
        let i = match self.by_name.get(name) {
            Some(&i) => i,
            None => {
                let vendor = reading.vendor(row);
                self.options.push(columns.iter().map(|c| reading.options(vendor, c)).collect());
                self.by_name.insert(name.to_string(), self.options.len() - 1);
                self.options.len() - 1
            }
        };
        &self.options[i]
    }
}

impl Tally {
    /// Counts a cell: a blank one is missing data, never a finding.
    fn add_cell(&mut self, report: &Outcome) {
        match report {
            Outcome::Blank => self.blank += 1,
            Outcome::Valid(d) => {
                self.valid += 1;
                if !d.vendor.is_empty() {
                    self.by_vendor.add(|v| *v == d.vendor, || d.vendor.clone(), 1);
                }
                self.by_kind.add(|&k| k == d.kind, || d.kind, 1);
            }
            Outcome::Invalid { problem, .. } => {
                self.invalid += 1;
                self.by_reason.add(|&k| k == problem.kind(), || problem.kind(), 1);
                if problem.kind() == ProblemKind::Placeholder {
                    self.placeholders += 1;
                }
            }
        }
    }

    /// Adds the counts of `other`, a chunk's.
    fn add(&mut self, other: &Tally) {
        self.rows += other.rows;
        self.cells += other.cells;
        self.valid += other.valid;
        self.invalid += other.invalid;
        self.blank += other.blank;
        self.valid_rows += other.valid_rows;
        self.invalid_rows += other.invalid_rows;
        self.blank_rows += other.blank_rows;
        self.placeholders += other.placeholders;
        self.fixed += other.fixed;
        for (kind, n) in &other.by_reason.0 {
            self.by_reason.add(|k| k == kind, || *kind, *n);
        }
        for (vendor, n) in &other.by_vendor.0 {
            self.by_vendor.add(|v| v == vendor, || vendor.clone(), *n);
        }
        for (kind, n) in &other.by_kind.0 {
            self.by_kind.add(|k| k == kind, || *kind, *n);
        }
    }
}

/// A problem's message with the characters it is about, counted from 1 as a person would.
fn write_error(into: &mut String, e: &Problem) {
    let s = e.span();
    into.push_str(e.message());
    match s.end - s.start {
        0 => {
            into.push_str(" (after character ");
            push_count(into, s.start);
        }
        1 => {
            into.push_str(" (character ");
            push_count(into, s.start + 1);
        }
        _ => {
            into.push_str(" (characters ");
            push_count(into, s.start + 1);
            into.push('-');
            push_count(into, s.end);
        }
    }
    into.push(')');
}

fn print_summary(summary: &Summary) {
    let s = &summary.tally;
    eprintln!();
    eprintln!(
        "rows       {:>9} ({} valid, {} invalid, {} blank)",
        s.rows, s.valid_rows, s.invalid_rows, s.blank_rows
    );
    eprintln!(
        "cells      {:>9} ({} per row: {})",
        s.cells,
        summary.columns.len(),
        summary.columns.join(", ")
    );
    eprintln!("valid      {:>9}", s.valid);
    eprintln!("invalid    {:>9}", s.invalid);
    for (reason, n) in s.by_reason.by_name() {
        eprintln!("  {reason:<21}{n:>7}");
    }
    eprintln!("blank      {:>9}", s.blank);
    eprintln!("duplicates {:>9} groups, {} rows", summary.duplicate_groups, summary.duplicate_rows);
    if s.fixed > 0 {
        eprintln!("fixed      {:>9}", s.fixed);
    }
    for (label, map) in [("by kind", s.by_kind.by_name()), ("by vendor", s.by_vendor.by_name())] {
        if !map.is_empty() {
            let list: Vec<String> = map.iter().map(|(v, n)| format!("{v} {n}")).collect();
            eprintln!("{label:<10} {}", list.join(", "));
        }
    }
}

/// Duplicate groups per checked cell: cells equal once case, spaces and punctuation are
/// ignored. Group ids are the 1-based row number of the group's first row.
#[derive(Default)]
struct Groups {
    /// The group of each checked cell, row by row (0 for none).
    ids: Vec<u64>,
    /// How many groups there are.
    groups: u64,
    /// How many cells are in one.
    rows: u64,
    /// The field count of the widest row.
    width: usize,
}

/// The groups of the cells `read`, a value with a scanner prefix in the group of the value
/// without it, when that is another cell's.
fn duplicate_groups(read: Keys, columns: &[Checked], reading: &Reading, keys_of: &KeyReader) -> Groups {
    let (mut keys, n) = (read.keys, columns.len());
    let mut sorted = sorted_cells(&keys, n);
    // Found against the keys as read (each decoded, on all cores); applied after.
    let rekeyed: Vec<(usize, u64)> = read
        .prefixed
        .par_iter()
        .filter_map(|cell| {
            let column = cell.cell % n;
            let known = |rest: &str| has_key(&sorted, &keys, n, column_key(identity_hash(rest), column));
            let options = reading.options(cell.vendor, &columns[column]);
            let key = keys_of.rekeyed(&cell.key, &options, known).map(|k| identity_hash(&k))?;
            (key != keys[cell.cell]).then_some((cell.cell, key))
        })
        .collect();
    resort(&mut sorted, &mut keys, n, &rekeyed);
    // Each grouped cell with its group's first cell.
    let mut grouped: Vec<(u32, u32)> = Vec::new();
    let (mut groups, mut rows) = (0, 0);
    for_each_group(&sorted, &keys, n, |cells| {
        groups += 1;
        rows += cells.len() as u64;
        grouped.extend(cells.iter().map(|&cell| (cell, cells[0])));
    });
    drop(sorted);
    // The keys make room for the group ids: the row number of the group's first row.
    let mut ids = keys;
    ids.fill(0);
    for (cell, first) in grouped {
        ids[cell as usize] = read.first_row + (first as usize / n) as u64;
    }
    Groups { ids, groups, rows, width: read.width }
}

/// The keys of a file's checked cells, from a [`KeyPass`] or a single pass.
#[derive(Default)]
struct Keys<'a> {
    /// The identity-key hash of every checked cell, row by row, column by column.
    keys: Vec<u64>,
    /// The cells whose key starts with a scanner prefix.
    prefixed: Vec<Prefixed<'a>>,
    /// The number of the first row read: rows follow one another from it.
    first_row: u64,
    /// The field count of the widest row.
    width: usize,
}

impl<'a> Keys<'a> {
    /// Notes a batch of `rows` (`columns` cells each) whose keys come next: the first row's
    /// number and the width; refuses a file of more cells than a group can name (`file`).
    fn note_rows(&mut self, rows: &[Row], columns: usize, file: &str) -> Result<(), Failure> {
        let Some(first) = rows.first() else { return Ok(()) };
        if self.keys.is_empty() {
            self.first_row = first.number;
        }
        // A cell's row follows from its place.
        debug_assert!(
            rows.iter().zip(self.keys.len() / columns..).all(|(r, i)| r.number == self.first_row + i as u64)
        );
        if self.keys.len() + rows.len() * columns > MAX_CELLS {
            return Err(Failure::Usage(format!(
                "{file}: more than {MAX_CELLS} checked cells; split the file"
            )));
        }
        self.width = rows.iter().map(|row| row.cells.len()).fold(self.width, usize::max);
        Ok(())
    }

    /// Adds the keys of the cells of the rows after this one's, read apart.
    fn append(&mut self, after: Keys<'a>) {
        let first = self.keys.len();
        self.prefixed.extend(after.prefixed.into_iter().map(|p| Prefixed { cell: first + p.cell, ..p }));
        self.keys.extend(after.keys);
        self.width = self.width.max(after.width);
    }

    /// Adds the keys of the next cells, from [`key_cells`].
    fn push(&mut self, cells: CellKeys<'a>) {
        let first = self.keys.len();
        self.prefixed.extend(cells.prefixed.into_iter().map(|p| Prefixed { cell: first + p.cell, ..p }));
        self.keys.extend(cells.keys);
    }
}

/// A pass that reads the file's checked cells (and the vendor column) for their keys.
struct KeyPass<'p, 'a> {
    located: &'p Located,
    options: &'p ReadOptions,
    columns: &'p [Checked],
    reading: &'p Reading<'a>,
    keys_of: &'p KeyReader<'a>,
    progress: &'p Progress,
}

/// CSV files from this size on are read for their keys in two halves at once.
const SPLIT_BYTES: u64 = 4 << 20;

impl<'a> KeyPass<'_, 'a> {
    /// The keys: of a large CSV file read in two halves at once, else of the file read from the
    /// start, the next batch read while this one is keyed.
    fn read(&self) -> Result<Keys<'a>, Failure> {
        if let Some(keys) = self.read_in_halves(SPLIT_BYTES) {
            return Ok(keys);
        }
        let Self { located, columns, reading, keys_of, .. } = *self;
        let mut input = Input::open(located, self.options)?;
        input.only_columns(&reading.read_columns(columns));
        let mut found = Keys::default();
        std::thread::scope(|scope| -> Result<(), Failure> {
            let ahead = ReadAhead::start(scope, input, BATCH);
            for batch in ahead.batches.iter() {
                let batch = batch?;
                if batch.is_empty() {
                    break;
                }
                found.note_rows(&batch, columns.len(), &located.name)?;
                let keys: Vec<CellKeys> =
                    batch.par_chunks(CHUNK).map(|rows| key_cells(rows, columns, reading, keys_of)).collect();
                keys.into_iter().for_each(|cells| found.push(cells));
                self.progress.set((found.keys.len() / columns.len()) as u64);
                // The reader may have finished: then the rows are not needed.
                let _ = ahead.recycle.send(batch);
            }
            Ok(())
        })?;
        Ok(found)
    }

    /// The keys of a CSV file of at least `min` bytes, read and keyed in two halves at once,
    /// each on a core: one reader, splitting records into cells, kept both cores only
    /// two-thirds busy. `None` when the file is not one to split, or when the halves do not
    /// meet where a record starts (the line break picked is inside a quoted field), or on any
    /// error: then reading it from the start says what the error is, at the right row.
    fn read_in_halves(&self, min: u64) -> Option<Keys<'a>> {
        if rayon::current_num_threads() < 2 {
            return None;
        }
        let Self { located, columns, reading, keys_of, progress, .. } = *self;
        let start = super::read::back_half_start(located, min)?;
        let mut front = Input::open_until(located, self.options, Some(start)).ok()?;
        let mut back = Input::open_back(located, front.delimiter()?, start).ok()?;
        let read = reading.read_columns(columns);
        front.only_columns(&read);
        back.only_columns(&read);
        let done = std::sync::atomic::AtomicU64::new(0);
        let keys_of_rows = |input: &mut Input| -> Result<Keys<'a>, Failure> {
            let (mut found, mut batch) = (Keys::default(), Vec::new());
            loop {
                input.next_batch_into(&mut batch, BATCH)?;
                if batch.is_empty() {
                    return Ok(found);
                }
                found.note_rows(&batch, columns.len(), &located.name)?;
                found.push(key_cells(&batch, columns, reading, keys_of));
                let rows = batch.len() as u64;
                progress.set(done.fetch_add(rows, std::sync::atomic::Ordering::Relaxed) + rows);
            }
        };
        let (front_keys, back_keys) = std::thread::scope(|scope| {
            let back_keys = scope.spawn(|| keys_of_rows(&mut back));
            (keys_of_rows(&mut front), back_keys.join())
        });
        let (mut keys, back_keys) = (front_keys.ok()?, back_keys.ok()?.ok()?);
        // The front must end at the line break, outside quotes, after a row of its own (the
        // back's rows are numbered after it).
        if front.ended_in_quotes() || front.position() != Some(start) || keys.keys.is_empty() {
            return None;
        }
        keys.append(back_keys);
        (keys.keys.len() <= MAX_CELLS).then_some(keys)
    }
}

/// The keys of a run of cells, from [`key_cells`].
#[derive(Default)]
struct CellKeys<'a> {
    /// The identity-key hash of each cell.
    keys: Vec<u64>,
    /// The few cells whose key starts with a scanner prefix, by their place in `keys`: kept
    /// apart, as a prefix slot beside every key made the keys seven times the bytes to move.
    prefixed: Vec<Prefixed<'a>>,
}

/// The identity-key hash of each checked cell of `rows` (row by row, column by column), and
/// the cells whose key starts with a scanner prefix.
fn key_cells<'a>(
    rows: &[Row],
    columns: &[Checked],
    reading: &Reading<'a>,
    keys_of: &KeyReader,
) -> CellKeys<'a> {
    // One key buffer for the chunk: the key is hashed, and kept only with a prefix.
    let mut key = String::new();
    let mut out = CellKeys { keys: Vec::with_capacity(rows.len() * columns.len()), prefixed: Vec::new() };
    for row in rows {
        for column in columns {
            let text = row.text(column.index);
            // An empty cell's key is empty, whatever the options (most cells of a column of
            // IMEIs, in an inventory of laptops).
            if text.is_empty() {
                out.keys.push(identity_hash(""));
                continue;
            }
            let options = || reading.options(reading.vendor(row), column);
            keys_of.plain_key_into(text, options, &mut key);
            if keys_of.stripped(&key).is_some() {
                let cell = out.keys.len();
                out.prefixed.push(Prefixed { cell, key: key.clone(), vendor: reading.vendor(row) });
            }
            out.keys.push(identity_hash(&key));
        }
    }
    out
}

/// The non-empty cells of `keys` (`columns` a row), each as the top half of its key in its
/// column above its place, sorted: cells whose keys share that half sit together, in place
/// order. Sorting costs less than a hash table of a few million cells, whose every lookup is a
/// cache miss, and eight bytes a cell hold less than a key and a place.
fn sorted_cells(keys: &[u64], columns: usize) -> Vec<u64> {
    // Sized exactly: grown by doubling it would hold twice the room, for millions of cells.
    let mut sorted = Vec::with_capacity(keys.iter().filter(|&&key| key != 0).count());
    let cells = keys.iter().enumerate().filter(|&(_, &key)| key != 0);
    sorted.extend(cells.map(|(cell, _)| cell_key(keys, columns, cell) >> 32 << 32 | cell as u64));
    // A radix sort by the top half, from its lowest digit up; each pass keeps the order of
    // what it does not sort by, so places stay in order. 2,048 counts fit the fastest cache.
    let mut spare = vec![0; sorted.len()];
    for (shift, bits) in [(32, 11), (43, 11), (54, 10)] {
        let digit = |v: u64| (v >> shift) as usize & ((1 << bits) - 1);
        let mut starts = vec![0usize; 1 << bits];
        sorted.iter().for_each(|&v| starts[digit(v)] += 1);
        let mut at = 0;
        for start in &mut starts {
            (*start, at) = (at, at + *start);
        }
        for &v in &sorted {
            let d = digit(v);
            spare[starts[d]] = v;
            starts[d] += 1;
        }
        std::mem::swap(&mut sorted, &mut spare);
    }
    sorted
}

/// Gives the cells `changed` their new keys in `keys`, and moves them to their new places in
/// `sorted` (from [`sorted_cells`]): their entries out, the new ones merged in from the back, in
/// place. A few hundred cells change among millions: sorting them all again took longer than
/// the rest of the grouping.
fn resort(sorted: &mut [u64], keys: &mut [u64], columns: usize, changed: &[(usize, u64)]) {
    let entry = |keys: &[u64], cell: usize| cell_key(keys, columns, cell) >> 32 << 32 | cell as u64;
    let entries = |keys: &[u64]| {
        let mut list: Vec<u64> = changed.iter().map(|&(cell, _)| entry(keys, cell)).collect();
        list.sort_unstable();
        list
    };
    let old = entries(keys);
    changed.iter().for_each(|&(cell, key)| keys[cell] = key);
    let new = entries(keys);
    // The kept entries slide to the front, in order, leaving room at the end for the new ones.
    let mut kept = 0;
    let mut doomed = old.iter().peekable();
    for i in 0..sorted.len() {
        let v = sorted[i];
        if doomed.next_if_eq(&&v).is_none() {
            sorted[kept] = v;
            kept += 1;
        }
    }
    debug_assert_eq!(kept + new.len(), sorted.len(), "every changed cell had an entry");
    let (mut from, mut to) = (kept, sorted.len());
    for &v in new.iter().rev() {
        while from > 0 && sorted[from - 1] > v {
            sorted[to - 1] = sorted[from - 1];
            (from, to) = (from - 1, to - 1);
        }
        sorted[to - 1] = v;
        to -= 1;
    }
}

/// The place of a cell in [`sorted_cells`]' order.
fn place(v: u64) -> u32 {
    v as u32
}

/// Calls `group` with the places, in order, of each key that two or more cells of one column
/// share, from [`sorted_cells`] and the keys.
fn for_each_group(sorted: &[u64], keys: &[u64], columns: usize, mut group: impl FnMut(&[u32])) {
    let (mut cells, mut members) = (Vec::new(), Vec::new());
    for run in sorted.chunk_by(|a, b| a >> 32 == b >> 32).filter(|run| run.len() > 1) {
        cells.clear();
        cells.extend(run.iter().map(|&v| (cell_key(keys, columns, place(v) as usize), place(v))));
        // Keys that share their top half and differ below are rare (a few hundred among
        // millions): sorted apart here.
        cells.sort_unstable();
        for same in cells.chunk_by(|a, b| a.0 == b.0).filter(|same| same.len() > 1) {
            members.clear();
            members.extend(same.iter().map(|&(_, cell)| cell));
            group(&members);
        }
    }
}

/// Whether some cell has `key` (a key in its column), from [`sorted_cells`] and the keys.
fn has_key(sorted: &[u64], keys: &[u64], columns: usize, key: u64) -> bool {
    let top = key >> 32;
    let start = sorted.partition_point(|&v| v >> 32 < top);
    let mut run = sorted[start..].iter().take_while(|&&v| v >> 32 == top);
    run.any(|&v| cell_key(keys, columns, place(v) as usize) == key)
}

/// The most checked cells a file may have: a cell's place is 32 bits in [`sorted_cells`].
const MAX_CELLS: usize = u32::MAX as usize;

/// The key of cell `cell` of `keys` (`columns` a row) in its column.
fn cell_key(keys: &[u64], columns: usize, cell: usize) -> u64 {
    column_key(keys[cell], cell % columns)
}

/// A cell's key made distinct per column: equal values in two columns are not duplicates.
fn column_key(key: u64, column: usize) -> u64 {
    key ^ (column as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// A cell whose key starts with a scanner prefix: decoded after the first pass, and only
/// when its key without the prefix is another cell's, as decoding every value that starts
/// with an `S` by chance would cost more than the rest of the pass.
struct Prefixed<'a> {
    cell: usize,
    key: String,
    vendor: Option<&'a str>,
}

/// A 64-bit FNV-1a hash of an identity key; 0 for an empty one.
fn identity_hash(key: &str) -> u64 {
    if key.is_empty() {
        return 0;
    }
    let hash =
        key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    hash | 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The groups `for_each_group` finds among `keys`, `columns` a row.
    fn groups(keys: &[u64], columns: usize) -> Vec<Vec<u32>> {
        let mut found = Vec::new();
        for_each_group(&sorted_cells(keys, columns), keys, columns, |cells| found.push(cells.to_vec()));
        found.sort();
        found
    }

    /// What a file's keys came to, comparable.
    fn summary(keys: &Keys) -> String {
        let prefixed: Vec<_> = keys.prefixed.iter().map(|p| (p.cell, &p.key, p.vendor)).collect();
        format!("{:?} {prefixed:?} {} {}", keys.keys, keys.first_row, keys.width)
    }

    #[test]
    fn keys_read_in_halves_are_the_keys_read_from_the_start() {
        let registry = Registry::builtin();
        let keys_of = KeyReader::new(registry);
        let reading = Reading { registry, vendor_column: Some(3), vendor: None, strict: false };
        let column = |index, kind| Checked { index, name: String::new(), kind };
        let columns = [column(0, Some(Kind::Serial)), column(1, Some(Kind::Mac)), column(2, None)];
        let progress = Progress::new(true);
        // Pieces that make records hard to tell apart: quoted line breaks and delimiters,
        // blank lines, CR line breaks, a byte-order mark, scanner prefixes, short MAC groups.
        let pieces = [
            "C02TJ0Q7GVC8",
            "SC02TJ0Q7GVC8",
            "d0:5:9:4:a2:a0",
            "D0:05:09:04:A2:A0",
            "\"a\nb\"",
            "\"x,y\"",
            "\"\"\"\"",
            "\"",
            ",",
            "\n",
            "\r\n",
            "\n\n",
            "\r",
            "\u{feff}",
            "Dell",
            "Apple Inc.",
            " ",
            "q",
        ];
        let path = std::env::temp_dir().join(format!("serialkit-halves-{}.csv", std::process::id()));
        let mut random = crate::xorshift(23);
        let (mut met, mut missed) = (0, 0);
        for round in 0..400 {
            let mut text = String::from("Serial,MAC,Other,Maker\n");
            for _ in 0..(1 + random() % 40) {
                let fields = 1 + random() % 5;
                for f in 0..fields {
                    if f > 0 {
                        text.push(',');
                    }
                    // Mostly plain fields, so that most line breaks near the middle end records.
                    for _ in 0..(random() % 3) {
                        let plain = random() % 4 > 0;
                        text.push_str(if plain {
                            pieces[random() as usize % 4]
                        } else {
                            pieces[random() as usize % pieces.len()]
                        });
                    }
                }
                text.push_str(if round % 3 == 0 { "\r\n" } else { "\n" });
            }
            std::fs::write(&path, &text).unwrap();
            let located = crate::cli::read::locate(&path).unwrap();
            let options = ReadOptions::default();
            let pass = KeyPass {
                located: &located,
                options: &options,
                columns: &columns,
                reading: &reading,
                keys_of: &keys_of,
                progress: &progress,
            };
            let Ok(whole) = pass.read() else {
                continue;
            };
            match pass.read_in_halves(0) {
                Some(halves) => {
                    assert_eq!(summary(&halves), summary(&whole), "round {round}: {text:?}");
                    met += 1;
                }
                None => missed += 1,
            }
        }
        std::fs::remove_file(&path).unwrap();
        // Both ways are taken: halves that meet, and halves that do not (then the file is read
        // from the start).
        assert!(met > 100 && missed > 10, "{met} met, {missed} missed");
    }

    #[test]
    fn counts_add_up_across_chunks_and_print_in_name_order() {
        let (mut a, mut b) = (Tally::default(), Tally::default());
        a.by_vendor.add(|v| v == "lenovo", || "lenovo".into(), 2);
        a.by_kind.add(|&k| k == Kind::Serial, || Kind::Serial, 1);
        b.by_vendor.add(|v| v == "apple", || "apple".into(), 1);
        b.by_vendor.add(|v| v == "lenovo", || "lenovo".into(), 3);
        b.by_kind.add(|&k| k == Kind::Mac, || Kind::Mac, 4);
        b.by_reason.add(|&k| k == ProblemKind::TooShort, || ProblemKind::TooShort, 5);
        a.add(&b);
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["by_vendor"].to_string(), r#"{"apple":1,"lenovo":5}"#);
        assert_eq!(json["by_kind"].to_string(), r#"{"mac":4,"serial":1}"#);
        assert_eq!(json["by_reason"].to_string(), r#"{"too-short":5}"#);
    }

    #[test]
    fn moving_changed_cells_equals_sorting_again() {
        let mut random = crate::xorshift(7);
        for round in 0..200 {
            let columns = 1 + round % 3;
            let cells = 1 + (random() % 300) as usize;
            // Few distinct keys, some empty, some sharing their top half: every case of the order.
            let key = |r: u64| match r % 5 {
                0 => 0,
                1 => (r % 4) << 32 | 1,
                _ => (r % 64) | 1 | (r % 3) << 40,
            };
            let mut keys: Vec<u64> = (0..cells).map(|_| key(random())).collect();
            let mut changed: Vec<(usize, u64)> = Vec::new();
            for (cell, _) in keys.iter().enumerate().filter(|&(_, &k)| k != 0) {
                if random() % 4 == 0 {
                    changed.push((cell, key(random()) | 1));
                }
            }
            let mut sorted = sorted_cells(&keys, columns);
            resort(&mut sorted, &mut keys, columns, &changed);
            assert_eq!(sorted, sorted_cells(&keys, columns), "round {round}");
        }
    }

    #[test]
    fn cells_group_by_their_whole_key_in_their_column_in_place_order() {
        // 7 and 7 ^ 2 share the top half of their key and differ below it.
        let (a, b) = (0xABCD_0000_0000_0007, 0xABCD_0000_0000_0005);
        assert_eq!(groups(&[a, b, 0, a, b, a, 0, 9], 1), [vec![0, 3, 5], vec![1, 4]]);
        // Two columns: the same key in both is no duplicate; empty cells (0) never are.
        assert_eq!(groups(&[a, a, 0, 0, b, a, 0, b], 2), [vec![1, 5]]);
        let sorted = sorted_cells(&[a, 0, b], 1);
        assert!(has_key(&sorted, &[a, 0, b], 1, column_key(b, 0)));
        assert!(!has_key(&sorted, &[a, 0, b], 1, column_key(a ^ 8, 0)));
        assert!(!has_key(&sorted, &[a, 0, b], 1, column_key(a, 1)));
    }

    #[test]
    fn cells_sort_as_their_entries_do() {
        // Keys over every digit, some repeated, some of few bits, some empty; one and three
        // columns. Entries are unique (a place each): sorted, they are in key then place order.
        let mut random = crate::xorshift(7);
        for n in [0, 1, 5, 3000, 100_000] {
            let keys: Vec<u64> = (0..n)
                .map(|_| match random() {
                    r if r % 5 == 0 => 0,
                    r if r % 3 == 0 => (r % 50) | 1,
                    r => r | 1,
                })
                .collect();
            for columns in [1, 3] {
                let entry = |cell: usize| cell_key(&keys, columns, cell) >> 32 << 32 | cell as u64;
                let mut expected: Vec<u64> = (0..keys.len()).filter(|&c| keys[c] != 0).map(entry).collect();
                expected.sort_unstable();
                assert_eq!(sorted_cells(&keys, columns), expected, "{n} cells, {columns} columns");
            }
        }
    }

    #[test]
    fn many_cells_sort_in_place_order_within_a_key() {
        // Enough cells for every radix digit to matter; keys repeat every 1,000 cells.
        let keys: Vec<u64> =
            (0..50_000u64).map(|i| (i % 1000).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1).collect();
        let found = groups(&keys, 1);
        assert_eq!(found.len(), 1000);
        assert!(found.iter().all(|g| g.len() == 50 && g.windows(2).all(|w| w[1] == w[0] + 1000)));
    }
}
