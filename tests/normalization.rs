//! Scanner artefacts normalize to the bare serial: a barcode read from an Apple box (`S` +
//! serial) or a Lenovo label (`1S` + machine type-model + serial) gives the same normalized
//! value as the serial typed by hand, in the library and in `serialkit decode --json`.

use serialkit::{Kind, Options, Registry};

/// The normalized value and format of the best reading of `value`.
#[track_caller]
fn best(value: &str) -> (String, String) {
    let d = Registry::builtin().best(value, &Options::default()).unwrap_or_else(|p| panic!("{value}: {p}"));
    (d.normalized, d.format)
}

#[test]
fn an_apple_box_barcode_normalizes_to_the_serial() {
    assert_eq!(best("SC02XGBVDJG5H"), ("C02XGBVDJG5H".to_string(), "apple-12".to_string()));
    assert_eq!(best("SC02XGBVDJG5H").0, best("C02XGBVDJG5H").0);
    let d = serialkit::validate("sc02xgbvdjg5h", "apple").unwrap();
    assert!(d.reason.contains("scanner prefix removed"), "{}", d.reason);
    // Decoding is unchanged by the prefix.
    assert_eq!(d.fields, serialkit::validate("C02XGBVDJG5H", "apple").unwrap().fields);
}

#[test]
fn a_lenovo_label_barcode_normalizes_to_the_serial_and_keeps_the_mtm() {
    // 1S + MTM 30C6S3WT00 + serial MA09AC3D of one ThinkStation P330 (puppetlabs/facter#2654).
    let label = serialkit::validate("1S30C6S3WT00MA09AC3D", "lenovo").unwrap();
    assert_eq!(
        (label.kind, label.format.as_str(), label.normalized.as_str()),
        (Kind::Serial, "lenovo-1s", "MA09AC3D")
    );
    assert_eq!(label.fields["model"].to_string(), "30C6S3WT00");
    assert_eq!(label.fields["serial"].to_string(), "MA09AC3D");
    let typed = serialkit::validate("MA09AC3D", "lenovo").unwrap();
    assert_eq!(typed.normalized, label.normalized);
    // The brief's example: the HMM's MTM 20AA0009UK around the serial PF105Q96.
    assert_eq!(best("1S20AA0009UKPF105Q96").0, "PF105Q96");
    assert_eq!(best("1s20aa0009ukpf105q96").0, "PF105Q96");
    // The older 16-character string: 1S + 7-character type-model + 7-character serial. No
    // format reads such a serial alone, so the label stays the value (the serial is a field).
    let old = serialkit::validate("1S4384Z8S1234567", "lenovo").unwrap();
    assert_eq!((old.format.as_str(), old.normalized.as_str()), ("lenovo-1s-16", "1S4384Z8S1234567"));
    assert_eq!(old.fields["model"].to_string(), "4384Z8S");
    assert_eq!(old.fields["serial"].to_string(), "1234567");
}

#[test]
fn errors_in_a_label_point_at_the_label_as_typed() {
    let p = serialkit::validate("1S30C6S3WT00MA09AC#D", "lenovo").unwrap_err();
    assert_eq!(p.message(), "'#' cannot appear in serial");
    assert_eq!((p.span().start, p.span().end), (18, 19));
}

#[cfg(feature = "cli")]
#[test]
fn decode_json_shows_the_normalized_serial() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_serialkit"))
        .args(["decode", "--json", "SC02XGBVDJG5H", "1S30C6S3WT00MA09AC3D"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (&lines[0]["input"], &lines[0]["normalized"]),
        (&"SC02XGBVDJG5H".into(), &"C02XGBVDJG5H".into())
    );
    assert_eq!(lines[1]["normalized"], "MA09AC3D");
    assert_eq!(lines[1]["format"], "lenovo-1s");
    assert_eq!(lines[1]["fields"]["model"], "30C6S3WT00");
    assert_eq!(lines[1]["candidates"][0]["normalized"], "MA09AC3D");
}
