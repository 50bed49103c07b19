//! `serialkit check` and `serialkit dupes` on real files: every row out that came in, in order,
//! with the findings appended, and the planted duplicates of a large file found exactly.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn serialkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_serialkit")).args(args).output().unwrap()
}

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name).display().to_string()
}

/// The bundled example inventory (400 rows, several vendors, planted mistakes).
fn example_inventory() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/inventory.csv").display().to_string()
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The CSV rows of a command's stdout.
fn rows(out: &Output) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&out.stdout[..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn summary(out: &Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.lines().last().unwrap()).unwrap()
}

#[test]
fn ragged_rows_are_kept_and_reported() {
    let out = serialkit(&["check", &data("ragged.csv"), "--column", "Serial Number"]);
    assert_eq!(out.status.code(), Some(1), "one typo in the file");
    let rows = rows(&out);
    assert_eq!(rows.len(), 5, "header + 4 rows, nothing dropped");
    let header = &rows[0];
    let valid = header.iter().position(|h| h == "valid").unwrap();
    let error = header.iter().position(|h| h == "error").unwrap();
    assert_eq!(rows[1][0], "C02TJ0Q7GVC8");
    assert_eq!(rows[2][0], "W8023204AGY");
    // The short row is padded so the appended columns line up; the long one keeps its fields.
    assert_eq!(rows[2][valid], "true");
    assert_eq!(rows[3][..4], ["JAE2445044T", "extra", "fields", "here"]);
    // The long one widens the header: the appended columns still line up.
    assert_eq!(header[..4], ["Serial Number", "Notes", "", ""]);
    assert_eq!(valid, 4);
    assert_eq!(rows[3][valid], "true");
    assert_eq!(rows[3][valid + 1], "serial");
    assert!(rows.iter().all(|r| r.len() == header.len()), "every row as wide as the header");
    assert_eq!(rows[4][valid], "false");
    assert_eq!(rows[4][error], "'O' cannot appear in plant (character 2)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ragged.csv: row 3: row has 1 fields, the header has 2; kept as it is"),
        "{stderr}"
    );
    assert!(stderr.contains("ragged.csv: row 4: row has 4 fields, the header has 2"), "{stderr}");
}

/// The appended `error` and `hint` cells of `column` in each data row.
fn findings(rows: &[Vec<String>], column: &str) -> Vec<(String, String)> {
    let at = |field: &str| rows[0].iter().position(|h| *h == format!("{column}:{field}")).unwrap();
    let (error, hint) = (at("error"), at("hint"));
    rows[1..].iter().map(|r| (r[error].clone(), r[hint].clone())).collect()
}

#[test]
fn a_value_of_another_kind_in_the_serial_column_is_in_the_wrong_field() {
    let out = serialkit(&["check", &data("wrong-field.csv")]);
    assert_eq!(out.status.code(), Some(1));
    let rows = rows(&out);
    let pair = |e: &str, h: &str| (e.to_string(), h.to_string());
    assert_eq!(
        findings(&rows, "Serial Number"),
        [
            pair("", ""),
            pair("a MAC address, not a serial (characters 1-17)", "move it to the 'MAC Address' column"),
            pair("an IMEI, not a serial (characters 1-15)", "move it to the 'IMEI' column"),
            pair(
                "an Apple model or part number (apple-part), not a serial (characters 1-9)",
                "move it to the 'Model' column"
            ),
            pair(
                "'O' cannot appear in plant (character 2)",
                "closest format: apple-12 (Apple); Apple serials never contain O — did you mean 0?"
            ),
        ]
    );
    assert_eq!(
        findings(&rows, "MAC Address")[4],
        pair(
            "an Apple serial (apple-12), not a MAC address (characters 1-12)",
            "move it to the 'Serial Number' column"
        )
    );
    let kind = rows[0].iter().position(|h| h == "Serial Number:kind").unwrap();
    let valid = rows[0].iter().position(|h| h == "Serial Number:valid").unwrap();
    assert_eq!((rows[2][valid].as_str(), rows[2][kind].as_str()), ("false", "mac"), "what the value is");
    let out = serialkit(&["check", &data("wrong-field.csv"), "--summary", "json", "-q"]);
    let s = summary(&out);
    assert_eq!(s["by_reason"]["wrong-kind"], 4);
    // Five cells are invalid, in four rows.
    assert_eq!(
        (s["invalid"].as_u64(), s["invalid_rows"].as_u64(), s["valid_rows"].as_u64()),
        (Some(5), Some(4), Some(1))
    );
    // With the row's vendor named, a MAC address pasted in is still one.
    let out = serialkit(&["check", &data("wrong-field.csv"), "--vendor", "dell", "-c", "Serial Number"]);
    let rows = self::rows(&out);
    let error = rows[0].iter().position(|h| h == "error").unwrap();
    assert_eq!(rows[2][error], "a MAC address, not a serial (characters 1-17)");
    assert_eq!(rows[2][error + 1], "move it to the 'MAC Address' column");
}

