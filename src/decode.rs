//! Identify, decode, validate and check-as-you-type: the operations and their result types.

use crate::error::{Problem, ProblemKind, Shown, Span};
use crate::matcher::{CompiledFormat, Decoding, Scan, ScanRoom};
use crate::normalize::Cleaned;
use crate::placeholders;
use crate::registry::Registry;
use crate::rules::schema::{FormatKind, Identifies, Value};
use serde::Serialize;
use std::collections::BTreeMap;

/// Inputs longer than this (in characters) are rejected before any matching: no identifier in
/// scope comes near it, and it bounds the work one value can cause.
///
/// Characters are counted after the clean-up every value gets (outer white space trimmed, inner
/// runs folded to one space, invisible characters dropped), which is linear in the input's length
/// whatever it is. A longer value is a [`ProblemKind::TooLong`] problem whose span runs from the
/// 257th character to the end: [`decode`], [`validate`], [`check_partial`] and the parsers in
/// [`ids`](crate::ids) all refuse it (a GS1 element string also when its human-readable form,
/// with its parentheses, would be longer). The JavaScript API has the same limit, counted the
/// same way; only its spans are in UTF-16 code units. Rule files cannot raise it: a format that
/// takes more (`max_length`) is refused by `lint-rules`.
///
/// ```
/// let err = serialkit::validate(&"A".repeat(300), "apple").unwrap_err();
/// assert_eq!(err.message(), "too long: 300 characters, no identifier takes more than 256");
/// assert_eq!((err.span().start, err.span().end), (256, 300));
/// ```
pub const MAX_INPUT_CHARS: usize = 256;

/// What kind of identifier a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Kind {
    /// A unit's serial number.
    Serial,
    /// A model, machine type or part number.
    Model,
    /// A stock-keeping unit.
    Sku,
    /// An organisation's asset tag.
    AssetTag,
    /// An IEEE MAC address (EUI-48 or EUI-64).
    Mac,
    /// A mobile equipment identity (15 digits, Luhn).
    Imei,
    /// An IMEI with a software version instead of the check digit (16 digits).
    Imeisv,
    /// A mobile equipment identifier (CDMA, hex or decimal).
    Meid,
    /// A SIM card number (ITU-T E.118).
    Iccid,
    /// A GS1 trade item number (GTIN-8/12/13/14, UPC, EAN).
    Gtin,
    /// A book number (ISBN-10 or ISBN-13).
    Isbn,
    /// A GS1 element string (application identifiers with their data).
    Gs1,
}

impl Kind {
    /// The name used on the command line and in JSON (`asset-tag`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Serial => "serial",
            Kind::Model => "model",
            Kind::Sku => "sku",
            Kind::AssetTag => "asset-tag",
            Kind::Mac => "mac",
            Kind::Imei => "imei",
            Kind::Imeisv => "imeisv",
            Kind::Meid => "meid",
            Kind::Iccid => "iccid",
            Kind::Gtin => "gtin",
            Kind::Isbn => "isbn",
            Kind::Gs1 => "gs1",
        }
    }

    /// Whether this kind is a standard identifier that belongs to no vendor (MAC, IMEI, GTIN …).
    pub fn is_standard(self) -> bool {
        !matches!(self, Kind::Serial | Kind::Model | Kind::Sku | Kind::AssetTag)
    }

    /// Every kind, for help texts.
    pub const ALL: &'static [Kind] = &[
        Kind::Serial,
        Kind::Model,
        Kind::Sku,
        Kind::AssetTag,
        Kind::Mac,
        Kind::Imei,
        Kind::Imeisv,
        Kind::Meid,
        Kind::Iccid,
        Kind::Gtin,
        Kind::Isbn,
        Kind::Gs1,
    ];
}

impl std::str::FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Kind, String> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown kind '{s}'; use one of {}", names.join(", "))
        })
    }
}

impl From<Identifies> for Kind {
    fn from(i: Identifies) -> Kind {
        match i {
            Identifies::Serial => Kind::Serial,
            Identifies::Model => Kind::Model,
            Identifies::Sku => Kind::Sku,
            Identifies::AssetTag => Kind::AssetTag,
        }
    }
}

/// What to decode a value as; the default tries everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// A vendor id, name or alias: only that vendor's formats are tried.
    pub vendor: Option<String>,
    /// Only formats of this kind are tried.
    pub kind: Option<Kind>,
    /// Refuse what serialkit reads leniently where respected tools disagree: MAC groups that
    /// drop a leading zero (`d0:5:9:4:a2:a0`, accepted by netaddr, refused by validator.js),
    /// and a 12-digit UPC-A as a GTIN (python-stdnum's `ean` reads it, validator.js's `isEAN`
    /// takes 8, 13 or 14 digits). A 16-digit IMEISV is refused by asking for [`Kind::Imei`].
    pub strict: bool,
}

impl Options {
    /// Options for one vendor.
    pub fn vendor(vendor: impl Into<String>) -> Options {
        Options { vendor: Some(vendor.into()), ..Options::default() }
    }
}

/// One way to read a value: a vendor's format that it fits, with what it decodes to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decoded {
    /// The kind of identifier.
    pub kind: Kind,
    /// The vendor id.
    pub vendor: String,
    /// The format id.
    pub format: String,
    /// The value as the format writes it (separators and scanner prefixes removed, upper case).
    pub normalized: String,
    /// How sure the reading is, 0 to 1.
    pub confidence: f64,
    /// Why it was read this way, and what lowered the confidence.
    pub reason: String,
    /// The decoded fields (`year`, `week`, `plant`, `model_id`, …).
    pub fields: BTreeMap<String, Value>,
}

/// Everything known about one value: the contract of `serialkit decode --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The value as given.
    pub input: String,
    /// Whether some format accepts it.
    pub valid: bool,
    /// The best candidate's kind.
    pub kind: Option<Kind>,
    /// The best candidate's vendor id.
    pub vendor: Option<String>,
    /// The best candidate's format id.
    pub format: Option<String>,
    /// The best candidate's normalized value, or the vendor-independent normalization.
    pub normalized: String,
    /// The best candidate's confidence (0 when invalid).
    pub confidence: f64,
    /// The best candidate's fields.
    pub fields: BTreeMap<String, Value>,
    /// What is wrong, when nothing accepts the value.
    pub errors: Vec<Problem>,
    /// Every accepted reading, best first.
    pub candidates: Vec<Decoded>,
}

/// Where a value being typed stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartialState {
    /// A prefix of a valid value: keep typing.
    Incomplete,
    /// Wrong already: no more typing can make it valid.
    Invalid,
    /// Valid as it stands (more characters may still be allowed).
    Valid,
}

