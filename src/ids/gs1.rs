//! GS1 element strings: the application identifiers (AIs) and data in GS1-128, GS1 DataBar,
//! GS1 DataMatrix and GS1 QR codes.
//!
//! Three spellings are read:
//! - the human-readable form printed under a barcode: `(01)09506000134352(17)201225(10)ABC123`;
//! - what a scanner sends: `010950600013435217201225` `\x1d` `10ABC123`, where the group separator
//!   (FNC1, `\x1d`, or its picture `␝`) ends a variable-length field that is not last;
//! - either one after a symbology identifier: `]C1` GS1-128, `]e0` GS1 DataBar, `]d2` GS1
//!   DataMatrix, `]Q3` GS1 QR Code.
//!
//! Where the group separator cannot travel as a control character (a keyboard-wedge scanner, a
//! text field), two text notations of GS1's own Barcode Syntax Engine are read: `{GS}` for the
//! group separator in scan data (its demo's input convention, there after a symbology
//! identifier; read here in any spelling), and the unbracketed AI element string, which starts
//! with `^` and writes every FNC1 as `^` (`^0109506000134352^10ABC123`).
//! Neither `{`, `}` nor `^` is in the character set AIs may carry, so neither can be data.
//! Other notations seen in the wild (`<GS>`, caret notation `^]`, a configured `|`) have no
//! public source that defines them and are not read.
//!
//! Only the AIs in [`AIS`] are known; a value with another AI is refused, since without its
//! length the rest cannot be read. Dates (YYMMDD) become ISO 8601 dates, day `00` meaning the
//! last day of the month. Two-digit years follow GS1's sliding window (General Specifications
//! §7.12) anchored at [`WINDOW_YEAR`] rather than the clock, so results do not change with the
//! day they are computed: `00`–`76` are 2000–2076 and `77`–`99` are 1977–1999.
//!
//! Values are read as typed, without the clean-up other identifiers get: the group separator is a
//! control character that clean-up would turn into a space.

use super::{Fields, decoded};
use crate::check_digit::Algorithm;
use crate::decode::{Decoded, Kind, MAX_INPUT_CHARS};
use crate::error::{Problem, ProblemKind, Span};

/// The year GS1's two-digit-year window is computed from (General Specifications §7.12).
pub const WINDOW_YEAR: i32 = 2026;

/// How an AI's data is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Data {
    /// Exactly this many digits.
    Digits(usize),
    /// Up to this many digits.
    DigitsUpTo(usize),
    /// Up to this many characters of GS1's character set 82.
    TextUpTo(usize),
}

/// What the data means, beyond its characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// Kept as written.
    Plain,
    /// Ends in a GS1 mod 10 check digit (GTIN, SSCC, GLN).
    CheckDigit,
    /// YYMMDD.
    Date,
    /// A measure whose decimal point position is the AI's last digit.
    Measure,
}

/// One application identifier: its digits, how its data is written, and the field it fills.
#[derive(Debug, Clone, Copy)]
pub struct Ai {
    /// The AI's leading digits (`310` for 3100–3105).
    pub ai: &'static str,
    /// How many digits the AI has (4 for `310n`).
    pub len: usize,
    /// How its data is written.
    pub data: Data,
    /// What the data means.
    pub meaning: Meaning,
    /// The field the data goes to.
    pub field: &'static str,
}

const fn ai(ai: &'static str, len: usize, data: Data, meaning: Meaning, field: &'static str) -> Ai {
    Ai { ai, len, data, meaning, field }
}

use Data::{Digits as N, DigitsUpTo as NUpTo, TextUpTo as XUpTo};
use Meaning::{CheckDigit, Date, Measure, Plain};

