//! Replays the fuzz corpus (`fuzz/corpus/<target>/`) and every input that once crashed a target
//! (`fuzz/regressions/<target>/`) through the targets' own bodies, on stable Rust: `cargo test`
//! runs what `scripts/fuzz.sh` ran. Below, each bug the fuzzer found, as a plain assertion.

#[path = "../../fuzz/src/lib.rs"]
mod targets;

use std::path::Path;

/// Runs every file of `fuzz/<folder>/<target>/` through its target; all failures are listed.
fn replay(folder: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(folder);
    let mut failures = Vec::new();
    let mut count = 0;
    for (name, body) in targets::TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(name)) else { continue };
        for path in entries.map(|e| e.unwrap().path()) {
            let data = std::fs::read(&path).unwrap();
            count += 1;
            if std::panic::catch_unwind(|| body(&data)).is_err() {
                failures.push(path.display().to_string());
            }
        }
    }
    assert!(failures.is_empty(), "{} input(s) fail:\n{}", failures.len(), failures.join("\n"));
    count
}

#[test]
fn the_corpus_replays_cleanly() {
    assert!(replay("corpus") > 0, "the committed corpus is missing");
}

#[test]
fn every_input_that_crashed_once_replays_cleanly() {
    assert!(replay("regressions") > 0, "the crash inputs are missing");
}

/// Found by the `decode` target: a '(' inside GS1 data made the human-readable normalized form
/// read differently ("(95)+1(" starts a new AI). It is written "\(" as the GS1 Barcode Syntax
/// Engine does, and read back.
#[test]
fn a_parenthesis_in_gs1_data_round_trips() {
    let scanned = serialkit::ids::gs1::parse("95+1(").unwrap();
    assert_eq!(scanned.normalized, "(95)+1\\(");
    let again = serialkit::ids::gs1::parse(&scanned.normalized).unwrap();
    assert_eq!(again.fields, scanned.fields);
    assert_eq!(again.fields["internal_95"].to_string(), "+1(");
    let two = serialkit::ids::gs1::parse("(21)A\\(B(10)X").unwrap();
    assert_eq!(
        (two.fields["serial"].to_string(), two.fields["batch"].to_string()),
        ("A(B".into(), "X".into())
    );
    let err = serialkit::ids::gs1::parse("(21)A\\B").unwrap_err();
    assert_eq!(err.message(), "'\\' cannot appear in (21)");
    assert_eq!((err.span().start, err.span().end), (5, 6));
}

/// Found by the `gs1` target: the human-readable form of a 256-character scanned string is
/// longer (parentheses, escapes) and no longer read as a value. Such strings are refused.
#[test]
fn a_gs1_string_whose_readable_form_is_too_long_is_refused() {
    let element = "9912345678\u{1d}";
    let scanned = element.repeat(23);
    assert_eq!(scanned.chars().count(), 253);
    let err = serialkit::ids::gs1::parse(&scanned).unwrap_err();
    assert_eq!(
        err.message(),
        "too long: 276 characters in human-readable form, no identifier takes more than 256"
    );
    assert_eq!((err.span().start, err.span().end), (0, 253), "the whole value");
    let shorter = element.repeat(21);
    let d = serialkit::ids::gs1::parse(&shorter).unwrap();
    assert_eq!(d.normalized.chars().count(), 252);
    assert_eq!(serialkit::ids::gs1::parse(&d.normalized).unwrap().normalized, d.normalized);
}

/// Found by the `decode_vendor` target: "00-00000" passed as a Lenovo machine type-model while
/// its normalized form "0000000" is a placeholder. Separators no longer hide a placeholder.
#[test]
fn a_placeholder_behind_separators_is_still_a_placeholder() {
    for value in ["00-00000", "00\u{7f}00000\u{7f}\u{7f}", "0000000"] {
        let err = serialkit::validate(value, "lenovo").unwrap_err();
        assert_eq!(err.message(), "placeholder, not a serial: one character repeated ('0')", "{value:?}");
    }
    assert_eq!(
        serialkit::placeholder_reason("FF:FF:FF:FF:FF:FF").as_deref(),
        Some("one character repeated ('F')")
    );
    // Found again after the rebase: the listed placeholders too ("0123456789---" is a Lenovo MTM).
    let err = serialkit::validate("\u{1}\u{0}0123456789---\r", "lenovo").unwrap_err();
    assert_eq!(err.message(), "placeholder, not a serial: a counting sequence, not a serial");
    assert_eq!((err.span().start, err.span().end), (2, 15));
    let reason = serialkit::placeholder_reason("0123-456-789");
    assert_eq!(reason.as_deref(), Some("a counting sequence, not a serial"));
}

/// Found by the `decode_vendor` target: the older Lenovo label (`1S` + 7-character type-model +
/// 7-character serial) normalized to a serial no Lenovo format reads. It now stays the label.
#[test]
fn a_lenovo_16_character_label_normalizes_to_itself() {
    for value in ["1S30C6S3WT030AC3", "1S4384Z8S1234567"] {
        let label = serialkit::validate(value, "lenovo").unwrap();
        assert_eq!((label.format.as_str(), label.normalized.as_str()), ("lenovo-1s-16", value));
        assert_eq!(label.fields["serial"].to_string(), &value[9..]);
        let again = serialkit::validate(&label.normalized, "lenovo").unwrap();
        assert_eq!(again.fields, label.fields);
    }
}
