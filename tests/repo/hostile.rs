//! Hostile inventories, generated here and run through the real binary: huge cells, 100,000
//! columns, quotes in quotes, zip bombs, bytes that are not text, every line ending at once,
//! empty files. Each gets a message naming the file, row and column, and no row is lost.

#[allow(dead_code)]
#[path = "../../fuzz/src/lib.rs"]
mod targets;

use std::path::PathBuf;
use std::process::{Command, Output};

fn serialkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_serialkit")).args(args).output().unwrap()
}

/// Writes `bytes` to a file of this test's own; its path.
fn file(name: &str, bytes: &[u8]) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The CSV rows of a file or of stdout.
fn rows(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The column of the first row called `name`.
fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

#[track_caller]
fn assert_says(out: &Output, line: &str) {
    let text = stderr(out);
    assert!(text.lines().any(|l| l == line), "expected the line\n{line}\nin\n{text}");
}

#[test]
fn a_ten_megabyte_cell_is_kept_and_reported() {
    let big = "y".repeat(10 << 20);
    let path = file(
        "big-cell.csv",
        format!("Serial,Notes\nC02TJ0Q7GVC8,{big}\n{big},short\nW8023204AGY,z\n").as_bytes(),
    );
    let output = file("big-cell-out.csv", b"");
    let out = serialkit(&["check", &path, "-c", "Serial", "-o", &output, "-q"]);
    assert_eq!(out.status.code(), Some(1), "the 10 MB serial is invalid");
    assert_says(
        &out,
        &format!(
            "serialkit: {path}: row 2, column Notes: a cell of 10485760 bytes, far longer than any identifier; \
             checked as too long, written unchanged"
        ),
    );
    assert_says(
        &out,
        &format!(
            "serialkit: {path}: row 3, column Serial: a cell of 10485760 bytes, far longer than any identifier; \
             checked as too long, written unchanged"
        ),
    );
    let rows = rows(&std::fs::read(&output).unwrap());
    assert_eq!(rows.len(), 4, "header and three rows");
    assert_eq!(rows[1][1], big, "written unchanged");
    assert_eq!(rows[2][0], big);
    assert_eq!(
        rows[2][column(&rows, "error")],
        "too long: 10485760 characters, no identifier takes more than 256 (characters 257-10485760)"
    );
    assert_eq!(rows[3][0], "W8023204AGY");

    // An XLSX cell holds 32,767 characters: the run stops, naming the cell, and writes nothing.
    let xlsx = file("big-cell-out.xlsx", b"");
    std::fs::remove_file(&xlsx).unwrap();
    let out = serialkit(&["check", &path, "-c", "Serial", "-o", &xlsx, "-q"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "serialkit: {xlsx}: row 2, column Notes: a cell of 10485760 characters, an XLSX cell holds at most \
             32767; write CSV instead (--output FILE.csv)\n"
        )
    );
    assert!(!std::path::Path::new(&xlsx).exists(), "no half-written workbook");
}

#[test]
fn a_hundred_thousand_columns() {
    const N: usize = 100_000;
    let header: Vec<String> =
        std::iter::once("Serial".to_string()).chain((2..=N).map(|i| format!("c{i}"))).collect();
    let row = |serial: &str| {
        std::iter::once(serial.to_string()).chain((2..=N).map(|i| i.to_string())).collect::<Vec<_>>()
    };
    let text = [header, row("C02TJ0Q7GVC8"), row("CO2TJ0Q7GVC8"), row("W8023204AGY")]
        .map(|r| r.join(","))
        .join("\n");
    let path = file("wide.csv", text.as_bytes());
    let output = file("wide-out.csv", b"");
    let out = serialkit(&["check", &path, "-o", &output, "-q"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rows = rows(&std::fs::read(&output).unwrap());
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r.len() == N + 9), "every row keeps its 100,000 cells and gets 9 more");
    assert_eq!(rows[3][N - 1], N.to_string());
    assert_eq!(rows[2][column(&rows, "error")], "'O' cannot appear in plant (character 2)");

    let xlsx = file("wide-out.xlsx", b"");
    let out = serialkit(&["check", &path, "-o", &xlsx, "-q"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "serialkit: {xlsx}: the header row has 100009 columns, an XLSX sheet holds at most 16384; write CSV \
             instead (--output FILE.csv)\n"
        )
    );
}

#[test]
fn quotes_inside_quotes() {
    // 20,000 quote characters, each written twice inside one quoted cell; quotes in quotes.
    let quotes = format!("\"{}\"", "\"\"".repeat(20_000));
    let nested = "\"a \"\"b\"\" \"\"\"\"c\"\"\"\" d\"";
    let text = format!("Serial,Notes\n\"C02TJ0Q7GVC8\",{quotes}\nW8023204AGY,{nested}\n\"C02TJ0Q7GVC8\",x\n");
    let path = file("quotes.csv", text.as_bytes());
    let out = serialkit(&["check", &path, "-c", "Serial"]);
    assert_eq!(out.status.code(), Some(1), "the third serial repeats the first: {}", stderr(&out));
    let rows = rows(&out.stdout);
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[1][1], "\"".repeat(20_000));
    assert_eq!(rows[2][1], "a \"b\" \"\"c\"\" d");
    assert_eq!(rows[3][0], "C02TJ0Q7GVC8");
    assert_eq!(rows[3][column(&rows, "duplicate_group")], "row 2");
    assert_eq!(stderr(&out).lines().filter(|l| l.contains(&path)).count(), 0, "nothing to warn about");
}

