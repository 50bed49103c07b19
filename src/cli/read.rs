//! Reading inventories: CSV/TSV (any delimiter) streamed in batches, XLSX/XLS/ODS sheets, stdin.
//!
//! Rows are numbered as a spreadsheet shows them, so messages and outputs point at the right one:
//! a CSV's blank lines are kept as empty rows, and a sheet's rows keep their numbers and its
//! columns start at A, whatever row and column its data starts at.

use super::records::{Records, plain_ascii};
use calamine::{Data, Reader};
use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

/// One row as read, with its row number as a spreadsheet shows it (1-based; a sheet whose used
/// range starts lower starts there; blank lines count).
#[derive(Default)]
pub struct Row {
    pub number: u64,
    pub cells: Vec<String>,
    /// The bytes of the cells that are not valid UTF-8 (their `cells` text has U+FFFD in
    /// their place), by column: written back as they were.
    pub raw: Vec<(usize, Vec<u8>)>,
}

impl Row {
    /// The text of cell `i` (U+FFFD for bytes that are not UTF-8); empty past the row's end.
    pub fn text(&self, i: usize) -> &str {
        self.cells.get(i).map_or("", String::as_str)
    }
}

/// Batches of rows read on a thread of their own, ahead of their use.
pub struct ReadAhead<'scope> {
    /// The batches in input order; an empty one (or an error) ends them.
    pub batches: mpsc::Receiver<Result<Vec<Row>, String>>,
    /// Batches sent back here are refilled, their strings reused.
    pub recycle: mpsc::Sender<Vec<Row>>,
    /// Gives the input back (with its warnings) once the batches end or nobody takes them.
    pub reader: thread::ScopedJoinHandle<'scope, Input>,
}

impl<'scope> ReadAhead<'scope> {
    /// Starts reading `input` in batches of `n` rows on a thread of `scope`, two batches ahead.
    pub fn start<'env>(
        scope: &'scope thread::Scope<'scope, 'env>,
        mut input: Input,
        n: usize,
    ) -> ReadAhead<'scope> {
        let (sender, batches) = mpsc::sync_channel(2);
        let (recycle, recycled) = mpsc::channel::<Vec<Row>>();
        let reader = scope.spawn(move || {
            loop {
                let mut batch = recycled.try_recv().unwrap_or_default();
                let batch = input.next_batch_into(&mut batch, n).map(|()| batch);
                let done = matches!(&batch, Ok(b) if b.is_empty()) || batch.is_err();
                if sender.send(batch).is_err() || done {
                    return input;
                }
            }
        });
        ReadAhead { batches, recycle, reader }
    }
}

/// A problem with the input that does not stop the run: reported with file, row and column.
pub struct Warning {
    pub row: u64,
    pub column: Option<usize>,
    pub message: String,
}

enum Rows {
    Csv(Box<CsvRows>),
    /// A sheet's rows, shared by every pass that reads it, and the next one to read.
    Sheet(Arc<Sheet>, usize),
}

/// A CSV file's records, and the blank lines between them: a spreadsheet shows each blank line
/// as a row, so they are kept (as empty rows) to keep the numbering.
struct CsvRows {
    records: Records,
    /// Blank lines still to hand out before the record read after them.
    blank: u64,
    /// That record is read and not handed out yet.
    held: bool,
}

/// An open inventory: its header and a stream of rows.
pub struct Input {
    pub name: String,
    pub header: Vec<String>,
    pub has_header: bool,
    rows: Rows,
    /// The row number of the first row (the header, when there is one): 1, or where a sheet's
    /// used range starts, or after the blank lines a CSV starts with.
    pub first_number: u64,
    next_number: u64,
    pub warnings: Vec<Warning>,
    /// How many of the warnings say the file's structure is broken (a row of the wrong width,
    /// a quote never closed): its rows may not be what they seem, which is a finding.
    pub structural: usize,
    /// Field count of the header (or first row), to report ragged rows.
    width: usize,
    /// Which cells of a CSV record are read.
    reading: CellReading,
    /// The last row read ended inside quotes: the row and column of the cell that swallowed
    /// the rest of the file.
    open_quote: Option<(u64, usize)>,
    /// The end was reached (and what it shows reported).
    ended: bool,
    /// Rows read so far, the header included.
    rows_read: u64,
    /// The first row of a file without a header, read early to tell an empty file.
    pending: Option<Row>,
}

/// Which cells of a CSV record are read, and which are looked at for the warnings.
#[derive(Default)]
struct CellReading {
    /// When set, only these columns are read, in order (the others come back empty): passes
    /// that need one column of a wide file skip the cost of the rest.
    only: Option<Vec<usize>>,
    /// Whether the columns not read are still checked for what the warnings report (bytes that
    /// are not UTF-8, NULs, long cells), as a pass whose warnings are shown needs.
    warn_unread: bool,
}

/// How to read the file.
#[derive(Clone, Default)]
pub struct ReadOptions {
    pub sheet: Option<String>,
    pub no_header: bool,
    pub delimiter: Option<u8>,
}

/// Spreadsheets larger than this are refused: they are unpacked in memory.
const MAX_SHEET_BYTES: u64 = 512 << 20;

/// XLSX and ODS files whose parts unpack to more than this are refused: a few kilobytes of zip
/// can claim gigabytes (a zip bomb), and the sheet is held in memory.
const MAX_UNPACKED_BYTES: u128 = 1 << 30;

/// Sheets whose used area (from A1 to the last row and column holding anything) has more cells
/// than this are refused: a few bytes of XML can place one cell at A1 and one at XFD1048576,
/// and every row would be written out that wide.
const MAX_SHEET_CELLS: u64 = 100_000_000;

/// Cells longer than this get a warning: no identifier is near it, so the file is probably
/// broken (an unclosed quote, binary data) or the column is not what it seems.
const LONG_CELL_BYTES: usize = 1 << 20;

/// The room a reused cell string keeps from row to row; longer ones are freed once a shorter
/// cell takes their place.
const KEPT_CELL_BYTES: usize = 4096;