/// The answer for a value still being typed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Partial {
    /// Incomplete, invalid or valid.
    pub state: PartialState,
    /// What is wrong (invalid) or what is missing (incomplete).
    pub problem: Option<Problem>,
    /// The characters allowed next, e.g. `0-9 A-H J-N P-Z`; empty when nothing may follow.
    pub expected: String,
    /// At least this many more characters are needed (0 when valid).
    pub needs: usize,
    /// The decoded value, when valid.
    pub decoded: Option<Decoded>,
}

/// Which reading [`Registry::best_reading`] chose.
enum Pick {
    Attempt(usize),
    Standard(usize),
}

/// What the formats and parsers that fit a value made of it.
struct Gathered<'r> {
    vendor: Option<usize>,
    attempts: Vec<Attempt<'r>>,
    /// The standard parsers' readings and problems.
    standard: Vec<Result<Decoded, Problem>>,
}

/// Why a value has no reading, kept until a caller asks [`Registry::explain`] for the problem:
/// callers that only need to know whether there is a reading skip the explaining.
enum NoReading {
    /// Refused before any format was tried (empty, too long, placeholder, unknown vendor).
    Refused(Problem),
    /// No format accepted it; the first problem a standard parser found.
    Unfit { vendor: Option<usize>, standard_problem: Option<Problem> },
}

/// Why a value has no reading, and the reading of another kind that makes it a wrong kind,
/// when it is one (a MAC address asked for as a serial).
pub(crate) type Refusal = (Problem, Option<Box<Decoded>>);

/// How much of a reading to build. Bulk checks show a few of its fields; building the others,
/// with the reasons, was most of the work of checking a MAC address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detail {
    /// Every field, and the reasons.
    Full,
    /// Kind, vendor, format, normalized value and confidence, and the date's and the model's
    /// fields ([`DATE_FIELDS`], [`MODEL_FIELDS`]); the other fields and the reasons may be left
    /// out (vendor formats and the MAC and IMEI parsers leave them out).
    Brief,
}

/// The fields that tell when a unit was made, the first found shown.
pub(crate) const DATE_FIELDS: [&str; 3] = ["date", "year", "year_candidates"];

/// The fields that tell what model a unit is, the first found shown.
pub(crate) const MODEL_FIELDS: [&str; 2] = ["model_id", "model"];

impl Detail {
    /// Whether a reading built this way has the field `name`.
    pub(crate) fn keeps(self, name: &str) -> bool {
        // Every date and model field starts with one of these letters: most names are told
        // apart by their first (this is asked for every field of every reading in bulk).
        let may_be_kept = || matches!(name.as_bytes().first(), Some(b'd' | b'y' | b'm'));
        self == Detail::Full || may_be_kept() && (DATE_FIELDS.contains(&name) || MODEL_FIELDS.contains(&name))
    }
}

/// Why a reading was chosen: its `reason`, the reasons joined with "; ". Written only for the
/// readings returned; the others are ranked by confidence alone.
pub(crate) struct Reasons {
    /// `None` when nobody will read them.
    text: Option<String>,
    count: usize,
}

impl Reasons {
    /// Reasons to write down.
    pub(crate) fn written() -> Reasons {
        // Room for the usual few reasons, so the text is not grown again and again.
        Reasons { text: Some(String::with_capacity(160)), count: 0 }
    }

    /// Reasons nobody will read: pushing them costs nothing.
    pub(crate) fn unwritten() -> Reasons {
        Reasons { text: None, count: 0 }
    }

    /// The reasons of a reading built with `detail`: written for a full one only.
    pub(crate) fn of(detail: Detail) -> Reasons {
        match detail {
            Detail::Full => Reasons::written(),
            Detail::Brief => Reasons::unwritten(),
        }
    }

    /// Adds a reason (`format_args!` formats it only when it is written).
    pub(crate) fn push(&mut self, reason: std::fmt::Arguments) {
        use std::fmt::Write;
        self.push_with(|text| match reason.as_str() {
            Some(fixed) => text.push_str(fixed),
            // Writing to a String cannot fail.
            None => {
                let _ = text.write_fmt(reason);
            }
        });
    }

    /// Adds a reason that `write` appends to the text itself: for the reasons every reading
    /// of a kind has, where the formatter's work showed in bulk checks.
    pub(crate) fn push_with(&mut self, write: impl FnOnce(&mut String)) {
        let Some(text) = &mut self.text else { return };
        if self.count > 0 {
            text.push_str("; ");
        }
        self.count += 1;
        write(text);
    }

    /// The reasons joined.
    pub(crate) fn into_text(self) -> String {
        self.text.unwrap_or_default()
    }
}

/// Appends `n` in decimal with its sign, as `{n}` writes it.
pub(crate) fn push_int(text: &mut String, n: i64) {
    if n < 0 {
        text.push('-');
    }
    push_decimal(text, n.unsigned_abs());
}

/// Appends `n` in decimal, as `{n}` writes it.
pub(crate) fn push_count(text: &mut String, n: usize) {
    push_decimal(text, n as u64);
}

/// Appends `n` in decimal; in 64 bits whatever the target's `usize`.
pub(crate) fn push_decimal(text: &mut String, n: u64) {
    text.extend(decimal(n, &mut [0; 20]).iter().map(|&d| char::from(d)));
}

/// The decimal digits of `n`, written at the end of `digits`.
pub(crate) fn decimal(n: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    &digits[at..]
}

/// One format tried on one value.
#[derive(Clone)]
struct Attempt<'r> {
    format: &'r CompiledFormat,
    /// The characters the format saw, and for each its index in the cleaned text (left empty
    /// in a reading that accepts the value: only problems are mapped back to the input).
    view: Vec<char>,
    origin: Vec<usize>,
    scan: Scan,
    decoding: Option<Decoding<'r>>,
    stripped_prefix: bool,
}

impl Attempt<'_> {
    /// Maps a span over `view` to the input's characters.
    fn input_span(&self, cleaned: &Cleaned, span: Span) -> Span {
        let at = |i: usize| match self.origin.get(i) {
            Some(&o) => o,
            None => self.origin.last().map_or(0, |&o| o + 1),
        };
        let start = at(span.start);
        let end = if span.end > span.start { at(span.end - 1) + 1 } else { start };
        let (s, e) = cleaned.input_span(start, end);
        Span::new(s, e)
    }

    /// The fewest edits the view's length alone implies: characters past the format's most,
    /// or (unless typing) missing below its fewest. No edit distance to the format is less.
    fn length_edits(&self, typing: bool) -> usize {
        let n = self.view.len();
        let over = n.saturating_sub(self.format.max_len);
        if typing { over } else { over.max(self.format.min_len.saturating_sub(n)) }
    }

    /// How far the value got: used to pick the format whose error to report.
    fn progress(&self) -> usize {
        match self.scan {
            Scan::Complete { .. } => self.view.len() + 1,
            Scan::Prefix { .. } => self.view.len(),
            Scan::Stopped { at, .. } => at,
            Scan::Unmatched { .. } => 0,
        }
    }
}

