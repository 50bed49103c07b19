//! Which columns to read: named ones, or those the header or the content points to.

use super::check::Failure;
use super::read::{Input, Located, ReadOptions};
use crate::{Kind, Options, Registry};

/// Header names of a column naming each row's manufacturer, lower case.
const VENDOR_HEADERS: &[&str] = &["manufacturer", "vendor", "make", "brand", "oem", "hersteller"];

/// Header names of a model-number column, lower case.
const MODEL_HEADERS: &[&str] = &["model", "model number", "part number", "product number", "machine type"];

/// Opens the file. One whose first row is itself a value (a plain list of serials) would
/// lose that value as a header: it is read as headerless, and that is said on stderr.
pub(super) fn open_input(
    registry: &Registry,
    located: &Located,
    options: &mut ReadOptions,
    quiet: bool,
) -> Result<Input, Failure> {
    let input = Input::open(located, options)?;
    if !input.has_header || !first_row_is_data(registry, &input, located, options)? {
        return Ok(input);
    }
    if !quiet {
        let first = input.header.iter().find(|c| !c.trim().is_empty()).cloned().unwrap_or_default();
        eprintln!(
            "serialkit: {}: the first row ('{first}') is a value, not a header: read without one, as \
             --no-header would",
            input.name
        );
    }
    options.no_header = true;
    Ok(Input::open(located, options)?)
}

/// Whether the header row is a row of data: no cell of it names a column, one is a valid
/// identifier with a digit in it (header words such as "Owner" fit loose serial patterns),
/// and no row after it looks like a header either.
fn first_row_is_data(
    registry: &Registry,
    input: &Input,
    located: &Located,
    options: &ReadOptions,
) -> Result<bool, String> {
    let names_a_column = |cells: &[String]| cells.iter().any(|c| is_header_name(c));
    if names_a_column(&input.header) {
        return Ok(false);
    }
    let value = |cell: &String| {
        cell.bytes().any(|b| b.is_ascii_digit())
            && registry.best(cell, &Options::default()).is_ok_and(|d| d.confidence >= MIN_CONFIDENCE)
    };
    if !input.header.iter().any(value) {
        return Ok(false);
    }
    let mut sample = Input::open(located, options)?;
    let rows = sample.next_batch(SAMPLE_ROWS)?;
    Ok(!rows.iter().any(|r| names_a_column(&r.cells)))
}

/// Whether `header` is a column name serialkit knows (Serial Number, MAC, Manufacturer, Model …).
fn is_header_name(header: &str) -> bool {
    header_kind(header).is_some() || is_one_of(header, VENDOR_HEADERS) || is_one_of(header, MODEL_HEADERS)
}

/// Whether `header` is one of `names` (lower case), whatever its case and surrounding spaces.
fn is_one_of(header: &str, names: &[&str]) -> bool {
    names.contains(&header.trim().to_lowercase().as_str())
}

/// The file's column names, for messages that list them.
fn column_list(input: &Input) -> String {
    (0..input.header.len()).map(|i| input.column_name(i)).collect::<Vec<_>>().join(", ")
}

/// Readings less sure than this do not make a column one of identifiers.
const MIN_CONFIDENCE: f64 = 0.3;

/// How many rows are read to judge what a file holds.
const SAMPLE_ROWS: usize = 200;

/// A column being checked.
#[derive(Clone)]
pub(super) struct Checked {
    pub index: usize,
    pub name: String,
    pub kind: Option<Kind>,
}

/// What the user said about columns, for [`choose_columns`].
pub(super) struct Selection<'a> {
    pub columns: &'a [String],
    pub kind: Option<Kind>,
    pub vendor: Option<&'a str>,
    pub vendor_column: Option<&'a str>,
    pub quiet: bool,
    /// The columns chosen in the first of several files compared: a `--column` name missing
    /// from this file stands for its column of the same kind.
    pub like: &'a [Checked],
}

