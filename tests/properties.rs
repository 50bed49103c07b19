//! Properties that hold for every input: no panic, spans inside the input, normalization is
//! idempotent, a valid value's normalized form decodes to the same fields (to the serial's own,
//! for a label string that normalizes to the serial inside it).

use proptest::prelude::*;
use serialkit::{Options, Registry};

const VENDORS: &[&str] = &["", "apple", "cisco", "dell", "hp", "lenovo", "raspberrypi", "samsung", "juniper"];

fn any_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "[0-9A-Z]{0,20}",
        "[0-9A-Za-z \\-_.:ＡＯ０\u{2013}\u{200B}]{0,24}",
        // Mutations of real serials: the shapes that reach deep into the matchers.
        ("[CW][0O]2?[A-Z0-9]{8,10}").prop_map(|s| s),
    ]
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Whether format `id` normalizes to one of its segments (`normalize_to`, Lenovo's `1S` label
/// to its serial): its normalized form is then the serial alone, read by another format.
fn wraps_a_serial(registry: &Registry, id: &str) -> bool {
    registry.vendors().flat_map(|v| &v.formats).any(|f| f.id == id && !f.normalize_to.is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decode_never_panics_and_spans_fit(value in any_value(), v in 0..VENDORS.len()) {
        let registry = Registry::builtin();
        let options = Options { vendor: (!VENDORS[v].is_empty()).then(|| VENDORS[v].to_string()), ..Options::default() };
        let report = registry.decode(&value, &options);
        prop_assert_eq!(report.valid, !report.candidates.is_empty());
        prop_assert_eq!(report.valid, report.errors.is_empty());
        for p in &report.errors {
            prop_assert!(p.span().start <= p.span().end);
            prop_assert!(p.span().end <= char_len(&value), "{:?} for {:?}", p.span(), value);
            prop_assert!(!p.message().is_empty());
        }
        for c in &report.candidates {
            prop_assert!((0.0..=1.0).contains(&c.confidence));
        }
    }

    #[test]
    fn partial_never_panics_and_spans_fit(value in any_value(), v in 0..VENDORS.len()) {
        let partial = Registry::builtin().check_partial(&value, VENDORS[v]);
        if let Some(p) = &partial.problem {
            prop_assert!(p.span().start <= p.span().end && p.span().end <= char_len(&value));
        }
    }

    #[test]
    fn normalize_is_idempotent(value in any_value()) {
        let once = serialkit::normalize(&value);
        prop_assert_eq!(serialkit::normalize(&once), once);
    }

    #[test]
    fn a_valid_values_normalized_form_decodes_the_same(value in any_value()) {
        let registry = Registry::builtin();
        let report = registry.decode(&value, &Options::default());
        for c in report.candidates.iter().take(3) {
            // Standard identifiers (MAC, IMEI …) have no vendor: ask for their kind instead.
            let options = match c.vendor.is_empty() {
                true => Options { kind: Some(c.kind), ..Options::default() },
                false => Options::vendor(c.vendor.clone()),
            };
            let again = registry.decode(&c.normalized, &options);
            if wraps_a_serial(registry, &c.format) {
                prop_assert!(again.candidates.iter().any(|d| d.normalized == c.normalized), "{:?} → {:?}", value, c.normalized);
                continue;
            }
            let same = again.candidates.iter().find(|d| d.format == c.format);
            prop_assert!(same.is_some(), "{:?} → {:?} no longer fits {}", value, c.normalized, c.format);
            // `notation` says how the value was written (colon, Cisco dots …), not what it is.
            let facts = |d: &serialkit::Decoded| {
                let mut f = d.fields.clone();
                f.remove("notation");
                f
            };
            prop_assert_eq!(facts(same.unwrap()), facts(c));
        }
    }
}

#[test]
fn every_examples_normalized_form_decodes_the_same() {
    let registry = Registry::builtin();
    for vendor in registry.vendors() {
        for ex in vendor.examples.iter().filter(|e| e.error.is_empty()) {
            let first = registry.validate(&ex.value, &vendor.id).unwrap();
            let again = registry.validate(&first.normalized, &vendor.id).unwrap();
            assert_eq!(serialkit::normalize(&first.normalized), first.normalized);
            if wraps_a_serial(registry, &first.format) {
                // The serial alone keeps the serial's facts, not the label's (the MTM).
                assert_eq!(again.normalized, first.normalized, "{}", ex.value);
                assert!(again.fields.iter().all(|(k, v)| first.fields.get(k) == Some(v)), "{}", ex.value);
                continue;
            }
            assert_eq!(first.fields, again.fields, "{}", ex.value);
        }
    }
}