impl Registry {
    /// Identifies and decodes `value`: every format that accepts it, ranked; or what is wrong.
    ///
    /// ```
    /// use serialkit::{Options, Registry};
    /// let report = Registry::builtin().decode("C02TJ0Q7GVC8", &Options::default());
    /// assert!(report.valid);
    /// assert_eq!(report.vendor.as_deref(), Some("apple"));
    /// ```
    pub fn decode(&self, value: &str, options: &Options) -> Report {
        let cleaned = Cleaned::new(value);
        let mut report = Report {
            input: value.to_string(),
            valid: false,
            kind: None,
            vendor: None,
            format: None,
            normalized: String::new(),
            confidence: 0.0,
            fields: BTreeMap::new(),
            errors: Vec::new(),
            candidates: Vec::new(),
        };
        match self.every_reading(value, &cleaned, options) {
            Ok(candidates) => {
                let best = &candidates[0];
                report.valid = true;
                report.kind = Some(best.kind);
                report.vendor = Some(best.vendor.clone()).filter(|v| !v.is_empty());
                report.format = Some(best.format.clone());
                report.normalized = best.normalized.clone();
                report.confidence = best.confidence;
                report.fields = best.fields.clone();
                report.candidates = candidates;
            }
            Err(none) => {
                report.normalized = cleaned.upper();
                report.errors.push(self.explain(value, &cleaned, options, none, false).0);
            }
        }
        report
    }

    /// The best reading of `value`, or what is wrong with it: [`Registry::decode`] without the
    /// other candidates, for bulk work.
    pub fn best(&self, value: &str, options: &Options) -> Result<Decoded, Problem> {
        self.best_or_other(value, options, Detail::Full).map_err(|(problem, _)| problem)
    }

    /// [`Registry::best`], built with `detail`, with what the value is when it is refused as
    /// the wrong kind (a MAC address asked for as a serial): bulk checks show it, and need not
    /// decode it again. That other reading is always brief.
    pub(crate) fn best_or_other(
        &self,
        value: &str,
        options: &Options,
        detail: Detail,
    ) -> Result<Decoded, Refusal> {
        let cleaned = Cleaned::new(value);
        self.best_reading(value, &cleaned, options, detail)
            .map_err(|none| self.explain(value, &cleaned, options, none, false))
    }

    /// The best reading, when there is one, brief; nothing is explained otherwise. For hints
    /// that only need to know what else a value is.
    fn reading(&self, value: &str, cleaned: &Cleaned, options: &Options) -> Option<Decoded> {
        self.best_reading(value, cleaned, options, Detail::Brief).ok()
    }