/// Picks the columns to check: named ones, or those whose header or content says so.
pub(super) fn choose_columns(
    registry: &Registry,
    input: &mut Input,
    sel: &Selection,
    located: &Located,
    options: &ReadOptions,
) -> Result<(Vec<Checked>, Option<usize>), Failure> {
    let find = |name: &str| find_column(input, name, located, options);
    let mut vendor_column = sel.vendor_column.map(find).transpose()?;
    if vendor_column.is_none() && sel.vendor.is_none() && input.has_header {
        // A manufacturer column picks each row's vendor rules, as --vendor-column would.
        vendor_column = input.header.iter().position(|h| is_one_of(h, VENDOR_HEADERS));
        if let (Some(i), false) = (vendor_column, sel.quiet) {
            eprintln!(
                "serialkit: vendors from column '{}' (use --vendor or --vendor-column to change)",
                input.column_name(i)
            );
        }
    }
    if !sel.columns.is_empty() {
        let mut list = Vec::new();
        // The --column each column of `list` was found by, by its name or number (not its kind).
        let mut named_as: Vec<Option<&str>> = Vec::new();
        for (n, name) in sel.columns.iter().enumerate() {
            // A column another file calls otherwise is found here by its kind.
            let by_kind =
                || sel.like.get(n).and_then(|c| c.kind).and_then(|k| column_of_kind(registry, input, k));
            let (index, named) = match find(name) {
                Ok(index) => (index, true),
                Err(e) => (by_kind().ok_or(e)?, false),
            };
            // Checked twice, every finding and duplicate of the column would count twice.
            if let Some(n) = list.iter().position(|c: &Checked| c.index == index) {
                match (named_as[n], named) {
                    (Some(first), true) => {
                        return Err(Failure::Usage(format!(
                            "{}: --column '{first}' and --column '{name}' are the same column ({}); name it once",
                            input.name,
                            input.column_name(index)
                        )));
                    }
                    // Found by kind in a file compared against: its one column of that kind
                    // stands for both names.
                    _ => continue,
                }
            }
            named_as.push(named.then_some(name.as_str()));
            let header = input.header.get(index).filter(|_| input.has_header).map_or("", String::as_str);
            let kind = sel.kind.or_else(|| checkable_kind(registry, header));
            list.push(Checked { index, name: input.column_name(index), kind });
        }
        return Ok((list, vendor_column));
    }
    let mut list: Vec<Checked> = Vec::new();
    if input.has_header {
        for (index, h) in input.header.iter().enumerate() {
            if Some(index) == vendor_column {
                continue;
            }
            if let Some(kind) = checkable_kind(registry, h) {
                list.push(Checked {
                    index,
                    name: input.column_name(index),
                    kind: Some(sel.kind.unwrap_or(kind)),
                });
            }
        }
    }
    if list.is_empty() {
        // Nothing in the header: sample the content and keep columns that mostly decode.
        let mut sample_input = Input::open(located, options)?;
        let sample = sample_input.next_batch(SAMPLE_ROWS)?;
        let width = sample.iter().map(|r| r.cells.len()).max().unwrap_or(0).max(input.header.len());
        for index in 0..width {
            let values: Vec<&str> = sample
                .iter()
                .filter_map(|r| r.cells.get(index).map(String::as_str))
                .filter(|v| !v.trim().is_empty())
                .collect();
            let hits = values
                .iter()
                .filter(|v| {
                    let r = registry.best(v, &Options { kind: sel.kind, ..Options::default() });
                    r.is_ok_and(|d| d.confidence >= MIN_CONFIDENCE)
                })
                .count();
            let mostly = !values.is_empty() && hits * 2 >= values.len();
            // A one-column file is checked whatever it holds.
            if mostly || width == 1 {
                list.push(Checked { index, name: input.column_name(index), kind: sel.kind });
            }
        }
    }
    if list.is_empty() {
        return Err(Failure::Usage(format!(
            "{}: cannot tell which column holds serials; name it with --column (columns: {})",
            input.name,
            column_list(input)
        )));
    }
    Ok((list, vendor_column))
}

