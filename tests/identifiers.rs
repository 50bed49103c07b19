//! Conformance vectors for the standard identifiers, read from `tests/data/*.tsv`.
//!
//! Each file names the sources of its vectors in its header (`#   [V] validator.js …`), and
//! each row names its source by those marks. A row is
//! `input, ok, format, normalized, fields, source` or `input, err, kind, start..end, message, source`.

use serialkit::ids::{gs1, gtin, imei, mac};
use serialkit::{Decoded, Kind, Options, Problem, Registry};

type Parser = fn(&str) -> Result<Decoded, Problem>;

/// The rows of `tests/data/expected-failures.txt` for `name`: inputs where serialkit departs
/// from a published vector on purpose, each with the reason.
fn expected_failures(name: &str) -> Vec<String> {
    let path = format!("{}/tests/data/expected-failures.txt", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(cols.len() == 3 && !cols[2].trim().is_empty(), "{path}: {l:?}: file, input, reason");
            (cols[0] == name).then(|| cols[1].to_string())
        })
        .collect()
}

/// The source marks a data file's header declares: `X` for each line `#   [X] …`.
fn declared_sources(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix('#')?.trim_start().strip_prefix('[')?.split_once(']'))
        .map(|(mark, _)| mark.to_string())
        .collect()
}

/// What is wrong with a row's source column, if anything: every mark (`P,V`, or `N>V` for
/// netaddr's reading over validator.js's) must be declared in the header.
fn source_problem(source: &str, declared: &[String]) -> Option<String> {
    let marks: Vec<&str> = source.split([',', '>']).map(str::trim).collect();
    let undeclared = marks.iter().find(|m| !declared.iter().any(|d| d == *m))?;
    Some(format!("source mark {undeclared:?} is not declared in the header ({declared:?})"))
}

/// Runs every row of `tests/data/{name}.tsv` through `parse`; a row whose input starts with a
/// key of `others` (`upc-e:`) goes to that parser instead. A row listed in
/// `expected-failures.txt` must fail, and the test fails when it starts to pass.
#[track_caller]
fn run(name: &str, parse: Parser, others: &[(&str, Parser)]) {
    let path = format!("{}/tests/data/{name}.tsv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let declared = declared_sources(&text);
    let expected = expected_failures(name);
    let mut failures = Vec::new();
    let mut seen = Vec::new();
    let mut rows = 0;
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.starts_with('#') && !l.is_empty()).skip(1) {
        rows += 1;
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(cols.len() == 6, "{path}:{}: expected 6 columns, found {}", n + 1, cols.len());
        if let Some(why) = source_problem(cols[5], &declared) {
            failures.push(format!("{path}:{}: {why}", n + 1));
        }
        let raw = cols[0].replace("\\x1d", "\u{1d}");
        let (input, parser) = match others.iter().find(|(key, _)| raw.starts_with(key)) {
            Some((key, p)) => (&raw[key.len()..], *p),
            None => (&raw[..], parse),
        };
        let outcome = check(parser(input), cols[1], cols[2], cols[3], cols[4]);
        let listed = expected.iter().any(|e| e == cols[0]);
        seen.extend(listed.then(|| cols[0].to_string()));
        match (outcome, listed) {
            (Err(why), false) => failures.push(format!("{path}:{}: {:?}: {why}", n + 1, cols[0])),
            (Ok(()), true) => failures.push(format!(
                "{path}:{}: {:?} passes: remove it from expected-failures.txt",
                n + 1,
                cols[0]
            )),
            _ => {}
        }
    }
    for missing in expected.iter().filter(|e| !seen.contains(e)) {
        failures.push(format!("expected-failures.txt: {name} {missing:?} is not a row of {path}"));
    }
    assert!(rows > 0, "{path} has no rows");
    assert!(failures.is_empty(), "{} of {rows} rows failed:\n{}", failures.len(), failures.join("\n"));
}

fn check(result: Result<Decoded, Problem>, expect: &str, a: &str, b: &str, c: &str) -> Result<(), String> {
    match (expect, result) {
        ("ok", Ok(d)) => {
            if d.format != a || d.normalized != b {
                return Err(format!("got {} {}, expected {a} {b}", d.format, d.normalized));
            }
            for pair in c.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                let (key, want) = pair.split_once('=').ok_or(format!("bad field spec {pair:?}"))?;
                match d.fields.get(key.trim()) {
                    Some(v) if v.to_string() == want.trim() => {}
                    other => return Err(format!("field {key}: got {other:?}, expected {want:?}")),
                }
            }
            Ok(())
        }
        ("err", Err(p)) => {
            let span = format!("{}..{}", p.span().start, p.span().end);
            if p.kind().as_str() != a || span != b || p.message() != c {
                return Err(format!(
                    "got {} {span} {:?}, expected {a} {b} {c:?}",
                    p.kind().as_str(),
                    p.message()
                ));
            }
            Ok(())
        }
        ("ok", Err(p)) => Err(format!("expected {a}, got error {p}")),
        ("err", Ok(d)) => Err(format!("expected error {c:?}, got {} {}", d.format, d.normalized)),
        (other, _) => Err(format!("unknown expectation {other:?}")),
    }
}