    /// What every format and standard parser that fits the value's length and kind made of it;
    /// the standard parsers' readings built with `detail`.
    fn gather(
        &self,
        value: &str,
        cleaned: &Cleaned,
        options: &Options,
        detail: Detail,
    ) -> Result<Gathered<'_>, NoReading> {
        self.precheck(cleaned, options.kind).map_err(NoReading::Refused)?;
        let vendor = match &options.vendor {
            Some(name) => Some(
                self.vendor_index(name)
                    .ok_or_else(|| NoReading::Refused(self.unknown_vendor(name, cleaned)))?,
            ),
            None => None,
        };
        let standard_kind = options.kind.is_some_and(Kind::is_standard);
        let attempts =
            if standard_kind { Vec::new() } else { self.accepting_attempts(cleaned, vendor, options.kind) };
        // MAC, IMEI, GTIN and friends belong to no vendor: tried when no vendor was named, or
        // when such a kind was asked for (the vendor then does not matter).
        let standard = match vendor.is_none() || standard_kind {
            true => crate::ids::identify_cleaned(value, cleaned, options.kind, options.strict, detail),
            false => Vec::new(),
        };
        Ok(Gathered { vendor, attempts, standard })
    }

    /// Every reading best first, without repeats (never empty), or why there is none.
    fn every_reading(
        &self,
        value: &str,
        cleaned: &Cleaned,
        options: &Options,
    ) -> Result<Vec<Decoded>, NoReading> {
        let Gathered { vendor, mut attempts, standard } =
            self.gather(value, cleaned, options, Detail::Full)?;
        let mut candidates: Vec<Decoded> =
            attempts.iter_mut().map(|a| self.decoded(a, Detail::Full)).collect();
        let mut standard_problem = None;
        for result in standard {
            match result {
                Ok(decoded) => candidates.push(decoded),
                Err(problem) => {
                    standard_problem.get_or_insert(problem);
                }
            }
        }
        if candidates.is_empty() {
            return Err(NoReading::Unfit { vendor, standard_problem });
        }
        candidates.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        candidates.dedup_by(|b, a| a.format == b.format && a.normalized == b.normalized);
        Ok(candidates)
    }

    /// The reading [`Registry::every_reading`] puts first (the first of the most confident),
    /// with only that one built (with `detail`), or why there is none.
    fn best_reading(
        &self,
        value: &str,
        cleaned: &Cleaned,
        options: &Options,
        detail: Detail,
    ) -> Result<Decoded, NoReading> {
        let Gathered { vendor, mut attempts, mut standard } = self.gather(value, cleaned, options, detail)?;
        // A single reading needs no ranking (the usual case with a vendor or a kind named).
        let unrivalled = attempts.len() + standard.iter().filter(|r| r.is_ok()).count() == 1;
        let from_attempts = attempts
            .iter()
            .enumerate()
            .map(|(i, a)| (if unrivalled { 0.0 } else { self.confidence(a) }, Pick::Attempt(i)));
        let from_standard = standard
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((r.as_ref().ok()?.confidence, Pick::Standard(i))));
        let mut best: Option<(f64, Pick)> = None;
        for (confidence, pick) in from_attempts.chain(from_standard) {
            // Only a strictly more confident one replaces it: among equals the first stays, as
            // the stable sort of every_reading keeps it first.
            if best.as_ref().is_none_or(|(b, _)| confidence.total_cmp(b).is_gt()) {
                best = Some((confidence, pick));
            }
        }
        match best {
            Some((_, Pick::Attempt(i))) => Ok(self.decoded(&mut attempts[i], detail)),
            // A reading was picked: the result is Ok.
            Some((_, Pick::Standard(i))) => standard.swap_remove(i).map_err(NoReading::Refused),
            None => {
                let standard_problem = standard.into_iter().find_map(Result::err);
                Err(NoReading::Unfit { vendor, standard_problem })
            }
        }
    }

    /// The problem to report for a value with no reading, and the reading of another kind
    /// that makes it a wrong kind, when it is one.
    ///
    /// `typing` says the value may be a prefix still being typed: the problem then comes from
    /// the format the value best starts, not the one it best completes.
    fn explain(
        &self,
        value: &str,
        cleaned: &Cleaned,
        options: &Options,
        none: NoReading,
        typing: bool,
    ) -> Refusal {
        let (vendor, standard_problem) = match none {
            NoReading::Refused(problem) => return (with_a_hint(problem), None),
            NoReading::Unfit { vendor, standard_problem } => (vendor, standard_problem),
        };
        let standard_kind = options.kind.is_some_and(Kind::is_standard);
        // Nothing fits: try every format, whatever its length, to explain what is wrong.
        let problem = match standard_problem {
            // A value shaped like a MAC or an IMEI is best explained by that parser's problem:
            // the parsers only run on values of their shape.
            Some(problem) => problem,
            None if standard_kind => Problem::new(
                ProblemKind::NoMatch,
                Span::new(0, cleaned.input_len),
                format!("no {} format fits this value", options.kind.map_or("known", Kind::as_str)),
            ),
            None => {
                let attempts = self.attempts(cleaned, vendor, options.kind);
                let problem = self.best_problem(cleaned, &attempts, vendor, options.kind, typing);
                match vendor.and_then(|_| self.other_reading(value, cleaned)) {
                    Some(hint) => problem.with_hint(hint),
                    None => problem,
                }
            }
        };
        // Every problem leaves here with a hint: its own, the wrong kind's, or its kind's.
        let (problem, other) = self.wrong_kind(value, options, cleaned, problem);
        (with_a_hint(problem), other)
    }

    /// For a value refused because a kind was asked for: when it is valid as another kind, the
    /// problem says what it is ("a MAC address, not a serial"). Between two standard kinds the
    /// parser's own problem stays ("16 digits is an imeisv, not an imei").
    fn wrong_kind(&self, value: &str, options: &Options, cleaned: &Cleaned, problem: Problem) -> Refusal {
        let Some(wanted) = options.kind else { return (problem, None) };
        // A check digit that does not add up says the value is of the kind asked for, mistyped:
        // a GTIN-8 with a typo is not the Dell code its digits also make.
        if matches!(problem.kind(), ProblemKind::Placeholder | ProblemKind::CheckDigit) {
            return (problem, None);
        }
        let Some(other) = self.reading(value, cleaned, &Options { kind: None, ..options.clone() }) else {
            return (problem, None);
        };
        if wanted.is_standard() && other.kind.is_standard() {
            return (problem, None);
        }
        let problem = Problem::new(
            ProblemKind::WrongKind,
            Span::new(0, cleaned.input_len),
            format!("{}, not {}", self.describe(&other), kind_noun(wanted)),
        )
        .with_hint(format!(
            "enter the {} here, or ask for kind {} to read this value",
            kind_noun(wanted).split_once(' ').map_or("value", |(_, noun)| noun),
            other.kind.as_str()
        ));
        (problem, Some(Box::new(other)))
    }

    /// For a value that is not a serial of the named vendor: what else it is (a MAC pasted into
    /// the serial field, an IMEI, another vendor's model number), as a hint.
    fn other_reading(&self, value: &str, cleaned: &Cleaned) -> Option<String> {
        let other = self.reading(value, cleaned, &Options::default())?;
        let what = match other.kind {
            Kind::Serial => self.describe(&other),
            _ => format!("{}, not a serial", self.describe(&other)),
        };
        Some(format!("this looks like {what}"))
    }

    /// What a reading is, in words: "an Apple serial (apple-12)", "a MAC address".
    fn describe(&self, decoded: &Decoded) -> String {
        let what = match decoded.kind {
            Kind::Serial => "serial",
            Kind::Model => "model or part number",
            Kind::Sku => "SKU",
            Kind::AssetTag => "asset tag",
            kind => return kind_noun(kind).to_string(),
        };
        let name = self.vendor_name(&decoded.vendor);
        // A name that says what it names ("Example Corp asset tags") is not followed by it again.
        let ends_with_what = |s: &str| {
            s.len() >= what.len()
                && s.as_bytes()[s.len() - what.len()..].eq_ignore_ascii_case(what.as_bytes())
        };
        let phrase = match name.strip_suffix(['s', 'S']) {
            Some(stem) if ends_with_what(stem) => stem.to_string(),
            _ if ends_with_what(name) => name.to_string(),
            _ => format!("{name} {what}"),
        };
        format!("{} {phrase} ({})", article(name), decoded.format)
    }

    fn vendor_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.vendors.iter().find(|v| v.rules.id == id).map_or(id, |v| v.rules.name.as_str())
    }

    /// Checks `value` as a serial of `vendor` (an id, name or alias): the best reading, or the
    /// problem with the span of the wrong characters and a hint.
    ///
    /// ```
    /// let err = serialkit::Registry::builtin().validate("CO2TJ0Q7GVC8", "apple").unwrap_err();
    /// assert_eq!(err.message(), "'O' cannot appear in plant");
    /// assert_eq!((err.span().start, err.span().end), (1, 2));
    /// ```
    pub fn validate(&self, value: &str, vendor: &str) -> Result<Decoded, Problem> {
        self.best(value, &Options::vendor(vendor))
    }

    /// Checks a value that is still being typed: a prefix of a valid value is `incomplete`,
    /// never `invalid`. `vendor` may be empty to consider every vendor.
    ///
    /// ```
    /// use serialkit::{PartialState, Registry};
    /// let partial = Registry::builtin().check_partial("C02TJ", "apple");
    /// assert_eq!(partial.state, PartialState::Incomplete);
    /// ```
    pub fn check_partial(&self, value: &str, vendor: &str) -> Partial {
        let options =
            Options { vendor: (!vendor.is_empty()).then(|| vendor.to_string()), ..Options::default() };
        self.check_partial_with(value, &options)
    }

    /// [`Registry::check_partial`] with every option of [`Registry::decode`]: a MAC address,
    /// IMEI or GTIN field is checked as one (`kind`), and `strict` refuses what it refuses.
    /// With neither a vendor nor a kind, every vendor format and standard identifier counts.
    ///
    /// ```
    /// use serialkit::{Kind, Options, PartialState, Registry};
    /// let mac = Options { kind: Some(Kind::Mac), ..Options::default() };
    /// let partial = Registry::builtin().check_partial_with("00:1A:2B", &mac);
    /// assert_eq!((partial.state, partial.needs), (PartialState::Incomplete, 6));
    /// let partial = Registry::builtin().check_partial_with("00:1A-2B", &mac);
    /// assert_eq!(partial.state, PartialState::Invalid);
    /// ```
    pub fn check_partial_with(&self, value: &str, options: &Options) -> Partial {
        let cleaned = Cleaned::new(value);
        let none = match self.best_reading(value, &cleaned, options, Detail::Full) {
            Ok(decoded) => {
                return Partial {
                    state: PartialState::Valid,
                    problem: None,
                    expected: String::new(),
                    needs: 0,
                    decoded: Some(decoded),
                };
            }
            Err(none) => none,
        };
        // Explained only when invalid: most values typed are incomplete, not wrong.
        let invalid = |none| Partial {
            state: PartialState::Invalid,
            problem: Some(self.explain(value, &cleaned, options, none, true).0),
            expected: String::new(),
            needs: 0,
            decoded: None,
        };
        let vendor = match options.vendor.as_deref().map(|v| self.vendor_index(v)) {
            Some(None) => return invalid(none),
            Some(Some(v)) => Some(v),
            None => None,
        };
        if cleaned.chars.len() > MAX_INPUT_CHARS {
            return invalid(none);
        }
        // Which formats could still accept it once more is typed?
        let mut next = crate::rules::pattern::CharSet::default();
        let mut needs = usize::MAX;
        let standard_kind = options.kind.is_some_and(Kind::is_standard);
        if vendor.is_none() || standard_kind {
            let kinds: Vec<Kind> = match options.kind {
                Some(kind) if kind.is_standard() => vec![kind],
                Some(_) => Vec::new(),
                None => Kind::ALL.iter().copied().filter(|k| k.is_standard()).collect(),
            };
            for kind in kinds {
                if let Some((n, more)) = crate::ids::partial::completion(value, kind, options.strict) {
                    next = next.union(more);
                    needs = needs.min(n);
                }
            }
        }
        let formats = if standard_kind { Vec::new() } else { self.formats_of(vendor, options.kind) };
        for format in formats {
            let mut attempts = Vec::new();
            self.attempt_all(&cleaned, format, &mut attempts);
            for attempt in attempts {
                let (n, more) = match attempt.scan {
                    Scan::Prefix { needs, next } => (needs, next),
                    Scan::Complete { more } if !more.is_empty() => (1, more),
                    // A regex cannot tell a prefix from a wrong value: incomplete, with no
                    // characters to suggest, until the value is too long.
                    Scan::Unmatched { may_grow: true } => (1, Default::default()),
                    _ => continue,
                };
                // Segments already typed in full must decode cleanly (week 55 is wrong now).
                let ranges = format.typed_ranges(attempt.view.len());
                let tables = &self.vendors[format.vendor].tables;
                if format.decode(&attempt.view, &ranges, tables, false).problems.is_empty() {
                    next = next.union(more);
                    needs = needs.min(n);
                }
            }
        }
        if needs == usize::MAX {
            return invalid(none);
        }
        let len = cleaned.input_len;
        let end = cleaned.input_end();
        let message = if cleaned.chars.is_empty() {
            "nothing typed yet".to_string()
        } else {
            format!("incomplete: at least {needs} more character{}", if needs == 1 { "" } else { "s" })
        };
        Partial {
            state: PartialState::Incomplete,
            problem: Some(Problem::new(
                ProblemKind::TooShort,
                Span::new(end.min(len), end.min(len)),
                message,
            )),
            expected: next.describe(),
            needs,
            decoded: None,
        }
    }

    /// Empty, too long and placeholder values fail before any format is tried.
    fn precheck(&self, cleaned: &Cleaned, kind: Option<Kind>) -> Result<(), Problem> {
        if cleaned.chars.is_empty() {
            return Err(Problem::new(ProblemKind::Empty, Span::new(0, cleaned.input_len), "empty value")
                .with_hint("enter the serial printed on the unit's label"));
        }
        if cleaned.chars.len() > MAX_INPUT_CHARS {
            let (s, _) = cleaned.input_span(MAX_INPUT_CHARS, MAX_INPUT_CHARS);
            return Err(Problem::new(
                ProblemKind::TooLong,
                Span::new(s, cleaned.input_len),
                format!(
                    "too long: {} characters, no identifier takes more than {MAX_INPUT_CHARS}",
                    cleaned.chars.len()
                ),
            ));
        }
        // A MAC address has its own special values (all zeros, broadcast), explained by its parser.
        if kind == Some(Kind::Mac) {
            return Ok(());
        }
        if let Some(reason) = placeholders::reason_cleaned(&cleaned.chars) {
            let (s, e) = cleaned.input_span(0, cleaned.chars.len());
            let (what, hint) = match kind.filter(|k| k.is_standard()) {
                Some(k) => (
                    format!("a real {}", k.as_str()),
                    "read the number from the label or the device's settings",
                ),
                None => {
                    ("a serial".into(), "read the serial from the unit's label or its management controller")
                }
            };
            return Err(Problem::new(
                ProblemKind::Placeholder,
                Span::new(s, e),
                format!("placeholder, not {what}: {reason}"),
            )
            .with_hint(hint));
        }
        Ok(())
    }

    fn unknown_vendor(&self, name: &str, cleaned: &Cleaned) -> Problem {
        let ids: Vec<&str> = self.vendors.iter().map(|v| v.rules.id.as_str()).collect();
        Problem::new(
            ProblemKind::UnknownVendor,
            Span::new(0, cleaned.input_len),
            format!("unknown vendor '{name}'"),
        )
        .with_hint(format!("known vendors: {}", ids.join(", ")))
    }

    fn formats_of(&self, vendor: Option<usize>, kind: Option<Kind>) -> Vec<&CompiledFormat> {
        let all: Box<dyn Iterator<Item = &CompiledFormat>> = match vendor {
            Some(v) => Box::new(self.vendors[v].formats.iter().map(|&i| &self.formats[i as usize])),
            None => Box::new(self.formats.iter()),
        };
        all.filter(|f| kind.is_none_or(|k| Kind::from(f.rules.identifies) == k)).collect()
    }

    /// The indexes of the formats tried on a value: the named vendor's, or those the index
    /// says may fit it.
    fn format_indexes(&self, cleaned: &Cleaned, vendor: Option<usize>) -> Vec<u32> {
        let mut indexes = Vec::with_capacity(32);
        match vendor {
            Some(v) => indexes.extend_from_slice(&self.vendors[v].formats),
            None => self.candidate_formats(&cleaned.chars, &mut indexes),
        }
        indexes
    }

    /// The formats [`Registry::format_indexes`] names, of `kind` when one is asked for.
    fn formats_to_try<'r>(
        &'r self,
        indexes: &[u32],
        kind: Option<Kind>,
    ) -> impl Iterator<Item = &'r CompiledFormat> {
        let formats = indexes.iter().map(|&i| &self.formats[i as usize]);
        formats.filter(move |f| kind.is_none_or(|k| Kind::from(f.rules.identifies) == k))
    }

    /// The attempts that accept the value, among the formats whose length it fits (each as the
    /// value is, and once more per scanner prefix it starts with): all that a reading needs.
    fn accepting_attempts<'r>(
        &'r self,
        cleaned: &Cleaned,
        vendor: Option<usize>,
        kind: Option<Kind>,
    ) -> Vec<Attempt<'r>> {
        let indexes = self.format_indexes(cleaned, vendor);
        let mut out = Vec::new();
        // One format's view of the value at a time, copied only into the attempts kept.
        let n = cleaned.chars.len();
        let mut view = Vec::with_capacity(n);
        // The separators and case the view is made with: formats alike share it.
        let mut viewed: Option<(&[char], bool)> = None;
        let mut room = ScanRoom::default();
        for format in self.formats_to_try(&indexes, kind) {
            let fits = |len: usize| (format.min_len..=format.max_len).contains(&len);
            // Most formats cannot fit a value's length: skip them before looking further.
            let len = crate::registry::len_without(&cleaned.chars, &format.separators);
            let prefixes = &format.rules.scanner_prefixes;
            if !fits(len) && !prefixes.iter().map(|p| p.chars().count()).any(|p| len > p && fits(len - p)) {
                continue;
            }
            let seen_as = (format.separators.as_slice(), format.rules.case_sensitive);
            if viewed != Some(seen_as) {
                format.view_into(&cleaned.chars, &mut view);
                viewed = Some(seen_as);
            }
            for prefix in prefixes {
                let n = prefix.chars().count();
                if len > n && fits(len - n) && starts_with(&view, prefix) {
                    self.keep_accepted(format, &view[n..], true, &mut room, &mut out);
                }
            }
            if fits(len) {
                self.keep_accepted(format, &view, false, &mut room, &mut out);
            }
        }
        out
    }

    /// Tries `format` on a view of the value, and keeps the attempt when the format accepts it.
    /// `room` is for the scan's states.
    fn keep_accepted<'r>(
        &'r self,
        format: &'r CompiledFormat,
        view: &[char],
        stripped_prefix: bool,
        room: &mut ScanRoom,
        out: &mut Vec<Attempt<'r>>,
    ) {
        let scan = format.scan_in(view, room);
        if !matches!(scan, Scan::Complete { .. }) {
            return;
        }
        let Some(ranges) = format.split(view) else { return };
        let decoding = format.decode(view, &ranges, &self.vendors[format.vendor].tables, true);
        if decoding.problems.is_empty() {
            let (view, origin) = (view.to_vec(), Vec::new());
            out.push(Attempt { format, view, origin, scan, decoding: Some(decoding), stripped_prefix });
        }
    }

    /// Every attempt on the value, whatever its length: to explain what is wrong.
    fn attempts<'r>(
        &'r self,
        cleaned: &Cleaned,
        vendor: Option<usize>,
        kind: Option<Kind>,
    ) -> Vec<Attempt<'r>> {
        let indexes = self.format_indexes(cleaned, vendor);
        let mut out = Vec::new();
        for format in self.formats_to_try(&indexes, kind) {
            self.attempt_all(cleaned, format, &mut out);
        }
        out
    }

    /// The format tried on the value as it is, and once more per scanner prefix it starts with.
    fn attempt_all<'r>(&'r self, cleaned: &Cleaned, format: &'r CompiledFormat, out: &mut Vec<Attempt<'r>>) {
        let (view, origin) = format.view(&cleaned.chars);
        for prefix in &format.rules.scanner_prefixes {
            let n = prefix.chars().count();
            if view.len() > n && starts_with(&view, prefix) {
                out.push(self.attempt(format, view[n..].to_vec(), origin[n..].to_vec(), true));
            }
        }
        out.push(self.attempt(format, view, origin, false));
    }

    fn attempt<'r>(
        &'r self,
        format: &'r CompiledFormat,
        view: Vec<char>,
        origin: Vec<usize>,
        stripped_prefix: bool,
    ) -> Attempt<'r> {
        let scan = format.scan(&view);
        let decoding = match scan {
            Scan::Complete { .. } => format
                .split(&view)
                .map(|ranges| format.decode(&view, &ranges, &self.vendors[format.vendor].tables, true)),
            _ => None,
        };
        Attempt { format, view, origin, scan, decoding, stripped_prefix }
    }

    /// The reading a valid attempt stands for.
    fn decoded(&self, attempt: &mut Attempt, detail: Detail) -> Decoded {
        let mut reasons = Reasons::of(detail);
        let confidence = self.assess(attempt, &mut reasons);
        let format = attempt.format;
        let decoding = attempt.decoding.take().unwrap_or_default();
        let (start, end) = decoding.normalized.unwrap_or((0, attempt.view.len()));
        Decoded {
            kind: format.rules.identifies.into(),
            vendor: self.vendors[format.vendor].rules.id.clone(),
            format: format.rules.id.clone(),
            normalized: attempt.view[start..end].iter().collect(),
            confidence,
            reason: reasons.into_text(),
            fields: decoding.into_fields(&attempt.view, |name| detail.keeps(name)),
        }
    }

    /// How sure a valid attempt's reading is, to rank it against the others.
    fn confidence(&self, attempt: &Attempt) -> f64 {
        self.assess(attempt, &mut Reasons::unwritten())
    }

    /// The confidence of a valid attempt, and the reasons for it.
    fn assess(&self, attempt: &Attempt, reasons: &mut Reasons) -> f64 {
        let format = attempt.format;
        let vendor = &self.vendors[format.vendor].rules;
        let empty = Decoding::default();
        let decoding = attempt.decoding.as_ref().unwrap_or(&empty);
        let mut score: f64 = match format.rules.kind {
            FormatKind::Randomized => 0.35,
            _ => 0.5,
        };
        reasons.push_with(|text| {
            text.push_str("fits ");
            text.push_str(&format.rules.id);
            text.push_str(" (");
            push_count(text, attempt.view.len());
            text.push_str(" characters)");
        });
        if format.has_literal {
            score += 0.1;
        }
        score += 0.25 * format.specificity;
        if decoding.dated() {
            score += 0.1;
            reasons.push(format_args!("its date code is in range"));
        }
        score += 0.12 * decoding.table_weight.min(4.0);
        score -= 0.1 * f64::from(decoding.table_misses);
        if decoding.table_hits > 0 {
            reasons.push_with(|text| {
                push_count(text, decoding.table_hits as usize);
                text.push_str(if decoding.table_hits == 1 { " code" } else { " codes" });
                text.push_str(" found in the vendor's tables");
            });
        }
        if decoding.check_passed {
            score += 0.3;
            reasons.push(format_args!("check digit matches"));
        }
        if decoding.ambiguous {
            score -= 0.05;
        }
        // macserial calls such a serial "unlikely": lower than any consistent reading.
        score -= 0.5 * f64::from(decoding.contradictions);
        if attempt.stripped_prefix {
            score -= 0.05;
            reasons.push(format_args!("scanner prefix removed"));
        }
        for reason in &decoding.reasons {
            reasons.push(format_args!("{reason}"));
        }
        if format.rules.confidence * vendor.confidence < 1.0 {
            reasons.push(format_args!("the format is not fully verified"));
        }
        (score.clamp(0.05, 0.99) * format.rules.confidence * vendor.confidence * 100.0).round() / 100.0
    }

    /// The problem to report when no format accepts the value: the one from the format the
    /// value comes closest to (fewest characters to change, add or remove), then the one it
    /// matched furthest, then the first listed.
    fn best_problem(
        &self,
        cleaned: &Cleaned,
        attempts: &[Attempt],
        vendor: Option<usize>,
        kind: Option<Kind>,
        typing: bool,
    ) -> Problem {
        let len = cleaned.chars.len();
        let nearby;
        let attempts = if vendor.is_none() {
            nearby = self.nearby_attempts(cleaned, attempts, kind);
            &nearby[..]
        } else {
            attempts
        };
        let limit = if vendor.is_some() { usize::MAX } else { (len / 4).max(1) };
        // Closest first; among equally close formats the better-sourced one, then the one the
        // value got furthest into, then the first.
        let closer = |d: usize, i: usize, (best_d, best_i): (usize, usize)| {
            let (a, best) = (&attempts[i], &attempts[best_i]);
            d.cmp(&best_d)
                .then(best.format.rules.confidence.total_cmp(&a.format.rules.confidence))
                .then(best.progress().cmp(&a.progress()))
                .then(i.cmp(&best_i))
                .is_lt()
        };
        // Tried from the fewest edits its length alone implies: once that exceeds the distance
        // of the closest so far, no format left can be chosen, and a format's distance is only
        // worked out as far as that one's.
        let mut order: Vec<(usize, usize)> =
            attempts.iter().enumerate().map(|(i, a)| (a.length_edits(typing), i)).collect();
        order.sort_unstable();
        let mut best: Option<(usize, usize)> = None;
        for (least, i) in order {
            let bound = best.map_or(limit, |(d, _)| d);
            if least > bound {
                break;
            }
            let attempt = &attempts[i];
            let Some(d) = attempt.format.distance_within(&attempt.view, typing, bound) else { continue };
            if best.is_none_or(|best| closer(d, i, best)) {
                best = Some((d, i));
            }
        }
        let best = best.map(|(d, i)| (d, &attempts[i]));
        let Some((_, attempt)) = best else {
            let (s, e) = cleaned.input_span(0, len);
            return Problem::new(
                ProblemKind::NoMatch,
                Span::new(s, e),
                format!("no known format matches this {len}-character value"),
            )
            .with_hint("name the vendor to see which character is wrong");
        };
        let mut problem = self.attempt_problem(attempt);
        problem.set_span(attempt.input_span(cleaned, problem.span()));
        if vendor.is_none() {
            let vendor = &self.vendors[attempt.format.vendor].rules;
            let hint = problem.hint().map(|h| format!("; {h}")).unwrap_or_default();
            problem = problem
                .with_hint(format!("closest format: {} ({}){hint}", attempt.format.rules.id, vendor.name));
        }
        problem
    }

    /// Attempts for a value no format accepted: the same-length ones already made, plus formats
    /// one character longer or shorter, so a dropped or doubled character is still explained.
    fn nearby_attempts<'r>(
        &'r self,
        cleaned: &Cleaned,
        done: &[Attempt<'r>],
        kind: Option<Kind>,
    ) -> Vec<Attempt<'r>> {
        let len = cleaned.chars.len();
        let mut out = done.to_vec();
        for f in self.formats.iter().filter(|f| kind.is_none_or(|k| Kind::from(f.rules.identifies) == k)) {
            let near = f.min_len <= len + 1 && len <= f.max_len + 1;
            if near && !done.iter().any(|a| std::ptr::eq(a.format, f)) {
                self.attempt_all(cleaned, f, &mut out);
            }
        }
        out
    }

    /// The problem of one attempt, in view coordinates.
    fn attempt_problem(&self, attempt: &Attempt) -> Problem {
        let format = attempt.format;
        let n = attempt.view.len();
        let id = &format.rules.id;
        match attempt.scan {
            Scan::Complete { .. } => match attempt.decoding.as_ref().and_then(|d| d.problems.first()) {
                Some(p) => p.clone(),
                None => Problem::new(ProblemKind::NoMatch, Span::new(0, n), format!("{id} does not fit")),
            },
            Scan::Unmatched { .. } => {
                Problem::new(ProblemKind::NoMatch, Span::new(0, n), format!("does not match {id}"))
            }
            Scan::Prefix { needs, .. } => Problem::new(
                ProblemKind::TooShort,
                Span::new(n, n),
                format!(
                    "too short: {n} character{}, {id} needs {}",
                    if n == 1 { "" } else { "s" },
                    n + needs
                ),
            ),
            Scan::Stopped { at, item: None } => Problem::new(
                ProblemKind::TooLong,
                Span::new(at, n),
                format!("too long: {n} characters, {id} takes at most {}", format.max_len),
            ),
            Scan::Stopped { at, item: Some(item) } => {
                let c = attempt.view[at];
                match &format.items[item] {
                    crate::rules::pattern::Item::Literal(text) => Problem::new(
                        ProblemKind::InvalidCharacter,
                        Span::new(at, at + 1),
                        format!("expected '{text}' here"),
                    ),
                    crate::rules::pattern::Item::Segment { name, class, .. } => {
                        let problem = Problem::new(
                            ProblemKind::InvalidCharacter,
                            Span::new(at, at + 1),
                            format!("{} cannot appear in {name}", Shown(c)),
                        );
                        match self.hint(format, c, *class) {
                            Some(hint) => problem.with_hint(hint),
                            // White space inside a value (a control character folds to it too).
                            None if c == ' ' => problem.with_hint("remove the space"),
                            None => problem,
                        }
                    }
                }
            }
        }
    }

    /// A hint for a wrong character: the vendor's `never` table, then common look-alikes.
    fn hint(
        &self,
        format: &CompiledFormat,
        c: char,
        class: crate::rules::pattern::CharSet,
    ) -> Option<String> {
        let vendor = &self.vendors[format.vendor].rules;
        if let Some(meant) = vendor.never.get(&c.to_string()) {
            return Some(format!("{} serials never contain {c} — did you mean {meant}?", vendor.name));
        }
        const LOOK_ALIKES: &[(char, &str)] = &[
            ('O', "0"),
            ('0', "O"),
            ('I', "1L"),
            ('1', "IL"),
            ('L', "1I"),
            ('S', "5"),
            ('5', "S"),
            ('B', "8"),
            ('8', "B"),
            ('Z', "2"),
            ('2', "Z"),
        ];
        let (_, options) = LOOK_ALIKES.iter().find(|(x, _)| *x == c)?;
        let meant = options.chars().find(|&m| class.contains(m))?;
        Some(format!("did you mean {meant}?"))
    }
}

