//! The bodies of the fuzz targets: each takes the fuzzer's bytes, runs one entry point of
//! serialkit and asserts what must hold for every input. A broken promise is a panic, which the
//! fuzzer reports as a crash.
//!
//! The same file is compiled into the main crate's `tests/repo/fuzz_corpus.rs`, which replays the
//! committed corpus and crash inputs through these functions on stable Rust, so `cargo test` runs
//! exactly what the fuzzer ran.

use serialkit::cli::read::{Input, ReadOptions, locate};
use serialkit::{Decoded, Kind, Options, PartialState, Problem, Registry, Report};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A target's body: it takes the fuzzer's bytes and panics when a promise is broken.
pub type Body = fn(&[u8]);

/// Every target: its name (the folder of its corpus) and its body.
pub const TARGETS: &[(&str, Body)] = &[
    ("decode", decode),
    ("decode_vendor", decode_vendor),
    ("check_partial", check_partial),
    ("mac", mac),
    ("gs1", gs1),
    ("rules", rules),
    ("csv", csv),
    ("sheet", sheet),
];

/// The first byte picks the options, the rest is the value (invalid UTF-8 replaced).
fn split(data: &[u8]) -> (u8, String) {
    match data.split_first() {
        Some((&selector, rest)) => (selector, String::from_utf8_lossy(rest).into_owned()),
        None => (0, String::new()),
    }
}

/// The built-in vendor ids in name order, the order seeds are written in (`scripts/fuzz.sh`).
fn vendor_ids() -> Vec<&'static str> {
    let mut ids: Vec<&str> = Registry::builtin().vendors().map(|v| v.id.as_str()).collect();
    ids.sort_unstable();
    ids
}

/// Decodes a value without a vendor; the selector picks the kind (or none) and `strict`.
pub fn decode(data: &[u8]) {
    let (selector, value) = split(data);
    let kind = Kind::ALL.get(usize::from(selector & 0x7f) % (Kind::ALL.len() + 1)).copied();
    let options = Options { vendor: None, kind, strict: selector & 0x80 != 0 };
    let report = Registry::builtin().decode(&value, &options);
    check_report(Registry::builtin(), &value, &report, &options);
    let once = serialkit::normalize(&value);
    assert_eq!(serialkit::normalize(&once), once, "normalize is not idempotent on {value:?}");
}

/// Decodes a value as one vendor's; the selector picks the vendor.
pub fn decode_vendor(data: &[u8]) {
    let (selector, value) = split(data);
    let ids = vendor_ids();
    let options = Options::vendor(ids[usize::from(selector) % ids.len()]);
    let report = Registry::builtin().decode(&value, &options);
    check_report(Registry::builtin(), &value, &report, &options);
}

/// Checks a value as typed; the selector picks the vendor or, past the last, every vendor.
pub fn check_partial(data: &[u8]) {
    let (selector, value) = split(data);
    let ids = vendor_ids();
    let vendor = ids.get(usize::from(selector) % (ids.len() + 1)).copied().unwrap_or("");
    check_typing(Registry::builtin(), &value, vendor);
}

/// Reads a MAC address leniently and strictly.
pub fn mac(data: &[u8]) {
    let value = String::from_utf8_lossy(data);
    let lenient = serialkit::ids::mac::parse(&value);
    let strict = serialkit::ids::mac::parse_strict(&value);
    for result in [&lenient, &strict] {
        match result {
            Ok(d) => {
                assert_eq!(d.kind, Kind::Mac);
                let again = serialkit::ids::mac::parse_strict(&d.normalized)
                    .unwrap_or_else(|p| panic!("{value:?} → {:?} no longer parses: {p}", d.normalized));
                assert_eq!(again.normalized, d.normalized, "{value:?}");
                assert_eq!(facts(&again), facts(d), "{value:?}");
            }
            Err(p) => check_problem(&value, p),
        }
    }
    if let Ok(s) = &strict {
        let l = lenient.as_ref().expect("what strict reading accepts, the lenient one accepts");
        assert_eq!(l.normalized, s.normalized, "{value:?}");
    }
}