/// The supported AIs, sorted (GS1 General Specifications §3, `gs1-syntax-dictionary.txt`).
#[rustfmt::skip]
pub const AIS: &[Ai] = &[
    ai("00",   2, N(18),      CheckDigit, "sscc"),
    ai("01",   2, N(14),      CheckDigit, "gtin"),
    ai("02",   2, N(14),      CheckDigit, "content"),
    ai("10",   2, XUpTo(20),  Plain,      "batch"),
    ai("11",   2, N(6),       Date,       "production_date"),
    ai("12",   2, N(6),       Date,       "due_date"),
    ai("13",   2, N(6),       Date,       "packaging_date"),
    ai("15",   2, N(6),       Date,       "best_before"),
    ai("16",   2, N(6),       Date,       "sell_by"),
    ai("17",   2, N(6),       Date,       "expiry_date"),
    ai("20",   2, N(2),       Plain,      "variant"),
    ai("21",   2, XUpTo(20),  Plain,      "serial"),
    ai("22",   2, XUpTo(20),  Plain,      "consumer_product_variant"),
    ai("240",  3, XUpTo(30),  Plain,      "additional_id"),
    ai("241",  3, XUpTo(30),  Plain,      "customer_part_number"),
    ai("242",  3, NUpTo(6),   Plain,      "made_to_order_variant"),
    ai("250",  3, XUpTo(30),  Plain,      "secondary_serial"),
    ai("30",   2, NUpTo(8),   Plain,      "variable_count"),
    ai("310",  4, N(6),       Measure,    "net_weight_kg"),
    ai("320",  4, N(6),       Measure,    "net_weight_lb"),
    ai("37",   2, NUpTo(8),   Plain,      "count"),
    ai("400",  3, XUpTo(30),  Plain,      "order_number"),
    ai("410",  3, N(13),      CheckDigit, "ship_to_gln"),
    ai("414",  3, N(13),      CheckDigit, "location_gln"),
    ai("8004", 4, XUpTo(30),  Plain,      "giai"),
    ai("90",   2, XUpTo(30),  Plain,      "internal_90"),
    ai("91",   2, XUpTo(90),  Plain,      "internal_91"),
    ai("92",   2, XUpTo(90),  Plain,      "internal_92"),
    ai("93",   2, XUpTo(90),  Plain,      "internal_93"),
    ai("94",   2, XUpTo(90),  Plain,      "internal_94"),
    ai("95",   2, XUpTo(90),  Plain,      "internal_95"),
    ai("96",   2, XUpTo(90),  Plain,      "internal_96"),
    ai("97",   2, XUpTo(90),  Plain,      "internal_97"),
    ai("98",   2, XUpTo(90),  Plain,      "internal_98"),
    ai("99",   2, XUpTo(90),  Plain,      "internal_99"),
];

/// Symbology identifiers of the GS1 barcodes, and their names.
pub(crate) const SYMBOLOGIES: &[(&str, &str)] =
    &[("]C1", "gs1-128"), ("]Q3", "gs1-qr-code"), ("]d2", "gs1-datamatrix"), ("]e0", "gs1-databar")];

fn is_fnc1(c: char) -> bool {
    c == '\u{1D}' || c == '\u{241D}'
}

/// The text notation of the group separator in scan data (GS1 Barcode Syntax Engine).
const GS_TEXT: &str = "{GS}";
/// [`GS_TEXT`] as the characters a value is read as.
const GS_CHARS: [char; 4] = ['{', 'G', 'S', '}'];

/// The value's characters with their input positions, outer white space (not FNC1) removed and
/// text notations of FNC1 read as `\x1d`.
struct Input {
    chars: Vec<char>,
    /// For each character, the input characters it was read from, `start..end`.
    origin: Vec<(usize, usize)>,
    /// Input index just after the last character.
    end: usize,
    /// The text notation of FNC1 the value used, if any, for the reasons.
    notation: Option<&'static str>,
}