/// `problem`, with a hint for its kind when it has none of its own: every error says what to
/// do next, if only where to look.
fn with_a_hint(problem: Problem) -> Problem {
    if problem.hint().is_some() {
        return problem;
    }
    let hint = match problem.kind() {
        ProblemKind::Empty => "type or scan the value",
        ProblemKind::Placeholder => "read the real value from the unit's label",
        ProblemKind::InvalidCharacter => "compare this character with the label",
        ProblemKind::TooShort => "a character may be missing: compare the value with the label",
        ProblemKind::TooLong => "a character may be doubled or the value run on: compare it with the label",
        ProblemKind::OutOfRange | ProblemKind::UnknownCode => {
            "this part is not one the format uses: compare it with the label"
        }
        ProblemKind::CheckDigit => "a character may be mistyped: compare the value with the label",
        ProblemKind::MixedSeparators => "use one separator throughout",
        ProblemKind::WrongKind => "check that the value is in the right field",
        ProblemKind::Conflict => "check which of the two is right on the label",
        ProblemKind::NoMatch | ProblemKind::UnknownVendor => "compare the value with the label",
    };
    problem.with_hint(hint)
}

/// Whether a format's `view` of a value starts with a scanner `prefix` (matched in upper case).
fn starts_with(view: &[char], prefix: &str) -> bool {
    let mut view = view.iter();
    prefix.chars().all(|c| view.next() == Some(&c.to_ascii_uppercase()))
}

