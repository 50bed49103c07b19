//! Writing annotated rows: CSV, XLSX or NDJSON, with cells made safe to open in a spreadsheet.

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
    Xlsx { workbook: Box<rust_xlsxwriter::Workbook>, path: PathBuf, row: u32 },
    Ndjson { out: Box<dyn Write>, header: Vec<String> },
    Nothing,
}

/// Where annotated rows go.
pub struct Output {
    sink: Sink,
}

/// Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return at
/// the start) gets a leading apostrophe, as OWASP recommends for CSV injection.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
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
            Format::Ndjson => Sink::Ndjson { out: open()?, header: Vec::new() },
            Format::Xlsx => {
                let Some(path) = path else {
                    return Err("XLSX output needs a file: add --output FILE.xlsx".into());
                };
                let mut workbook = Box::new(rust_xlsxwriter::Workbook::new());
                let _ = workbook.add_worksheet_with_constant_memory();
                Sink::Xlsx { workbook, path: path.to_path_buf(), row: 0 }
            }
        };
        Ok(Output { sink })
    }

    /// Writes the header row.
    pub fn header(&mut self, header: &[String]) -> io::Result<()> {
        match &mut self.sink {
            Sink::Ndjson { header: h, .. } => {
                *h = header.to_vec();
                Ok(())
            }
            _ => self.cells(0, header.iter().map(String::as_str)),
        }
    }

    /// Writes one row: its own cells, then the appended ones.
    pub fn row(&mut self, number: u64, cells: &[String], extra: &[String]) -> io::Result<()> {
        if let Sink::Ndjson { out, header } = &mut self.sink {
            let mut object = serde_json::Map::new();
            object.insert("row".into(), number.into());
            for (i, value) in cells.iter().chain(extra).enumerate() {
                let key = header
                    .get(i)
                    .filter(|h| !h.is_empty())
                    .cloned()
                    .unwrap_or_else(|| format!("column {}", i + 1));
                object.insert(key, value.as_str().into());
            }
            serde_json::to_writer(&mut *out, &object).map_err(io::Error::other)?;
            return writeln!(out);
        }
        self.cells(number, cells.iter().chain(extra).map(String::as_str))
    }

    fn cells<'a>(&mut self, _number: u64, cells: impl Iterator<Item = &'a str>) -> io::Result<()> {
        match &mut self.sink {
            Sink::Csv(w) => w
                .write_record(cells.map(neutralize).collect::<Vec<_>>().iter().map(|c| c.as_bytes()))
                .map_err(csv_io),
            Sink::Xlsx { workbook, row, .. } => {
                let sheet = workbook.worksheet_from_index(0).map_err(io::Error::other)?;
                for (col, cell) in cells.enumerate() {
                    // Written as strings, never formulas; neutralized for apps that re-evaluate.
                    sheet.write_string(*row, col as u16, neutralize(cell)).map_err(io::Error::other)?;
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

fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}