/// Where the input is: a path, or stdin saved to a temporary file so it can be read twice.
pub struct Located {
    pub path: PathBuf,
    pub name: String,
    _spool: Option<Spool>,
    /// The sheets read so far, by `--sheet`: a workbook is unpacked and parsed once, however
    /// many passes (samples, keys, the check) read it.
    sheets: Mutex<Vec<(Option<String>, Arc<Sheet>)>>,
}

/// A sheet's rows from its first filled row to its last, and the row number of the first.
struct Sheet {
    rows: Vec<Vec<String>>,
    first_number: u64,
}

impl Located {
    fn at(path: PathBuf, name: String, spool: Option<Spool>) -> Located {
        Located { path, name, _spool: spool, sheets: Mutex::default() }
    }

    /// Forgets the sheets read: no later pass opens the file, and the one reading now may take
    /// the cells it reads instead of copying them.
    pub fn release_sheets(&self) {
        self.sheets.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clear();
    }

    /// The sheet `sheet` names (the first when `None`) of the workbook `file` is, parsed the
    /// first time it is asked for.
    fn sheet(&self, file: File, is_zip: bool, sheet: Option<&str>) -> Result<Arc<Sheet>, String> {
        // Held while parsing: the passes open the file one after another, never at once.
        let mut sheets = self.sheets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, read)) = sheets.iter().find(|(name, _)| name.as_deref() == sheet) {
            return Ok(Arc::clone(read));
        }
        let (rows, first_number) = read_sheet(file, is_zip, &self.name, sheet)?;
        let read = Arc::new(Sheet { rows, first_number });
        sheets.push((sheet.map(str::to_string), Arc::clone(&read)));
        Ok(read)
    }
}

struct Spool(PathBuf);

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Finds the input: `-` is stdin, copied to a temporary file. Text in UTF-16 (it starts with
/// its byte-order mark) is read from a UTF-8 copy.
pub fn locate(arg: &Path) -> Result<Located, String> {
    let dir = std::env::temp_dir();
    let located = match arg == Path::new("-") {
        true => spool(io::stdin().lock(), &dir)?,
        false => Located::at(arg.to_path_buf(), arg.display().to_string(), None),
    };
    let mut start = [0u8; 2];
    let read = File::open(&located.path).and_then(|mut f| f.read(&mut start));
    if !matches!(read, Ok(2)) || !matches!(start, [0xFF, 0xFE] | [0xFE, 0xFF]) {
        return Ok(located);
    }
    let file = File::open(&located.path).map_err(|e| format!("{}: {e}", located.name))?;
    let (path, mut out) = new_spool_file(&dir, "utf8")
        .map_err(|e| format!("cannot convert {} in {}: {e}", located.name, dir.display()))?;
    let spool = Spool(path.clone());
    utf16_to_utf8(file, &mut out)
        .map_err(|e| format!("{}: converting UTF-16 to UTF-8: {e}", located.name))?;
    Ok(Located::at(path, located.name.clone(), Some(spool)))
}

/// Writes the UTF-16 text of `from` (its byte-order mark says which byte order, and goes) to
/// `to` as UTF-8; a lone surrogate becomes U+FFFD, as a bad byte of UTF-8 does.
fn utf16_to_utf8(mut from: impl Read, to: &mut impl Write) -> io::Result<()> {
    let mut decoder = encoding_rs::UTF_16LE.new_decoder();
    let (mut input, mut output) = (vec![0u8; 1 << 16], vec![0u8; 3 << 16]);
    loop {
        let n = match from.read(&mut input) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            read => read?,
        };
        let mut rest = &input[..n];
        loop {
            let (result, read, written, _) = decoder.decode_to_utf8(rest, &mut output, n == 0);
            to.write_all(&output[..written])?;
            rest = &rest[read..];
            if result == encoding_rs::CoderResult::InputEmpty {
                break;
            }
        }
        if n == 0 {
            return to.flush();
        }
    }
}

/// Copies `reader` to a new file in `dir`, removed when the result is dropped.
fn spool(mut reader: impl Read, dir: &Path) -> Result<Located, String> {
    let (path, mut file) =
        new_spool_file(dir, "stdin").map_err(|e| format!("cannot buffer stdin in {}: {e}", dir.display()))?;
    let spool = Spool(path.clone());
    io::copy(&mut reader, &mut file).map_err(|e| format!("cannot read stdin: {e}"))?;
    file.flush().map_err(|e| format!("cannot buffer stdin: {e}"))?;
    Ok(Located::at(path, "<stdin>".into(), Some(spool)))
}

/// A file in `dir` that did not exist before, readable by this user only, named for `what` it
/// holds (stdin, a UTF-8 copy). The name is unpredictable and the file is created exclusively,
/// so no one can plant a link there (a shared `/tmp`) to have another file overwritten or the
/// input read.
fn new_spool_file(dir: &Path, what: &str) -> io::Result<(PathBuf, File)> {
    use std::hash::{BuildHasher, Hasher};
    // RandomState is seeded from the operating system's randomness.
    let random = std::collections::hash_map::RandomState::new();
    for attempt in 0..32u32 {
        let mut hasher = random.build_hasher();
        hasher.write_u32(std::process::id());
        hasher.write_u32(attempt);
        let path = dir.join(format!("serialkit-{what}-{:016x}", hasher.finish()));
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(io::ErrorKind::AlreadyExists, "every name tried was taken"))
}

impl Input {
    /// Opens the file, reads the header (unless `no_header`) and sniffs the format.
    pub fn open(located: &Located, options: &ReadOptions) -> Result<Input, String> {
        Input::open_until(located, options, None)
    }