/// Reads a GS1 element string.
pub fn gs1(data: &[u8]) {
    let value = String::from_utf8_lossy(data);
    let _ = serialkit::ids::gs1::looks_like(&value);
    match serialkit::ids::gs1::parse(&value) {
        Ok(d) => {
            assert_eq!(d.kind, Kind::Gs1);
            let again = serialkit::ids::gs1::parse(&d.normalized)
                .unwrap_or_else(|p| panic!("{value:?} → {:?} no longer parses: {p}", d.normalized));
            assert_eq!(again.normalized, d.normalized, "{value:?}");
            assert_eq!(facts(&again), facts(&d), "{value:?}");
        }
        Err(p) => check_problem(&value, &p),
    }
}

/// Loads a rule file's text as `fuzz.toml`, compiles it and runs its examples.
pub fn rules(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (rules, issues) = serialkit::rules::parse_file(Path::new("fuzz.toml"), &text);
    for issue in &issues {
        assert!(!issue.message.is_empty(), "an empty message at {}", issue.key);
        let _ = issue.to_string();
    }
    let Some(rules) = rules.filter(|_| issues.is_empty()) else { return };
    let examples: Vec<String> = rules.examples.iter().take(16).map(|e| e.value.clone()).collect();
    let registry = match Registry::from_rules(vec![rules]) {
        Ok(registry) => registry,
        Err(issues) => {
            assert!(!issues.is_empty(), "a refused rule file names its problems");
            issues.iter().for_each(|i| assert!(!i.message.is_empty(), "{i}"));
            return;
        }
    };
    for value in &examples {
        let options = Options::vendor("fuzz");
        let report = registry.decode(value, &options);
        check_report(&registry, value, &report, &options);
        check_typing(&registry, value, "fuzz");
    }
}

/// Reads the bytes as a CSV file, whole and one column only: the same rows either way.
pub fn csv(data: &[u8]) {
    let file = Scratch::new("csv", data);
    let whole = read_all(&file.0, false);
    let one_column = read_all(&file.0, true);
    assert_eq!(whole, one_column, "reading one column numbers the rows differently");
}

/// Reads the bytes as a spreadsheet. Bytes that are not a zip or an OLE file are taken as the
/// XML of an XLSX worksheet (and, after a NUL byte, its shared strings), wrapped in a workbook.
pub fn sheet(data: &[u8]) {
    let is_zip = data.starts_with(b"PK\x03\x04");
    let is_ole = data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let bytes = match is_zip || is_ole {
        true => data.to_vec(),
        false => {
            let (sheet, strings) = match data.iter().position(|&b| b == 0) {
                Some(i) => (&data[..i], &data[i + 1..]),
                None => (data, &b""[..]),
            };
            xlsx(sheet, strings)
        }
    };
    let file = Scratch::new("xlsx", &bytes);
    let _ = read_all(&file.0, false);
}

