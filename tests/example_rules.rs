//! The rule files in `examples/rules`: they load beside the built-in vendors, their examples hold,
//! and the binary decodes with them.

use serialkit::{Kind, Options, PartialState, Registry};
use std::path::Path;
use std::process::Command;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/rules");

fn registry() -> Registry {
    let rules = serialkit::rules::load_dir(Path::new(DIR)).unwrap_or_else(|issues| panic!("{issues:?}"));
    assert_eq!(rules.len(), 2, "asset-tags.toml and skus.toml");
    Registry::builtin_with(rules).unwrap_or_else(|issues| {
        let text: Vec<String> = issues.iter().map(|i| i.to_string()).collect();
        panic!("example rules do not lint:\n{}", text.join("\n"))
    })
}

#[test]
fn example_rules_lint_with_their_examples() {
    let registry = registry();
    let ours: Vec<_> =
        registry.vendors().filter(|v| ["asset-tags", "skus"].contains(&v.id.as_str())).collect();
    assert_eq!(ours.len(), 2);
    let issues = serialkit::rules::lint::lint(&registry.vendors().cloned().collect::<Vec<_>>());
    assert!(issues.is_empty(), "{issues:?}");
}

#[test]
fn kinds_come_from_the_rule_files() {
    let registry = registry();
    let tag = registry.decode("IT-NYC-004512", &Options::default());
    assert_eq!(tag.kind, Some(Kind::AssetTag));
    let sku = registry.decode("ELEC-01234", &Options { kind: Some(Kind::Sku), ..Options::default() });
    assert_eq!(sku.format.as_deref(), Some("skus-item"));
    assert_eq!(sku.fields["department_name"].to_string(), "Electronics");
}

#[test]
fn a_regex_format_is_incomplete_until_it_matches_or_grows_too_long() {
    let registry = registry();
    for prefix in ["", "E", "ELEC", "ELEC-", "ELEC-0123", "ELEC-01234-B"] {
        let partial = registry.check_partial(prefix, "skus");
        assert_eq!(partial.state, PartialState::Incomplete, "{prefix:?}: {:?}", partial.problem);
        // A regex cannot say which characters may come next.
        assert_eq!(partial.expected, "", "{prefix:?}");
    }
    assert_eq!(registry.check_partial("ELEC-01234", "skus").state, PartialState::Valid);
    let long = registry.check_partial("ELEC-01234-BK9", "skus");
    assert_eq!(long.state, PartialState::Invalid);
    assert_eq!(long.problem.unwrap().message(), "too long: 14 characters, skus-item takes at most 13");
}

#[test]
fn the_binary_decodes_with_example_rules() {
    let out = Command::new(env!("CARGO_BIN_EXE_serialkit"))
        .args(["--rules", DIR, "decode", "--kind", "asset-tag", "--json", "IT-NYC-004512"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["kind"], "asset-tag");
    assert_eq!(report["vendor"], "asset-tags");
    assert_eq!(report["fields"]["site_name"], "New York office");
    assert_eq!(report["fields"]["sequence"], 4512);

    let lint = Command::new(env!("CARGO_BIN_EXE_serialkit")).args(["lint-rules", DIR]).output().unwrap();
    assert_eq!(lint.status.code(), Some(0), "{}", String::from_utf8_lossy(&lint.stdout));
}

/// A value of another field named in a hint: a rule file whose name already says what it names
/// ("Example Corp SKUs") is not followed by the kind again.
#[test]
fn hints_name_an_organisations_values_once() {
    let registry = registry();
    for (value, vendor, said) in [
        ("ELEC-01234", "dell", "this looks like an Example Corp SKU (skus-item), not a serial"),
        ("IT-NYC-004512", "apple", "this looks like an Example Corp asset tag (asset-tags-it), not a serial"),
    ] {
        let problem = registry.validate(value, vendor).unwrap_err();
        assert_eq!(problem.hint(), Some(said), "{value}");
    }
}