    /// [`Input::open`], a CSV file read only up to byte `end` when one is given (a sheet is read
    /// whole): the front part of a file whose back part another reader takes
    /// ([`Input::open_back`]).
    pub fn open_until(located: &Located, options: &ReadOptions, end: Option<u64>) -> Result<Input, String> {
        let name = located.name.clone();
        let fail = |e: &dyn std::fmt::Display| format!("{name}: {e}");
        let mut file = File::open(&located.path).map_err(|e| fail(&e))?;
        let mut magic = [0u8; 8];
        let n = file.read(&mut magic).map_err(|e| fail(&e))?;
        file.rewind().map_err(|e| fail(&e))?;
        let is_zip = n >= 4 && magic[..4] == *b"PK\x03\x04";
        let is_ole = n >= 8 && magic == OLE_MAGIC;
        let mut first_number = 1;
        let rows = if is_zip || is_ole {
            let sheet = located.sheet(file, is_zip, options.sheet.as_deref())?;
            first_number = sheet.first_number;
            Rows::Sheet(sheet, 0)
        } else {
            if options.sheet.is_some() {
                return Err(fail(&"--sheet applies to XLSX, XLS and ODS files, not CSV"));
            }
            let delimiter = match options.delimiter {
                Some(d) => d,
                // The name the user gave: a converted copy's path has no extension.
                None => sniff_delimiter(&mut file, Path::new(&located.name)).map_err(|e| fail(&e))?,
            };
            let source: Box<dyn Read + Send> = match end {
                Some(end) => Box::new(file.take(end)),
                None => Box::new(file),
            };
            let records = Records::new(source, delimiter);
            Rows::Csv(Box::new(CsvRows { records, blank: 0, held: false }))
        };
        let mut input = Input::of_rows(name, rows, !options.no_header, first_number);
        // A workbook's other sheets may hold rows: the message names the one read.
        let empty = |input: &Input| match (&input.rows, options.sheet.as_deref()) {
            (Rows::Csv(_), _) => "the file is empty".to_string(),
            (Rows::Sheet(..), Some(sheet)) => format!("the sheet '{sheet}' is empty"),
            (Rows::Sheet(..), None) => "the first sheet is empty (choose another with --sheet)".to_string(),
        };
        if input.has_header {
            match input.next_row()? {
                Some(row) => input.header = row.cells,
                None => return Err(format!("{}: {}: no header row and no data", input.name, empty(&input))),
            }
            input.width = input.header.len();
            input.warn_repeated_names();
        } else {
            input.pending = input.next_row()?;
            if input.pending.is_none() {
                return Err(format!("{}: {}: no rows", input.name, empty(&input)));
            }
        }
        Ok(input)
    }

    /// The rows of a CSV file from byte `start`, the start of a line, to its end, read with
    /// `delimiter` as rows after the first are: no header, blank lines are rows. Rows are
    /// numbered from 0, as the rows before `start` are not counted. Whether `start` is where a
    /// record starts is for the caller to make sure of (see [`back_half_start`]).
    pub fn open_back(located: &Located, delimiter: u8, start: u64) -> Result<Input, String> {
        let fail = |e: io::Error| format!("{}: {e}", located.name);
        let mut file = File::open(&located.path).map_err(fail)?;
        file.seek(io::SeekFrom::Start(start)).map_err(fail)?;
        let records = Records::new(Box::new(file), delimiter);
        let rows = Rows::Csv(Box::new(CsvRows { records, blank: 0, held: false }));
        let mut input = Input::of_rows(located.name.clone(), rows, false, 0);
        // Not the file's first row: blank lines before it are rows, and a byte-order mark is a
        // character like any other.
        input.rows_read = 1;
        Ok(input)
    }

    /// An input of `rows` with nothing read yet, numbered from `first_number`.
    fn of_rows(name: String, rows: Rows, has_header: bool, first_number: u64) -> Input {
        Input {
            name,
            header: Vec::new(),
            has_header,
            rows,
            first_number,
            next_number: first_number,
            warnings: Vec::new(),
            structural: 0,
            width: 0,
            reading: CellReading::default(),
            open_quote: None,
            ended: false,
            rows_read: 0,
            pending: None,
        }
    }

    /// A CSV file's delimiter; `None` for a sheet.
    pub fn delimiter(&self) -> Option<u8> {
        match &self.rows {
            Rows::Csv(csv) => Some(csv.records.delimiter()),
            Rows::Sheet(..) => None,
        }
    }

    /// Whether the rows ended with one inside quotes: the file (or the part read) ended before
    /// a quote opened in its last row closed.
    pub fn ended_in_quotes(&self) -> bool {
        self.ended && self.open_quote.is_some()
    }