impl Input {
    /// Reads `all[start..end]`: `{GS}` as one group separator, and in a value that starts with
    /// `^` (the unbracketed AI syntax) every `^`. A `{GS}` cut short at the end is an error.
    fn read(all: &[char], start: usize, end: usize) -> Result<Input, Problem> {
        let caret = all.get(start) == Some(&'^');
        let mut input = Input { chars: Vec::new(), origin: Vec::new(), end, notation: None };
        let mut i = start;
        while i < end {
            let rest = &all[i..end];
            let (c, width) = match rest[0] {
                '^' if caret => {
                    input.notation = Some("unbracketed syntax, ^ for fnc1");
                    ('\u{1D}', 1)
                }
                '{' if rest.starts_with(&GS_CHARS) => {
                    input.notation = Some("{GS} for the group separator");
                    ('\u{1D}', GS_CHARS.len())
                }
                '{' if GS_CHARS.starts_with(rest) => {
                    return Err(Problem::new(
                        ProblemKind::TooShort,
                        Span::new(i, end),
                        "unfinished group separator: {GS} is cut short",
                    )
                    .with_hint("write the group separator as {GS}, or end the value before it"));
                }
                c => (c, 1),
            };
            input.chars.push(c);
            input.origin.push((i, i + width));
            i += width;
        }
        Ok(input)
    }

    /// The input span of characters `start..end`.
    fn span(&self, start: usize, end: usize) -> Span {
        let at = |i: usize| self.origin.get(i).map_or(self.end, |o| o.0);
        match end > start {
            true => Span::new(at(start), self.origin.get(end - 1).map_or(self.end, |o| o.1)),
            false => Span::new(at(start), at(start)),
        }
    }
}

/// Whether `value` looks like an element string rather than a bare number: parentheses around
/// an AI, a symbology identifier, a group separator, or a long number starting with AI 00 or 01.
pub fn looks_like(value: &str) -> bool {
    let v = value.trim_matches(|c: char| c.is_whitespace() && !is_fnc1(c));
    let mut chars = v.chars();
    match chars.next() {
        Some('(') => {
            let ai: String = chars.by_ref().take_while(|&c| c != ')').collect();
            (2..=4).contains(&ai.len()) && ai.bytes().all(|b| b.is_ascii_digit())
        }
        Some(']') => true,
        Some('^') => chars.next().is_some_and(|c| c.is_ascii_digit() || c == '^'),
        _ => {
            v.contains(is_fnc1)
                || v.contains(GS_TEXT)
                || (v.starts_with("01") && v.len() > 16 && v.bytes().take(16).all(|b| b.is_ascii_digit()))
                || (v.starts_with("00") && v.len() >= 20 && v.bytes().take(20).all(|b| b.is_ascii_digit()))
        }
    }
}

