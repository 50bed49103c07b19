//! Properties that hold for every input: no panic, spans inside the input, a hint with every
//! error, normalization is
//! idempotent, a valid value's normalized form decodes to the same fields (to the serial's own,
//! for a label string that normalizes to the serial inside it), every prefix of a valid value is
//! incomplete or valid, and user rule files read back as they were written.

use proptest::prelude::*;
use serialkit::rules::schema::{DecodeType, Decoder, Example, Format, FormatKind, Table, VendorRules};
use serialkit::{Options, PartialState, Registry, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every built-in vendor id, and "" for none.
fn vendors() -> Vec<String> {
    let mut ids: Vec<String> = Registry::builtin().vendors().map(|v| v.id.clone()).collect();
    ids.push(String::new());
    ids
}

fn any_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "[0-9A-Z]{0,20}",
        "[0-9A-Za-z \\-_.:ＡＯ０\u{2013}\u{200B}]{0,24}",
        // Mutations of real serials: the shapes that reach deep into the matchers.
        ("[CW][0O]2?[A-Z0-9]{8,10}").prop_map(|s| s),
        // A valid example of some vendor with one character changed, dropped or added.
        (0..examples().len(), any::<prop::sample::Index>(), "[0-9A-Z\\-]?").prop_map(|(e, at, c)| {
            let mut chars: Vec<char> = examples()[e].1.chars().collect();
            let at = at.index(chars.len() + 1);
            if at < chars.len() {
                chars.remove(at);
            }
            chars.splice(at..at, c.chars());
            chars.into_iter().collect()
        }),
    ]
}

/// Every valid example of the built-in vendors and of `examples/rules`: (vendor id, value).
fn examples() -> &'static [(String, String)] {
    static ALL: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let registry = example_registry();
        registry
            .vendors()
            .flat_map(|v| {
                v.examples.iter().filter(|e| e.error.is_empty()).map(|e| (v.id.clone(), e.value.clone()))
            })
            .collect()
    })
}