    /// A header name used twice makes `--column NAME` and the appended columns ambiguous.
    fn warn_repeated_names(&mut self) {
        // Each name's first column, in one pass: a header can have 100,000 names.
        let mut first_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, name) in self.header.iter().enumerate() {
            let first = *first_of.entry(name.as_str()).or_insert(i);
            if first < i && !name.trim().is_empty() {
                self.warnings.push(Warning {
                    row: self.first_number,
                    column: Some(i),
                    message: format!(
                        "the header '{name}' is also column {}'s: --column {name} means column {}; \
                         use --column {} for this one",
                        first + 1,
                        first + 1,
                        i + 1
                    ),
                });
            }
        }
    }

    /// Prints the warnings (the first 20) on stderr, each with file, row and column.
    pub fn print_warnings(&self) {
        for w in self.warnings.iter().take(20) {
            let column = w.column.map(|c| format!(", column {}", self.column_name(c))).unwrap_or_default();
            eprintln!("serialkit: {}: row {}{column}: {}", self.name, w.row, w.message);
        }
        if self.warnings.len() > 20 {
            eprintln!("serialkit: … and {} more warnings", self.warnings.len() - 20);
        }
    }

    /// How far into the file reading has come, in bytes: for a CSV file, which is read as it
    /// goes (a sheet is read whole when opened).
    pub fn position(&self) -> Option<u64> {
        match &self.rows {
            Rows::Csv(csv) => Some(csv.records.position()),
            Rows::Sheet(..) => None,
        }
    }

    /// Reads only `columns` from now on; the other cells come back empty, and what is wrong
    /// with them is not looked for.
    pub fn only_columns(&mut self, columns: &[usize]) {
        let mut read = columns.to_vec();
        read.sort_unstable();
        read.dedup();
        self.reading.only = Some(read);
    }

    /// [`Input::only_columns`], with the other cells still looked at for the warnings: the
    /// same warnings as reading every column, without copying what nobody reads.
    pub fn only_columns_warned(&mut self, columns: &[usize]) {
        self.only_columns(columns);
        self.reading.warn_unread = true;
    }

    /// Up to `n` more rows; an empty batch at the end.
    pub fn next_batch(&mut self, n: usize) -> Result<Vec<Row>, String> {
        let mut batch = Vec::new();
        self.next_batch_into(&mut batch, n)?;
        Ok(batch)
    }

    /// Up to `n` more rows into `batch`, whose rows' buffers are reused; empty at the end.
    pub fn next_batch_into(&mut self, batch: &mut Vec<Row>, n: usize) -> Result<(), String> {
        let mut filled = 0;
        while filled < n {
            if filled == batch.len() {
                batch.push(Row::default());
            }
            if !self.next_row_into(&mut batch[filled])? {
                break;
            }
            filled += 1;
        }
        batch.truncate(filled);
        Ok(())
    }

    /// The next row, or `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<Row>, String> {
        let mut row = Row::default();
        Ok(self.next_row_into(&mut row)?.then_some(row))
    }

    /// Reads the next row into `row`, reusing its buffers (a string per cell, allocated once
    /// for a whole file rather than once a cell); false at the end.
    pub fn next_row_into(&mut self, row: &mut Row) -> Result<bool, String> {
        if let Some(pending) = self.pending.take() {
            *row = pending;
            return Ok(true);
        }
        row.raw.clear();
        let number = match &mut self.rows {
            Rows::Sheet(sheet, next) if *next < sheet.rows.len() => {
                let i = std::mem::replace(next, *next + 1);
                match Arc::get_mut(sheet) {
                    // No other pass will read the sheet: its cells move to the row.
                    Some(only_reader) => self.reading.take_sheet_cells(&mut only_reader.rows[i], row),
                    None => self.reading.sheet_cells(&sheet.rows[i], row),
                }
                self.next_number
            }
            Rows::Sheet(..) => {
                self.finish();
                return Ok(false);
            }
            Rows::Csv(csv) => {
                let number = self.next_number;
                let next = csv
                    .next_record(self.rows_read == 0)
                    .map_err(|e| format!("{}: row {number}: {e}", self.name))?;
                match next {
                    Record::End => {
                        self.finish();
                        return Ok(false);
                    }
                    Record::Blank => {
                        row.cells.clear();
                        number
                    }
                    Record::Fields { skipped } => {
                        // Blank lines before the first row are not rows, but they are lines.
                        let number = number + skipped;
                        let records = &csv.records;
                        self.open_quote = records.ended_in_quotes().then(|| (number, records.len() - 1));
                        match records.plain_fields() {
                            Some((bytes, bounds)) => {
                                self.reading.plain_cells(&mut self.warnings, number, bytes, bounds, row)
                            }
                            None => self.reading.cells(&mut self.warnings, number, records.fields(), row),
                        }
                        number
                    }
                }
            }
        };
        row.number = number;
        let cells = &mut row.cells;
        let first = self.rows_read == 0;
        if first {
            self.first_number = number;
        }
        self.next_number = number + 1;
        self.rows_read += 1;
        let is_sheet = matches!(self.rows, Rows::Sheet(..));
        if first && self.width == 0 {
            self.width = cells.len();
        } else if cells.len() != self.width && self.width > 0 && !cells.is_empty() && !is_sheet {
            // A sheet row ends at its last filled cell, and an empty row is a blank line: only
            // a CSV row with another number of fields is ragged.
            self.structural += 1;
            self.warnings.push(Warning {
                row: number,
                column: None,
                message: format!(
                    "row has {} fields, the header has {}; kept as it is",
                    cells.len(),
                    self.width
                ),
            });
        }
        if first {
            // A UTF-8 byte-order mark before the first field is an encoding artefact (the csv
            // reader drops it from a CSV file; this is for sheets).
            if let Some(first) = cells.first_mut() {
                if let Some(rest) = first.strip_prefix('\u{FEFF}') {
                    *first = rest.to_string();
                }
            }
        }
        Ok(true)
    }

    /// Notes what the end of the file shows: a quote never closed, or no data rows at all.
    fn finish(&mut self) {
        if std::mem::replace(&mut self.ended, true) {
            return;
        }
        if let Some((row, column)) = self.open_quote {
            self.structural += 1;
            self.warnings.push(Warning {
                row,
                column: Some(column),
                message: "a quote opened in this cell is never closed: the rest of the file was read into \
                          it"
                .into(),
            });
        }
        if self.has_header && self.rows_read == 1 {
            let row = self.first_number;
            self.warnings.push(Warning { row, column: None, message: "a header and no data rows".into() });
        }
    }

    /// The display name of column `i`.
    pub fn column_name(&self, i: usize) -> String {
        match self.header.get(i) {
            Some(h) if self.has_header && !h.trim().is_empty() => h.clone(),
            _ => format!("column {}", i + 1),
        }
    }
}

impl CellReading {
    /// [`CellReading::cells`] for a record that is all ASCII without a NUL, `bytes`, with its
    /// fields at `bounds`: only a cell's length can be wrong.
    fn plain_cells(
        &self,
        warnings: &mut Vec<Warning>,
        number: u64,
        bytes: &[u8],
        bounds: &[(usize, usize)],
        row: &mut Row,
    ) {
        // A cell too long to be an identifier is in a record at least as long.
        if bytes.len() > LONG_CELL_BYTES {
            for (i, &(start, end)) in bounds.iter().enumerate() {
                if end - start > LONG_CELL_BYTES && (self.reads(i) || self.warn_unread) {
                    warn_about(warnings, number, i, &bytes[start..end]);
                }
            }
        }
        let cells = reused(&mut row.cells, bounds.len());
        let Some(only) = &self.only else {
            for (&(start, end), cell) in bounds.iter().zip(cells) {
                empty_for(cell, end - start);
                cell.push_str(ascii_text(&bytes[start..end]));
            }
            return;
        };
        // Only the cells read are looked at; the others are left empty.
        cells.iter_mut().for_each(String::clear);
        for &i in only {
            let (Some(&(start, end)), Some(cell)) = (bounds.get(i), cells.get_mut(i)) else { break };
            empty_for(cell, end - start);
            cell.push_str(ascii_text(&bytes[start..end]));
        }
    }

    /// A sheet row's cells into `row` (its strings reused): the sheet's own stay for the next
    /// pass.
    fn sheet_cells(&self, cells: &[String], row: &mut Row) {
        for (i, (cell, into)) in cells.iter().zip(reused(&mut row.cells, cells.len())).enumerate() {
            empty_for(into, cell.len());
            if self.reads(i) {
                into.push_str(cell);
            }
        }
    }