/// A kind in words, with its article: "a serial", "an IMEI".
pub(crate) fn kind_noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Serial => "a serial",
        Kind::Model => "a model number",
        Kind::Sku => "a SKU",
        Kind::AssetTag => "an asset tag",
        Kind::Mac => "a MAC address",
        Kind::Imei => "an IMEI",
        Kind::Imeisv => "an IMEISV",
        Kind::Meid => "a MEID",
        Kind::Iccid => "an ICCID",
        Kind::Gtin => "a GTIN",
        Kind::Isbn => "an ISBN",
        Kind::Gs1 => "a GS1 element string",
    }
}

/// "a" or "an" before a name, by how it is said: letter by letter for an acronym ("an HP").
fn article(name: &str) -> &'static str {
    let acronym = name.len() > 1 && name.chars().all(|c| c.is_ascii_uppercase());
    let vowel_sound = match name.chars().next().map(|c| c.to_ascii_uppercase()) {
        Some(c) if acronym => "AEFHILMNORSX".contains(c),
        Some(c) => "AEIOU".contains(c),
        None => false,
    };
    if vowel_sound { "an" } else { "a" }
}

/// Identifies and decodes `value` with the built-in vendors. See [`Registry::decode`].
pub fn decode(value: &str) -> Report {
    Registry::builtin().decode(value, &Options::default())
}

