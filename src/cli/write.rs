//! Writing annotated rows: CSV, XLSX or NDJSON, with cells made safe to open in a spreadsheet.

use crate::decode::decimal;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Output formats.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Xlsx,
    Ndjson,
}

impl Format {
    /// The format an output path's extension asks for; CSV otherwise.
    pub fn from_path(path: Option<&Path>) -> Format {
        let ext = path.and_then(|p| p.extension()).and_then(|x| x.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("xlsx") => Format::Xlsx,
            Some("ndjson" | "jsonl" | "json") => Format::Ndjson,
            _ => Format::Csv,
        }
    }
}

/// Refuses an `output` that is one of the `inputs` (the same file by any path): it would be
/// emptied before it is read, or while it is read, and its rows lost.
pub fn refuse_overwriting(output: Option<&Path>, inputs: &[&Path]) -> Result<(), String> {
    let Some(out) = output.filter(|p| *p != Path::new("-")).and_then(|p| file_identity(p).ok()) else {
        return Ok(());
    };
    match inputs.iter().find(|input| file_identity(input).is_ok_and(|input| input == out)) {
        Some(input) => Err(format!(
            "{}: the output is the input file {}: writing it would lose its rows; write to another file",
            output.unwrap_or(Path::new("-")).display(),
            input.display()
        )),
        None => Ok(()),
    }
}

/// Where the rows end up.
enum Sink {
    /// CSV or NDJSON: rows are rendered to bytes (on any thread) and written as they are.
    Bytes(Box<dyn Write>),
    /// A workbook saved to `path` at the end; `row` is the next sheet row, `header` names the
    /// columns in messages.
    Xlsx { workbook: Box<rust_xlsxwriter::Workbook>, path: PathBuf, row: u32, header: Vec<String> },
    /// No rows wanted (`--summary json` to stdout).
    Nothing,
}

/// What an XLSX sheet holds (Excel's limits, which rust_xlsxwriter enforces): rows, columns and
/// characters in a cell.
const XLSX_ROWS: u32 = 1_048_576;
const XLSX_COLUMNS: usize = 16_384;
const XLSX_CELL_CHARS: usize = 32_767;

/// Where annotated rows go.
pub struct Output {
    sink: Sink,
    layout: Layout,
    /// The output's name in messages: its path, or `<stdout>`.
    name: String,
}

/// What makes a file the same file whatever path reaches it: its device and inode where there
/// are such (a hard link is another path to them), else its canonical path.
fn file_identity(path: &Path) -> io::Result<(u64, u64, PathBuf)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path)?;
        Ok((meta.dev(), meta.ino(), PathBuf::new()))
    }
    #[cfg(not(unix))]
    {
        Ok((0, 0, path.canonicalize()?))
    }
}

/// How messages name an output: its path, or `<stdout>` for none or `-`.
pub fn output_name(path: Option<&Path>) -> String {
    path.filter(|p| *p != Path::new("-")).map_or_else(|| "<stdout>".to_string(), |p| p.display().to_string())
}

/// A writer whose errors name the output they came from.
pub struct Named<W> {
    pub inner: W,
    pub name: String,
}

impl<W: Write> Write for Named<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).map_err(|e| named(&self.name, e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(|e| named(&self.name, e))
    }
}

/// `e` with the name of the output it came from; its kind kept (a closed pipe stays quiet).
fn named(
    name: &str,
    e: impl std::fmt::Display + Into<Box<dyn std::error::Error + Send + Sync>>,
) -> io::Error {
    let message = format!("{name}: {e}");
    let kind = e.into().downcast_ref::<io::Error>().map_or(io::ErrorKind::Other, io::Error::kind);
    io::Error::new(kind, message)
}

/// How rows are laid out in the output: what the threads that render rows share.
#[derive(Clone)]
pub struct Layout {
    /// `None` when no rows are written.
    format: Option<Format>,
    /// The NDJSON key of each column, JSON-encoded already.
    keys: Vec<String>,
    /// Which columns NDJSON writes as booleans.
    booleans: Vec<bool>,
}

/// Rows rendered for the output, in order: the bytes of CSV or NDJSON rows, or the cells of
/// XLSX rows (written by one thread, as the workbook is one).
#[derive(Default)]
pub struct Rendered {
    /// CSV or NDJSON rows.
    bytes: Vec<u8>,
    /// XLSX rows: the input row's number (for messages) and the cells.
    rows: Vec<(u64, Vec<String>)>,
}