    /// [`CellReading::sheet_cells`] for the last pass over a sheet: the cells are moved into
    /// `row`, the ones not read emptied.
    fn take_sheet_cells(&self, cells: &mut Vec<String>, row: &mut Row) {
        row.cells = std::mem::take(cells);
        if self.only.is_some() {
            row.cells.iter_mut().enumerate().filter(|(i, _)| !self.reads(*i)).for_each(|(_, c)| c.clear());
        }
    }

    /// Whether column `i` is read.
    fn reads(&self, i: usize) -> bool {
        self.only.as_ref().is_none_or(|only| only.binary_search(&i).is_ok())
    }

    /// The text of a CSV record's cells into `row` (its strings reused), with a warning in
    /// `warnings` for each cell that looks broken; the bytes of cells that are not UTF-8 go to
    /// `row.raw`.
    fn cells<'f>(
        &self,
        warnings: &mut Vec<Warning>,
        number: u64,
        fields: impl ExactSizeIterator<Item = &'f [u8]>,
        row: &mut Row,
    ) {
        let n = fields.len();
        for (i, (field, cell)) in fields.zip(reused(&mut row.cells, n)).enumerate() {
            empty_for(cell, field.len());
            if !self.reads(i) {
                // A column nobody reads: kept in place, empty.
                if self.warn_unread && (field.len() > LONG_CELL_BYTES || !plain_ascii(field)) {
                    warn_about(warnings, number, i, field);
                }
                continue;
            }
            match warn_about(warnings, number, i, field) {
                Some(text) => cell.push_str(text),
                None => {
                    cell.push_str(&String::from_utf8_lossy(field));
                    row.raw.push((i, field.to_vec()));
                }
            }
        }
    }
}

/// The text of `bytes`, which are ASCII (a cell of a record [`Records::plain_fields`] gives):
/// validating them as UTF-8 again, for every cell read, was a tenth of reading a file.
fn ascii_text(bytes: &[u8]) -> &str {
    debug_assert!(bytes.is_ascii());
    // SAFETY: ASCII is valid UTF-8, and every caller passes bytes of a plain record.
    unsafe { std::str::from_utf8_unchecked(bytes) }
}

/// A row's cell strings, `n` of them, kept from the row read before into them.
fn reused(cells: &mut Vec<String>, n: usize) -> &mut [String] {
    cells.truncate(n);
    cells.resize_with(n, String::new);
    cells
}

/// Empties a reused cell string for a field of `len` bytes: a rare long cell's room goes with
/// it, or every reused row would keep it.
fn empty_for(cell: &mut String, len: usize) {
    if cell.capacity() > KEPT_CELL_BYTES && len <= KEPT_CELL_BYTES {
        *cell = String::new();
    }
    cell.clear();
}

/// Warns in `warnings` about what is wrong with `field`, cell `column` of row `number`; its
/// text when it is UTF-8.
fn warn_about<'f>(
    warnings: &mut Vec<Warning>,
    number: u64,
    column: usize,
    field: &'f [u8],
) -> Option<&'f str> {
    let mut warn = |message: String| warnings.push(Warning { row: number, column: Some(column), message });
    if field.len() > LONG_CELL_BYTES {
        warn(format!(
            "a cell of {} bytes, far longer than any identifier; checked as too long, written unchanged",
            field.len()
        ));
    }
    if field.contains(&0) {
        warn("a NUL byte in the cell (binary data or a broken export?); kept as it is".into());
    }
    let text = std::str::from_utf8(field).ok();
    if text.is_none() {
        warn("not valid UTF-8; checked with U+FFFD for the bad bytes, written to CSV unchanged".into());
    }
    text
}

/// What a CSV file holds next.
enum Record {
    /// A record, after `skipped` blank lines that are not rows (those before the first row).
    Fields { skipped: u64 },
    /// A blank line between records: an empty row.
    Blank,
    /// The end of the file; blank lines just before it end the file, no row follows them.
    End,
}

impl CsvRows {
    /// The next record (left in `records`) or blank line; `first` when no row has been read yet.
    fn next_record(&mut self, first: bool) -> io::Result<Record> {
        if self.blank > 0 {
            self.blank -= 1;
            return Ok(Record::Blank);
        }
        if std::mem::take(&mut self.held) {
            return Ok(Record::Fields { skipped: 0 });
        }
        let Some(blank) = self.records.next_record()? else { return Ok(Record::End) };
        if first || blank == 0 {
            return Ok(Record::Fields { skipped: blank });
        }
        self.blank = blank - 1;
        self.held = true;
        Ok(Record::Blank)
    }
}

/// Where a second reader may start on a CSV file of at least `min` bytes: just after a line
/// break near the middle that ends a line with something on it and is followed by one
/// (a blank line there would be a row to one reader and nothing to the other, as blank lines
/// at the end of what is read are not rows), not by a byte-order mark (which starts only the
/// file). Whether that line break ends a record, or is inside a quoted field, only reading up
/// to it tells: the front reader must end there outside quotes ([`Input::ended_in_quotes`]).
pub fn back_half_start(located: &Located, min: u64) -> Option<u64> {
    let mut file = File::open(&located.path).ok()?;
    let size = file.metadata().ok()?.len();
    if size < min.max(2) {
        return None;
    }
    let middle = size / 2;
    file.seek(io::SeekFrom::Start(middle)).ok()?;
    let mut near = Vec::new();
    file.take(1 << 16).read_to_end(&mut near).ok()?;
    let line_break = |b: u8| b == b'\n' || b == b'\r';
    (1..near.len().saturating_sub(1)).find_map(|i| {
        let ends_line = near[i] == b'\n' && !line_break(near[i + 1]);
        let before = if near[i - 1] == b'\r' { i.checked_sub(2)? } else { i - 1 };
        let after = &near[i + 1..];
        let starts_with_bom = after.starts_with(b"\xEF\xBB\xBF");
        (ends_line && !line_break(near[before]) && !starts_with_bom).then_some(middle + i as u64 + 1)
    })
}

