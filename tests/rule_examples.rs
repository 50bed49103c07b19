//! Every example in every built-in rule file decodes as the file says, and every prefix of a
//! valid example is incomplete or valid while typed.

// In the browser too: `scripts/test-wasm.sh` runs this file under wasm-bindgen-test in Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use serialkit::{PartialState, Registry};

#[test]
fn every_builtin_example_holds() {
    let rules: Vec<_> = Registry::builtin().vendors().cloned().collect();
    let issues = serialkit::rules::lint::lint(&rules);
    let text: Vec<String> = issues.iter().map(|i| i.to_string()).collect();
    assert!(issues.is_empty(), "rule-file problems:\n{}", text.join("\n"));
    let examples: usize = rules.iter().map(|r| r.examples.len()).sum();
    assert!(examples >= 50, "only {examples} examples");
}

// Reads files: native only.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn builtin_rules_match_the_files_on_disk() {
    // The embedded copy is what build.rs compiled; reading the folder again must agree.
    let on_disk = serialkit::rules::load_dir(std::path::Path::new("vendors")).unwrap();
    let embedded: Vec<_> = Registry::builtin().vendors().cloned().collect();
    assert_eq!(on_disk, embedded);
    assert!(on_disk.len() >= 8, "at least 8 vendor files");
}

#[test]
fn every_prefix_of_a_valid_example_is_incomplete_or_valid() {
    let registry = Registry::builtin();
    for vendor in registry.vendors() {
        for example in vendor.examples.iter().filter(|e| e.error.is_empty()) {
            let chars: Vec<char> = example.value.chars().collect();
            for n in 0..=chars.len() {
                let prefix: String = chars[..n].iter().collect();
                let partial = registry.check_partial(&prefix, &vendor.id);
                assert_ne!(
                    partial.state,
                    PartialState::Invalid,
                    "{}: prefix {prefix:?} of {:?} reported invalid: {:?}",
                    vendor.id,
                    example.value,
                    partial.problem
                );
            }
            let whole = registry.check_partial(&example.value, &vendor.id);
            assert_eq!(whole.state, PartialState::Valid, "{}: {:?}", vendor.id, example.value);
        }
    }
}

#[test]
fn every_valid_example_is_found_without_naming_the_vendor() {
    let registry = Registry::builtin();
    for vendor in registry.vendors() {
        for example in vendor.examples.iter().filter(|e| e.error.is_empty()) {
            let report = serialkit::decode(&example.value);
            assert!(
                report.candidates.iter().any(|c| c.vendor == vendor.id),
                "{:?} is not identified as {}",
                example.value,
                vendor.id
            );
        }
    }
}

// Reads files: native only.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_broken_rule_file_reports_every_problem_at_once() {
    let dir = std::path::Path::new("tests/data/broken-rules");
    let issues = serialkit::rules::load_dir(dir).expect_err("the file is broken");
    let file = "tests/data/broken-rules/acme.toml";
    assert!(issues.iter().all(|i| i.file == file), "{issues:?}");
    let got: Vec<String> = issues.iter().map(|i| format!("{}: {}", i.key, i.message)).collect();
    let decoder_keys = "segment, type, field, table, columns, unknown, base, alphabet, offset, decades, \
                        decade_from, later_decade, half_offset, range, encode_base, encode_width, shift, width";
    assert_eq!(
        got,
        [
            "colour: unknown key 'colour'; expected one of id, name, aliases, source, confidence, note, never, \
             tables, formats, examples"
                .to_string(),
            "formats[0].confidence: invalid type: string \"high\", expected f64".into(),
            format!("formats[0].decode[0].colour: unknown key 'colour'; expected one of {decoder_keys}"),
            "formats[0].decode[1].base: invalid type: string \"ten\", expected u32".into(),
            "id: id 'acme-corp' differs from the file name 'acme'".into(),
            "tables.plants.rows[1]: code 'ABC' can never match segment 'plant' (formats[0].decode[0])".into(),
            "tables.plants.rows[2]: code 'A1' can never match segment 'plant' (formats[0].decode[0])".into(),
            "examples[0].fields.plant: 'AB1234' decodes plant = AB, not XY".into(),
            "examples[1].error: 'AB12' fails with \"too short: 4 characters, acme-corp-1 needs 6\", not \"too short\""
                .into(),
        ]
    );
}

// Reads files: native only.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_file_that_is_not_toml_points_at_the_line() {
    let dir = std::env::temp_dir().join(format!("serialkit-not-toml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("acme.toml");
    std::fs::write(&path, "id = \"acme\"\nname = \n").unwrap();
    let (rules, issues) = serialkit::rules::read_file(&path);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(rules.is_some(), "what parsed is still read");
    assert_eq!(issues[0].key, "line 2, column 8", "{issues:?}");
}