/// Decodes `value` with `registry` and `options`. See [`Registry::decode`].
pub fn decode_with(registry: &Registry, value: &str, options: &Options) -> Report {
    registry.decode(value, options)
}

/// Validates `value` as a serial of `vendor` with the built-in vendors. See [`Registry::validate`].
pub fn validate(value: &str, vendor: &str) -> Result<Decoded, Problem> {
    Registry::builtin().validate(value, vendor)
}

/// Checks a value being typed with the built-in vendors. See [`Registry::check_partial`].
pub fn check_partial(value: &str, vendor: &str) -> Partial {
    Registry::builtin().check_partial(value, vendor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_brief_reading_keeps_the_date_and_model_fields_only() {
        for name in DATE_FIELDS.iter().chain(&MODEL_FIELDS) {
            assert!(Detail::Brief.keeps(name), "{name}");
        }
        for name in ["tac", "oui", "model_code", "manufacturer", "days", "", "m", "d"] {
            assert!(!Detail::Brief.keeps(name), "{name}");
            assert!(Detail::Full.keeps(name));
        }
    }

    #[test]
    fn numbers_are_written_as_the_formatter_writes_them() {
        for n in [0, 7, 10, 1999, -42, i64::MIN, i64::MAX] {
            let mut text = String::from("x");
            push_int(&mut text, n);
            assert_eq!(text, format!("x{n}"));
        }
        let mut text = String::new();
        push_count(&mut text, usize::MAX);
        assert_eq!(text, usize::MAX.to_string());
    }

    /// A brief reading is the full one without what bulk checks do not show: the same choice,
    /// kind, vendor, format, normalized value and confidence, and the date and model fields.
    #[test]
    fn a_brief_reading_is_the_full_one_less_what_checks_do_not_show() {
        let registry = Registry::builtin();
        let values = [
            "C02XK1ZQJGH5",
            "YM0Y4E3RGVC8",
            "CND502ZGC5",
            "6CN6Z43",
            "JAE174234Y6",
            "PFKLMVT4",
            "B8:1D:6D:13:2C:DE",
            "00:50:56:C0:00:01",
            "d0:5:9:4:a2:a0",
            "b81d6d132cde",
            "352330792440260",
            "3523307924402601",
            "4006381333931",
            "CO2XK1ZQJGH5",
            "Default string",
            "",
        ];
        let kinds = [None, Some(Kind::Serial), Some(Kind::Mac), Some(Kind::Imei)];
        let vendors = [None, Some("apple"), Some("dell")];
        let mut brief_fields = 0;
        for value in values {
            for kind in kinds {
                for vendor in vendors {
                    let options = Options { vendor: vendor.map(str::to_string), kind, strict: false };
                    let full = registry.best_or_other(value, &options, Detail::Full);
                    let brief = registry.best_or_other(value, &options, Detail::Brief);
                    let case = format!("{value:?} {options:?}");
                    match (full, brief) {
                        (Ok(full), Ok(brief)) => {
                            let shown = |d: &Decoded| {
                                (
                                    d.kind,
                                    d.vendor.clone(),
                                    d.format.clone(),
                                    d.normalized.clone(),
                                    d.confidence,
                                )
                            };
                            assert_eq!(shown(&full), shown(&brief), "{case}");
                            // Every field it has is the full one's; the date and model are kept.
                            assert!(
                                brief.fields.iter().all(|(k, v)| full.fields.get(k) == Some(v)),
                                "{case}"
                            );
                            let kept = full.fields.keys().filter(|name| Detail::Brief.keeps(name));
                            assert!(kept.clone().all(|name| brief.fields.contains_key(name)), "{case}");
                            brief_fields += kept.count();
                        }
                        (Err((full, full_other)), Err((brief, brief_other))) => {
                            assert_eq!(full, brief, "{case}");
                            let kind = |o: Option<Box<Decoded>>| o.map(|d| (d.kind, d.format));
                            assert_eq!(kind(full_other), kind(brief_other), "{case}");
                        }
                        (full, brief) => panic!("{case}: {full:?} against {brief:?}"),
                    }
                }
            }
        }
        // Some readings had a date or a model to keep.
        assert!(brief_fields > 0);
    }
}
