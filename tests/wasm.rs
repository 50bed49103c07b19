//! The JS API (src/wasm.rs) in a real browser: `wasm-pack test --headless --chrome`.
//! Results are read back into JSON to assert on what JavaScript sees.
#![cfg(target_arch = "wasm32")]

use serde_json::{Value, json};
use serialkit::wasm;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[track_caller]
fn js(value: JsValue) -> Value {
    serde_wasm_bindgen::from_value(value).expect("results are plain JS objects")
}

fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

/// A plain JS object or array, as a page would pass it.
fn obj(value: &Value) -> JsValue {
    use serde::Serialize;
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap()
}

#[wasm_bindgen_test]
fn decode_reads_an_apple_serial() {
    let report = js(wasm::decode(s("C02TJ0Q7GVC8"), None));
    assert_eq!(report["valid"], json!(true));
    assert_eq!(report["vendor"], json!("apple"));
    assert_eq!(report["fields"]["year"], json!(2017));
    assert_eq!(report["fields"]["model_id"], json!("MacBookPro13,1"));
    assert_eq!(report["errors"], json!([]));
}

#[wasm_bindgen_test]
fn decode_options_are_checked() {
    let options = obj(&json!({"vendor": "apple", "kind": "toaster"}));
    let report = js(wasm::decode(s("C02TJ0Q7GVC8"), Some(options)));
    assert_eq!(report["valid"], json!(false));
    assert_eq!(report["errors"][0]["code"], json!("invalid-argument"));
    assert!(report["errors"][0]["message"].as_str().unwrap().starts_with("unknown kind 'toaster'"));
}

#[wasm_bindgen_test]
fn strict_refuses_short_mac_groups() {
    let lenient = js(wasm::decode(s("d0:5:9:4:a2:a0"), Some(obj(&json!({"kind": "mac"})))));
    assert_eq!(lenient["normalized"], json!("D0:05:09:04:A2:A0"));
    let strict = js(wasm::decode(s("d0:5:9:4:a2:a0"), Some(obj(&json!({"kind": "mac", "strict": true})))));
    assert_eq!(strict["valid"], json!(false));
    assert_eq!(strict["errors"][0]["start"], json!(3));
}

#[wasm_bindgen_test]
fn validate_points_at_the_wrong_character_with_a_hint() {
    let result = js(wasm::validate(s("CO2TJ0Q7GVC8"), s("apple")));
    assert_eq!(
        result,
        json!({"ok": false, "problem": {
            "start": 1, "end": 2, "code": "invalid-character",
            "message": "'O' cannot appear in plant",
            "hint": "Apple serials never contain O — did you mean 0?"
        }})
    );
}

#[wasm_bindgen_test]
fn spans_count_utf16_code_units() {
    // U+1F600 is one character but two UTF-16 code units.
    let result = js(wasm::validate(s("C\u{1F600}2TJ0Q7GVC8"), s("apple")));
    assert_eq!((&result["problem"]["start"], &result["problem"]["end"]), (&json!(1), &json!(3)));
}

#[wasm_bindgen_test]
fn a_prefix_is_incomplete_not_invalid() {
    let partial = js(wasm::check_partial(s("C02TJ0"), Some(s("apple"))));
    assert_eq!(partial["state"], json!("incomplete"));
    assert_eq!(partial["problem"]["code"], json!("too-short"));
    let partial = js(wasm::check_partial(s("C02TJ0Q7GVC8"), None));
    assert_eq!(partial["state"], json!("valid"));
    assert_eq!(partial["decoded"]["fields"]["week"], json!(15));
}

#[wasm_bindgen_test]
fn a_mac_or_imei_field_is_checked_as_typed() {
    let mac = obj(&json!({"kind": "mac"}));
    let partial = js(wasm::check_partial(s("00:1A:2B"), Some(mac.clone())));
    assert_eq!((partial["state"].clone(), partial["needs"].clone()), (json!("incomplete"), json!(6)));
    assert_eq!(partial["expected"], json!(":"));
    let wrong = js(wasm::check_partial(s("00:1A-2B"), Some(mac.clone())));
    assert_eq!(wrong["state"], json!("invalid"));
    assert_eq!((wrong["problem"]["start"].clone(), wrong["problem"]["end"].clone()), (json!(5), json!(6)));
    let imei = obj(&json!({"kind": "imei"}));
    assert_eq!(
        js(wasm::check_partial(s("35-209900-1761"), Some(imei.clone())))["state"],
        json!("incomplete")
    );
    let done = js(wasm::check_partial(s("35-209900-176148-1"), Some(imei)));
    assert_eq!(done["decoded"]["fields"]["tac"], json!("35209900"));
    let unknown = js(wasm::check_partial(s("00:1A"), Some(obj(&json!({"kind": "toaster"})))));
    assert_eq!(unknown["problem"]["code"], json!("invalid-argument"));
}