fn sniff_delimiter(file: &mut File, path: &Path) -> io::Result<u8> {
    if path.extension().is_some_and(|x| x.eq_ignore_ascii_case("tsv") || x.eq_ignore_ascii_case("tab")) {
        return Ok(b'\t');
    }
    let mut head = vec![0u8; 1 << 16];
    let n = file.read(&mut head)?;
    file.rewind()?;
    head.truncate(n);
    Ok(sniff(&head, n < 1 << 16))
}

/// The delimiters a CSV file is sniffed for.
const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// The delimiter of the file that starts with `head` (all of it when `whole`): the one found
/// as often on each of the first lines, outside quotes; else the one the first line holds most
/// of; else a comma. A header like `Serial;Notes (a, b)` holds more commas than semicolons,
/// but only the semicolons come back on every line.
fn sniff(head: &[u8], whole: bool) -> u8 {
    let count = |counts: &mut [usize; 4], b: u8| {
        if let Some(i) = DELIMITERS.iter().position(|&d| d == b) {
            counts[i] += 1;
        }
    };
    let mut lines: Vec<[usize; 4]> = Vec::new();
    let (mut counts, mut quoted, mut any) = ([0; 4], false, false);
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => {
                // A blank line (or the LF of a CRLF) says nothing.
                if any {
                    lines.push(std::mem::take(&mut counts));
                }
                any = false;
                if lines.len() == SNIFF_LINES {
                    break;
                }
            }
            _ if !quoted => {
                any = true;
                count(&mut counts, b);
            }
            _ => {}
        }
    }
    // A last line cut short by the end of the head would not count its fields right.
    if any && whole && lines.len() < SNIFF_LINES {
        lines.push(counts);
    }
    // A stray quote in the first line (`Screen 24"`) can leave the whole head inside quotes:
    // then that line alone decides, its delimiters counted wherever they are.
    if lines.is_empty() {
        let first_line = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
        let mut counts = [0; 4];
        first_line.iter().for_each(|&b| count(&mut counts, b));
        lines.push(counts);
    }
    let first = &lines[0];
    let steady = |i: usize| first[i] > 0 && lines.iter().all(|line| line[i] == first[i]);
    let pick = |candidates: &mut dyn Iterator<Item = usize>| {
        // The most on the first line; the earlier in DELIMITERS among equals.
        candidates.max_by_key(|&i| (first[i], std::cmp::Reverse(i))).map(|i| DELIMITERS[i])
    };
    pick(&mut (0..4).filter(|&i| lines.len() > 1 && steady(i)))
        .or_else(|| pick(&mut (0..4).filter(|&i| first[i] > 0)))
        .unwrap_or(b',')
}

/// How many of a file's first lines the delimiter is sniffed from.
const SNIFF_LINES: usize = 20;

/// The rows of a sheet from its first filled row to its last, each from column A to its last
/// filled cell, and the row number of the first: the used range need not start at A1, and rows
/// and columns are numbered as the spreadsheet shows them. `is_zip` tells a zip (XLSX, ODS)
/// from an OLE compound file (XLS).
fn read_sheet(
    mut file: File,
    is_zip: bool,
    name: &str,
    sheet: Option<&str>,
) -> Result<(Vec<Vec<String>>, u64), String> {
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_SHEET_BYTES {
        return Err(format!(
            "{name}: {size} bytes is over the {MAX_SHEET_BYTES}-byte limit for spreadsheets; export it as CSV"
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.read_to_end(&mut bytes).map_err(|e| format!("{name}: {e}"))?;
    let format = match is_zip {
        true => zip_contents(&bytes, name)?,
        false => Some(SheetFormat::Xls),
    };
    let mut workbook = open_workbook(bytes, format, name)?;
    let names = workbook.sheet_names().to_vec();
    let chosen = match sheet {
        None => names.first().cloned().ok_or_else(|| format!("{name}: the workbook has no sheets"))?,
        Some(s) => match names.iter().find(|n| n.as_str() == s) {
            Some(n) => n.clone(),
            None => match s.parse::<usize>().ok().and_then(|i| names.get(i.checked_sub(1)?)) {
                Some(n) => n.clone(),
                None => {
                    return Err(format!("{name}: no sheet '{s}'; sheets: {}", names.join(", ")));
                }
            },
        },
    };
    let unreadable = |e: &dyn std::fmt::Display| format!("{name}: sheet '{chosen}': {e}");
    let mut cells = Vec::new();
    match &mut workbook {
        // XLSX cells are read one by one, so the used area is known before any row is built
        // (calamine's ranges are as large as the area, whatever it holds).
        calamine::Sheets::Xlsx(xlsx) => {
            let mut reader = xlsx.worksheet_cells_reader(&chosen).map_err(|e| unreadable(&e))?;
            while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
                let text = cell_text(cell.get_value().clone().into());
                if !text.is_empty() {
                    cells.push((cell.get_position(), text));
                }
            }
        }
        other => {
            let range = other.worksheet_range(&chosen).map_err(|e| unreadable(&e))?;
            let (top, left) = range.start().unwrap_or((0, 0));
            for (r, c, value) in range.used_cells() {
                cells.push(((top + r as u32, left + c as u32), cell_text(value.clone())));
            }
        }
    }
    sheet_rows(cells, name, &chosen)
}

/// The rows of [`read_sheet`] from a sheet's filled cells, and the number of the first.
fn sheet_rows(
    mut cells: Vec<((u32, u32), String)>,
    name: &str,
    sheet: &str,
) -> Result<(Vec<Vec<String>>, u64), String> {
    cells.sort_unstable_by_key(|(position, _)| *position);
    let (Some(&((top, _), _)), Some(&((bottom, _), _))) = (cells.first(), cells.last()) else {
        return Ok((Vec::new(), 1));
    };
    let right = cells.iter().map(|((_, c), _)| *c).max().unwrap_or(0);
    let area = u64::from(bottom - top + 1) * (u64::from(right) + 1);
    if area > MAX_SHEET_CELLS {
        return Err(format!(
            "{name}: sheet '{sheet}' spans A{}:{}{}, {area} cells (over the {MAX_SHEET_CELLS}-cell limit; \
             a stray cell far from the data?); delete it or export the sheet as CSV",
            top + 1,
            column_letters(right),
            bottom + 1
        ));
    }
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); (bottom - top + 1) as usize];
    for ((r, c), text) in cells {
        let row = &mut rows[(r - top) as usize];
        let c = c as usize;
        if row.len() > c {
            // The same cell twice (a broken file): the last one stands.
            row[c] = text;
        } else {
            row.resize(c, String::new());
            row.push(text);
        }
    }
    Ok((rows, u64::from(top) + 1))
}