/// A minimal XLSX workbook with one sheet, `Sheet1`, whose XML is `sheet`, and the shared
/// strings `strings` (left out when empty). Stored, not compressed.
pub fn xlsx(sheet: &[u8], strings: &[u8]) -> Vec<u8> {
    const TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
    const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if !strings.is_empty() {
        parts.push(("xl/sharedStrings.xml", strings));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in parts {
        zip.start_file(name, stored).expect("a zip entry in memory");
        zip.write_all(bytes).expect("a zip entry in memory");
    }
    zip.finish().expect("a zip in memory").into_inner()
}

/// Reads every row of the file at `path`; the row numbers and field counts, or the error.
fn read_all(path: &Path, one_column: bool) -> Result<Vec<(u64, usize)>, String> {
    let located = locate(path).expect("a path is located as it is");
    let name = located.name.clone();
    let mut input = match Input::open(&located, &ReadOptions::default()) {
        Ok(input) => input,
        Err(message) => {
            assert!(message.starts_with(&format!("{name}: ")), "the error names the file: {message}");
            return Err(message);
        }
    };
    if one_column {
        input.only_columns(&[0]);
    }
    let mut rows = Vec::new();
    // Rows come after the header, numbered as a spreadsheet shows them.
    let mut last = if input.has_header { input.first_number } else { 0 };
    loop {
        let batch = match input.next_batch(64) {
            Ok(batch) => batch,
            Err(message) => {
                assert!(message.starts_with(&format!("{name}: row ")), "the error names the row: {message}");
                return Err(message);
            }
        };
        if batch.is_empty() {
            break;
        }
        for row in batch {
            assert!(row.number > last, "row {} after row {last}", row.number);
            last = row.number;
            rows.push((row.number, row.cells.len()));
        }
    }
    for w in &input.warnings {
        assert!((1..=last).contains(&w.row), "a warning about row {} of {last}: {}", w.row, w.message);
        assert!(!w.message.is_empty() && !w.message.ends_with('.'), "{}", w.message);
    }
    Ok(rows)
}

/// What a decode report promises whatever the input.
fn check_report(registry: &Registry, value: &str, report: &Report, options: &Options) {
    assert_eq!(report.valid, !report.candidates.is_empty(), "{value:?}");
    assert_eq!(report.valid, report.errors.is_empty(), "{value:?}");
    report.errors.iter().for_each(|p| check_problem(value, p));
    for c in &report.candidates {
        assert!((0.0..=1.0).contains(&c.confidence), "confidence {} for {value:?}", c.confidence);
    }
    let Some(best) = report.candidates.first() else { return };
    // The normalized form reads the same: same format, same facts.
    let again_options = match best.vendor.is_empty() {
        true => Options { kind: Some(best.kind), ..options.clone() },
        false => Options { vendor: Some(best.vendor.clone()), ..options.clone() },
    };
    let again = registry.decode(&best.normalized, &again_options);
    // A label string that normalizes to the serial inside it (`normalize_to`) reads as that serial.
    let wraps_a_serial = registry
        .vendors()
        .flat_map(|v| &v.formats)
        .any(|f| f.id == best.format && !f.normalize_to.is_empty());
    if wraps_a_serial {
        let serial = again.candidates.iter().any(|d| d.normalized == best.normalized);
        assert!(serial, "{value:?} → {:?} does not read as itself: {:?}", best.normalized, again.errors);
        return;
    }
    let same = again.candidates.iter().find(|d| d.format == best.format);
    let same = same.unwrap_or_else(|| {
        panic!("{value:?} → {:?} no longer fits {}: {:?}", best.normalized, best.format, again.errors)
    });
    assert_eq!(facts(same), facts(best), "{value:?} → {:?}", best.normalized);
}

/// What a check while typing promises: a consistent state, spans inside the value, and for a
/// valid value, no prefix of it that is invalid.
fn check_typing(registry: &Registry, value: &str, vendor: &str) {
    let partial = registry.check_partial(value, vendor);
    if let Some(p) = &partial.problem {
        check_problem(value, p);
    }
    match partial.state {
        PartialState::Valid => assert!(partial.decoded.is_some() && partial.problem.is_none(), "{value:?}"),
        PartialState::Incomplete => assert!(partial.problem.is_some() && partial.needs > 0, "{value:?}"),
        PartialState::Invalid => assert!(partial.problem.is_some(), "{value:?}"),
    }
}

/// What every problem promises: a span inside the value, a message, a renderable caret line.
fn check_problem(value: &str, p: &Problem) {
    let len = value.chars().count();
    let span = p.span();
    assert!(span.start <= span.end && span.end <= len, "{span:?} outside {value:?} ({len} characters)");
    assert!(!p.message().is_empty(), "an empty message for {value:?}");
    assert!(!p.message().ends_with('.'), "a message ends with a period: {:?}", p.message());
    let _ = p.render(value);
}

/// A decoded value's fields without those that say how the value was written (`notation`, and
/// a GS1 string's `symbology`), which its normalized form does not keep.
fn facts(d: &Decoded) -> BTreeMap<String, serialkit::Value> {
    let mut fields = d.fields.clone();
    fields.remove("notation");
    fields.remove("symbology");
    fields
}

/// A file holding the input for the length of one run, removed afterwards.
struct Scratch(PathBuf);

impl Scratch {
    fn new(extension: &str, data: &[u8]) -> Scratch {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        // Memory-backed when the machine has it: the fuzzer writes one file per input.
        let dir = Path::new("/dev/shm");
        let dir = if dir.is_dir() { dir.to_path_buf() } else { std::env::temp_dir() };
        let path = dir.join(format!("serialkit-fuzz-{}-{n}.{extension}", std::process::id()));
        std::fs::write(&path, data).expect("a scratch file");
        Scratch(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