#[wasm_bindgen_test]
fn identify_ranks_what_a_value_could_be() {
    let readings = js(wasm::identify(s("MNEH3LL/A")));
    assert_eq!(readings[0]["kind"], json!("model"));
    assert_eq!(readings[0]["vendor"], json!("apple"));
    let mac = js(wasm::identify(s("00-1A-2B-3C-4D-5E")));
    assert!(mac.as_array().unwrap().iter().any(|d| d["kind"] == json!("mac")), "{mac}");
    assert_eq!(js(wasm::identify(s("!!"))), json!([]));
    assert_eq!(js(wasm::identify(JsValue::from_f64(1.0))), json!([]));
}

#[wasm_bindgen_test]
fn validate_takes_options_too() {
    let result = js(wasm::validate(s("490154203237517"), obj(&json!({"kind": "imei"}))));
    assert_eq!(result["ok"], json!(false));
    assert_eq!(result["problem"]["message"], json!("check digit should be 8, not 7"));
    let result = js(wasm::validate(s("490154203237518"), obj(&json!({"kind": "imei"}))));
    assert_eq!(result["decoded"]["kind"], json!("imei"));
    let missing = js(wasm::validate(s("490154203237518"), JsValue::UNDEFINED));
    assert_eq!(missing["problem"]["code"], json!("invalid-argument"));
}

#[wasm_bindgen_test]
fn wrong_argument_types_are_values_not_exceptions() {
    let partial = js(wasm::check_partial(JsValue::from_f64(42.0), Some(s("apple"))));
    assert_eq!(partial["state"], json!("invalid"));
    assert_eq!(partial["problem"]["code"], json!("invalid-argument"));
}

#[wasm_bindgen_test]
fn vendors_are_listed() {
    let vendors = js(wasm::list_vendors());
    let ids: Vec<&str> = vendors.as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"apple") && ids.contains(&"cisco"), "{ids:?}");
}

#[wasm_bindgen_test]
fn user_rules_load_and_bad_ones_are_reported() {
    let rules = json!({
        "id": "acme", "name": "Acme", "source": "our asset register",
        "formats": [{"id": "acme-tag", "kind": "sequential", "identifies": "asset-tag",
                     "pattern": "'AC' seq:@digit{5}"}],
        "examples": [{"value": "AC01234", "format": "acme-tag"}]
    });
    let loaded = js(wasm::load_rules(obj(&rules)));
    assert_eq!(loaded["ok"], json!(true), "{loaded}");
    assert!(loaded["vendors"].as_array().unwrap().contains(&json!("acme")), "{loaded}");
    let result = js(wasm::validate(s("ac01234"), s("Acme")));
    assert_eq!(result["decoded"]["format"], json!("acme-tag"), "{result}");

    let bad = json!([{"id": "acme", "name": "Acme", "source": "x", "confidence": 0.5, "colour": "red"}]);
    let failed = js(wasm::load_rules(obj(&bad)));
    assert_eq!(failed["ok"], json!(false));
    assert_eq!(failed["issues"][0]["key"], json!("[0].colour"), "{failed}");
    assert!(failed["issues"][0]["message"].as_str().unwrap().contains("colour"), "{failed}");

    wasm::reset_rules();
    let result = js(wasm::validate(s("ac01234"), s("acme")));
    assert_eq!(result["problem"]["code"], json!("unknown-vendor"));
}
#[wasm_bindgen_test]
fn rule_problems_name_their_key() {
    let rule = |formats: Value| json!({"id": "acme", "name": "Acme", "source": "x", "formats": formats});
    let cases = [
        (json!({"id": "acme", "source": "x"}), "", "missing field `name`"),
        (
            rule(json!([{"id": "acme-1", "kind": "toaster", "pattern": "@digit{4}"}])),
            "formats[0].kind",
            "unknown variant `toaster`",
        ),
        (
            rule(json!([{"id": "acme-1", "kind": "sequential", "pattern": 7}])),
            "formats[0].pattern",
            "invalid type: integer `7`",
        ),
        (
            rule(json!([{"id": "acme-1", "kind": "sequential", "decode": [{"segment": "x", "colour": 1}]}])),
            "formats[0].decode[0].colour",
            "unknown field `colour`",
        ),
        (rule(json!([{"kind": "sequential"}])), "formats[0]", "missing field `id`"),
        (
            json!([rule(json!([])), {"id": "b", "name": "B", "source": "x", "confidence": "high"}]),
            "[1].confidence",
            "invalid type: string",
        ),
    ];
    for (rules, key, message) in cases {
        let failed = js(wasm::load_rules(obj(&rules)));
        assert_eq!(failed["ok"], json!(false), "{rules}");
        assert_eq!(failed["issues"][0]["key"], json!(key), "{failed}");
        assert!(failed["issues"][0]["message"].as_str().unwrap().starts_with(message), "{failed}");
    }
    // Defaults fill what is left out, and `null` options are none.
    let ok = json!({"id": "acme", "name": "Acme", "source": "x",
                    "formats": [{"id": "acme-1", "kind": "sequential", "pattern": "'AC' seq:@digit{5}"}],
                    "examples": [{"value": "AC01234", "format": "acme-1"}]});
    let loaded = js(wasm::load_rules(obj(&ok)));
    assert_eq!(loaded["ok"], json!(true), "{loaded}");
    wasm::reset_rules();
    let report = js(wasm::decode(s("C02TJ0Q7GVC8"), Some(obj(&json!({"vendor": null, "kind": ""})))));
    assert_eq!(report["valid"], json!(true), "{report}");
    let report = js(wasm::decode(s("C02TJ0Q7GVC8"), Some(obj(&json!({"colour": "red"})))));
    assert_eq!(report["errors"][0]["code"], json!("invalid-argument"), "{report}");
    assert!(report["errors"][0]["message"].as_str().unwrap().contains("unknown field `colour`"), "{report}");
}

