//! Exact messages, spans and hints for the mistakes people make.

use serialkit::{ProblemKind, Registry, validate};

#[track_caller]
fn assert_problem(value: &str, vendor: &str, message: &str, span: (usize, usize)) -> serialkit::Problem {
    let problem = validate(value, vendor).expect_err("should be invalid");
    assert_eq!(problem.message(), message, "{value}");
    assert_eq!((problem.span().start, problem.span().end), span, "{value}");
    problem
}

#[test]
fn letter_o_in_an_apple_serial() {
    let p = assert_problem("CO2TJ0Q7GVC8", "apple", "'O' cannot appear in plant", (1, 2));
    assert_eq!(p.hint(), Some("Apple serials never contain O — did you mean 0?"));
    assert_eq!(p.kind(), ProblemKind::InvalidCharacter);
}

#[test]
fn spans_count_characters_of_the_input_as_typed() {
    // Two leading spaces and a full-width O: the span still points at the O.
    assert_problem("  CＯ2TJ0Q7GVC8", "apple", "'O' cannot appear in plant", (3, 4));
    // An inner dash is not a separator for Apple: it is the wrong character.
    assert_problem("C02-TJ0Q7GVC8", "apple", "'-' cannot appear in year", (3, 4));
}

#[test]
fn too_short_points_after_the_last_character() {
    let p = assert_problem("C02TJ0Q7GVC ", "apple", "too short: 11 characters, apple-12 needs 12", (11, 11));
    assert_eq!(p.kind(), ProblemKind::TooShort);
}

#[test]
fn placeholders_say_why() {
    let p = assert_problem(
        "Default string",
        "apple",
        "placeholder, not a serial: the AMI BIOS default the maker did not replace",
        (0, 14),
    );
    assert_eq!(p.kind(), ProblemKind::Placeholder);
    assert_problem("0000000", "dell", "placeholder, not a serial: one character repeated ('0')", (0, 7));
}

#[test]
fn empty_and_unknown_vendor() {
    assert_problem("   ", "apple", "empty value", (0, 3));
    let p = assert_problem("C02TJ0Q7GVC8", "acme", "unknown vendor 'acme'", (0, 12));
    assert!(p.hint().unwrap().starts_with("known vendors: apc, apple"));
}

#[test]
fn vendor_aliases_resolve() {
    let r = Registry::builtin();
    assert_eq!(r.resolve_vendor("Hewlett-Packard"), Some("hp"));
    assert_eq!(r.resolve_vendor("HP Inc."), Some("hp"));
    assert_eq!(r.resolve_vendor("LENOVO"), Some("lenovo"));
    assert_eq!(r.resolve_vendor("Dell Inc."), Some("dell"));
    assert!(validate("C02TJ0Q7GVC8", "Apple Inc.").is_ok());
}

#[test]
fn unknown_vendor_value_gets_the_closest_format() {
    let report = serialkit::decode("CO2TJ0Q7GVC8");
    assert!(!report.valid);
    let p = &report.errors[0];
    assert_eq!(p.message(), "'O' cannot appear in plant");
    assert_eq!(
        p.hint(),
        Some("closest format: apple-12 (Apple); Apple serials never contain O — did you mean 0?")
    );
}

#[test]
fn nothing_close_says_so() {
    let report = serialkit::decode("!?!?!?!?!?!?!?!?!?!?!?!?!?!?!?!?!?!?!");
    assert_eq!(report.errors[0].kind(), ProblemKind::NoMatch);
    assert_eq!(report.errors[0].message(), "no known format matches this 37-character value");
}

/// The years a decade-repeating digit may stand for, as the decoders must list them: those of
/// `decades` up to the build year.
fn candidates_until_build_year(years: &[i64]) -> String {
    let kept: Vec<String> =
        years.iter().filter(|y| **y <= serialkit::BUILD_YEAR).map(|y| y.to_string()).collect();
    kept.join(" or ")
}

#[test]
fn ambiguous_decades_say_so() {
    let decoded = validate("CZC13377H1", "hp").unwrap();
    assert_eq!(decoded.fields["year_candidates"].to_string(), candidates_until_build_year(&[2011, 2021]));
    assert!(!decoded.fields.contains_key("year"));
    assert!(decoded.reason.contains("ambiguous"), "{}", decoded.reason);
}

/// Every year a year decoder with `decades` can name for `digit`, whatever the build year.
fn years_for_digit(decoder: &serialkit::rules::schema::Decoder, digit: i64) -> Vec<i64> {
    let in_range = |y: &i64| match decoder.range[..] {
        [lo, hi] => (lo..=hi).contains(y),
        _ => true,
    };
    decoder.decades.iter().map(|d| d + digit).filter(in_range).collect()
}