/// Reads a GS1 element string in any of the three spellings.
///
/// The normalized form is the human-readable one. Fields are named after the AIs ([`AIS`]):
/// `gtin`, `batch`, `serial`, `expiry_date`, … plus `symbology` when a symbology identifier was
/// given and `organization` for the GTIN's GS1 prefix.
///
/// ```
/// let d = serialkit::ids::gs1::parse("]C1010950600013435217201225\u{1d}10ABC123").unwrap();
/// assert_eq!(d.normalized, "(01)09506000134352(17)201225(10)ABC123");
/// assert_eq!(d.fields["expiry_date"].to_string(), "2020-12-25");
/// ```
pub fn parse(value: &str) -> Result<Decoded, Problem> {
    let all: Vec<char> = value.chars().collect();
    if all.len() > MAX_INPUT_CHARS {
        return Err(Problem::new(
            ProblemKind::TooLong,
            Span::new(MAX_INPUT_CHARS, all.len()),
            format!("too long: {} characters, no identifier takes more than {MAX_INPUT_CHARS}", all.len()),
        ));
    }
    let blank = |c: &char| c.is_whitespace() && !is_fnc1(*c);
    let start = all.iter().position(|c| !blank(c)).unwrap_or(all.len());
    let end = all.iter().rposition(|c| !blank(c)).map_or(start, |e| e + 1);
    let input = Input::read(&all, start, end)?;
    if input.chars.is_empty() {
        return Err(Problem::new(ProblemKind::Empty, Span::new(0, all.len()), "empty value")
            .with_hint("scan the barcode or type the text under it, such as (01)09506000134352(10)ABC123"));
    }
    let mut fields = Fields::default();
    let mut reasons: Vec<String> = input.notation.iter().map(|n| n.to_string()).collect();
    let mut at = 0;
    if input.chars[0] == ']' {
        let id: String = input.chars.iter().take(3).collect();
        let Some(&(_, name)) = SYMBOLOGIES.iter().find(|(s, _)| *s == id) else {
            return Err(Problem::new(
                ProblemKind::UnknownCode,
                input.span(0, input.chars.len().min(3)),
                format!("symbology identifier '{id}' does not carry gs1 element strings"),
            )
            .with_hint(
                "gs1 element strings come from ]C1 (GS1-128), ]e0 (DataBar), ]d2 (DataMatrix) or ]Q3 (QR)",
            ));
        };
        fields.text("symbology", name);
        reasons.push(format!("{name} symbology identifier"));
        at = 3;
    }
    while at < input.chars.len() && is_fnc1(input.chars[at]) {
        at += 1;
    }
    let human = input.chars.get(at) == Some(&'(');
    let elements = if human { read_human(&input, at)? } else { read_raw(&input, at)? };
    if elements.is_empty() {
        let after = if fields.has("symbology") { "the symbology identifier" } else { "the fnc1" };
        return Err(Problem::new(
            ProblemKind::TooShort,
            input.span(input.chars.len(), input.chars.len()),
            format!("no element strings after {after}"),
        )
        .with_hint("an element string is an application identifier and its data, such as 0109506000134352"));
    }
    let mut normalized = String::new();
    // An AI met again must carry the same data (GS1 General Specifications' data relationship
    // rules; the Solidsoft Reply GS1 AI parser's error 2202 words it: "AI {0} appears more than
    // once with different values"): the AIs read so far, with their data.
    let mut seen: Vec<(String, String)> = Vec::new();
    for element in &elements {
        let ai: String = input.chars[element.ai.0..element.ai.1].iter().collect();
        let data: String = input.chars[element.data.0..element.data.1].iter().collect();
        match seen.iter().find(|(a, _)| *a == ai) {
            Some((_, first)) if *first != data => {
                // In the human-readable form, from the AI's '('.
                let start = if human { element.ai.0.saturating_sub(1) } else { element.ai.0 };
                return Err(Problem::new(
                    ProblemKind::Conflict,
                    input.span(start, element.data.1),
                    format!("({ai}) appears twice with different data: {first}, then {data}"),
                )
                .with_hint(format!("a label carries one ({ai}): check which is right")));
            }
            Some(_) => {}
            None => seen.push((ai.clone(), data.clone())),
        }
        // In the human-readable form a '(' of the data is written "\(" (GS1 Barcode Syntax
        // Engine, gs1encoders.h): unescaped to read, escaped again to write.
        let data = if human { data.replace(ESCAPED_PAREN, "(") } else { data };
        normalized.push_str(&format!("({ai}){}", data.replace('(', ESCAPED_PAREN)));
        interpret(&input, element, &ai, &data, &mut fields, &mut reasons)?;
    }
    // The human-readable form adds parentheses (and escapes): it must stay readable as a value.
    let written = normalized.chars().count();
    if written > MAX_INPUT_CHARS {
        return Err(Problem::new(
            ProblemKind::TooLong,
            input.span(0, input.chars.len()),
            format!(
                "too long: {written} characters in human-readable form, no identifier takes more than \
                 {MAX_INPUT_CHARS}"
            ),
        ));
    }
    let confidence = if human || fields.has("symbology") { 0.95 } else { 0.75 };
    reasons.insert(
        0,
        format!(
            "{} element string{} in {} form",
            elements.len(),
            if elements.len() == 1 { "" } else { "s" },
            if human { "human-readable" } else { "scanned" }
        ),
    );
    Ok(decoded(Kind::Gs1, "gs1-element-string", normalized, confidence, reasons.join("; "), fields))
}

/// How the human-readable form writes a '(' inside data, so it does not start the next AI.
const ESCAPED_PAREN: &str = "\\(";

/// Whether the '(' at `at` starts an AI in the human-readable form (it is not escaped).
fn opens_ai(chars: &[char], at: usize) -> bool {
    chars[at] == '(' && (at == 0 || chars[at - 1] != '\\')
}

/// One element string: its AI's table entry and where its AI and data are.
struct Element {
    entry: &'static Ai,
    ai: (usize, usize),
    data: (usize, usize),
}