#[test]
fn a_quote_never_closed_is_reported_where_it_opened() {
    let path = file("unclosed.csv", b"Serial,Owner\nC02TJ0Q7GVC8,\"Jo\nW8023204AGY,b\n");
    let out = serialkit(&["check", &path, "-c", "Serial"]);
    assert_says(
        &out,
        &format!(
            "serialkit: {path}: row 2, column Owner: a quote opened in this cell is never closed: the rest of the \
             file was read into it"
        ),
    );
    assert_eq!(rows(&out.stdout)[1][1], "Jo\nW8023204AGY,b\n");
}

#[test]
fn a_quote_the_end_of_the_file_leaves_open_is_reported_however_the_file_ends() {
    // No line break inside the cell, a last line of a lone quote, a closing quote missing.
    let cases: [(&str, &[u8], &str); 3] = [
        ("open-at-end.csv", b"Serial,Owner\nC02TJ0Q7GVC8,\"Jo", "row 2, column Owner"),
        ("open-last-line.csv", b"Serial\nC02TJ0Q7GVC8\n\"\n", "row 3, column Serial"),
        ("open-no-break.csv", b"Serial\nC02TJ0Q7GVC8\n\"W8023204AGY", "row 3, column Serial"),
    ];
    for (name, bytes, cell) in cases {
        let path = file(name, bytes);
        let out = serialkit(&["check", &path, "-c", "Serial", "-o", &file(&format!("out-{name}"), b"")]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        assert_says(
            &out,
            &format!(
                "serialkit: {path}: {cell}: a quote opened in this cell is never closed: the rest of the file was \
                 read into it"
            ),
        );
    }
    // Closed quotes, a quote inside an unquoted cell and a doubled quote are no such thing.
    let fine = file(
        "closed-quotes.csv",
        b"Serial,Owner\nC02TJ0Q7GVC8,\"Jo\"\nW8023204AGY,5\" disk\n\"C02TJ0Q7GVC9\",\"a\"\"\"",
    );
    let out = serialkit(&["check", &fine, "-c", "Serial", "-q", "--summary", "json"]);
    assert!(!stderr(&out).contains("never closed"), "{}", stderr(&out));
}

/// An XLSX whose worksheet part says it unpacks to `claimed` bytes, whatever it holds.
fn xlsx_claiming(sheet: &[u8], claimed: u32) -> Vec<u8> {
    let mut zip = targets::xlsx(sheet, b"");
    let name = b"xl/worksheets/sheet1.xml";
    let mut patched = 0;
    // Local file headers (PK 3 4) and central directory entries (PK 1 2): name length at 26 and
    // 28, name at 30 and 46, uncompressed size at 22 and 24 (APPNOTE.TXT 4.3.7 and 4.3.12).
    for at in 0..zip.len() - 46 {
        let (name_len_at, name_at, size_at) = match &zip[at..at + 4] {
            b"PK\x03\x04" => (26, 30, 22),
            b"PK\x01\x02" => (28, 46, 24),
            _ => continue,
        };
        let len = usize::from(u16::from_le_bytes([zip[at + name_len_at], zip[at + name_len_at + 1]]));
        if &zip[at + name_at..][..len] == name {
            zip[at + size_at..][..4].copy_from_slice(&claimed.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "the local header and the central directory");
    zip
}

const SHEET: &[u8] =
    b"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>\
<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Serial</t></is></c></row>\
<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>C02TJ0Q7GVC8</t></is></c></row>\
</sheetData></worksheet>";

#[test]
fn a_zip_bomb_is_refused_before_it_is_unpacked() {
    let plain = targets::xlsx(SHEET, b"");
    let path = file("plain.xlsx", &plain);
    let out = serialkit(&["check", &path, "--summary", "json", "-q"]);
    assert_eq!(out.status.code(), Some(0), "the workbook itself reads: {}", stderr(&out));

    // Claims 4 GB in a file of a few kilobytes.
    let bomb = xlsx_claiming(SHEET, 0xFFFF_FFF0);
    let path = file("bomb.xlsx", &bomb);
    let out = serialkit(&["check", &path]);
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    let expected_start = format!("serialkit: {path}: unpacks to ");
    let expected_end = format!(
        " bytes from {} (over the 1073741824-byte limit; a zip bomb?); export the sheet as CSV\n",
        bomb.len()
    );
    assert!(text.starts_with(&expected_start) && text.ends_with(&expected_end), "{text}");
    let total: u64 = text[expected_start.len()..text.len() - expected_end.len()].parse().unwrap();
    assert!(total > 0xFFFF_FFF0, "the claimed sizes of every part, the bomb's included: {total}");
}

#[test]
fn a_zip_entry_that_unpacks_to_more_than_it_claims_is_stopped() {
    let liar = xlsx_claiming(SHEET, 100);
    let path = file("liar.xlsx", &liar);
    let out = serialkit(&["check", &path]);
    assert_eq!(out.status.code(), Some(2));
    // The zip reader stops one byte past the declared size (the words are calamine's and zip's).
    assert_eq!(
        stderr(&out),
        format!(
            "serialkit: {path}: sheet 'Sheet1': Xml error: I/O error: File is larger than its declared \
             uncompressed size\n"
        )
    );
}

#[test]
fn a_cell_far_from_the_data_is_refused_not_allocated() {
    let sheet = b"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>\
<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Serial</t></is></c></row>\
<row r=\"1048576\"><c r=\"XFD1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row>\
</sheetData></worksheet>";
    let path = file("far.xlsx", &targets::xlsx(sheet, b""));
    let out = serialkit(&["check", &path]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "serialkit: {path}: sheet 'Sheet1' spans A1:XFD1048576, 17179869184 cells (over the 100000000-cell \
             limit; a stray cell far from the data?); delete it or export the sheet as CSV\n"
        )
    );
}

#[test]
fn sheet_rows_and_columns_are_numbered_as_the_sheet_shows_them() {
    // The header on row 3 from column B, a gap on row 5, a typo on row 6.
    let sheet = b"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>\
<row r=\"3\"><c r=\"B3\" t=\"inlineStr\"><is><t>Serial</t></is></c><c r=\"C3\" t=\"inlineStr\"><is><t>Serial</t></is></c></row>\
<row r=\"4\"><c r=\"B4\" t=\"inlineStr\"><is><t>C02TJ0Q7GVC8</t></is></c></row>\
<row r=\"6\"><c r=\"B6\" t=\"inlineStr\"><is><t>C02TJ0Q7GVC8</t></is></c></row>\
</sheetData></worksheet>";
    let path = file("offset.xlsx", &targets::xlsx(sheet, b""));
    let out = serialkit(&["check", &path, "-c", "2"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_says(
        &out,
        &format!(
            "serialkit: {path}: row 3, column Serial: the header 'Serial' is also column 2's: --column Serial \
             means column 2; use --column 3 for this one"
        ),
    );
    let rows = rows(&out.stdout);
    assert_eq!(rows.len(), 4, "header, row 4, the empty row 5, row 6");
    assert_eq!(rows[0][..3], ["", "Serial", "Serial"]);
    assert_eq!(rows[3][1], "C02TJ0Q7GVC8");
    assert_eq!(rows[3][column(&rows, "duplicate_group")], "row 4");
}

#[test]
fn bytes_that_are_not_utf8() {
    let path = file("latin1.csv", b"Serial,Owner\nC02TJ0Q7GVC8,Jos\xe9\nW80232\xff04AGY,b\n");
    let out = serialkit(&["check", &path, "-c", "Serial"]);
    assert_eq!(out.status.code(), Some(1));
    for (row, column) in [(2, "Owner"), (3, "Serial")] {
        assert_says(
            &out,
            &format!(
                "serialkit: {path}: row {row}, column {column}: not valid UTF-8; checked with U+FFFD for the bad \
                 bytes, written to CSV unchanged"
            ),
        );
    }
    let rows: Vec<csv::ByteRecord> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&out.stdout[..])
        .byte_records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[1][1], b"Jos\xe9", "written back byte for byte");
    assert_eq!(&rows[2][0], b"W80232\xff04AGY");
    let valid = rows[0].iter().position(|h| h == b"valid").unwrap();
    assert_eq!(&rows[2][valid], b"false");
}

#[test]
fn nul_bytes() {
    let path = file("nul.csv", b"Serial,Owner\nC02TJ0Q7GVC8,a\x00b\nW8023204AGY,b\n");
    let out = serialkit(&["check", &path, "-c", "Serial"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_says(
        &out,
        &format!(
            "serialkit: {path}: row 2, column Owner: a NUL byte in the cell (binary data or a broken export?); kept as it is"
        ),
    );
    let rows = rows(&out.stdout);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1][1], "a\0b", "kept as it is");
}

#[test]
fn every_line_ending_in_one_file() {
    // CRLF, CR and LF line breaks; blank lines of each kind between rows; a CRLF inside quotes.
    let text = b"Serial,Owner\r\nC02TJ0Q7GVC8,a\rW8023204AGY,b\nJAE2445044T,\"two\r\nlines\"\r\n\r\n\n\rCO2TJ0Q7GVC8,c\nW8023204AGY,d";
    let path = file("endings.csv", text);
    let out = serialkit(&["check", &path, "-c", "Serial"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rows = rows(&out.stdout);
    let serials: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        serials,
        ["Serial", "C02TJ0Q7GVC8", "W8023204AGY", "JAE2445044T", "", "", "", "CO2TJ0Q7GVC8", "W8023204AGY"],
        "three blank lines are three empty rows, as a spreadsheet shows them"
    );
    assert_eq!(rows[3][1], "two\r\nlines");
    assert_eq!(rows[8][column(&rows, "duplicate_group")], "row 3", "numbered as the lines are");
    assert_eq!(rows[7][column(&rows, "error")], "'O' cannot appear in plant (character 2)");
}

#[test]
fn carriage_returns_alone() {
    let path = file("cr.csv", b"Serial,Owner\rC02TJ0Q7GVC8,a\r\rW8023204AGY,b\rC02TJ0Q7GVC8,c\r");
    let out = serialkit(&["check", &path, "-c", "Serial"]);
    let rows = rows(&out.stdout);
    let serials: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(serials, ["Serial", "C02TJ0Q7GVC8", "", "W8023204AGY", "C02TJ0Q7GVC8"]);
    assert_eq!(rows[4][column(&rows, "duplicate_group")], "row 2");
}

#[test]
fn an_empty_sheet_is_named_as_the_sheet_not_the_file() {
    let empty = br#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>"#;
    let path = file("empty-sheet.xlsx", &targets::xlsx(empty, b""));
    for (args, message) in [
        (
            vec!["check", &path],
            "the first sheet is empty (choose another with --sheet): no header row and no data",
        ),
        (vec!["check", &path, "--sheet", "Sheet1"], "the sheet 'Sheet1' is empty: no header row and no data"),
    ] {
        let out = serialkit(&args);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(stderr(&out), format!("serialkit: {path}: {message}\n"));
    }
}

#[test]
fn an_empty_file() {
    for (name, bytes) in [("empty.csv", &b""[..]), ("blank-lines.csv", b"\n\r\n\n")] {
        let path = file(name, bytes);
        let out = serialkit(&["check", &path]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            stderr(&out),
            format!("serialkit: {path}: the file is empty: no header row and no data\n")
        );
        let out = serialkit(&["check", &path, "--no-header"]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(stderr(&out), format!("serialkit: {path}: the file is empty: no rows\n"));
        let out = serialkit(&["dupes", &path]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            stderr(&out),
            format!("serialkit: {path}: the file is empty: no header row and no data\n")
        );
    }
}

#[test]
fn a_header_and_no_rows() {
    let path = file("header-only.csv", b"Serial Number,MAC\n");
    let out = serialkit(&["check", &path]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_says(&out, &format!("serialkit: {path}: row 1: a header and no data rows"));
    let rows = rows(&out.stdout);
    assert_eq!(rows.len(), 1, "the header, with the appended columns");
    assert_eq!(rows[0][..3], ["Serial Number", "MAC", "Serial Number:valid"]);
}

#[test]
fn a_header_name_used_twice() {
    let path = file("twice.csv", b"Serial,Owner,Serial\nC02TJ0Q7GVC8,a,W8023204AGY\n");
    let out = serialkit(&["check", &path]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_says(
        &out,
        &format!(
            "serialkit: {path}: row 1, column Serial: the header 'Serial' is also column 1's: --column Serial means \
             column 1; use --column 3 for this one"
        ),
    );
    let out = serialkit(&["check", &path, "-c", "3"]);
    let rows = rows(&out.stdout);
    assert_eq!(rows[1][column(&rows, "normalized")], "W8023204AGY", "--column 3 is the second Serial");
}