#[test]
fn rule_examples_assert_year_candidates_no_later_build_can_change() {
    // A rule file's example states a fixed text: its year_candidates must already list every
    // year the decoder can ever name, or a later build (which adds the years it has reached)
    // would break it. Such a value is asserted relative to BUILD_YEAR in Rust instead, as
    // USE7231983 is below.
    use serialkit::rules::schema::DecodeType;
    let mut checked = 0;
    for vendor in serialkit::Registry::builtin().vendors() {
        for ex in vendor.examples.iter().filter(|e| e.fields.contains_key("year_candidates")) {
            let want = ex.fields["year_candidates"].to_string();
            let format = vendor.formats.iter().find(|f| f.id == ex.format);
            let format = format.unwrap_or_else(|| {
                panic!("{}: name the format of an example with year_candidates", ex.value)
            });
            let first: i64 = want.split(" or ").next().and_then(|y| y.parse().ok()).unwrap();
            for decoder in
                format.decode.iter().filter(|d| d.kind == DecodeType::Year && !d.decades.is_empty())
            {
                let years = years_for_digit(decoder, first % 10);
                let later: Vec<&i64> = years.iter().filter(|y| **y > serialkit::BUILD_YEAR).collect();
                assert!(
                    later.is_empty(),
                    "{}: year_candidates \"{want}\" gains {later:?} in a later build: assert it relative to BUILD_YEAR in Rust",
                    ex.value
                );
                let all: Vec<String> = years.iter().map(i64::to_string).collect();
                assert_eq!(all.join(" or "), want, "{}", ex.value);
                checked += 1;
            }
        }
    }
    // HP's CZC13377H1 and 5CG1311XDK: "2011 or 2021", final since the 2030s are past the range.
    assert!(checked >= 2, "only {checked} examples with year_candidates");
}

#[test]
fn hp_year_digits_never_name_a_year_after_the_build() {
    // joeygrasso/hpServerEpoch: USE7231983 is June 2017; 2027 is not offered before 2027.
    let decoded = validate("USE7231983", "hp").unwrap();
    assert_eq!(
        decoded.fields["year_candidates"].to_string(),
        candidates_until_build_year(&[2007, 2017, 2027])
    );
}

#[test]
fn apple_decade_follows_macserial() {
    let year = |serial: &str| validate(serial, "apple").unwrap().fields["year"].to_string();
    // Not ambiguous: X is 2018 only (2028 is past the 12-character format's end in 2021).
    assert_eq!(year("C02XGBVDJG5H"), "2018");
    assert_eq!(serialkit::decode("C02TJ0Q7GVC8").fields["week"].to_string(), "15");
    // C, year digit 0, model code from H on: 2020 (a new iMac19,1 in February 2020).
    assert_eq!(year("H12C5HM0JV3X"), "2020");
    // The model's first production year is 2020 (iMac20,2): the 2020s, though 0 < H.
    assert_eq!(year("C02D10Q7046L"), "2020");
    assert_eq!(year("C02F10Q7046L"), "2021");
    // A model first made in 2016 with code G: the 2010s, as macserial reads it.
    assert_eq!(year("C02DJ0Q7GVC8"), "2010");
}

#[test]
fn apple_year_outside_the_model_years_is_unlikely() {
    let good = validate("C02TJ0Q7GVC8", "apple").unwrap();
    for (serial, reason) in [
        ("C02DJ0Q7GVC8", "year 2010 is outside the production years of model code GVC8 (2016-2017)"),
        ("C02HJ0Q7GVC8", "year 2012 is outside the production years of model code GVC8 (2016-2017)"),
    ] {
        let decoded = validate(serial, "apple").unwrap();
        assert!(decoded.reason.ends_with(reason), "{serial}: {}", decoded.reason);
        assert!(decoded.confidence <= good.confidence - 0.3, "{serial}: {}", decoded.confidence);
    }
    assert!(!good.reason.contains("outside"), "{}", good.reason);
}