/// The table entry for the AI at the start of `digits`.
fn lookup(digits: &[char]) -> Option<&'static Ai> {
    AIS.iter().find(|a| {
        digits.len() >= a.len
            && a.ai.chars().zip(digits).all(|(x, &y)| x == y)
            && digits[..a.len].iter().all(|c| c.is_ascii_digit())
    })
}

fn unknown_ai(input: &Input, start: usize, end: usize) -> Problem {
    let ai: String = input.chars[start..end].iter().collect();
    let problem = Problem::new(
        ProblemKind::UnknownCode,
        input.span(start, end),
        format!("unknown application identifier '{ai}'"),
    );
    match ai.starts_with('^') {
        true => problem
            .with_hint("'^' stands for fnc1 only in a value that starts with '^' (gs1's unbracketed syntax)"),
        false => problem.with_hint(
            "known: 00, 01, 02, 10–17, 20–22, 240–250, 30, 310n, 320n, 37, 400, 410, 414, 8004, 90–99",
        ),
    }
}

// (AI) data (AI) data …
fn read_human(input: &Input, mut at: usize) -> Result<Vec<Element>, Problem> {
    let chars = &input.chars;
    let mut out = Vec::new();
    while at < chars.len() {
        if chars[at] != '(' {
            return Err(Problem::new(
                ProblemKind::InvalidCharacter,
                input.span(at, at + 1),
                format!("expected '(' here, not '{}'", chars[at]),
            ));
        }
        let close = chars[at..].iter().position(|&c| c == ')').map(|p| at + p);
        let Some(close) = close else {
            return Err(Problem::new(
                ProblemKind::TooShort,
                input.span(chars.len(), chars.len()),
                "an application identifier is missing its ')'",
            ));
        };
        let (ai_start, ai_end) = (at + 1, close);
        if let Some(i) = (ai_start..ai_end).find(|&i| !chars[i].is_ascii_digit()) {
            return Err(Problem::new(
                ProblemKind::InvalidCharacter,
                input.span(i, i + 1),
                format!("'{}' cannot appear in an application identifier", chars[i]),
            ));
        }
        let entry = match lookup(&chars[ai_start..ai_end]) {
            Some(e) if e.len == ai_end - ai_start => e,
            _ => return Err(unknown_ai(input, ai_start, ai_end.max(ai_start + 1).min(chars.len()))),
        };
        let mut data_end = (close + 1..chars.len()).find(|&i| opens_ai(chars, i)).unwrap_or(chars.len());
        let mut data_start = close + 1;
        while data_start < data_end && chars[data_start] == ' ' {
            data_start += 1;
        }
        while data_end > data_start && (chars[data_end - 1] == ' ' || is_fnc1(chars[data_end - 1])) {
            data_end -= 1;
        }
        check_length(input, entry, (ai_start, ai_end), data_start, data_end, false)?;
        out.push(Element { entry, ai: (ai_start, ai_end), data: (data_start, data_end) });
        at = (data_end..chars.len()).find(|&i| opens_ai(chars, i)).unwrap_or(chars.len());
    }
    Ok(out)
}

// AI data [FNC1] AI data …
fn read_raw(input: &Input, mut at: usize) -> Result<Vec<Element>, Problem> {
    let chars = &input.chars;
    let mut out = Vec::new();
    while at < chars.len() {
        let Some(entry) = lookup(&chars[at..]) else {
            let end = (at + 2).min(chars.len());
            return Err(unknown_ai(input, at, end));
        };
        let ai = (at, at + entry.len);
        let data_start = ai.1;
        let data_end = match entry.data {
            Data::Digits(n) => (data_start + n).min(chars.len()),
            _ => chars[data_start..].iter().position(|&c| is_fnc1(c)).map_or(chars.len(), |p| data_start + p),
        };
        check_length(input, entry, ai, data_start, data_end, true)?;
        out.push(Element { entry, ai, data: (data_start, data_end) });
        at = data_end;
        while at < chars.len() && is_fnc1(chars[at]) {
            at += 1;
        }
    }
    Ok(out)
}