/// The column `name` (a header name or a 1-based number) of `input`.
fn find_column(input: &Input, name: &str, located: &Located, options: &ReadOptions) -> Result<usize, String> {
    if let Some(i) = input.header.iter().position(|h| h.trim().eq_ignore_ascii_case(name.trim())) {
        if input.has_header {
            return Ok(i);
        }
    }
    match name.parse::<usize>() {
        Ok(n) if n >= 1 && n <= input.header.len() => Ok(n - 1),
        Ok(n) if n >= 1 => {
            // Beyond the header (or with none): the first rows say how wide the file is.
            let count = column_count(input, located, options)?;
            if n <= count {
                return Ok(n - 1);
            }
            let plural = if count == 1 { "" } else { "s" };
            Err(format!("{}: no column {n}; the file has {count} column{plural}", input.name))
        }
        Ok(0) => Err(format!("{}: no column 0: columns are numbered from 1", input.name)),
        _ if !input.has_header => Err(format!(
            "{}: no column '{name}': with --no-header there are no names; give the column's number (from 1)",
            input.name
        )),
        _ => Err(format!("{}: no column '{name}'; columns: {}", input.name, column_list(input))),
    }
}

/// How many columns the file has: its header's, or its widest of the first rows'.
fn column_count(input: &Input, located: &Located, options: &ReadOptions) -> Result<usize, String> {
    let mut sample = Input::open(located, options)?;
    let rows = sample.next_batch(SAMPLE_ROWS)?;
    Ok(rows.iter().map(|r| r.cells.len()).fold(input.header.len(), usize::max))
}

/// The kind a header name says its column holds, when it names an identifier.
fn header_kind(header: &str) -> Option<Kind> {
    let h = header.trim().to_lowercase();
    let words: Vec<&str> = h.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let has = |w: &str| words.contains(&w);
    if has("imei") || has("imei1") || has("imei2") {
        return Some(Kind::Imei);
    }
    if has("meid") {
        return Some(Kind::Meid);
    }
    if has("iccid") {
        return Some(Kind::Iccid);
    }
    if has("mac") || h.contains("mac address") || h.contains("macaddress") || has("ethernet") || has("wifi") {
        return Some(Kind::Mac);
    }
    let serialish = has("serial")
        || has("sn")
        || h.contains("s/n")
        || h.contains("serialnumber")
        || h.contains("service tag")
        || h.contains("servicetag")
        || h.contains("seriennummer");
    if serialish {
        return Some(Kind::Serial);
    }
    if has("sku") {
        return Some(Kind::Sku);
    }
    if h.contains("asset tag") || h.contains("assettag") || has("asset") {
        return Some(Kind::AssetTag);
    }
    None
}

/// The kind to check a column with that header as, when `registry` can check it: SKUs and
/// asset tags only have the formats an organisation's own rule files give them.
fn checkable_kind(registry: &Registry, header: &str) -> Option<Kind> {
    header_kind(header).filter(|&kind| {
        !matches!(kind, Kind::Sku | Kind::AssetTag)
            || registry.vendors().any(|v| v.formats.iter().any(|f| Kind::from(f.identifies) == kind))
    })
}

/// The first column whose header says it holds `kind`, when `registry` can check that kind.
fn column_of_kind(registry: &Registry, input: &Input, kind: Kind) -> Option<usize> {
    let headers = input.header.iter().filter(|_| input.has_header);
    headers.map(|h| checkable_kind(registry, h)).position(|k| k == Some(kind))
}

/// The columns a value of another kind belongs in, by kind, for hints ("move it to the 'MAC
/// Address' column"): identifier columns, and model-number columns.
pub(super) fn destinations(input: &Input) -> Vec<(Kind, String)> {
    if !input.has_header {
        return Vec::new();
    }
    let mut list: Vec<(Kind, String)> = Vec::new();
    for (i, header) in input.header.iter().enumerate() {
        let kind = header_kind(header).or_else(|| is_one_of(header, MODEL_HEADERS).then_some(Kind::Model));
        if let Some(kind) = kind.filter(|k| list.iter().all(|(other, _)| other != k)) {
            list.push((kind, input.column_name(i)));
        }
    }
    list
}
