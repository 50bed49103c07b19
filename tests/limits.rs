//! Resource limits and safe output: the input length cap of the library (the JS API shares it),
//! and written cells that a spreadsheet cannot run as formulas, in CSV and in XLSX.

use calamine::{Data, Reader};
use serialkit::{Kind, Options, PartialState, ProblemKind, Registry};
use std::path::PathBuf;
use std::process::Command;

const MAX: usize = serialkit::MAX_INPUT_CHARS;

#[track_caller]
fn too_long(result: Result<serialkit::Decoded, serialkit::Problem>, message: &str, span: (usize, usize)) {
    let problem = result.expect_err("refused");
    assert_eq!(problem.kind(), ProblemKind::TooLong);
    assert_eq!(problem.message(), message);
    assert_eq!((problem.span().start, problem.span().end), span);
}

#[test]
fn values_over_the_limit_are_refused_everywhere() {
    let long = "A".repeat(MAX + 1);
    let message = "too long: 257 characters, no identifier takes more than 256";
    let registry = Registry::builtin();
    too_long(registry.best(&long, &Options::default()), message, (256, 257));
    too_long(registry.validate(&long, "apple"), message, (256, 257));
    for kind in [Kind::Serial, Kind::Mac, Kind::Imei, Kind::Gtin, Kind::Gs1] {
        too_long(
            registry.best(&long, &Options { kind: Some(kind), ..Options::default() }),
            message,
            (256, 257),
        );
    }
    let report = registry.decode(&long, &Options::default());
    assert!(!report.valid && report.candidates.is_empty());
    assert_eq!(report.errors[0].message(), message);

    let partial = registry.check_partial(&long, "apple");
    assert_eq!(partial.state, PartialState::Invalid, "no more typing makes it valid");
    assert_eq!(partial.problem.unwrap().message(), message);

    let digits = "1".repeat(MAX + 44);
    let message = "too long: 300 characters, no identifier takes more than 256";
    too_long(serialkit::ids::mac::parse(&digits), message, (256, 300));
    too_long(serialkit::ids::imei::parse_imei(&digits), message, (256, 300));
    too_long(serialkit::ids::gtin::parse(&digits), message, (256, 300));
    too_long(serialkit::ids::gs1::parse(&digits), message, (256, 300));
}

#[test]
fn the_limit_is_counted_after_clean_up() {
    // White space around and invisible characters inside do not count; the span is the input's.
    let padded = format!("{}C02TJ0Q7GVC8{}", " ".repeat(5000), "\u{200B}".repeat(5000));
    let decoded = serialkit::validate(&padded, "apple").unwrap();
    assert_eq!(decoded.normalized, "C02TJ0Q7GVC8");
    let long = format!("{}{}", " ".repeat(10), "B".repeat(MAX + 10));
    let err = serialkit::validate(&long, "apple").unwrap_err();
    assert_eq!(err.message(), "too long: 266 characters, no identifier takes more than 256");
    assert_eq!((err.span().start, err.span().end), (266, 276), "from the 257th kept character, as typed");
    // A 10 MB value is refused as any other.
    let huge = "7".repeat(10 << 20);
    assert_eq!(serialkit::validate(&huge, "dell").unwrap_err().kind(), ProblemKind::TooLong);
}

fn scratch(name: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("limits");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name).display().to_string()
}

/// Cells a spreadsheet would run, as the serial and in another column.
const FORMULAS: [&str; 6] = ["=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(1)", "\t=1", "\r=1"];

fn formula_inventory() -> String {
    let mut text = String::from("Serial Number,Notes\n");
    for f in FORMULAS {
        let quoted = format!("\"{f}\"");
        text.push_str(&format!("{quoted},{quoted}\n"));
    }
    text.push_str("\"=HYPERLINK(\"\"http://example.com\"\")\",ok\n");
    let path = scratch("formulas.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn check(input: &str, output: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_serialkit"))
        .args(["check", input, "-c", "Serial Number", "-o", output, "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn csv_output_cannot_run_formulas() {
    let output = scratch("formulas-out.csv");
    check(&formula_inventory(), &output);
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(&output)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), FORMULAS.len() + 2);
    for (row, f) in rows[1..].iter().zip(FORMULAS) {
        assert_eq!(row[0], format!("'{f}"));
        assert_eq!(row[1], format!("'{f}"));
    }
    assert_eq!(rows[7][0], "'=HYPERLINK(\"http://example.com\")");
    // No written cell starts with a character that makes it a formula.
    for cell in rows.iter().flatten() {
        assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?}");
    }
}

#[test]
fn xlsx_output_cells_are_text_not_formulas() {
    let output = scratch("formulas-out.xlsx");
    check(&formula_inventory(), &output);
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&output).unwrap();
    let sheet = workbook.sheet_names()[0].clone();
    let formulas = workbook.worksheet_formula(&sheet).unwrap();
    assert!(formulas.used_cells().next().is_none(), "no cell holds a formula");
    let range = workbook.worksheet_range(&sheet).unwrap();
    assert_eq!(range.height(), FORMULAS.len() + 2);
    for (i, f) in FORMULAS.iter().enumerate() {
        for col in [0, 1] {
            assert_eq!(range.get((i + 1, col)), Some(&Data::String(format!("'{f}"))), "row {}", i + 2);
        }
    }
    for (_, _, cell) in range.used_cells() {
        assert!(matches!(cell, Data::String(_)), "every cell is text: {cell:?}");
        assert!(!cell.to_string().starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?}");
    }
}

#[test]
fn dupes_output_cannot_run_formulas_from_values_column_names_or_file_names() {
    // The file's name and the column's header are written in every group row too.
    let dir = PathBuf::from(scratch("dupes-formulas"));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("=HYPERLINK(1).csv");
    std::fs::write(&input, "@Serial\n=1+1\n=1+1\n-C02TJ0Q7GVC8\n-C02TJ0Q7GVC8\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_serialkit"))
        .current_dir(&dir)
        .args(["dupes", "=HYPERLINK(1).csv", "-c", "1", "-q"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .from_reader(&out.stdout[..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 4, "two groups of two");
    for row in &rows {
        assert_eq!((row[3].as_str(), row[5].as_str()), ("'=HYPERLINK(1).csv", "'@Serial"));
        assert!(["'=1+1", "'-C02TJ0Q7GVC8"].contains(&row[6].as_str()), "{row:?}");
    }
}
