//! Every example in every built-in rule file decodes as the file says, and every prefix of a
//! valid example is incomplete or valid while typed.

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