fn check_length(
    input: &Input,
    entry: &Ai,
    ai: (usize, usize),
    start: usize,
    end: usize,
    raw: bool,
) -> Result<(), Problem> {
    // An escaped '(' of the human-readable form is one character of data.
    let escape = |i: usize| !raw && input.chars[i] == '\\' && input.chars.get(i + 1) == Some(&'(');
    let n = end - start - (start..end).filter(|&i| escape(i)).count();
    let name: String = input.chars[ai.0..ai.1].iter().collect();
    let (min, max) = match entry.data {
        Data::Digits(k) => (k, k),
        Data::DigitsUpTo(k) | Data::TextUpTo(k) => (1, k),
    };
    if n < min {
        return Err(Problem::new(
            ProblemKind::TooShort,
            input.span(end, end),
            match min == max {
                true => format!("too short: ({name}) has {n} characters, it takes {min}"),
                false => format!("({name}) has no data"),
            },
        ));
    }
    if n > max {
        let problem = Problem::new(
            ProblemKind::TooLong,
            input.span(start + max, end),
            format!("too long: ({name}) has {n} characters, it takes at most {max}"),
        );
        return Err(if raw {
            problem.with_hint(
                "a variable-length field that is not last must end with a group separator (FNC1, \\x1d)",
            )
        } else {
            problem
        });
    }
    for i in start..end {
        let c = input.chars[i];
        let ok = match entry.data {
            Data::Digits(_) | Data::DigitsUpTo(_) => c.is_ascii_digit(),
            Data::TextUpTo(_) => is_cset82(c) || escape(i),
        };
        if !ok {
            let what = if c.is_ascii_digit() || matches!(entry.data, Data::TextUpTo(_)) {
                ""
            } else {
                " (digits only)"
            };
            let shown = if c.is_control() { format!("\\u{{{:x}}}", c as u32) } else { c.to_string() };
            return Err(Problem::new(
                ProblemKind::InvalidCharacter,
                input.span(i, i + 1),
                format!("'{shown}' cannot appear in ({name}){what}"),
            ));
        }
    }
    Ok(())
}

/// GS1 AI encodable character set 82: `!"%&'()*+,-./0-9:;<=>?A-Z_a-z`.
fn is_cset82(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c)
}

fn interpret(
    input: &Input,
    element: &Element,
    ai: &str,
    data: &str,
    fields: &mut Fields,
    reasons: &mut Vec<String>,
) -> Result<(), Problem> {
    let entry = element.entry;
    let (start, end) = element.data;
    match entry.meaning {
        Meaning::Plain => {
            fields.text(entry.field, data);
        }
        Meaning::CheckDigit => {
            let expected = Algorithm::Gs1Mod10.compute(&data[..data.len() - 1]).unwrap_or_default();
            let found = input.chars[end - 1];
            if expected != found.to_string() {
                return Err(Problem::new(
                    ProblemKind::CheckDigit,
                    input.span(end - 1, end),
                    format!("check digit should be {expected}, not {found}"),
                )
                .with_hint(format!("the data of ({ai}) has a mistyped digit or two swapped neighbours")));
            }
            fields.text(entry.field, data);
            if ai == "01" {
                if let Some(org) = super::gtin::organization(&data[1..]) {
                    fields.text("organization", org);
                }
            }
            reasons.push(format!("({ai}) check digit matches"));
        }
        Meaning::Date => {
            fields.text(entry.field, date(input, start, data, entry.field)?);
        }
        Meaning::Measure => {
            let decimals = ai.as_bytes()[3] - b'0';
            if decimals > 5 {
                return Err(unknown_ai(input, element.ai.0, element.ai.1));
            }
            let split = data.len() - usize::from(decimals);
            let whole = data[..split].trim_start_matches('0');
            let whole = if whole.is_empty() { "0" } else { whole };
            let value = if decimals == 0 { whole.to_string() } else { format!("{whole}.{}", &data[split..]) };
            fields.text(entry.field, value);
        }
    }
    Ok(())
}

