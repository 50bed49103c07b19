//! Writing annotated rows: CSV, XLSX or NDJSON, with cells made safe to open in a spreadsheet.

use std::borrow::Cow;
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

enum Sink {
    Csv(Box<csv::Writer<Box<dyn Write>>>),
    Xlsx {
        workbook: Box<rust_xlsxwriter::Workbook>,
        path: PathBuf,
        row: u32,
        header: Vec<String>,
    },
    /// `keys` are JSON-encoded already.
    Ndjson {
        out: Box<dyn Write>,
        keys: Vec<String>,
        booleans: Vec<bool>,
    },
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
}

/// Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return at
/// the start) gets a leading apostrophe, as OWASP recommends for CSV injection.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    if runs_as_formula(cell.as_bytes()) { format!("'{cell}").into() } else { cell.into() }
}

/// [`neutralize`] for a cell's bytes as read (not UTF-8).
fn neutralize_bytes(cell: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if runs_as_formula(cell) { [b"'", cell].concat().into() } else { cell.into() }
}

fn runs_as_formula(cell: &[u8]) -> bool {
    matches!(cell.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
}

impl Output {
    /// Opens `path` (stdout for `None` or `-`); `discard` writes nothing (summary-only runs).
    pub fn create(path: Option<&Path>, format: Format, discard: bool) -> Result<Output, String> {
        if discard {
            return Ok(Output { sink: Sink::Nothing });
        }
        let path = path.filter(|p| *p != Path::new("-"));
        let open = || -> Result<Box<dyn Write>, String> {
            Ok(match path {
                Some(p) => Box::new(BufWriter::with_capacity(
                    1 << 16,
                    File::create(p).map_err(|e| format!("{}: {e}", p.display()))?,
                )),
                None => Box::new(BufWriter::with_capacity(1 << 16, io::stdout())),
            })
        };
        let sink = match format {
            Format::Csv => Sink::Csv(Box::new(csv::WriterBuilder::new().flexible(true).from_writer(open()?))),
            Format::Ndjson => Sink::Ndjson { out: open()?, keys: Vec::new(), booleans: Vec::new() },
            Format::Xlsx => {
                let Some(path) = path else {
                    return Err("XLSX output needs a file: add --output FILE.xlsx".into());
                };
                let mut workbook = Box::new(rust_xlsxwriter::Workbook::new());
                let _ = workbook.add_worksheet_with_constant_memory();
                Sink::Xlsx { workbook, path: path.to_path_buf(), row: 0, header: Vec::new() }
            }
        };
        Ok(Output { sink })
    }

    /// Names the columns: `header` is written as the first row when `write` is set (a file
    /// read with a header). In NDJSON the names are the keys, made unique; columns listed in
    /// `booleans` hold `true`/`false` (or nothing) and are written as JSON booleans (or null).
    pub fn header(&mut self, header: &[String], booleans: &[usize], write: bool) -> io::Result<()> {
        match &mut self.sink {
            Sink::Ndjson { keys, booleans: flags, .. } => {
                // Encoded once, not once a cell.
                *keys = unique_keys(header)
                    .iter()
                    .map(|k| serde_json::Value::from(k.as_str()).to_string())
                    .collect();
                *flags = (0..header.len()).map(|i| booleans.contains(&i)).collect();
                Ok(())
            }
            Sink::Xlsx { header: names, .. } => {
                // Kept to name the column of a cell too long for XLSX.
                *names = header.to_vec();
                if write { self.cells(0, header.iter().map(String::as_str)) } else { Ok(()) }
            }
            _ if write => self.cells(0, header.iter().map(String::as_str)),
            _ => Ok(()),
        }
    }

    /// Writes one row: its own cells, then the appended ones. CSV gets the bytes in `raw` (the
    /// cells that were not UTF-8, by column) in place of those cells' text.
    pub fn row(
        &mut self,
        number: u64,
        cells: &[String],
        raw: &[(usize, Vec<u8>)],
        extra: &[Cow<str>],
    ) -> io::Result<()> {
        let all = || cells.iter().map(String::as_str).chain(extra.iter().map(|c| c.as_ref()));
        match &mut self.sink {
            Sink::Ndjson { out, keys, booleans } => write_object(out, number, all(), keys, booleans),
            Sink::Csv(w) if !raw.is_empty() => {
                let text = all().map(|c| neutralize_bytes(c.as_bytes()));
                let record: Vec<std::borrow::Cow<[u8]>> = text
                    .enumerate()
                    .map(|(i, cell)| match raw.iter().find(|(at, _)| *at == i) {
                        Some((_, bytes)) => neutralize_bytes(bytes),
                        None => cell,
                    })
                    .collect();
                w.write_record(&record).map_err(csv_io)
            }
            _ => self.cells(number, all()),
        }
    }

    /// Writes one row of cells; `number` is the input row's (0 for the header).
    fn cells<'a>(&mut self, number: u64, cells: impl Iterator<Item = &'a str>) -> io::Result<()> {
        match &mut self.sink {
            Sink::Csv(w) => w
                .write_record(cells.map(neutralize).collect::<Vec<_>>().iter().map(|c| c.as_bytes()))
                .map_err(csv_io),
            Sink::Xlsx { workbook, row, path, header } => {
                // Written as strings, never formulas; neutralized for apps that re-evaluate.
                let cells: Vec<_> = cells.map(neutralize).collect();
                check_xlsx_limits(path, header, number, *row, &cells)?;
                let sheet = workbook.worksheet_from_index(0).map_err(io::Error::other)?;
                for (col, cell) in cells.into_iter().enumerate() {
                    sheet.write_string(*row, col as u16, cell).map_err(io::Error::other)?;
                }
                *row += 1;
                Ok(())
            }
            Sink::Ndjson { .. } | Sink::Nothing => Ok(()),
        }
    }

    /// Flushes and closes the output.
    pub fn finish(self) -> io::Result<()> {
        match self.sink {
            Sink::Csv(mut w) => w.flush(),
            Sink::Ndjson { mut out, .. } => out.flush(),
            Sink::Xlsx { mut workbook, path, .. } => workbook.save(&path).map_err(io::Error::other),
            Sink::Nothing => Ok(()),
        }
    }
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
    out: &mut dyn Write,
    number: u64,
    cells: impl Iterator<Item = &'a str>,
    keys: &[String],
    booleans: &[bool],
) -> io::Result<()> {
    write!(out, "{{\"row\":{number}")?;
    for (i, value) in cells.enumerate() {
        match keys.get(i) {
            Some(key) => write!(out, ",{key}:")?,
            // A cell past the header's last column (a ragged row).
            None => write!(out, ",\"column {}\":", i + 1)?,
        }
        match (booleans.get(i).copied().unwrap_or(false), value) {
            (true, "true") => out.write_all(b"true")?,
            (true, "false") => out.write_all(b"false")?,
            (true, "") => out.write_all(b"null")?,
            _ => serde_json::to_writer(&mut *out, value).map_err(io::Error::other)?,
        }
    }
    out.write_all(b"}\n")
}

/// Refuses, naming the file, row and column, a row that an XLSX sheet cannot hold.
fn check_xlsx_limits(
    path: &Path,
    header: &[String],
    number: u64,
    row: u32,
    cells: &[Cow<'_, str>],
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

fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_would_run_as_formulas_get_an_apostrophe() {
        assert_eq!(neutralize("=1+1"), "'=1+1");
        assert_eq!(neutralize("C02TJ0Q7GVC8"), "C02TJ0Q7GVC8");
        assert_eq!(&*neutralize_bytes(b"@Jos\xE9"), b"'@Jos\xE9");
        assert_eq!(&*neutralize_bytes(b"Jos\xE9"), b"Jos\xE9");
    }
}