#[test]
fn asset_tag_columns_are_checked_when_rule_files_define_asset_tags() {
    let input = scratch("asset-tags.csv");
    std::fs::write(
        &input,
        "Asset Tag,Serial Number\nIT-NYC-004512,C02TJ0Q7GVC8\nC02TJ0Q7GVC8,IT-NYC-004512\n",
    )
    .unwrap();
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/rules").display().to_string();
    let out = serialkit(&["--rules", &rules, "check", input.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let rows = rows(&out);
    let pair = |e: &str, h: &str| (e.to_string(), h.to_string());
    assert_eq!(
        findings(&rows, "Asset Tag"),
        [
            pair("", ""),
            pair(
                "an Apple serial (apple-12), not an asset tag (characters 1-12)",
                "move it to the 'Serial Number' column"
            )
        ]
    );
    assert_eq!(
        findings(&rows, "Serial Number"),
        [
            pair("", ""),
            pair(
                "an Example Corp asset tag (asset-tags-it), not a serial (characters 1-13)",
                "move it to the 'Asset Tag' column"
            )
        ]
    );
    // Without rules for them, asset tags are not checked.
    let out = serialkit(&["check", input.to_str().unwrap(), "--summary", "json", "-q"]);
    assert_eq!(summary(&out)["columns"], serde_json::json!(["Serial Number"]));
}

#[test]
fn a_broken_file_structure_is_a_finding_even_when_every_value_is_valid() {
    let unclosed = scratch("unclosed.csv");
    std::fs::write(&unclosed, "Serial Number,Notes\nC02TJ0Q7GVC8,\"ok\nW8023204AGY,fine\n").unwrap();
    let ragged = scratch("short-row.csv");
    std::fs::write(&ragged, "Serial Number,Notes\nC02TJ0Q7GVC8\nW8023204AGY,ok\n").unwrap();
    for (file, warning) in [
        (&unclosed, "unclosed.csv: row 2, column Notes: a quote opened in this cell is never closed"),
        (&ragged, "short-row.csv: row 2: row has 1 fields, the header has 2; kept as it is"),
    ] {
        for command in ["check", "dupes"] {
            let out = serialkit(&[command, file.to_str().unwrap(), "-c", "Serial Number"]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{command}: {stderr}");
            assert!(stderr.contains(warning), "{command}: {stderr}");
        }
    }
    let out = serialkit(&["check", unclosed.to_str().unwrap(), "--summary", "json", "-q"]);
    let s = summary(&out);
    assert_eq!(
        (s["rows"].as_u64(), s["invalid"].as_u64()),
        (Some(1), Some(0)),
        "the rest of the file is one cell"
    );
}

#[test]
fn bom_semicolons_and_crlf() {
    let out = serialkit(&["check", &data("bom-crlf.csv"), "--summary", "json", "-q"]);
    let s = summary(&out);
    assert_eq!(s["rows"], 2);
    assert_eq!(s["valid"], 2);
    assert_eq!(s["columns"][0], "Serial Number", "the BOM is not part of the header");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn quoted_newlines_stay_inside_their_cell() {
    let out = serialkit(&["check", &data("quoted-newlines.csv"), "-c", "1"]);
    let rows = rows(&out);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1][1], "first line\nsecond line");
    assert_eq!(rows[2][1], "a \"quoted\" word, and a comma");
}

#[test]
fn empty_cells_are_blank_not_invalid() {
    let out = serialkit(&["check", &data("empty-cells.csv"), "--summary", "json", "-q"]);
    let s = summary(&out);
    assert_eq!(s["rows"], 3);
    assert_eq!(s["columns"], serde_json::json!(["Serial Number", "IMEI"]));
    assert_eq!(s["blank"], 4);
    assert_eq!(s["valid"], 2);
    assert_eq!(s["invalid"], 0);
    // Rows as well as cells: the third row has nothing to check.
    assert_eq!(
        (s["valid_rows"].as_u64(), s["invalid_rows"].as_u64(), s["blank_rows"].as_u64()),
        (Some(2), Some(0), Some(1))
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn non_utf8_bytes_are_reported_not_fatal() {
    let out = serialkit(&["check", &data("non-utf8.csv"), "-c", "Serial Number"]);
    assert_eq!(out.status.code(), Some(0));
    let rows: Vec<csv::ByteRecord> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&out.stdout[..])
        .byte_records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 3);
    // The Latin-1 bytes go back out as they came in.
    assert_eq!((&rows[1][1], &rows[2][1]), (&b"Jos\xE9"[..], &b"M\xFCller"[..]));
    assert_eq!(&rows[1][2], b"true");
    // NDJSON has to be UTF-8: there the bad bytes are U+FFFD.
    let out = serialkit(&["check", &data("non-utf8.csv"), "-c", "Serial Number", "--format", "ndjson"]);
    let first: serde_json::Value =
        serde_json::from_slice(out.stdout.split(|&b| b == b'\n').next().unwrap()).unwrap();
    assert_eq!(first["Owner"], "Jos\u{FFFD}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("non-utf8.csv: row 2, column Owner: not valid UTF-8"), "{stderr}");
    assert!(stderr.contains("non-utf8.csv: row 3, column Owner: not valid UTF-8"), "{stderr}");
}

#[test]
fn written_cells_cannot_become_formulas() {
    let out = serialkit(&["check", &data("formula.csv"), "-c", "Serial Number"]);
    let rows = rows(&out);
    assert_eq!(rows[1][0], "'=HYPERLINK(\"http://x\")");
    assert_eq!(rows[1][1], "'@me");
    assert_eq!(rows[2][0], "'-5RFDP01");
    assert_eq!(rows[2][1], "'+1");
}

#[test]
fn xlsx_sheets_by_name_and_xlsx_output() {
    let out = serialkit(&["check", &data("two-sheets.xlsx"), "--summary", "json", "-q"]);
    let s = summary(&out);
    assert_eq!((s["rows"].as_u64(), s["valid"].as_u64(), s["invalid"].as_u64()), (Some(2), Some(1), Some(1)));
    let out = serialkit(&["check", &data("two-sheets.xlsx"), "--sheet", "Phones"]);
    let rows = rows(&out);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1][0], "490154203237518", "a number cell reads back as its digits");
    let error = rows[0].iter().position(|h| h == "error").unwrap();
    assert_eq!(rows[2][error], "check digit should be 8, not 7 (character 15)");
    let missing = serialkit(&["check", &data("two-sheets.xlsx"), "--sheet", "Tablets"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no sheet 'Tablets'; sheets: Laptops, Phones"));

    let written = scratch("checked.xlsx");
    let out = serialkit(&["check", &data("two-sheets.xlsx"), "-o", written.to_str().unwrap(), "-q"]);
    assert_eq!(out.status.code(), Some(1));
    // Read our own XLSX back: same rows, same order, findings appended.
    let back =
        serialkit(&["check", written.to_str().unwrap(), "-c", "Serial Number", "--summary", "json", "-q"]);
    assert_eq!(summary(&back)["rows"], 2);
}

#[test]
fn a_sheet_that_starts_at_b3_keeps_its_row_and_column_numbers() {
    let path = scratch("starts-at-b3.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    // Rows and columns from 0: B3 is (2, 1).
    for (row, cells) in
        [["Serial Number", "IMEI"], ["C02TJ0Q7GVC8", "490154203237518"], ["", ""], ["c02tj0q7gvc8", ""]]
            .iter()
            .enumerate()
    {
        for (column, text) in cells.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
            sheet.write_string(row as u32 + 2, column as u16 + 1, *text).unwrap();
        }
    }
    workbook.save(&path).unwrap();
    let path = path.to_str().unwrap();

    let out = serialkit(&["dupes", path, "--json", "-q"]);
    let group: serde_json::Value = serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    let members: Vec<&serde_json::Value> =
        group["members"].as_array().unwrap().iter().map(|m| &m["row"]).collect();
    assert_eq!(members, [4, 6], "rows as the spreadsheet shows them");

    // Column 2 is B, the serials; column 1 (A) is empty.
    let out = serialkit(&["check", path, "--column", "2", "--summary", "json", "-q"]);
    assert_eq!(summary(&out)["columns"], serde_json::json!(["Serial Number"]));
    let out = serialkit(&["check", path, "--column", "2"]);
    let rows = rows(&out);
    assert_eq!(rows[0][..3], ["", "Serial Number", "IMEI"]);
    let group = rows[0].iter().position(|h| h == "duplicate_group").unwrap();
    assert_eq!(rows[3][group], "row 4");
}

#[test]
fn ndjson_keeps_column_order_every_value_and_real_booleans() {
    let input = scratch("for-ndjson.csv");
    std::fs::write(&input, "Serial Number,row,Notes,Notes\nC02TJ0Q7GVC8,7,a,b\nCO2TJ0Q7GVC8,8,c,d\n,9,e,f\n")
        .unwrap();
    let output = scratch("checked.ndjson");
    let out = serialkit(&[
        "check",
        input.to_str().unwrap(),
        "-c",
        "Serial Number",
        "-o",
        output.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&output).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    // Keys in column order, made unique: the row number keeps `row`.
    let keys = [
        "\"row\":2",
        "\"Serial Number\":",
        "\"row (2)\":\"7\"",
        "\"Notes\":\"a\"",
        "\"Notes (2)\":\"b\"",
        "\"valid\":true",
    ];
    let at: Vec<usize> =
        keys.iter().map(|k| lines[0].find(k).unwrap_or_else(|| panic!("{k} in {}", lines[0]))).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{}", lines[0]);
    let rows: Vec<serde_json::Value> = lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows[1]["valid"], false);
    assert_eq!(rows[2]["valid"], serde_json::Value::Null, "a blank cell is neither");
    assert_eq!(rows[2]["row"], 4);
    assert_eq!(rows[2]["row (2)"], "9");
}

#[test]
fn fix_writes_normalized_values_only_where_valid() {
    let input = scratch("to-fix.csv");
    std::fs::write(&input, "Serial Number\n c02tj0q7gvc8 \nCO2TJ0Q7GVC8\nSC02XGBVDJG5H\n").unwrap();
    let out = serialkit(&["check", input.to_str().unwrap(), "--fix", "--vendor", "apple"]);
    let rows = rows(&out);
    assert_eq!(rows[1][0], "C02TJ0Q7GVC8");
    assert_eq!(rows[2][0], "CO2TJ0Q7GVC8", "an invalid value is left as it was");
    assert_eq!(rows[3][0], "C02XGBVDJG5H", "the scanner prefix is gone");
}

#[test]
fn a_plain_list_from_stdin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_serialkit"))
        .args(["check", "-", "--no-header", "--summary", "json", "-q"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"C02TJ0Q7GVC8\nJAE2445044T\nDefault string\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let s = summary(&out);
    assert_eq!(
        (s["rows"].as_u64(), s["valid"].as_u64(), s["placeholders"].as_u64()),
        (Some(3), Some(2), Some(1))
    );
}

#[test]
fn a_plain_list_without_no_header_keeps_its_first_value() {
    let list = scratch("plain-list.txt");
    std::fs::write(&list, "C02TJ0Q7GVC8\nJAE2445044T\nc02tj0q7gvc8\n").unwrap();
    let out = serialkit(&["check", list.to_str().unwrap(), "--summary", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "plain-list.txt: the first row ('C02TJ0Q7GVC8') is a value, not a header: read without one, \
             as --no-header would"
        ),
        "{stderr}"
    );
    let s = summary(&out);
    assert_eq!((s["rows"].as_u64(), s["valid"].as_u64()), (Some(3), Some(3)));
    let out = serialkit(&["dupes", list.to_str().unwrap(), "--json", "-q"]);
    let group: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(group["members"][0]["row"], 1, "the first value is row 1");
    // A header word is a header, even one a loose serial pattern fits.
    let owned = scratch("owner-list.csv");
    std::fs::write(&owned, "Owner\nC02TJ0Q7GVC8\n").unwrap();
    let out = serialkit(&["check", owned.to_str().unwrap(), "--summary", "json"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("is a value, not a header"));
    assert_eq!(summary(&out)["rows"], 1);
}

#[test]
fn stdin_is_buffered_in_a_private_file_with_an_unpredictable_name() {
    let dir = scratch("spool-dir");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_serialkit"))
        .args(["check", "-", "--summary", "json", "-q"])
        .env("TMPDIR", &dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The buffer exists before stdin is read; wait for it (a guard, not a measurement).
    let spooled = (0..2_000)
        .find_map(|_| {
            let found = std::fs::read_dir(&dir).unwrap().next().map(|e| e.unwrap().path());
            found.or_else(|| {
                std::thread::sleep(std::time::Duration::from_millis(5));
                None
            })
        })
        .expect("a buffer file in TMPDIR");
    let name = spooled.file_name().unwrap().to_string_lossy().into_owned();
    assert_ne!(name, format!("serialkit-stdin-{}", child.id()), "not named by the process id");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&spooled).unwrap().permissions().mode() & 0o077, 0, "private");
    }
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"Serial Number\nC02TJ0Q7GVC8\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(summary(&out)["valid"], 1);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "removed at the end");
}

/// A deterministic generator, so the large test needs no committed file.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn serial(&mut self) -> String {
        // Look-alike letters included: two random serials are never one look-alike apart by chance.
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        (0..12).map(|_| ALPHABET[self.below(ALPHABET.len())] as char).collect()
    }
}

/// The MAC address of unit `n` of a run that starts at 00:1A:2B:00:00:00, as a label shows it.
fn sequential_mac(n: usize) -> String {
    let hex = format!("{:012X}", 0x001A_2B00_0000u64 + n as u64);
    hex.as_bytes().chunks(2).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(":")
}

/// One planted typo of `base` (a random serial), chosen by `how`, and whether only a
/// substitution links it; `base` may be changed so the typo is a look-alike of one of its
/// characters.
fn serial_typo(base: &mut String, how: usize, p: usize) -> (String, bool) {
    let mut chars: Vec<char> = base.chars().collect();
    match how {
        0 => return (base.to_lowercase(), false),
        1 => {
            let (legal, look_alike) = [('0', 'O'), ('1', 'I'), ('5', 'S'), ('8', 'B'), ('2', 'Z')][p % 5];
            chars[p] = legal;
            *base = chars.iter().collect();
            chars[p] = look_alike;
        }
        2 if chars[p] != chars[p + 1] => chars.swap(p, p + 1),
        3 => {
            chars.remove(p);
        }
        _ => {
            chars[p] = if chars[p] == 'X' { 'Y' } else { 'X' };
            return (chars.iter().collect(), true);
        }
    }
    (chars.iter().collect(), false)
}

/// One planted typo of a MAC address of the run: outside the run's counter, so it is near
/// exactly one unit.
fn mac_typo(mac: &str, how: usize) -> String {
    match how {
        0 => mac.replacen('0', "O", 1),
        1 => mac.replacen("00:1A", "00:A1", 1),
        // Typed without colons: with them, a one-character group is a MAC address that
        // dropped a leading zero (00:A:2B… is 00:0A:2B…).
        _ => mac.replace(':', "").replacen("1A", "A", 1),
    }
}

/// Letters and digits, upper-cased: what `dupes` compares.
fn key(value: &str) -> Vec<u8> {
    value.bytes().filter(u8::is_ascii_alphanumeric).map(|b| b.to_ascii_uppercase()).collect()
}

/// Whether `a` and `b` are one swap, one character or one missing character apart.
fn one_typo_apart(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let same_start = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    match long.len() - short.len() {
        0 => {
            let differ: Vec<usize> = (0..short.len()).filter(|&i| short[i] != long[i]).collect();
            differ.len() == 1
                || (differ.len() == 2 && differ[1] == differ[0] + 1 && short[differ[0]] == long[differ[1]])
        }
        1 => short[same_start..] == long[same_start + 1..],
        _ => false,
    }
}

/// What `serialkit ARGS` writes to a terminal (stdout and stderr), run under `script` from
/// util-linux to get one; `None` where `script` is missing.
fn on_a_terminal(args: &[&str]) -> Option<String> {
    let mut command = vec![env!("CARGO_BIN_EXE_serialkit").to_string()];
    command.extend(args.iter().map(|a| format!("'{a}'")));
    let out = Command::new("script").args(["-qec", &command.join(" "), "/dev/null"]).output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn progress_shows_for_every_pass_on_a_terminal_only() {
    let mut rng = Lcg(7);
    let path = scratch("progress.csv");
    // Every hundredth serial twice, so dupes has groups; in lower case, so that the first
    // reading keeps the text of only some and reads back the rows of the others.
    let serials: Vec<String> = (0..10_000).map(|_| rng.serial().to_lowercase()).collect();
    let text: String = std::iter::once("Serial Number")
        .chain(
            serials
                .iter()
                .enumerate()
                .flat_map(|(i, s)| std::iter::repeat_n(s.as_str(), 1 + usize::from(i % 100 == 0))),
        )
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap();
    let passes = [
        ("check", vec!["looking for duplicates: ", "checking: "]),
        ("dupes", vec!["reading ", "linking near duplicates", "reading back rows of "]),
    ];
    for (command, shown) in &passes {
        let piped = serialkit(&[command, path, "-o", "/dev/null"]);
        let stderr = String::from_utf8_lossy(&piped.stderr);
        assert!(!stderr.contains(" rows ("), "{command}: no progress into a pipe: {stderr}");
        let Some(screen) = on_a_terminal(&[command, path, "-o", "/dev/null"]) else {
            eprintln!("no `script` command: the terminal half of this test is skipped");
            return;
        };
        for text in shown {
            assert!(screen.contains(text), "{command}: {text:?} in {screen:?}");
        }
        let quiet = on_a_terminal(&[command, path, "-o", "/dev/null", "-q"]).unwrap();
        assert!(!quiet.contains(" rows ("), "{command} -q: {quiet:?}");
    }
}

/// The values dupes shows are those written, whether its first reading kept them (values
/// written as their key, and the first few written otherwise) or it read their rows back.
#[test]
fn grouped_values_are_shown_as_written_whether_kept_or_read_back() {
    let mut rng = Lcg(3);
    let path = scratch("written.csv");
    let serials: Vec<String> = (0..3_000).map(|_| rng.serial()).collect();
    // Each serial twice: upper case, then in a form of its own (lower case, spaced, dashed).
    let written = |i: usize, s: &str| match i % 3 {
        0 => s.to_lowercase(),
        1 => format!(" {s} "),
        _ => format!("{}-{}", &s[..4], &s[4..]),
    };
    let mut lines = vec!["Serial Number".to_string()];
    lines.extend(serials.iter().cloned());
    lines.extend(serials.iter().enumerate().map(|(i, s)| written(i, s)));
    std::fs::write(&path, lines.join("\n")).unwrap();
    let out = serialkit(&["dupes", path.to_str().unwrap(), "-q"]);
    let rows = rows(&out);
    let column = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let (row, value) = (column("row"), column("value"));
    assert_eq!(rows.len() - 1, 2 * serials.len(), "every row in a group");
    for r in &rows[1..] {
        let number: usize = r[row].parse().unwrap();
        assert_eq!(r[value], lines[number - 1], "row {number}");
    }
}

#[test]
fn planted_duplicates_in_100k_rows_are_all_found_and_nothing_else() {
    // Random serials (look-alike letters included), a run of sequential serials on every tenth
    // row, and a MAC address per row numbered in sequence (hex: B and 8 both legal). Typos
    // are planted in both columns; the runs themselves must form no group.
    let mut rng = Lcg(42);
    let mut serials: Vec<String> = Vec::new();
    let mut macs: Vec<String> = Vec::new();
    // Planted pairs as 2-based row numbers, and whether substitution is needed to find them.
    let mut planted: BTreeSet<(usize, usize, bool)> = BTreeSet::new();
    let mut used = std::collections::HashSet::new();
    let mut mac_typos: Vec<(usize, String)> = Vec::new();
    let sequential = |i: usize| i % 10 == 3;
    for i in 0..100_000usize {
        macs.push(sequential_mac(i));
        serials.push(if sequential(i) { format!("SN{}", 500_000 + i / 10) } else { rng.serial() });
        if i <= 10 || (i % 97 != 0 && i % 89 != 0) || sequential(i) {
            continue;
        }
        // A row not in any pair yet, so pairs stay apart.
        let earlier = loop {
            let e = rng.below(i - 1);
            if !sequential(e) && used.insert(e) {
                break e;
            }
        };
        used.insert(i);
        if i % 97 == 0 {
            let (typo, substitution) = serial_typo(&mut serials[earlier], i % 5, rng.below(10) + 1);
            serials[i] = typo;
            planted.insert((earlier + 2, i + 2, substitution));
        } else {
            let typo = mac_typo(&macs[earlier], i % 3);
            // Typos of two units one typo apart would be a near pair themselves, and typos of
            // units a few steps apart a run of their own.
            let apart = |&(e, ref t): &(usize, String)| {
                e.abs_diff(earlier) > 16 && !one_typo_apart(&key(t), &key(&typo))
            };
            if !mac_typos.iter().all(apart) {
                continue;
            }
            mac_typos.push((earlier, typo.clone()));
            macs[i] = typo;
            planted.insert((earlier + 2, i + 2, false));
        }
    }
    let path = scratch("planted-100k.csv");
    let mut text = String::from("Serial Number,MAC Address\n");
    for (serial, mac) in serials.iter().zip(&macs) {
        text.push_str(&format!("{serial},{mac}\n"));
    }
    std::fs::write(&path, text).unwrap();

    for near in ["all", "confusable,transposition,missing"] {
        let out = serialkit(&["dupes", path.to_str().unwrap(), "--near", near, "-q"]);
        assert_eq!(out.status.code(), Some(1));
        let rows = rows(&out);
        let mut found: BTreeSet<(usize, usize)> = BTreeSet::new();
        let mut group_rows: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
        for r in &rows[1..] {
            group_rows.entry(r[0].clone()).or_default().push(r[4].parse().unwrap());
        }
        for members in group_rows.values() {
            assert_eq!(members.len(), 2, "a planted pair never chains with another: {members:?}");
            found.insert((members[0], members[1]));
        }
        let expected: BTreeSet<(usize, usize)> = planted
            .iter()
            .filter(|&&(_, _, substitution)| near == "all" || !substitution)
            .map(|&(a, b, _)| (a, b))
            .collect();
        let missed: Vec<_> = expected.difference(&found).collect();
        let extra: Vec<_> = found.difference(&expected).collect();
        assert!(
            missed.is_empty(),
            "{near}: missed {} planted pairs: {:?}",
            missed.len(),
            &missed[..missed.len().min(5)]
        );
        assert!(extra.is_empty(), "{near}: false groups: {:?}", &extra[..extra.len().min(5)]);
        assert!(expected.len() > 1_200, "{near}: {}", expected.len());

        let out = serialkit(&["dupes", path.to_str().unwrap(), "--near", near, "--summary", "json", "-q"]);
        let s = summary(&out);
        assert_eq!(s["rows"], 100_000);
        assert_eq!(s["groups"], expected.len());
    }
}

#[test]
fn a_scanner_prefix_or_short_mac_groups_are_the_same_unit_exactly() {
    // C02TJ0Q7GVC8 as an Apple box barcode scans it (with S), and a MAC with dropped zeros.
    let input = scratch("normalized.csv");
    std::fs::write(
        &input,
        "Serial Number,MAC Address\nC02TJ0Q7GVC8,D0:05:09:04:A2:A0\nSC02TJ0Q7GVC8,d0:5:9:4:a2:a0\n",
    )
    .unwrap();
    let out = serialkit(&["dupes", input.to_str().unwrap(), "--json", "-q"]);
    let groups: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(groups.len(), 2, "{groups:?}");
    for g in &groups {
        assert_eq!(
            (&g["reasons"], &g["confidence"]),
            (&serde_json::json!(["exact"]), &serde_json::json!(1.0))
        );
    }
    let out = serialkit(&["check", input.to_str().unwrap()]);
    let rows = rows(&out);
    for column in ["Serial Number", "MAC Address"] {
        let group = rows[0].iter().position(|h| *h == format!("{column}:duplicate_group")).unwrap();
        assert_eq!(rows[2][group], "row 2", "{column}");
    }
}

#[test]
fn a_value_moved_to_its_prefixless_key_leaves_the_group_it_came_from() {
    // Row 2 is row 3 with the S a box barcode adds; rows 4 and 5 are the same text as row 2
    // but from Dell, whose serials take no S: they stay apart, a group of their own.
    let input = scratch("prefix-groups.csv");
    let text =
        "Serial Number,Manufacturer\nSC02TJ0Q7GVC8,\nC02TJ0Q7GVC8,\nSC02TJ0Q7GVC8,Dell\nSC02TJ0Q7GVC8,Dell\n";
    std::fs::write(&input, text).unwrap();
    let rows = rows(&serialkit(&["check", input.to_str().unwrap(), "-c", "Serial Number"]));
    let group = rows[0].iter().position(|h| h == "duplicate_group").unwrap();
    let groups: Vec<&str> = rows[1..].iter().map(|r| r[group].as_str()).collect();
    assert_eq!(groups, ["row 2", "row 2", "row 4", "row 4"]);
}

/// With only the summary asked for, one pass checks and keys the cells (reading only the
/// columns it needs); its counts must be those of the two passes that write the rows.
#[test]
fn the_summary_alone_counts_what_the_annotated_run_counts() {
    let input = scratch("summary-alone.csv");
    let mut text = b"Serial Number,Manufacturer,Owner\nSC02TJ0Q7GVC8,,ann\nC02TJ0Q7GVC8,,b".to_vec();
    text.extend(b"\xFFb\nSC02TJ0Q7GVC8,Dell,x\nSC02TJ0Q7GVC8,Dell,y,extra\nZZZ,Dell,\n");
    std::fs::write(&input, text).unwrap();
    let input = input.to_str().unwrap();
    let written = scratch("summary-alone-out.csv");
    let alone = summary(&serialkit(&["check", input, "-c", "Serial Number", "--summary", "json"]));
    let with_rows = serialkit(&[
        "check",
        input,
        "-c",
        "Serial Number",
        "--summary",
        "json",
        "-o",
        written.to_str().unwrap(),
    ]);
    assert_eq!(alone, summary(&with_rows));
    // The prefixed pair, the two Dell rows; the bad byte in the unchecked column and the
    // ragged row are still warned about.
    assert_eq!((&alone["duplicate_groups"], &alone["duplicate_rows"]), (&2.into(), &4.into()), "{alone}");
    assert_eq!((&alone["warnings"], &alone["invalid"]), (&2.into(), &3.into()), "{alone}");
}

#[test]
fn each_row_is_written_as_read_whatever_the_rows_before_it_held() {
    // Rows are read into reused buffers: a long, wide or non-UTF-8 row must leave nothing in
    // the short, blank or narrow rows after it, with or without --fix. 600 rows cross the
    // chunks rows are checked in.
    let input = scratch("reuse.csv");
    let mut text = b"Serial Number,Notes,Extra\n".to_vec();
    for i in 0..600 {
        match i % 5 {
            0 => text.extend_from_slice(format!("c02tj0q7gvc8,{},x,y,z\n", "n".repeat(5000)).as_bytes()),
            1 => text.extend_from_slice(b"W8023204AGY\n"),
            2 => text.extend_from_slice(b"\n"),
            3 => text.extend_from_slice(b"J\xE9E2445044T,caf\xE9,\n"),
            _ => text.extend_from_slice(b",,\n"),
        }
    }
    std::fs::write(&input, &text).unwrap();
    for fix in [false, true] {
        let mut args = vec!["check", input.to_str().unwrap(), "-c", "Serial Number", "-q"];
        if fix {
            args.push("--fix");
        }
        let out = serialkit(&args);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(&out.stdout[..]);
        let written: Vec<csv::ByteRecord> = reader.byte_records().map(Result::unwrap).collect();
        assert_eq!(written.len(), 600, "fix {fix}");
        for (i, row) in written.iter().enumerate() {
            let own: Vec<&[u8]> = row.iter().take(3).collect();
            let long = "n".repeat(5000);
            let expected: [&[u8]; 3] = match i % 5 {
                0 if fix => [b"C02TJ0Q7GVC8", long.as_bytes(), b"x"],
                0 => [b"c02tj0q7gvc8", long.as_bytes(), b"x"],
                1 => [b"W8023204AGY", b"", b""],
                2 => [b"", b"", b""],
                3 => [b"J\xE9E2445044T", b"caf\xE9", b""],
                _ => [b"", b"", b""],
            };
            assert_eq!(own, expected, "row {} (fix {fix})", i + 2);
            if i % 5 == 0 {
                assert_eq!(row.get(3), Some(&b"y"[..]), "row {} keeps its extra fields", i + 2);
            }
        }
    }
}

#[test]
fn against_an_existing_inventory() {
    let intake = scratch("intake.csv");
    let inventory = scratch("inventory.csv");
    std::fs::write(&intake, "Serial Number\nC02TJ0Q7GVC8\nJAE2445044T\nW8023204AGY\n").unwrap();
    std::fs::write(&inventory, "Serial\nc02tj0q7gvc8\nFOC0849N1BD\nFOC0849N1BD\nW8O23204AGY\n").unwrap();
    let out = serialkit(&[
        "dupes",
        intake.to_str().unwrap(),
        "--against",
        inventory.to_str().unwrap(),
        "-q",
        "--json",
    ]);
    let groups: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // The inventory's own duplicate (FOC…) is not the intake's business.
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert_eq!(groups[0]["reasons"], serde_json::json!(["exact"]));
    assert_eq!(groups[0]["members"][1]["value"], "c02tj0q7gvc8");
    assert_eq!(groups[1]["reasons"], serde_json::json!(["confusable"]));
    assert_eq!(groups[1]["members"][1]["row"], 5);
}

#[test]
fn a_column_number_past_the_last_column_is_a_usage_error() {
    for command in ["check", "dupes"] {
        let out = serialkit(&[command, &data("empty-cells.csv"), "--column", "99"]);
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert!(out.stdout.is_empty(), "{command}: no rows written");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("empty-cells.csv: no column 99; the file has 3 columns\n"), "{stderr}");
    }
    let out = serialkit(&["check", &data("empty-cells.csv"), "--column", "3", "--summary", "json", "-q"]);
    assert_eq!(summary(&out)["columns"], serde_json::json!(["IMEI"]));
}

#[test]
fn against_matches_columns_by_name_or_kind_not_position() {
    let intake = scratch("intake-2.csv");
    let inventory = scratch("inventory-2.csv");
    std::fs::write(&intake, "Serial Number,MAC Address\nC02TJ0Q7GVC8,01:AB:03:04:05:06\n").unwrap();
    std::fs::write(&inventory, "MAC,Serial\n01-ab-03-04-05-06,c02tj0q7gvc8\n").unwrap();
    let (intake, inventory) = (intake.to_str().unwrap(), inventory.to_str().unwrap());
    let groups = |extra: &[&str]| -> Vec<serde_json::Value> {
        let mut args = vec!["dupes", intake, "--against", inventory, "-q", "--json"];
        args.extend(extra);
        let out = serialkit(&args);
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    };
    let found = groups(&[]);
    assert_eq!(found.len(), 2, "{found:?}");
    for g in &found {
        // The same column in both files: not "the same value in two columns".
        assert_eq!(g["reasons"], serde_json::json!(["exact"]), "{g}");
    }
    assert_eq!(found[0]["members"][1]["column"], "Serial");
    assert_eq!(found[1]["members"][1]["column"], "MAC");
    // --column names the intake's column; the inventory's serial column is found by its kind.
    let found = groups(&["--column", "Serial Number"]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["members"][1]["value"], "c02tj0q7gvc8");
    // A file with no column of that kind is still an error.
    let out = serialkit(&["dupes", intake, "--against", &data("formula.csv"), "--column", "MAC Address"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("formula.csv: no column 'MAC Address'; columns: "), "{stderr}");
}

#[test]
fn an_empty_file_is_a_clear_input_error() {
    let empty = scratch("empty.csv");
    std::fs::write(&empty, "").unwrap();
    for command in ["check", "dupes"] {
        let out = serialkit(&[command, empty.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("empty.csv: the file is empty: no header row and no data"), "{stderr}");
    }
}

/// Writes an OpenDocument spreadsheet with `sheets` (name, rows of cells; an empty cell is
/// left out); `tail` is XML added to the last sheet (repeated rows, say).
fn write_ods(path: &Path, sheets: &[(&str, &[&[&str]])], tail: &str) {
    use std::io::Write;
    let cell = |text: &str| match text {
        "" => "<table:table-cell/>".to_string(),
        t => {
            format!("<table:table-cell office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>")
        }
    };
    let mut body = String::new();
    for (i, (name, rows)) in sheets.iter().enumerate() {
        body += &format!("<table:table table:name=\"{name}\">");
        for row in *rows {
            body += "<table:table-row>";
            row.iter().for_each(|c| body += &cell(c));
            body += "</table:table-row>";
        }
        if i + 1 == sheets.len() {
            body += tail;
        }
        body += "</table:table>";
    }
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
    );
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest \
         xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
         <manifest:file-entry manifest:full-path=\"/\" \
         manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
         <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
         </manifest:manifest>";
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    // The media type comes first, stored, as OpenDocument requires.
    for (part, text) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content.as_str()),
    ] {
        zip.start_file(part, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn ods_sheets_by_name_and_number_and_a_sheet_too_large_to_unpack() {
    let path = scratch("two-sheets.ods");
    let laptops: &[&[&str]] = &[&["Serial Number"], &["C02TJ0Q7GVC8"], &[""], &["CO2TJ0Q7GVC8"]];
    let phones: &[&[&str]] = &[&["IMEI"], &["490154203237518"], &["490154203237517"]];
    write_ods(&path, &[("Laptops", laptops), ("Phones", phones)], "");
    let path = path.to_str().unwrap();

    let out = serialkit(&["check", path, "--summary", "json", "-q"]);
    let s = summary(&out);
    assert_eq!((s["rows"].as_u64(), s["valid"].as_u64(), s["invalid"].as_u64()), (Some(3), Some(1), Some(1)));
    for sheet in ["Phones", "2"] {
        let out = serialkit(&["check", path, "--sheet", sheet]);
        let rows = rows(&out);
        assert_eq!(rows.len(), 3, "--sheet {sheet}");
        let error = rows[0].iter().position(|h| h == "error").unwrap();
        assert_eq!(rows[2][error], "check digit should be 8, not 7 (character 15)");
    }
    let missing = serialkit(&["check", path, "--sheet", "Tablets"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no sheet 'Tablets'; sheets: Laptops, Phones"));

    // A few hundred bytes that claim a million empty rows 16,000 cells wide, then one cell:
    // refused with what is wrong, before anything that large is built.
    let far = scratch("far-cell.ods");
    let tail = "<table:table-row table:number-rows-repeated=\"1000000\">\
                <table:table-cell table:number-columns-repeated=\"16000\"/></table:table-row>\
                <table:table-row><table:table-cell table:number-columns-repeated=\"16000\"/>\
                <table:table-cell office:value-type=\"string\"><text:p>far</text:p></table:table-cell>\
                </table:table-row>";
    write_ods(&far, &[("Laptops", laptops)], tail);
    let out = serialkit(&["check", far.to_str().unwrap(), "-q"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("far-cell.ods: not a readable ODS file: Cell limit exceeded"), "{stderr}");
    assert!(stderr.contains("export the sheet as CSV"), "{stderr}");
}

#[test]
fn a_broken_workbook_gets_the_error_of_the_format_it_claims() {
    // An OLE compound file header and nothing after it: an XLS that is cut short.
    let xls = scratch("cut-short.xls");
    std::fs::write(&xls, b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 and no more").unwrap();
    let out = serialkit(&["check", xls.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cut-short.xls: not a readable XLS file: "));
    // An ODS zip without its manifest.
    let ods = scratch("no-manifest.ods");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&ods).unwrap());
    zip.start_file("mimetype", zip::write::SimpleFileOptions::default()).unwrap();
    std::io::Write::write_all(&mut zip, b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    zip.finish().unwrap();
    let out = serialkit(&["check", ods.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no-manifest.ods: not a readable ODS file: 'META-INF/manifest.xml'"), "{stderr}");
}

#[test]
fn an_output_that_is_an_input_is_refused_and_the_input_kept() {
    let input = scratch("in-place.csv");
    let text: String = std::iter::once("Serial Number\n".to_string())
        .chain((0..20_000).map(|i| format!("C02TJ{i:05}VC8\n")))
        .collect();
    std::fs::write(&input, &text).unwrap();
    // The same file by another path: the guard compares files, not spellings.
    let other_spelling = input.parent().unwrap().join(".").join("in-place.csv");
    let hard_link = scratch("in-place-link.csv");
    let _ = std::fs::remove_file(&hard_link);
    std::fs::hard_link(&input, &hard_link).unwrap();
    let path = input.display().to_string();
    for args in [
        vec!["check", &path, "-q", "-o", other_spelling.to_str().unwrap()],
        vec!["check", &path, "-q", "-o", hard_link.to_str().unwrap()],
        vec!["dupes", &data("ragged.csv"), "--against", &path, "-q", "-o", &path],
    ] {
        let out = serialkit(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("the output is the input file"), "{stderr}");
        assert_eq!(std::fs::read_to_string(&input).unwrap(), text, "{args:?} kept the input");
    }
}

#[test]
fn dupes_writes_ndjson_by_the_output_name_and_refuses_xlsx() {
    let input = scratch("dupes-by-name.csv");
    std::fs::write(&input, "Serial Number\nC02TJ0Q7GVC8\nC02TJ0Q7GVC8\n").unwrap();
    let input = input.display().to_string();
    let ndjson = scratch("groups.ndjson");
    let out = serialkit(&["dupes", &input, "-q", "-o", ndjson.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&ndjson).unwrap();
    let group: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(group["members"].as_array().map(Vec::len), Some(2), "{text}");
    let xlsx = scratch("groups.xlsx");
    let out = serialkit(&["dupes", &input, "-q", "-o", xlsx.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not XLSX; name the output .csv or .ndjson"));
    assert!(!xlsx.exists(), "nothing written under an XLSX name");
}

#[test]
fn a_column_named_twice_or_by_number_zero_or_by_name_without_a_header_is_a_usage_error() {
    let inventory = &example_inventory();
    let list = scratch("one-column.csv");
    std::fs::write(&list, "C02TJ0Q7GVC8\n").unwrap();
    let list = list.to_str().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["check", inventory, "-c", "4", "-c", "serial number"],
            "--column '4' and --column 'serial number' are the same column (Serial Number); name it once",
        ),
        (
            &["dupes", inventory, "-c", "MAC Address", "-c", "MAC Address"],
            "are the same column (MAC Address)",
        ),
        (&["check", inventory, "-c", "0"], "no column 0: columns are numbered from 1"),
        (
            &["check", list, "--no-header", "-c", "Serial Number"],
            "no column 'Serial Number': with --no-header there are no names; give the column's number (from 1)",
        ),
    ];
    for (args, message) in cases {
        let out = serialkit(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?} wrote rows");
    }
}

#[test]
fn utf16_text_as_excel_saves_unicode_text_is_read_by_path_and_on_stdin() {
    let text = "Serial Number\tOwner\r\nC02TJ0Q7GVC8\tJosé\r\nW8023204AGY\tZoë\r\n";
    let bytes: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let path = scratch("unicode-text.txt");
    std::fs::write(&path, &bytes).unwrap();
    let out = serialkit(&["check", path.to_str().unwrap(), "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = rows(&out);
    assert_eq!((rows.len(), &rows[0][..2]), (3, &["Serial Number".to_string(), "Owner".to_string()][..]));
    assert_eq!(
        (&rows[1][1], &rows[1][2], &rows[2][1]),
        (&"José".to_string(), &"true".to_string(), &"Zoë".to_string())
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_serialkit"))
        .args(["check", "-", "--summary", "json", "-q"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let s = summary(&child.wait_with_output().unwrap());
    assert_eq!(
        (s["rows"].as_u64(), s["valid"].as_u64(), s["warnings"].as_u64()),
        (Some(2), Some(2), Some(0))
    );
}

#[test]
fn a_failed_write_names_the_output() {
    // A device that is always full (Linux); elsewhere there is nothing to test this with.
    if !Path::new("/dev/full").exists() {
        return;
    }
    let inventory = example_inventory();
    for args in [
        &["check", &inventory, "-q", "-o", "/dev/full"][..],
        &["check", &inventory, "-q", "-o", "/dev/full", "--format", "ndjson"],
        &["dupes", &inventory, "-q", "-o", "/dev/full"],
    ] {
        let out = serialkit(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("serialkit: /dev/full: No space left on device"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_checked_file_checked_again_keeps_both_sets_of_findings_apart() {
    let inventory = example_inventory();
    let first = scratch("checked-once.csv");
    let out = serialkit(&["check", &inventory, "-c", "Serial Number", "-q", "-o", first.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let out =
        serialkit(&["check", first.to_str().unwrap(), "-c", "Serial Number", "-q", "--format", "ndjson"]);
    let line = String::from_utf8_lossy(&out.stdout).lines().next().unwrap().to_string();
    let row: serde_json::Value = serde_json::from_str(&line).unwrap();
    // The first check's cells are the file's columns now, as they were written.
    assert_eq!(
        (&row["valid"], &row["kind"]),
        (&serde_json::json!("true"), &serde_json::json!("serial")),
        "{line}"
    );
    assert_eq!(row["Serial Number:valid"], serde_json::json!(true), "{line}");
    assert!(row.get("valid (2)").is_none(), "{line}");
    // And a third time: the column's next prefix.
    let second = scratch("checked-twice.csv");
    let out = serialkit(&[
        "check",
        first.to_str().unwrap(),
        "-c",
        "Serial Number",
        "-q",
        "-o",
        second.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let out =
        serialkit(&["check", second.to_str().unwrap(), "-c", "Serial Number", "-q", "--format", "ndjson"]);
    let line = String::from_utf8_lossy(&out.stdout).lines().next().unwrap().to_string();
    let row: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(row["Serial Number:valid"], serde_json::json!("true"), "{line}");
    assert_eq!(row["Serial Number (2):valid"], serde_json::json!(true), "{line}");
}

#[test]
fn two_columns_compared_with_a_file_that_has_one_of_their_kind_use_it_once() {
    let intake = scratch("two-serial-columns.csv");
    std::fs::write(
        &intake,
        "Serial Number,Old Serial\nC02TJ0Q7GVC8,W8023204AGY\nFVFXC2MHHV29,C02TJ0Q7GVC9\n",
    )
    .unwrap();
    let inventory = scratch("one-serial-column.csv");
    std::fs::write(&inventory, "Serial\nC02TJ0Q7GVC8\nJAE174234Y6\n").unwrap();
    let out = serialkit(&[
        "dupes",
        intake.to_str().unwrap(),
        "--against",
        inventory.to_str().unwrap(),
        "-c",
        "Serial Number",
        "-c",
        "Old Serial",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = rows(&out);
    // The header and one group: the serial in each file once, not the inventory's cell twice.
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!((&rows[1][2], &rows[2][5]), (&"exact".to_string(), &"Serial".to_string()));
}