impl Rendered {
    /// Makes room for `more` rows the size of those rendered so far (none when there are none):
    /// called after a chunk's first row, it saves the chunk's bytes being moved as they grow.
    pub fn reserve_like(&mut self, more: usize) {
        self.bytes.reserve(self.bytes.len() * more);
        if !self.rows.is_empty() {
            self.rows.reserve(more);
        }
    }
}

/// Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return at
/// the start) gets a leading apostrophe, as OWASP recommends for CSV injection.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    if runs_as_formula(cell.as_bytes()) { format!("'{cell}").into() } else { cell.into() }
}

fn runs_as_formula(cell: &[u8]) -> bool {
    matches!(cell.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
}

impl Output {
    /// Opens `path` (stdout for `None` or `-`); `discard` writes nothing (summary-only runs).
    pub fn create(path: Option<&Path>, format: Format, discard: bool) -> Result<Output, String> {
        let layout = Layout { format: (!discard).then_some(format), keys: Vec::new(), booleans: Vec::new() };
        let name = output_name(path);
        let path = path.filter(|p| *p != Path::new("-"));
        if discard {
            return Ok(Output { sink: Sink::Nothing, layout, name });
        }
        let sink = match (format, path) {
            (Format::Xlsx, None) => return Err("XLSX output needs a file: add --output FILE.xlsx".into()),
            (Format::Xlsx, Some(path)) => {
                let mut workbook = Box::new(rust_xlsxwriter::Workbook::new());
                // The sheet is compressed on one thread after every row is written: the fastest
                // level took a 200,000-row check from 2.7 to 1.9 s of CPU (the default level 6),
                // for a file of 28 MB instead of 18.
                workbook.set_zip_compression_level(1);
                let _ = workbook.add_worksheet_with_constant_memory();
                Sink::Xlsx { workbook, path: path.to_path_buf(), row: 0, header: Vec::new() }
            }
            (_, Some(p)) => Sink::Bytes(Box::new(BufWriter::with_capacity(
                1 << 16,
                File::create(p).map_err(|e| format!("{}: {e}", p.display()))?,
            ))),
            (_, None) => Sink::Bytes(Box::new(BufWriter::with_capacity(1 << 16, io::stdout()))),
        };
        Ok(Output { sink, layout, name })
    }

    /// Names the columns: `header` is written as the first row when `write` is set (a file
    /// read with a header). In NDJSON the names are the keys, made unique; columns listed in
    /// `booleans` hold `true`/`false` (or nothing) and are written as JSON booleans (or null).
    pub fn header(&mut self, header: &[String], booleans: &[usize], write: bool) -> io::Result<()> {
        if self.layout.format == Some(Format::Ndjson) {
            // Encoded once, not once a cell.
            self.layout.keys =
                unique_keys(header).iter().map(|k| serde_json::Value::from(k.as_str()).to_string()).collect();
            self.layout.booleans = (0..header.len()).map(|i| booleans.contains(&i)).collect();
            return Ok(());
        }
        if let Sink::Xlsx { header: names, .. } = &mut self.sink {
            // Kept to name the column of a cell too long for XLSX.
            *names = header.to_vec();
        }
        if write {
            let mut rendered = Rendered::default();
            self.layout.render(&mut rendered, 0, header, &[], &[])?;
            self.write(&mut rendered)?;
        }
        Ok(())
    }

    /// The layout rows are rendered in, for [`Layout::render`].
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Writes rendered rows, emptying `rendered` for reuse.
    pub fn write(&mut self, rendered: &mut Rendered) -> io::Result<()> {
        match &mut self.sink {
            Sink::Bytes(out) => out.write_all(&rendered.bytes).map_err(|e| named(&self.name, e))?,
            Sink::Xlsx { workbook, row, path, header } => {
                let sheet = workbook.worksheet_from_index(0).map_err(|e| named(&self.name, e))?;
                for (number, cells) in rendered.rows.drain(..) {
                    check_xlsx_limits(path, header, number, *row, &cells)?;
                    // Moved, not copied, into the sheet; an empty cell is no cell in XLSX.
                    for (col, cell) in cells.into_iter().enumerate().filter(|(_, cell)| !cell.is_empty()) {
                        // Written as strings, never formulas.
                        sheet.write_string(*row, col as u16, cell).map_err(|e| named(&self.name, e))?;
                    }
                    *row += 1;
                }
            }
            Sink::Nothing => {}
        }
        rendered.bytes.clear();
        rendered.rows.clear();
        Ok(())
    }

    /// Flushes and closes the output.
    pub fn finish(self) -> io::Result<()> {
        match self.sink {
            Sink::Bytes(mut out) => out.flush().map_err(|e| named(&self.name, e)),
            Sink::Xlsx { mut workbook, path, .. } => workbook.save(&path).map_err(|e| named(&self.name, e)),
            Sink::Nothing => Ok(()),
        }
    }
}

impl Layout {
    /// Whether rows are written at all.
    pub fn writes(&self) -> bool {
        self.format.is_some()
    }

    /// Renders one row into `rendered`: its own cells, then the appended ones; `number` is the
    /// input row's (0 for the header). CSV gets the bytes in `raw` (the cells that were not
    /// UTF-8, by column) in place of those cells' text. Cells are neutralized against formula
    /// injection in CSV and XLSX (which apps may re-evaluate), not in NDJSON.
    pub fn render(
        &self,
        rendered: &mut Rendered,
        number: u64,
        cells: &[String],
        raw: &[(usize, Vec<u8>)],
        extra: &[String],
    ) -> io::Result<()> {
        let all = || cells.iter().chain(extra).map(String::as_str);
        match self.format {
            Some(Format::Csv) if raw.is_empty() => csv_record(&mut rendered.bytes, all().map(str::as_bytes)),
            Some(Format::Csv) => {
                let fields = all().enumerate().map(|(i, cell)| match raw.iter().find(|(at, _)| *at == i) {
                    Some((_, bytes)) => bytes.as_slice(),
                    None => cell.as_bytes(),
                });
                csv_record(&mut rendered.bytes, fields);
            }
            Some(Format::Ndjson) => {
                write_object(&mut rendered.bytes, number, all(), &self.keys, &self.booleans)
            }
            Some(Format::Xlsx) => {
                rendered.rows.push((number, all().map(|c| neutralize(c).into_owned()).collect()))
            }
            None => {}
        }
        Ok(())
    }
}

/// Whether a CSV field must be quoted: it holds a comma, a quote or a line break. One fold
/// that does not stop early, which the compiler vectorises (most fields are short and plain).
fn needs_quotes(field: &[u8]) -> bool {
    field.iter().fold(false, |quoted, &b| quoted | matches!(b, b',' | b'"' | b'\r' | b'\n'))
}

/// Appends one record to `out` as the csv crate writes it with its default settings: fields
/// neutralized, separated by commas, quoted (quotes doubled) only when they hold a comma, a
/// quote or a line break, a lone empty field as `""`, and a `\n` at the end.
fn csv_record<'a>(out: &mut Vec<u8>, fields: impl Iterator<Item = &'a [u8]>) {
    let start = out.len();
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let quoted = needs_quotes(field);
        if quoted {
            out.push(b'"');
        }
        if runs_as_formula(field) {
            out.push(b'\'');
        }
        if quoted {
            for part in field.split_inclusive(|&b| b == b'"') {
                out.extend_from_slice(part);
                if part.ends_with(b"\"") {
                    out.push(b'"');
                }
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(field);
        }
    }
    if out.len() == start {
        out.extend_from_slice(b"\"\"");
    }
    out.push(b'\n');
}