/// A 0-based column index as spreadsheets letter it: 0 is A, 25 Z, 26 AA, 16383 XFD.
fn column_letters(index: u32) -> String {
    let mut n = u64::from(index) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.iter().rev().map(|&b| char::from(b)).collect()
}

/// The start of an OLE compound file, which XLS workbooks are.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The spreadsheet formats told apart before opening: by the parts of their zip, or as an OLE
/// compound file.
#[derive(Clone, Copy)]
enum SheetFormat {
    Xlsx,
    Ods,
    Xls,
}

/// Opens a workbook as the format its bytes show, so that a broken or oversized file gets that
/// format's own error: guessing tries each format and says only that none fit.
fn open_workbook(
    bytes: Vec<u8>,
    format: Option<SheetFormat>,
    name: &str,
) -> Result<calamine::Sheets<io::Cursor<Vec<u8>>>, String> {
    let cursor = io::Cursor::new(bytes);
    let unreadable =
        |what: &str, e: &dyn std::fmt::Display| format!("{name}: not a readable {what} file: {e}");
    match format {
        Some(SheetFormat::Xlsx) => calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(cursor)
            .map(calamine::Sheets::Xlsx)
            .map_err(|e| unreadable("XLSX", &e)),
        Some(SheetFormat::Xls) => calamine::open_workbook_from_rs::<calamine::Xls<_>, _>(cursor)
            .map(calamine::Sheets::Xls)
            .map_err(|e| unreadable("XLS", &e)),
        Some(SheetFormat::Ods) => calamine::open_workbook_from_rs::<calamine::Ods<_>, _>(cursor)
            .map(calamine::Sheets::Ods)
            .map_err(|e| match e {
                // ODS sheets are unpacked whole when the file is opened.
                calamine::OdsError::CellLimitExceeded { .. } => {
                    format!(
                        "{}; a stray cell far from the data? delete it or export the sheet as CSV",
                        unreadable("ODS", &e)
                    )
                }
                e => unreadable("ODS", &e),
            }),
        None => calamine::open_workbook_auto_from_rs(cursor).map_err(|e| unreadable("XLSX, XLS or ODS", &e)),
    }
}

/// Which spreadsheet a zip holds, by its parts (`xl/workbook.xml`, or the `mimetype` that
/// OpenDocument files start with); refuses one whose directory says it unpacks to more than
/// [`MAX_UNPACKED_BYTES`].
fn zip_contents(bytes: &[u8], name: &str) -> Result<Option<SheetFormat>, String> {
    let unreadable = |e: zip::result::ZipError| format!("{name}: not a readable XLSX or ODS file: {e}");
    let mut archive = zip::ZipArchive::new(io::Cursor::new(bytes)).map_err(unreadable)?;
    // The central directory's sizes, which a streamed zip (data descriptors) also carries.
    let mut unpacked = 0u128;
    for i in 0..archive.len() {
        unpacked += u128::from(archive.by_index_raw(i).map_err(unreadable)?.size());
    }
    if unpacked > MAX_UNPACKED_BYTES {
        return Err(format!(
            "{name}: unpacks to {unpacked} bytes from {} (over the {MAX_UNPACKED_BYTES}-byte limit; \
             a zip bomb?); export the sheet as CSV",
            bytes.len()
        ));
    }
    let has = |part: &str| archive.index_for_name(part).is_some();
    Ok(match (has("xl/workbook.xml"), has("mimetype")) {
        (true, _) => Some(SheetFormat::Xlsx),
        (false, true) => Some(SheetFormat::Ods),
        (false, false) => None,
    })
}