#[test]
fn apple_year_letters_keep_to_the_format_years() {
    // An unknown model: W is 2018 only; C with a model code before H stays ambiguous.
    let w = validate("C02WJ0Q7BBBB", "apple").unwrap();
    assert_eq!(w.fields["year"].to_string(), "2018");
    assert!(!w.fields.contains_key("year_candidates"));
    let c = validate("C02D10Q7BBBB", "apple").unwrap();
    assert_eq!(c.fields["year_candidates"].to_string(), "2010 or 2020");
    assert!(c.reason.contains("the decade is ambiguous: 2010 or 2020"), "{}", c.reason);
    // C with an unknown model code from H on: 2020 (macserial's rule needs no table row).
    assert_eq!(validate("C02D10Q7JJJJ", "apple").unwrap().fields["year"].to_string(), "2020");
}

#[test]
fn imeisv_reading_is_chosen_by_kind() {
    use serialkit::{Kind, Options, Registry};
    let r = Registry::builtin();
    // No kind: 16 digits read as an IMEISV (python-stdnum's reading).
    assert_eq!(r.best("4901542032375181", &Options::default()).unwrap().kind, Kind::Imeisv);
    // --kind imei: strict, as validator.js is.
    let strict = Options { kind: Some(Kind::Imei), ..Options::default() };
    let p = r.best("4901542032375181", &strict).unwrap_err();
    assert_eq!(p.message(), "16 digits is an imeisv, not an imei");
    assert_eq!(r.best("490154203237518", &strict).unwrap().kind, Kind::Imei);
    let sv = Options { kind: Some(Kind::Imeisv), ..Options::default() };
    assert_eq!(r.best("490154203237518", &sv).unwrap_err().message(), "an imeisv has 16 digits");
}

#[test]
fn a_upc_a_is_refused_as_an_ean_when_strict() {
    use serialkit::{Kind, Options, Registry};
    let r = Registry::builtin();
    let gtin = Options { kind: Some(Kind::Gtin), ..Options::default() };
    // python-stdnum's reading by default: a UPC-A, with its GTIN-14.
    let upc = r.best("036000291452", &gtin).unwrap();
    assert_eq!((upc.format.as_str(), upc.fields["gtin"].to_string()), ("upc-a", "00036000291452".into()));
    // validator.js's reading on request: an EAN has 8, 13 or 14 digits.
    let strict = Options { strict: true, ..gtin };
    let p = r.best("036000291452", &strict).unwrap_err();
    assert_eq!(p.kind(), ProblemKind::TooShort);
    assert_eq!(p.message(), "12 digits is a upc-a, not an ean");
    assert_eq!((p.span().start, p.span().end), (0, 12));
    assert_eq!(p.hint(), Some("an ean has 8, 13 or 14 digits: write this upc-a as the ean-13 0036000291452"));
    assert_eq!(r.best("0036000291452", &strict).unwrap().fields["gtin"].to_string(), "00036000291452");
    // With no kind, twelve digits are still a MAC address in bare notation.
    let any = r.decode("036000291452", &Options { strict: true, ..Options::default() });
    assert!(any.candidates.iter().all(|c| c.kind != Kind::Gtin), "{:?}", any.candidates);
    assert!(any.candidates.iter().any(|c| c.kind == Kind::Mac));
}

#[test]
fn short_mac_groups_are_refused_when_strict() {
    use serialkit::{Kind, Options, Registry};
    let r = Registry::builtin();
    // netaddr's reading by default: the dropped zeros are restored.
    let lenient = r.best("d0:5:9:4:a2:a0", &Options::default()).unwrap();
    assert_eq!((lenient.kind, lenient.normalized.as_str()), (Kind::Mac, "D0:05:09:04:A2:A0"));
    // validator.js's reading on request, with the first short group marked.
    let strict = Options { strict: true, ..Options::default() };
    let p = r.best("d0:5:9:4:a2:a0", &strict).unwrap_err();
    assert_eq!(p.message(), "group of 1 hex digit, the colon notation has 2 per group");
    assert_eq!((p.span().start, p.span().end), (3, 4));
    assert_eq!(p.hint(), Some("write the dropped leading zeros: 05, not 5"));
    let cisco = Options { kind: Some(Kind::Mac), strict: true, ..Options::default() };
    assert_eq!(r.best("1.2.3", &cisco).unwrap_err().span().start, 0);
    assert!(r.best("d0:05:09:04:a2:a0", &strict).is_ok());
}