/// The NDJSON key of each column: its header name (`column N` when it has none), with ` (2)`,
/// ` (3)` … added where a name repeats, or is `row`, the key of the row number.
fn unique_keys(header: &[String]) -> Vec<String> {
    let mut used: Vec<String> = vec!["row".into()];
    for (i, name) in header.iter().enumerate() {
        let name = if name.trim().is_empty() { format!("column {}", i + 1) } else { name.clone() };
        let key = (1..)
            .map(|n| if n == 1 { name.clone() } else { format!("{name} ({n})") })
            .find(|k| !used.contains(k))
            .unwrap_or_default();
        used.push(key);
    }
    used.split_off(1)
}

/// One row as a JSON object: `row` first, then the cells in column order.
fn write_object<'a>(
    out: &mut Vec<u8>,
    number: u64,
    cells: impl Iterator<Item = &'a str>,
    keys: &[String],
    booleans: &[bool],
) {
    out.extend_from_slice(b"{\"row\":");
    out.extend_from_slice(decimal(number, &mut [0; 20]));
    for (i, value) in cells.enumerate() {
        out.push(b',');
        match keys.get(i) {
            Some(key) => out.extend_from_slice(key.as_bytes()),
            // A cell past the header's last column (a ragged row).
            None => {
                out.extend_from_slice(b"\"column ");
                out.extend_from_slice(decimal(i as u64 + 1, &mut [0; 20]));
                out.push(b'"');
            }
        }
        out.push(b':');
        match (booleans.get(i).copied().unwrap_or(false), value) {
            (true, "true") => out.extend_from_slice(b"true"),
            (true, "false") => out.extend_from_slice(b"false"),
            (true, "") => out.extend_from_slice(b"null"),
            _ => push_json_string(out, value),
        }
    }
    out.extend_from_slice(b"}\n");
}