fn cell_text(cell: Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s,
        // Serials typed into a number cell come back as floats: 12345.0 is the text 12345.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_date_text(&d),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A date or time cell as a spreadsheet shows it, in ISO 8601's order (`2020-01-02`, with
/// ` 13:45:00` when it has a time of day; `13:45:00` alone under a day), not as the day count
/// Excel stores; a duration as hours, minutes and seconds (`36:30:00`).
fn excel_date_text(d: &calamine::ExcelDateTime) -> String {
    if d.is_duration() {
        let seconds = (d.as_f64() * 86_400.0).round() as i64;
        let sign = if seconds < 0 { "-" } else { "" };
        let seconds = seconds.unsigned_abs();
        return format!("{sign}{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
    let (year, month, day, hour, minute, second, milli) = d.to_ymd_hms_milli();
    let date = format!("{year:04}-{month:02}-{day:02}");
    let time = match milli {
        0 => format!("{hour:02}:{minute:02}:{second:02}"),
        _ => format!("{hour:02}:{minute:02}:{second:02}.{milli:03}"),
    };
    // Under a day is a time of day alone (a cell formatted h:mm), not a day in 1899 or 1904.
    match ((0.0..1.0).contains(&d.as_f64()), (hour, minute, second, milli) == (0, 0, 0, 0)) {
        (true, _) => time,
        (false, true) => date,
        (false, false) => format!("{date} {time}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_in_either_byte_order_is_copied_as_utf8_whatever_the_reads_split() {
        /// Hands out one byte a read: every code unit and surrogate pair is split.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let Some((&b, rest)) = self.0.split_first() else { return Ok(0) };
                (buf[0], self.0) = (b, rest);
                Ok(1)
            }
        }
        let text = "Serial Number\tOwner\r\nC02TJ0Q7GVC8\tJosé 😀\r\n";
        let units: Vec<u16> = text.encode_utf16().collect();
        let le: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain(units.iter().flat_map(|u| u.to_le_bytes())).collect();
        let be: Vec<u8> =
            [0xFE, 0xFF].into_iter().chain(units.iter().flat_map(|u| u.to_be_bytes())).collect();
        for bytes in [&le, &be] {
            for trickle in [false, true] {
                let mut out = Vec::new();
                match trickle {
                    true => utf16_to_utf8(Trickle(bytes), &mut out).unwrap(),
                    false => utf16_to_utf8(&bytes[..], &mut out).unwrap(),
                }
                assert_eq!(String::from_utf8(out).unwrap(), text);
            }
        }
        // A lone surrogate is replaced, as a bad UTF-8 byte is.
        let mut out = Vec::new();
        utf16_to_utf8(&[0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0][..], &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a\u{FFFD}b");
    }

    #[test]
    fn the_delimiter_is_the_one_every_line_has_as_often() {
        let cases: [(&[u8], u8); 9] = [
            (b"Serial Number;Notes (a, b, c)\r\nC02TJ0Q7GVC8;x, y\r\nJAE174234Y6;z\r\n", b';'),
            (b"Serial,Owner\nC02TJ0Q7GVC8,Jo\n", b','),
            (b"Serial\tOwner\tNote\nC02TJ0Q7GVC8\tJo\ta, b\n", b'\t'),
            // Ragged rows: no delimiter is steady, the first line decides.
            (b"a,b,c\n1,2\n1,2,3,4\n", b','),
            (b"a|b\n\"x|y\"|z\n", b'|'),
            // A quoted line break, blank lines and CRLF do not split a line's count.
            (b"a;b\r\n\r\n\"x,\ny\";z\r\n", b';'),
            (b"C02TJ0Q7GVC8\nJAE174234Y6\n", b','),
            (b"", b','),
            // The same count of two: the first line's most, the earlier among equals.
            (b"a,b;c\n1,2;3\n", b','),
        ];
        for (head, delimiter) in cases {
            assert_eq!(sniff(head, true) as char, delimiter as char, "{:?}", String::from_utf8_lossy(head));
        }
        // A last line counts when the head is the whole file, not when it cuts the line short.
        let head = b"a;b,c,d\n1;2,3,4\n5;6";
        assert_eq!((sniff(head, false), sniff(head, true)), (b',', b';'));
        // A stray quote in the header of a file longer than the head.
        let head: Vec<u8> =
            b"Serial;Screen 24\";Owner\n".iter().chain(&b"C02TJ0Q7GVC8;x;Jo\n".repeat(50)).copied().collect();
        assert_eq!(sniff(&head, false), b';');
    }

    #[test]
    fn excel_dates_read_as_a_spreadsheet_shows_them() {
        use calamine::{ExcelDateTime, ExcelDateTimeType::*};
        let cases = [
            (ExcelDateTime::new(43832.0, DateTime, false), "2020-01-02"),
            (ExcelDateTime::new(43832.5729166667, DateTime, false), "2020-01-02 13:45:00"),
            (ExcelDateTime::new(42370.0, DateTime, true), "2020-01-02"),
            (ExcelDateTime::new(1.5208333333, TimeDelta, false), "36:30:00"),
            (ExcelDateTime::new(0.5729166667, DateTime, false), "13:45:00"),
            (ExcelDateTime::new(0.0, DateTime, true), "00:00:00"),
        ];
        for (date, text) in cases {
            assert_eq!(excel_date_text(&date), text);
        }
    }

    #[test]
    fn stdin_is_spooled_to_a_new_private_file_that_goes_away() {
        let dir = std::env::temp_dir();
        let a = spool(&b"C02TJ0Q7GVC8\n"[..], &dir).unwrap();
        let b = spool(&b"W8023204AGY\n"[..], &dir).unwrap();
        assert_ne!(a.path, b.path, "a new name each time");
        assert_eq!(std::fs::read(&a.path).unwrap(), b"C02TJ0Q7GVC8\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&a.path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "no one else may read it: {mode:o}");
        }
        let path = a.path.clone();
        drop(a);
        assert!(!path.exists());
    }

    #[test]
    fn a_workbook_is_parsed_once_for_every_pass_over_a_sheet() {
        let located = locate(Path::new("tests/data/two-sheets.xlsx")).unwrap();
        let options =
            |sheet: Option<&str>| ReadOptions { sheet: sheet.map(str::to_string), ..Default::default() };
        let sheet_of = |input: &Input| match &input.rows {
            Rows::Sheet(sheet, _) => Arc::clone(sheet),
            Rows::Csv(_) => panic!("a workbook read as CSV"),
        };
        let mut first = Input::open(&located, &options(None)).unwrap();
        let mut again = Input::open(&located, &options(None)).unwrap();
        assert!(Arc::ptr_eq(&sheet_of(&first), &sheet_of(&again)));
        // One pass reading a single column takes nothing from the other.
        again.only_columns(&[0]);
        let (a, b) = (first.next_row().unwrap().unwrap(), again.next_row().unwrap().unwrap());
        assert_eq!(a.cells[0], b.cells[0]);
        assert!(a.cells.len() > 1 && !a.cells[1].is_empty() && b.cells[1].is_empty());
        // Reading a pass to its end leaves the rows for the next.
        while first.next_row().unwrap().is_some() {}
        let fresh = Input::open(&located, &options(None)).unwrap().next_row().unwrap().unwrap();
        assert_eq!(fresh.cells, a.cells);
        let other = Input::open(&located, &options(Some("2"))).unwrap();
        assert!(!Arc::ptr_eq(&sheet_of(&first), &sheet_of(&other)), "another sheet is another parse");
        // Released, the sheet is the last reader's: it takes the cells, as a new parse reads them.
        let mut last = Input::open(&located, &options(None)).unwrap();
        located.release_sheets();
        drop((first, again));
        assert_eq!(Arc::strong_count(&sheet_of(&last)), 2, "the reader's and the one just taken");
        assert_eq!(last.next_row().unwrap().unwrap().cells, a.cells);
        let mut reparsed = Input::open(&located, &options(None)).unwrap();
        assert!(!Arc::ptr_eq(&sheet_of(&last), &sheet_of(&reparsed)));
        located.release_sheets();
        reparsed.only_columns(&[0]);
        let taken = reparsed.next_row().unwrap().unwrap().cells;
        assert_eq!((taken[0].as_str(), taken[1].as_str()), (a.cells[0].as_str(), ""));
    }
}