#[test]
fn mac_vectors() {
    run("mac", mac::parse, &[]);
}

#[test]
fn imei_vectors() {
    run("imei", imei::parse_imei, &[]);
}

#[test]
fn meid_vectors() {
    run("meid", imei::parse_meid, &[]);
}

#[test]
fn gtin_vectors() {
    run("gtin", gtin::parse, &[("upc-e:", gtin::parse_upc_e)]);
}

#[test]
fn iccid_vectors() {
    run("iccid", imei::parse_iccid, &[]);
}

/// validator.js's reading of a 16-digit value: `--kind imei` refuses an IMEISV.
fn imei_only(value: &str) -> Result<Decoded, Problem> {
    Registry::builtin().best(value, &Options { kind: Some(Kind::Imei), ..Options::default() })
}

#[test]
fn strict_vectors() {
    // The other reading where respected tools disagree, one family per input prefix.
    run(
        "strict",
        |_| panic!("every row of strict.tsv names its family"),
        &[("mac:", mac::parse_strict), ("gtin:", gtin::parse_strict), ("imei:", imei_only)],
    );
}

#[test]
fn isbn_vectors() {
    run("isbn", gtin::parse_isbn, &[]);
}

#[test]
fn gs1_vectors() {
    run("gs1", gs1::parse, &[]);
}

#[test]
fn every_span_lies_inside_the_input() {
    let parsers: &[Parser] = &[
        mac::parse,
        imei::parse_imei,
        imei::parse_meid,
        imei::parse_iccid,
        gtin::parse,
        gtin::parse_upc_e,
        gtin::parse_isbn,
        gs1::parse,
    ];
    let samples = [
        "",
        " ",
        "\u{1d}",
        "]",
        "]C1",
        "(",
        "()",
        "(01",
        "(01)",
        "(3109)123456",
        "0",
        "::",
        ":-",
        "..",
        "x",
        "ＡＢ：ＣＤ",
        "  12-34  ",
        "é",
        "\u{200B}1",
        "010950600013435",
        "(17)000000",
        "9",
        "89",
        "F",
        "978",
        "12345678901234567890123456789",
        "aa:bb:cc:dd:ee:ff:",
        "0109506000134352\u{1d}\u{1d}",
        "^",
        "^^",
        "{GS}",
        "{G",
        "]C1{GS}",
        "0109506000134352{GS}",
        "0109506000134352{GS}{GS}{",
        " ^0109506000134352^ ",
    ];
    for parse in parsers {
        for s in samples {
            if let Err(p) = parse(s) {
                let len = s.chars().count();
                assert!(p.span().start <= p.span().end && p.span().end <= len, "{s:?}: {p}");
            }
        }
    }
}

proptest::proptest! {
    #[test]
    fn never_panics_and_spans_fit(s in "[0-9a-fA-FxX:.\\-() \\]\u{1d}CdQe{}GS^]{0,40}|\\PC{0,40}") {
        let parsers: &[Parser] =
            &[mac::parse, imei::parse_imei, imei::parse_meid, imei::parse_iccid, gtin::parse, gtin::parse_upc_e, gtin::parse_isbn, gs1::parse];
        let len = s.chars().count();
        for parse in parsers {
            match parse(&s) {
                Err(p) => proptest::prop_assert!(p.span().start <= p.span().end && p.span().end <= len, "{:?}: {}", s, p),
                // A valid value's normalized form reads back to itself.
                Ok(d) => {
                    let again = parse(&d.normalized);
                    proptest::prop_assert!(again.as_ref().is_ok_and(|a| a.normalized == d.normalized), "{:?} -> {:?}: {:?}", s, d.normalized, again);
                }
            }
        }
    }
}

#[test]
fn check_digits_are_text_in_every_family() {
    // An ISBN-10's check digit may be X, so every family writes it as text in JSON.
    for (value, parse, want) in [
        ("490154203237518", imei::parse_imei as Parser, "8"),
        ("73513537", gtin::parse, "7"),
        ("1-85798-218-5", gtin::parse_isbn, "5"),
        ("978-1-85798-218-3", gtin::parse_isbn, "3"),
        ("AF 01 23 45 0A BC DE C", imei::parse_meid, "C"),
    ] {
        let d = parse(value).unwrap_or_else(|p| panic!("{value}: {p}"));
        let json = serde_json::to_value(&d.fields).unwrap();
        assert_eq!(json["check_digit"], serde_json::json!(want), "{value}");
    }
    let fourteen = imei::parse_imei("35686800-004141").unwrap();
    let json = serde_json::to_value(&fourteen.fields).unwrap();
    assert_eq!((json.get("check_digit"), &json["computed_check_digit"]), (None, &serde_json::json!("8")));
}
