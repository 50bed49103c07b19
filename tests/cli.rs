//! The `serialkit` binary: the decode contract, exit codes, and lint-rules on broken files.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn serialkit(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_serialkit"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn decode_json_follows_the_contract_in_input_order() {
    let out = serialkit(&["decode", "--json", "C02TJ0Q7GVC8", "CO2TJ0Q7GVC8"], "");
    assert_eq!(out.status.code(), Some(1), "one invalid value → exit 1");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    let ok = &lines[0];
    assert_eq!(ok["input"], "C02TJ0Q7GVC8");
    assert_eq!(ok["valid"], true);
    assert_eq!(ok["kind"], "serial");
    assert_eq!(ok["vendor"], "apple");
    assert_eq!(ok["format"], "apple-12");
    assert_eq!(ok["fields"]["year"], 2017);
    assert_eq!(ok["fields"]["model_id"], "MacBookPro13,1");
    assert!(!ok["candidates"].as_array().unwrap().is_empty());
    let bad = &lines[1];
    assert_eq!(bad["valid"], false);
    assert_eq!(bad["errors"][0]["start"], 1);
    assert_eq!(bad["errors"][0]["end"], 2);
    assert_eq!(bad["errors"][0]["message"], "'O' cannot appear in plant");
    assert_eq!(bad["errors"][0]["code"], "invalid-character");
}

#[test]
fn decode_reads_stdin_one_value_per_line() {
    let out = serialkit(&["decode", "--json", "--vendor", "Apple Inc."], "C02TJ0Q7GVC8\r\nW8023204AGY\n");
    assert_eq!(out.status.code(), Some(0));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["format"], "apple-11");
}

#[test]
fn strict_flag_takes_the_other_mac_reading() {
    let lenient = serialkit(&["decode", "--json", "--kind", "mac", "d0:5:9:4:a2:a0"], "");
    assert_eq!(lenient.status.code(), Some(0));
    assert_eq!(json_lines(&lenient)[0]["normalized"], "D0:05:09:04:A2:A0");
    let strict = serialkit(&["decode", "--json", "--strict", "--kind", "mac", "d0:5:9:4:a2:a0"], "");
    assert_eq!(strict.status.code(), Some(1));
    assert_eq!(json_lines(&strict)[0]["errors"][0]["start"], 3);
}

#[test]
fn human_output_shows_a_caret_and_hint() {
    let out = serialkit(&["decode", "--vendor", "apple", "CO2TJ0Q7GVC8"], "");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("  CO2TJ0Q7GVC8\n   ^ 'O' cannot appear in plant\n"), "{text}");
    assert!(text.contains("hint: Apple serials never contain O — did you mean 0?"), "{text}");
}

#[test]
fn usage_errors_exit_2() {
    let out = serialkit(&["decode", "--vendor", "acme", "X"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown vendor 'acme'"));
    assert_eq!(serialkit(&["decode", "--kind", "teapot", "X"], "").status.code(), Some(2));
    assert_eq!(serialkit(&["frobnicate"], "").status.code(), Some(2));
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn lint_rules_reports_every_problem_with_file_and_key() {
    let dir = scratch("broken-rules");
    std::fs::write(
        dir.join("acme.toml"),
        r#"
id = "acme"
name = "Acme"
source = "made up for this test"
[tables.plants]
columns = ["code", "name"]
rows = [["ZZZZ", "nowhere"], ["ZZZZ", "twice"]]
[[formats]]
id = "acme-8"
kind = "sequential"
pattern = "plant:@digit{2} seq:@digit{6}"
[[formats.decode]]
segment = "plant"
field = "plant"
table = "plants"
[[formats.decode]]
segment = "nope"
field = "x"
[[examples]]
value = "12345678"
"#,
    )
    .unwrap();
    std::fs::write(dir.join("wrongname.toml"), "id = \"other\"\nname = \"X\"\nsource = \"s\"\n").unwrap();
    std::fs::write(dir.join("typo.toml"), "id = \"typo\"\nname = \"X\"\nsource = \"s\"\nalises = []\n")
        .unwrap();
    let out = serialkit(&["lint-rules", dir.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("id 'other' differs from the file name 'wrongname'"), "{text}");
    assert!(text.contains("typo.toml: alises: unknown key 'alises'; expected one of id, name"), "{text}");
    // A broken file does not hide the problems of the others: acme.toml is linted too.
    let dir2 = scratch("broken-rules-2");
    std::fs::copy(dir.join("acme.toml"), dir2.join("acme.toml")).unwrap();
    let text =
        String::from_utf8_lossy(&serialkit(&["lint-rules", dir2.to_str().unwrap()], "").stdout).to_string();
    assert!(text.contains("acme.toml: tables.plants.rows[1]: code 'ZZZZ' appears twice"), "{text}");
    assert!(
        text.contains(
            "acme.toml: tables.plants.rows[0]: code 'ZZZZ' can never match segment 'plant' (formats[0].decode[0])"
        ),
        "{text}"
    );
    assert!(
        text.contains("acme.toml: formats[0].decode[1].segment: the pattern has no segment 'nope'"),
        "{text}"
    );
}

#[test]
fn user_rules_add_a_vendor_without_rust() {
    let dir = scratch("user-rules");
    std::fs::write(
        dir.join("acme.toml"),
        r#"
id = "acme"
name = "Acme Widgets"
aliases = ["Acme Corp"]
source = "internal asset-tag policy"
[[formats]]
id = "acme-tag"
kind = "sequential"
identifies = "asset-tag"
pattern = "'IT-' site:@upper{3} '-' seq:@digit{6}"
[[formats.decode]]
segment = "site"
field = "site"
[[formats.decode]]
segment = "seq"
field = "sequence"
[[examples]]
value = "IT-NYC-004512"
fields = { site = "NYC", sequence = "004512" }
[[examples]]
value = "IT-NY1-004512"
error = "'1' cannot appear in site"
span = [5, 6]
"#,
    )
    .unwrap();
    let lint = serialkit(&["lint-rules", dir.to_str().unwrap()], "");
    assert_eq!(lint.status.code(), Some(0), "{}", String::from_utf8_lossy(&lint.stdout));
    let out = serialkit(
        &["--rules", dir.to_str().unwrap(), "decode", "--json", "--vendor", "Acme Corp", "it-nyc-004512"],
        "",
    );
    let lines = json_lines(&out);
    assert_eq!(lines[0]["kind"], "asset-tag");
    assert_eq!(lines[0]["fields"]["site"], "NYC");
}

#[test]
fn decode_reads_on_past_a_stdin_line_that_is_not_utf8() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_serialkit"))
        .args(["decode", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"C02TJ0Q7GVC8\n\xff\xfeABC\r\nC02TJ0Q7GVC8\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = json_lines(&out);
    let valid: Vec<&serde_json::Value> = lines.iter().map(|l| &l["valid"]).collect();
    assert_eq!(valid, [true, false, true]);
    assert_eq!(lines[1]["input"], "\u{FFFD}\u{FFFD}ABC");
}