#[wasm_bindgen_test]
fn duplicates_are_grouped() {
    let values =
        serde_wasm_bindgen::to_value(&["C02TJ0Q7GVC8", "FVFXC2MHHV29", "c02tj0q7gvc8", "CO2TJ0Q7GVC8"])
            .unwrap();
    let groups = js(wasm::find_duplicates(values));
    assert_eq!(groups.as_array().unwrap().len(), 1);
    assert_eq!(groups[0]["kind"], json!("near"));
    let indexes: Vec<u64> =
        groups[0]["members"].as_array().unwrap().iter().map(|m| m["index"].as_u64().unwrap()).collect();
    assert_eq!(indexes, [0, 2, 3]);
}

/// A byte array that serde-wasm-bindgen turns into a `Uint8Array`.
struct Bytes(&'static [u8]);

impl serde::Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

#[wasm_bindgen_test]
fn mac_organizations_come_with_the_loaded_registry() {
    // The module has no registry built in: a MAC address decodes without an organization.
    let report = js(wasm::decode(s("00:50:56:ab:cd:ef"), Some(obj(&json!({"kind": "mac"})))));
    assert_eq!(report["valid"], json!(true));
    assert_eq!(report["fields"].get("organization"), None, "{report}");

    let failed = js(wasm::load_mac_registry(s("not bytes")));
    assert_eq!(failed, json!({"ok": false, "message": "bytes must be a Uint8Array or an ArrayBuffer"}));
    let damaged = serde_wasm_bindgen::to_value(&Bytes(b"SKMACREX")).unwrap();
    let failed = js(wasm::load_mac_registry(damaged));
    assert_eq!(failed["message"], json!("not a mac registry table: wrong magic number"));

    // What scripts/build-wasm.sh copies to pkg/ieee-registry.bin.
    let table = include_bytes!(concat!(env!("OUT_DIR"), "/ieee-registry.bin"));
    let loaded = js(wasm::load_mac_registry(serde_wasm_bindgen::to_value(&Bytes(table)).unwrap()));
    assert_eq!(loaded["ok"], json!(true), "{loaded}");
    assert!(loaded["assignments"].as_u64().unwrap() > 50_000, "{loaded}");

    let report = js(wasm::decode(s("00:50:56:ab:cd:ef"), Some(obj(&json!({"kind": "mac"})))));
    assert_eq!(report["fields"]["organization"], json!("VMware, Inc."), "{report}");
    assert_eq!(report["fields"]["registry"], json!("MA-L"));
    let report = js(wasm::decode(s("70-B3-D5-F2-F0-01"), None));
    assert_eq!(report["fields"]["registry"], json!("MA-S"), "{report}");
}