/// YYMMDD as an ISO 8601 date; day 00 is the month's last day.
fn date(input: &Input, start: usize, data: &str, field: &str) -> Result<String, Problem> {
    let num = |r: std::ops::Range<usize>| data[r].parse::<u32>().unwrap_or(0);
    let (yy, month, day) = (num(0..2) as i32, num(2..4), num(4..6));
    let current = WINDOW_YEAR % 100;
    let century = WINDOW_YEAR - current;
    let year = match yy - current {
        51..=99 => century - 100 + yy,
        -99..=-50 => century + 100 + yy,
        _ => century + yy,
    };
    let out_of_range = |offset: usize, what: String| {
        Problem::new(ProblemKind::OutOfRange, input.span(start + offset, start + offset + 2), what)
            .with_hint(format!("{field} is written YYMMDD"))
    };
    if !(1..=12).contains(&month) {
        return Err(out_of_range(2, format!("month {month:02} does not exist ({field})")));
    }
    let last_day = crate::date::days_in_month(year.into(), month);
    let day = if day == 0 { last_day } else { day };
    if day > last_day {
        return Err(out_of_range(4, format!("day {day:02} does not exist in {year}-{month:02} ({field})")));
    }
    Ok(format!("{year:04}-{month:02}-{day:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn ok(value: &str, normalized: &str) -> Decoded {
        let d = parse(value).unwrap_or_else(|p| panic!("{value:?}: {p}"));
        assert_eq!(d.normalized, normalized, "{value:?}");
        d
    }

    #[track_caller]
    fn err(value: &str, message: &str, span: (usize, usize)) -> Problem {
        let p = parse(value).expect_err(value);
        assert_eq!(p.message(), message, "{value:?}");
        assert_eq!(p.span(), Span::new(span.0, span.1), "{value:?}");
        p
    }

    #[test]
    fn table_is_sorted_and_prefix_free() {
        assert!(AIS.windows(2).all(|w| w[0].ai < w[1].ai));
        for a in AIS {
            assert!(a.ai.len() <= a.len);
            assert!(AIS.iter().all(|b| std::ptr::eq(a, b) || !b.ai.starts_with(a.ai)), "{}", a.ai);
        }
    }

    #[test]
    fn biip_examples() {
        // jodal/biip docs/getting-started/gs1-messages.md.
        let d = ok("010703206980498815210526100329", "(01)07032069804988(15)210526(10)0329");
        assert_eq!(d.fields["gtin"].to_string(), "07032069804988");
        assert_eq!(d.fields["best_before"].to_string(), "2021-05-26");
        assert_eq!(d.fields["batch"].to_string(), "0329");
        ok("0107032069804988100329\u{1d}15210525", "(01)07032069804988(10)0329(15)210525");
        // Without the separator the batch swallows the date, as biip shows.
        ok("010703206980498810032915210525", "(01)07032069804988(10)032915210525");
        let d = ok("00157035381410375177", "(00)157035381410375177");
        assert_eq!(d.fields["sscc"].to_string(), "157035381410375177");
    }

    #[test]
    fn human_readable_and_symbology_forms() {
        let hri = "(01)09506000134352(17)201225(10)ABC123(21)XYZ";
        let d = ok(hri, hri);
        assert_eq!(d.fields["serial"].to_string(), "XYZ");
        assert_eq!(d.fields["organization"].to_string(), "GS1 Global Office");
        ok("(01) 09506000134352 (17) 201225", "(01)09506000134352(17)201225");
        let d =
            ok("]d201095060001343521721020010ABC\u{1d}21123", "(01)09506000134352(17)210200(10)ABC(21)123");
        assert_eq!(d.fields["symbology"].to_string(), "gs1-datamatrix");
        // Day 00 is the last day of the month; 2021 is not a leap year, 2024 is.
        assert_eq!(d.fields["expiry_date"].to_string(), "2021-02-28");
        let d = ok("]Q3010950600013435217240200", "(01)09506000134352(17)240200");
        assert_eq!(d.fields["expiry_date"].to_string(), "2024-02-29");
        let d = ok("(3103)000189(8004)ASSET-42", "(3103)000189(8004)ASSET-42");
        assert_eq!(d.fields["net_weight_kg"].to_string(), "0.189");
        assert_eq!(d.fields["giai"].to_string(), "ASSET-42");
    }

    #[test]
    fn sliding_window_years() {
        let d = ok("(11)991231(17)760101", "(11)991231(17)760101");
        assert_eq!(d.fields["production_date"].to_string(), "1999-12-31");
        assert_eq!(d.fields["expiry_date"].to_string(), "2076-01-01");
    }

    #[test]
    fn problems() {
        let p = err("(01)09506000134353", "check digit should be 2, not 3", (17, 18));
        assert_eq!(p.kind(), ProblemKind::CheckDigit);
        err("(17)201325", "month 13 does not exist (expiry_date)", (6, 8));
        err("(17)210230", "day 30 does not exist in 2021-02 (expiry_date)", (8, 10));
        err("(01)0950600013435", "too short: (01) has 13 characters, it takes 14", (17, 17));
        err("(7003)2012251200", "unknown application identifier '7003'", (1, 5));
        err("]E04006381333931", "symbology identifier ']E0' does not carry gs1 element strings", (0, 3));
        err("(10)ABC#1", "'#' cannot appear in (10)", (7, 8));
        err("(17)2O1225", "'O' cannot appear in (17) (digits only)", (5, 6));
        let p = err(
            "0109506000134352101234567890123456789012345",
            "too long: (10) has 25 characters, it takes at most 20",
            (38, 43),
        );
        assert!(p.hint().unwrap().contains("group separator"));
        err("  ", "empty value", (0, 2));
        err("0109506000134352\u{1d}7003", "unknown application identifier '70'", (17, 19));
        // An AI twice must carry the same data both times.
        let p = err(
            "(01)04006381333931(21)ABC(21)XYZ",
            "(21) appears twice with different data: ABC, then XYZ",
            (25, 32),
        );
        assert_eq!(p.kind(), ProblemKind::Conflict);
        err(
            "0104006381333931\u{1d}21A\u{1d}21B",
            "(21) appears twice with different data: A, then B",
            (21, 24),
        );
        ok("(01)04006381333931(21)ABC(21)ABC", "(01)04006381333931(21)ABC(21)ABC");
    }

    #[test]
    fn text_notations_of_fnc1() {
        // GS1 Barcode Syntax Engine: {GS} in scan data, ^ in the unbracketed syntax.
        let want = "(01)09506000134352(10)ABC123(17)201225";
        let d = ok("]C10109506000134352{GS}10ABC123{GS}17201225", want);
        assert!(d.reason.contains("{GS} for the group separator"), "{}", d.reason);
        let d = ok("^0109506000134352^10ABC123^17201225", want);
        assert!(d.reason.contains("unbracketed syntax"), "{}", d.reason);
        assert_eq!(d.fields, parse("0109506000134352\u{1d}10ABC123\u{1d}17201225").unwrap().fields);
        // Spans count the four characters of {GS} as typed.
        err("0109506000134352{GS}10ABC{GS}17201325", "month 13 does not exist (expiry_date)", (33, 35));
        err("0109506000134352{GS}10ABC{GS", "unfinished group separator: {GS} is cut short", (25, 28));
        // ^ is FNC1 only in the unbracketed syntax; elsewhere it is no AI.
        let p = err("0109506000134352^10ABC", "unknown application identifier '^1'", (16, 18));
        assert!(p.hint().unwrap().contains("starts with '^'"));
        err("^", "no element strings after the fnc1", (1, 1));
        // {GS} is written in capitals, as GS1's tools write it; '{' is never data.
        err("0109506000134352{GS}10A{gs}", "'{' cannot appear in (10)", (23, 24));
    }

    #[test]
    fn looks_like_element_strings() {
        assert!(looks_like("(01)09506000134352"));
        assert!(looks_like("]C1010950600013435217201225"));
        assert!(looks_like("010950600013435217201225"));
        assert!(looks_like("^0109506000134352"));
        assert!(looks_like("0109506000134352{GS}10ABC"));
        assert!(!looks_like("^ABC"));
        assert!(!looks_like("4006381333931"));
        assert!(!looks_like("(a) 123"));
    }
}
