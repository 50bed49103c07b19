//! Row accounting: a 50,000-row inventory with malformed rows scattered through it goes through
//! `serialkit check` to CSV, XLSX and NDJSON; every row comes out, in order, under its own id.

use calamine::Reader;
use std::path::PathBuf;
use std::process::Command;

const ROWS: usize = 50_000;

/// A small deterministic generator (xorshift64*), so a failure can be replayed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The file's bytes and, for each row after the header, the id it must come out with ("" for
/// a blank line).
fn inventory() -> (Vec<u8>, Vec<String>) {
    const SERIALS: &[&str] = &["C02TJ0Q7GVC8", "CO2TJ0Q7GVC8", "W8023204AGY", "JAE2445044T", "5RFDP01", ""];
    let mut random = Random(0x05EE_D0F5_E1A1);
    let mut bytes = b"Id,Serial Number,MAC Address,Owner\n".to_vec();
    let mut ids = Vec::with_capacity(ROWS + ROWS / 10);
    for i in 0..ROWS {
        let id = format!("id-{i:06}");
        let serial = SERIALS[random.below(SERIALS.len() as u64) as usize];
        let line: Vec<u8> = match random.below(20) {
            // Too few fields, too many.
            0 => id.clone().into_bytes(),
            1 => format!("{id},{serial},00:50:56:C0:00:03,a,b,c,d").into_bytes(),
            // Bytes that are not UTF-8, in the serial and in the owner.
            2 => [format!("{id},C02").as_bytes(), b"\xff\xfeTJ0Q7GVC8,,Jos\xe9"].concat(),
            // Garbage: any bytes but quotes and line breaks (commas split it into more fields).
            3 => {
                let mut line = format!("{id},").into_bytes();
                line.extend((0..random.below(40)).map(|_| {
                    loop {
                        let b = random.below(256) as u8;
                        if !b"\"\r\n".contains(&b) {
                            break b;
                        }
                    }
                }));
                line
            }
            _ => format!("{id},{serial},00:50:56:c0:00:{:02x},owner {i}", i % 256).into_bytes(),
        };
        bytes.extend(line);
        ids.push(id);
        // Blank lines between rows: each one a row of its own.
        if random.below(25) == 0 {
            for _ in 0..=random.below(2) {
                bytes.push(b'\n');
                ids.push(String::new());
            }
        }
        bytes.push(b'\n');
    }
    (bytes, ids)
}

fn scratch(name: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("rows");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name).display().to_string()
}

fn check(input: &str, output: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_serialkit"))
        .args(["check", input, "-o", output, "-q", "--column", "Serial Number", "--column", "MAC Address"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "findings, not a failure: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_row_comes_out_in_order() {
    let (bytes, ids) = inventory();
    assert!(ids.len() > ROWS, "some blank lines were planted");
    let input = scratch("inventory.csv");
    std::fs::write(&input, &bytes).unwrap();

    let (csv_out, xlsx_out, ndjson_out) =
        (scratch("checked.csv"), scratch("checked.xlsx"), scratch("checked.ndjson"));
    std::thread::scope(|s| {
        for output in [&csv_out, &xlsx_out, &ndjson_out] {
            s.spawn(|| check(&input, output));
        }
    });

    let rows: Vec<csv::ByteRecord> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(&csv_out)
        .unwrap()
        .byte_records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(&rows[0][0], b"Id");
    let out_ids: Vec<&[u8]> = rows[1..].iter().map(|r| &r[0]).collect();
    assert_eq!(out_ids.len(), ids.len(), "rows in = rows out (CSV)");
    for (i, (got, want)) in out_ids.iter().zip(&ids).enumerate() {
        assert_eq!(*got, want.as_bytes(), "CSV row {}", i + 2);
    }

    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&xlsx_out).unwrap();
    let range = workbook.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(range.start(), Some((0, 0)));
    let cell = |row: usize| range.get((row, 0)).map(|c| c.to_string()).unwrap_or_default();
    assert_eq!(cell(0), "Id");
    assert_eq!(range.height(), ids.len() + 1, "rows in = rows out (XLSX)");
    for (i, want) in ids.iter().enumerate() {
        assert_eq!(&cell(i + 1), want, "XLSX row {}", i + 2);
    }

    let text = std::fs::read_to_string(&ndjson_out).unwrap();
    let numbers: Vec<u64> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["row"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = (2..ids.len() as u64 + 2).collect();
    assert_eq!(numbers, expected, "each row under its own number, blank lines counted (NDJSON)");
}
