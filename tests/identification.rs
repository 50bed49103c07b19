//! `decode` without a vendor or kind: what a value pasted into a serial field is taken for.

// In the browser too: `scripts/test-wasm.sh` runs this file under wasm-bindgen-test in Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use serialkit::{Kind, decode};

#[track_caller]
fn top_kind(value: &str, want: Kind, vendor: &str) {
    let report = decode(value);
    assert!(report.valid, "{value:?} is invalid: {:?}", report.errors);
    assert_eq!(report.kind, Some(want), "{value:?}: candidates {:#?}", report.candidates);
    assert_eq!(report.vendor.as_deref().unwrap_or(""), vendor, "{value:?}");
}

#[test]
fn a_model_number_in_a_serial_field_is_read_as_a_model() {
    top_kind("A1660", Kind::Model, "apple"); // Apple model number (iPhone 7)
    top_kind("MNEH3LL/A", Kind::Model, "apple"); // Apple part number
    top_kind("20AA0009UK", Kind::Model, "lenovo"); // Lenovo machine type-model
    top_kind("WS-C2960X-48FPD-L", Kind::Model, "cisco"); // Cisco product ID
}

#[test]
fn standard_identifiers_and_serials_keep_their_kind() {
    top_kind("00:1A:2B:3C:4D:5E", Kind::Mac, "");
    top_kind("352099001761481", Kind::Imei, "");
    top_kind("C02TJ0Q7GVC8", Kind::Serial, "apple");
}

#[test]
fn a_model_number_asked_for_as_a_serial_says_what_it_is() {
    let err = serialkit::validate("A1660", "cisco").unwrap_err();
    let hint = err.hint().unwrap_or_default();
    assert_eq!(hint, "this looks like an Apple model or part number (apple-model), not a serial");
}