/// The built-in vendors and the organisation rules of `examples/rules`.
fn example_registry() -> &'static Registry {
    static REGISTRY: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/rules");
        Registry::builtin_with(serialkit::rules::load_dir(&dir).unwrap()).unwrap()
    })
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Whether format `id` normalizes to one of its segments (`normalize_to`, Lenovo's `1S` label
/// to its serial): its normalized form is then the serial alone, read by another format.
fn wraps_a_serial(registry: &Registry, id: &str) -> bool {
    registry.vendors().flat_map(|v| &v.formats).any(|f| f.id == id && !f.normalize_to.is_empty())
}

/// A decoded value's fields without those that say how the value was written (`notation`, and
/// a GS1 string's `symbology`), which its normalized form does not keep.
fn facts(d: &serialkit::Decoded) -> BTreeMap<String, Value> {
    let mut f = d.fields.clone();
    f.remove("notation");
    f.remove("symbology");
    f
}

/// The check digit that makes `digits` pass Luhn (ISO/IEC 7812-1, as IMEIs use it).
fn luhn_digit(digits: &str) -> u32 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 { (d * 2) / 10 + (d * 2) % 10 } else { d }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// Valid MAC addresses in the common notations, and valid IMEIs.
fn standard_value() -> impl Strategy<Value = String> {
    let mac =
        (prop::array::uniform6(any::<u8>()), 0..4usize, any::<bool>()).prop_map(|(b, notation, lower)| {
            let hex: Vec<String> = b.iter().map(|x| format!("{x:02X}")).collect();
            let text = match notation {
                0 => hex.join(":"),
                1 => hex.join("-"),
                2 => hex.chunks(2).map(|c| c.concat()).collect::<Vec<_>>().join("."),
                _ => hex.concat(),
            };
            if lower { text.to_lowercase() } else { text }
        });
    let imei = "[0-9]{14}".prop_map(|d| format!("{d}{}", luhn_digit(&d)));
    prop_oneof![mac, imei]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decode_never_panics_and_spans_fit(value in any_value(), vendor in prop::sample::select(vendors())) {
        let registry = Registry::builtin();
        let options = Options { vendor: (!vendor.is_empty()).then_some(vendor), ..Options::default() };
        let report = registry.decode(&value, &options);
        prop_assert_eq!(report.valid, !report.candidates.is_empty());
        prop_assert_eq!(report.valid, report.errors.is_empty());
        for p in &report.errors {
            prop_assert!(p.span().start <= p.span().end);
            prop_assert!(p.span().end <= char_len(&value), "{:?} for {:?}", p.span(), value);
            prop_assert!(!p.message().is_empty());
            // Every error says what to do next.
            prop_assert!(p.hint().is_some_and(|h| !h.is_empty()), "no hint for {:?}: {}", value, p.message());
        }
        for c in &report.candidates {
            prop_assert!((0.0..=1.0).contains(&c.confidence));
            prop_assert!(!c.reason.is_empty(), "{:?}: {} without a reason", value, c.format);
            // Hundredths, as JSON shows them: no 0.35000000000000003.
            prop_assert_eq!(c.confidence, (c.confidence * 100.0).round() / 100.0, "{:?}", value);
        }
    }

    #[test]
    fn partial_never_panics_and_spans_fit(value in any_value(), vendor in prop::sample::select(vendors())) {
        let partial = Registry::builtin().check_partial(&value, &vendor);
        if let Some(p) = &partial.problem {
            prop_assert!(p.span().start <= p.span().end && p.span().end <= char_len(&value));
        }
        prop_assert_eq!(partial.state == PartialState::Valid, partial.decoded.is_some());
    }

    #[test]
    fn normalize_is_idempotent(value in any_value()) {
        let once = serialkit::normalize(&value);
        prop_assert_eq!(serialkit::normalize(&once), once);
    }

    #[test]
    fn a_valid_values_normalized_form_decodes_the_same(value in prop_oneof![any_value(), standard_value()]) {
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
            prop_assert_eq!(facts(same.unwrap()), facts(c));
        }
    }

    #[test]
    fn every_prefix_of_a_generated_mac_or_imei_is_incomplete_or_valid(value in standard_value()) {
        let registry = Registry::builtin();
        prop_assert_eq!(registry.check_partial(&value, "").state, PartialState::Valid, "{}", value);
        let chars: Vec<char> = value.chars().collect();
        for n in 0..chars.len() {
            let prefix: String = chars[..n].iter().collect();
            let partial = registry.check_partial(&prefix, "");
            prop_assert_ne!(partial.state, PartialState::Invalid, "{:?} of {}: {:?}", prefix, value, partial.problem);
        }
    }

    #[test]
    fn generated_macs_and_imeis_are_valid(value in standard_value()) {
        let report = Registry::builtin().decode(&value, &Options::default());
        prop_assert!(report.valid, "{:?}: {:?}", value, report.errors);
        // Twelve bare hex digits may also be some vendor's serial: the MAC is among the readings.
        let standard = report.candidates.iter().any(|c| matches!(c.kind, serialkit::Kind::Mac | serialkit::Kind::Imei));
        prop_assert!(standard, "{:?}: {:?}", value, report.candidates);
    }

    #[test]
    fn user_rules_round_trip_through_the_loader(rules in rule_file()) {
        let dir = scratch_dir(&rules.id);
        let path = dir.join(format!("{}.toml", rules.id));
        let text = toml::to_string(&rules).unwrap();
        std::fs::write(&path, &text).unwrap();
        let (read, issues) = serialkit::rules::parse_file(&path, &text);
        prop_assert!(issues.is_empty(), "{:?}\n{}", issues, text);
        prop_assert_eq!(read.as_ref(), Some(&rules), "{}", text);
        // The whole loader: read, lint (examples included), compile.
        let registry = Registry::from_dir(&dir).unwrap_or_else(|issues| panic!("{issues:?}\n{text}"));
        prop_assert_eq!(registry.vendors().next(), Some(&rules));
        for example in &rules.examples {
            let decoded = registry.validate(&example.value, &rules.id).unwrap();
            for (field, value) in &example.fields {
                prop_assert_eq!(decoded.fields.get(field), Some(value), "{} of {}", field, example.value);
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// A fresh folder for one generated rule file.
fn scratch_dir(id: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("rules-{id}-{n}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An organisation's rule file: a literal prefix, a site code from a table, a counter; with
/// valid examples that name the fields they decode to.
fn rule_file() -> impl Strategy<Value = VendorRules> {
    (
        "[a-z][a-z0-9]{1,6}(-[a-z0-9]{1,4})?",
        "[A-Z][a-z]{2,8}( [A-Z][a-z]{2,8})?",
        prop_oneof![Just(1.0), Just(0.75), Just(0.5)],
        "[A-Z]{1,3}",
        prop::collection::btree_set("[A-Z]{2}", 1..5),
        1..8usize,
        any::<bool>(),
        prop::collection::vec((any::<prop::sample::Index>(), "[0-9]{7}"), 1..4),
    )
        .prop_map(|(id, name, confidence, prefix, codes, digits, dash, picks)| {
            let codes: Vec<String> = codes.into_iter().collect();
            let separator = if dash { "-" } else { "" };
            let table = Table {
                source: "generated site list".into(),
                columns: vec!["code".into(), "name".into()],
                rows: codes.iter().map(|c| vec![c.clone(), format!("Site {c}")]).collect(),
                ..unsaid("")
            };
            let format = Format {
                id: format!("{id}-tag"),
                kind: FormatKind::Sequential,
                description: "prefix, site, counter".into(),
                pattern: format!("'{prefix}{separator}' site:@upper{{2}} number:@digit{{{digits}}}"),
                source: "generated".into(),
                confidence,
                decode: vec![
                    Decoder {
                        segment: "site".into(),
                        field: "site".into(),
                        table: "sites".into(),
                        columns: BTreeMap::from([("site_name".into(), "name".into())]),
                        unknown: "error".into(),
                        ..unsaid("segment = 'x'")
                    },
                    Decoder {
                        segment: "number".into(),
                        kind: DecodeType::Number,
                        field: "sequence".into(),
                        ..unsaid("segment = 'x'")
                    },
                ],
                ..unsaid("id = 'x'\nkind = 'sequential'")
            };
            let examples = picks
                .iter()
                .map(|(pick, number)| {
                    let code = &codes[pick.index(codes.len())];
                    let number = &number[..digits];
                    Example {
                        value: format!("{prefix}{separator}{code}{number}"),
                        format: format.id.clone(),
                        fields: BTreeMap::from([
                            ("site".into(), Value::Text(code.clone())),
                            ("site_name".into(), Value::Text(format!("Site {code}"))),
                            ("sequence".into(), Value::Int(number.parse().unwrap())),
                        ]),
                        source: "generated".into(),
                        ..unsaid("value = 'x'")
                    }
                })
                .collect();
            VendorRules {
                id,
                name,
                source: "https://example.org/generated".into(),
                tables: BTreeMap::from([("sites".into(), table)]),
                formats: vec![format],
                examples,
                ..unsaid("id = 'x'\nname = 'x'\nsource = 'x'")
            }
        })
}

/// A part of a rule file with every key `toml` leaves out at its default, as a rule file that
/// leaves them out reads: the generated files say only what they mean.
fn unsaid<T: serde::de::DeserializeOwned>(toml: &str) -> T {
    toml::from_str(toml).unwrap()
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

/// Every prefix of every valid example, of every vendor (built-in and `examples/rules`), typed
/// with its vendor named and with none: incomplete or valid, never invalid.
#[test]
fn every_prefix_of_a_valid_example_is_incomplete_or_valid() {
    let registry = example_registry();
    let mut checked = 0;
    for (vendor, value) in examples() {
        for named in [vendor.as_str(), ""] {
            assert_eq!(registry.check_partial(value, named).state, PartialState::Valid, "{value} ({named})");
            let chars: Vec<char> = value.chars().collect();
            for n in 0..chars.len() {
                let prefix: String = chars[..n].iter().collect();
                let partial = registry.check_partial(&prefix, named);
                assert_ne!(
                    partial.state,
                    PartialState::Invalid,
                    "{prefix:?} of {value} ({named}): {:?}",
                    partial.problem
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "{checked} prefixes");
}

/// Prefixes of standard identifiers (once read as invalid: the as-you-type reading covered rule
/// formats only) are incomplete.
#[test]
fn standard_identifier_prefixes_are_incomplete() {
    let registry = Registry::builtin();
    for (value, prefix) in [
        ("00:50:56:C0:00:03", "00:50:56"),
        ("490154203237518", "4901542032375"),
        ("(01)09506000134352", "(01)0950"),
    ] {
        assert_eq!(registry.check_partial(value, "").state, PartialState::Valid, "{value}");
        assert_eq!(registry.check_partial(prefix, "").state, PartialState::Incomplete, "{prefix}");
    }
}

#[test]
fn confidences_are_hundredths_for_standard_readings_with_deductions() {
    use serialkit::Kind;
    let registry = Registry::builtin();
    // Readings whose parsers take tenths off their confidence (a MEID read from an IMEI's digits).
    for (value, kind) in
        [("490154203237518", Some(Kind::Meid)), ("A10000009296F2", None), ("001a2b3c4d5e", None)]
    {
        let report = registry.decode(value, &Options { kind, ..Options::default() });
        for c in &report.candidates {
            assert_eq!(c.confidence, (c.confidence * 100.0).round() / 100.0, "{value}: {}", c.confidence);
            // And every reading says why it was read so (a MEID's said nothing).
            assert!(!c.reason.is_empty(), "{value}: {} without a reason", c.format);
        }
    }
}
