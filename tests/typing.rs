//! As-you-type checks of the standard identifiers, over the conformance vectors of
//! `tests/data/*.tsv`: every prefix of a valid value is incomplete or valid, never invalid, and
//! the wrong values stay wrong however they are reached.

// In the browser too: `scripts/test-wasm.sh` runs this file under wasm-bindgen-test in Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use serialkit::{Kind, Options, PartialState, ProblemKind, Registry};

/// The conformance files, built in so the browser run has them too.
fn data(name: &str) -> &'static str {
    match name {
        "mac" => include_str!("data/mac.tsv"),
        "imei" => include_str!("data/imei.tsv"),
        "meid" => include_str!("data/meid.tsv"),
        "gtin" => include_str!("data/gtin.tsv"),
        "isbn" => include_str!("data/isbn.tsv"),
        "gs1" => include_str!("data/gs1.tsv"),
        _ => panic!("no conformance file {name}"),
    }
}

/// The rows of `tests/data/{name}.tsv`: input, `ok`/`err`, and the problem kind for `err` rows;
/// without the rows of `expected-failures.txt`, where serialkit departs from the vector.
fn rows(name: &str) -> Vec<(String, bool, String)> {
    let text = data(name);
    let listed = include_str!("data/expected-failures.txt");
    let departs = |input: &str| listed.lines().any(|l| l.split('\t').take(2).eq([name, input]));
    text.lines()
        .filter(|l| !departs(l.split('\t').next().unwrap_or_default()))
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .skip(1)
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            (cols[0].replace("\\x1d", "\u{1d}"), cols[1] == "ok", cols[2].to_string())
        })
        // Rows for another parser (`upc-e:…`) are read as that parser's values elsewhere.
        .filter(|(input, _, _)| !input.contains(':') || name == "mac")
        .collect()
}

fn kind_of(value: &str, kind: Kind) -> Kind {
    // An IMEI file row may be an IMEISV, a GTIN row a UPC-E: ask for the kind the value has.
    let options = Options { kind: Some(kind), ..Options::default() };
    match Registry::builtin().best(value, &options) {
        Ok(d) => d.kind,
        Err(_) if kind == Kind::Imei && value.chars().filter(char::is_ascii_digit).count() == 16 => {
            Kind::Imeisv
        }
        Err(_) => kind,
    }
}

#[track_caller]
fn every_prefix_is_incomplete_or_valid(name: &str, kind: Kind) {
    let registry = Registry::builtin();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (input, ok, _) in rows(name).into_iter().filter(|r| r.1) {
        let options = Options { kind: Some(kind_of(&input, kind)), ..Options::default() };
        // A well-formed value the registry refuses as a placeholder (FFFFFFFFFFFF: one
        // character repeated) is no valid value to type.
        if registry.best(&input, &options).is_err_and(|p| p.kind() == ProblemKind::Placeholder) {
            continue;
        }
        let chars: Vec<char> = input.chars().collect();
        for end in 1..=chars.len() {
            let prefix: String = chars[..end].iter().collect();
            let partial = registry.check_partial_with(&prefix, &options);
            checked += 1;
            let whole = end == chars.len();
            let fine = match partial.state {
                PartialState::Valid => true,
                PartialState::Incomplete => !whole && partial.needs > 0,
                PartialState::Invalid => false,
            };
            if !fine && ok {
                failures.push(format!(
                    "{input:?}: prefix {prefix:?} is {:?}: {:?}",
                    partial.state, partial.problem
                ));
            }
        }
    }
    assert!(checked > 0, "{name}: no valid rows");
    assert!(failures.is_empty(), "{name}: {} prefixes failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn mac_prefixes() {
    every_prefix_is_incomplete_or_valid("mac", Kind::Mac);
}

#[test]
fn imei_prefixes() {
    every_prefix_is_incomplete_or_valid("imei", Kind::Imei);
}

#[test]
fn meid_prefixes() {
    every_prefix_is_incomplete_or_valid("meid", Kind::Meid);
}

#[test]
fn gtin_prefixes() {
    every_prefix_is_incomplete_or_valid("gtin", Kind::Gtin);
}

#[test]
fn isbn_prefixes() {
    every_prefix_is_incomplete_or_valid("isbn", Kind::Isbn);
}

#[test]
fn gs1_prefixes() {
    every_prefix_is_incomplete_or_valid("gs1", Kind::Gs1);
}

/// A wrong character or separator stays wrong while typing; only a missing part is incomplete.
#[test]
fn wrong_values_are_invalid_while_typed() {
    let registry = Registry::builtin();
    let mut failures = Vec::new();
    for (name, kind) in [("mac", Kind::Mac), ("imei", Kind::Imei), ("gtin", Kind::Gtin), ("isbn", Kind::Isbn)]
    {
        for (input, _, problem) in rows(name).into_iter().filter(|r| !r.1) {
            let options = Options { kind: Some(kind), ..Options::default() };
            let partial = registry.check_partial_with(&input, &options);
            let wrong_character = [ProblemKind::InvalidCharacter, ProblemKind::MixedSeparators]
                .iter()
                .any(|k| k.as_str() == problem);
            if wrong_character && partial.state != PartialState::Invalid {
                failures.push(format!("{name} {input:?} ({problem}) is {:?}", partial.state));
            }
            if problem == "too-short" && partial.state != PartialState::Incomplete {
                failures.push(format!("{name} {input:?} (too short) is {:?}", partial.state));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_half_typed_mac_says_what_is_missing() {
    let registry = Registry::builtin();
    let mac = Options { kind: Some(Kind::Mac), ..Options::default() };
    let partial = registry.check_partial_with("00:1A:2B", &mac);
    assert_eq!(partial.state, PartialState::Incomplete);
    assert_eq!(partial.problem.unwrap().message(), "incomplete: at least 6 more characters");
    assert_eq!(partial.expected, ":");
    assert_eq!(registry.check_partial_with("00:1A:2", &mac).expected, "0-9 : A-F a-f");
    let wrong = registry.check_partial_with("00:1A-2B", &mac);
    assert_eq!(wrong.state, PartialState::Invalid);
    let p = wrong.problem.unwrap();
    assert_eq!(p.message(), "mixed separators: ':' and '-'");
    assert_eq!((p.span().start, p.span().end), (5, 6));
    let strict = Options { strict: true, ..mac };
    assert_eq!(registry.check_partial_with("d0:5:", &strict).state, PartialState::Invalid);
    assert_eq!(registry.check_partial_with("d0:5:", &Options { strict: false, ..strict }).needs, 7);
}

#[test]
fn with_no_kind_a_digit_string_may_still_become_an_imei() {
    let partial = Registry::builtin().check_partial_with("3520990017614", &Options::default());
    assert_eq!(partial.state, PartialState::Incomplete);
}