#[test]
fn a_valid_value_of_another_kind_says_what_it_is() {
    use serialkit::{Kind, Options, Registry};
    let r = Registry::builtin();
    let as_kind = |kind| Options { kind: Some(kind), ..Options::default() };
    #[track_caller]
    fn wrong(result: Result<serialkit::Decoded, serialkit::Problem>, message: &str, hint: &str, len: usize) {
        let p = result.expect_err("refused for its kind");
        assert_eq!(p.kind(), ProblemKind::WrongKind);
        assert_eq!(p.message(), message);
        assert_eq!(p.hint(), Some(hint));
        assert_eq!((p.span().start, p.span().end), (0, len));
    }
    wrong(
        r.best("MNEH3LL/A", &as_kind(Kind::Serial)),
        "an Apple model or part number (apple-part), not a serial",
        "enter the serial here, or ask for kind model to read this value",
        9,
    );
    wrong(
        r.best("00:50:56:C0:00:03", &as_kind(Kind::Serial)),
        "a MAC address, not a serial",
        "enter the serial here, or ask for kind mac to read this value",
        17,
    );
    wrong(
        r.best("490154203237518", &as_kind(Kind::Serial)),
        "an IMEI, not a serial",
        "enter the serial here, or ask for kind imei to read this value",
        15,
    );
    wrong(
        r.best("C02TJ0Q7GVC8", &as_kind(Kind::Mac)),
        "an Apple serial (apple-12), not a MAC address",
        "enter the MAC address here, or ask for kind serial to read this value",
        12,
    );
    // With the vendor named too, the vendor's other formats count.
    let apple_serial =
        Options { vendor: Some("apple".into()), kind: Some(Kind::Serial), ..Options::default() };
    assert_eq!(
        r.best("MNEH3LL/A", &apple_serial).unwrap_err().message(),
        "an Apple model or part number (apple-part), not a serial"
    );
    // A value of no kind keeps the format's own problem; so do two standard kinds.
    assert_eq!(
        r.best("CO2TJ0Q7GVC8", &as_kind(Kind::Serial)).unwrap_err().message(),
        "'O' cannot appear in plant"
    );
    assert_eq!(
        r.best("4901542032375181", &as_kind(Kind::Imei)).unwrap_err().message(),
        "16 digits is an imeisv, not an imei"
    );
    // A check digit that does not add up is a typo in the kind asked for, not another kind its
    // digits happen to make (a Dell express service code, an HP serial).
    for (value, kind, message) in [
        ("96385075", Kind::Gtin, "check digit should be 4, not 5"),
        ("0306406153", Kind::Isbn, "check digit should be 2, not 3"),
        ("99921-58-10-8", Kind::Isbn, "check digit should be 7, not 8"),
    ] {
        let p = r.best(value, &as_kind(kind)).unwrap_err();
        assert_eq!((p.kind(), p.message()), (ProblemKind::CheckDigit, message), "{value}");
    }
}

#[test]
fn a_vendor_serial_hint_names_what_else_it_is() {
    let p = validate("C02TJ0Q7GVC8", "hp").unwrap_err();
    assert_eq!(p.hint(), Some("this looks like an Apple serial (apple-12)"));
    let p = validate("00:50:56:C0:00:03", "dell").unwrap_err();
    assert_eq!(p.hint(), Some("this looks like a MAC address, not a serial"));
}

#[test]
fn placeholders_in_every_spelling_say_so() {
    for (value, why) in [
        ("Unknown", "\"unknown\" written in place of a serial"),
        (".", "a lone '.' written in place of a serial"),
        ("TO BE FILLED BY OEM", "the AMI BIOS default the maker did not replace"),
    ] {
        let report = serialkit::decode(value);
        assert!(!report.valid, "{value}");
        assert_eq!(report.errors[0].kind(), ProblemKind::Placeholder, "{value}");
        assert_eq!(report.errors[0].message(), format!("placeholder, not a serial: {why}"), "{value}");
    }
    // Named vendor too: "Unknown" is 7 letters, the shape of a Dell service tag.
    assert_eq!(validate("Unknown", "dell").unwrap_err().kind(), ProblemKind::Placeholder);
}

#[test]
fn placeholders_are_named_for_the_kind_asked_for() {
    use serialkit::{Kind, Options, Registry};
    let r = Registry::builtin();
    let imei = Options { kind: Some(Kind::Imei), ..Options::default() };
    let p = r.best("000000000000000", &imei).unwrap_err();
    assert_eq!(p.message(), "placeholder, not a real imei: one character repeated ('0')");
    // A MAC address's special values are the MAC parser's to explain: broadcast is valid.
    let mac = Options { kind: Some(Kind::Mac), ..Options::default() };
    assert_eq!(r.best("FFFFFFFFFFFF", &mac).unwrap().normalized, "FF:FF:FF:FF:FF:FF");
    assert!(r.best("FFFFFFFFFFFF", &mac).unwrap().reason.contains("the broadcast address"));
}