/// Appends `value` as a JSON string, escaped as serde_json escapes it. Most values hold nothing
/// to escape (a quote, a backslash, a control character) and are copied as they are, which one
/// fold that does not stop early finds.
fn push_json_string(out: &mut Vec<u8>, value: &str) {
    let plain = value.bytes().fold(true, |plain, b| plain & (b >= b' ' && b != b'"' && b != b'\\'));
    if plain {
        out.push(b'"');
        out.extend_from_slice(value.as_bytes());
        out.push(b'"');
    } else {
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, value);
    }
}

/// Refuses, naming the file, row and column, a row that an XLSX sheet cannot hold.
fn check_xlsx_limits(
    path: &Path,
    header: &[String],
    number: u64,
    row: u32,
    cells: &[String],
) -> io::Result<()> {
    let refuse = |what: String| {
        let place = match number {
            0 => "the header row".to_string(),
            n => format!("row {n}"),
        };
        io::Error::other(format!("{}: {place}{what}; write CSV instead (--output FILE.csv)", path.display()))
    };
    if row >= XLSX_ROWS {
        return Err(refuse(format!(": an XLSX sheet holds at most {XLSX_ROWS} rows")));
    }
    if cells.len() > XLSX_COLUMNS {
        return Err(refuse(format!(
            " has {} columns, an XLSX sheet holds at most {XLSX_COLUMNS}",
            cells.len()
        )));
    }
    for (col, cell) in cells.iter().enumerate() {
        // Bytes first: counting characters is only needed for long cells.
        if cell.len() > XLSX_CELL_CHARS && cell.chars().count() > XLSX_CELL_CHARS {
            let name =
                header.get(col).filter(|h| !h.is_empty()).cloned().unwrap_or_else(|| format!("{}", col + 1));
            return Err(refuse(format!(
                ", column {name}: a cell of {} characters, an XLSX cell holds at most {XLSX_CELL_CHARS}",
                cell.chars().count()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_would_run_as_formulas_get_an_apostrophe() {
        assert_eq!(neutralize("=1+1"), "'=1+1");
        assert_eq!(neutralize("C02TJ0Q7GVC8"), "C02TJ0Q7GVC8");
        let mut bytes = Vec::new();
        csv_record(&mut bytes, [&b"@Jos\xE9"[..], b"Jos\xE9"].into_iter());
        assert_eq!(bytes, b"'@Jos\xE9,Jos\xE9\n");
    }

    #[test]
    fn records_are_written_as_the_csv_crate_writes_them() {
        let records: &[&[&str]] = &[
            &["a", "b"],
            &[""],
            &["", ""],
            &[],
            &["a,b", "say \"hi\"", "two\nlines", "cr\rhere", "\"\""],
            &["=1+1", "-x,y", "@", "\tab", "+\"q\"", "é"],
        ];
        for fields in records {
            let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(vec![]);
            writer.write_record(fields.iter().map(|f| neutralize(f).into_owned())).unwrap();
            let expected = writer.into_inner().unwrap();
            let mut written = Vec::new();
            csv_record(&mut written, fields.iter().map(|f| f.as_bytes()));
            assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(&expected), "{fields:?}");
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        // Every ASCII character alone and within text, then some beyond ASCII.
        let mut values: Vec<String> = (0..=127u8).map(|b| char::from(b).to_string()).collect();
        values.extend((0..=127u8).map(|b| format!("C02{}TJ", char::from(b))));
        values.extend(["", "é", "\u{2028}", "ＪＡＥ", "\u{7f}", "a\"b\\c\n"].map(String::from));
        for value in &values {
            let mut written = Vec::new();
            push_json_string(&mut written, value);
            assert_eq!(written, serde_json::to_vec(value).unwrap(), "{value:?}");
        }
    }

    #[test]
    fn a_row_is_one_json_object_with_its_number() {
        let keys = ["\"a\"".to_string(), "\"ok\"".to_string()];
        let mut written = Vec::new();
        let cells = ["x\"y", "true", "past the header"];
        write_object(&mut written, 42, cells.into_iter(), &keys, &[false, true]);
        let row: serde_json::Value = serde_json::from_slice(&written).unwrap();
        assert_eq!(
            row,
            serde_json::json!({"row": 42, "a": "x\"y", "ok": true, "column 3": "past the header"})
        );
        assert!(written.ends_with(b"}\n"));
    }
}
