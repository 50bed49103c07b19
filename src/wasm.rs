//! The JS face: wasm-bindgen exports over the library API, built into `pkg/` by wasm-pack.
//!
//! Every result is a plain JS object (maps become objects, `None` becomes `null`). Spans are
//! converted here from Unicode scalar values to UTF-16 code units, so `value.slice(start, end)`
//! is the problem's text in JavaScript. Bad arguments come back as values with the code
//! `invalid-argument`; nothing is thrown. The library is built not to panic; should it ever,
//! wasm32 aborts (the call throws a `WebAssembly.RuntimeError`) after the hook below has logged
//! the panic message to the console.
//!
//! Inputs are bounded as in the library: a value longer than [`crate::MAX_INPUT_CHARS`]
//! characters after clean-up is a `too-long` problem, found in time linear in its length.

use crate::dupes::{self, Group};
use crate::rules::schema::{FormatKind, Identifies, Value, VendorRules};
use crate::{Decoded, Kind, Options, PartialState, Problem, Registry};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

mod de;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

thread_local! {
    /// The registry `loadRules` built, when it built one; the built-in one otherwise.
    static LOADED: RefCell<Option<Rc<Registry>>> = const { RefCell::new(None) };
}

fn with_registry<T>(f: impl FnOnce(&Registry) -> T) -> T {
    set_up();
    match LOADED.with(|l| l.borrow().clone()) {
        Some(registry) => f(&registry),
        None => f(Registry::builtin()),
    }
}

/// Installs the panic hook, once: a panic (a bug) is logged to the console before it aborts.
fn set_up() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| console_error(&format!("serialkit panicked: {info}"))));
    });
}

/// Converts a result to a plain JS value.
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&serializer)
        .unwrap_or_else(|e| JsValue::from_str(&format!("serialkit: cannot convert the result: {e}")))
}

/// The number of UTF-16 code units in the first `chars` characters of `text`.
fn utf16_offset(text: &str, chars: usize) -> usize {
    text.chars().take(chars).map(char::len_utf16).sum()
}

/// A problem as JS sees it: the span in UTF-16 code units.
#[derive(Serialize)]
struct JsProblem<'a> {
    start: usize,
    end: usize,
    code: &'static str,
    message: &'a str,
    hint: Option<&'a str>,
}

impl<'a> JsProblem<'a> {
    fn new(problem: &'a Problem, input: &str) -> JsProblem<'a> {
        let span = problem.span();
        JsProblem {
            start: utf16_offset(input, span.start),
            end: utf16_offset(input, span.end),
            code: problem.kind().as_str(),
            message: problem.message(),
            hint: problem.hint(),
        }
    }

    /// A bad argument: the whole input is marked.
    fn argument(input: &str, message: &'a str) -> JsProblem<'a> {
        let end = input.encode_utf16().count();
        JsProblem { start: 0, end, code: "invalid-argument", message, hint: None }
    }
}

#[derive(Serialize)]
struct JsReport<'a> {
    input: &'a str,
    valid: bool,
    kind: Option<Kind>,
    vendor: Option<&'a str>,
    format: Option<&'a str>,
    normalized: &'a str,
    confidence: f64,
    fields: &'a BTreeMap<String, Value>,
    errors: Vec<JsProblem<'a>>,
    candidates: &'a [Decoded],
}

#[derive(Serialize)]
struct JsPartial<'a> {
    state: PartialState,
    problem: Option<JsProblem<'a>>,
    expected: &'a str,
    needs: usize,
    decoded: Option<&'a Decoded>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum JsValidation<'a> {
    Valid { ok: bool, decoded: &'a Decoded },
    Invalid { ok: bool, problem: JsProblem<'a> },
}

/// The options `decode` takes; unknown keys are an error.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct JsOptions {
    #[serde(default)]
    vendor: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    strict: bool,
}

/// A string argument, or a message saying what came instead.
fn string_arg(value: &JsValue, name: &str) -> Result<String, String> {
    value.as_string().ok_or_else(|| format!("{name} must be a string"))
}

/// A vendor (a string, empty for any) or the options of `decode`.
fn vendor_or_options_arg(value: JsValue) -> Result<Options, String> {
    match value.as_string() {
        Some(vendor) if vendor.is_empty() => Ok(Options::default()),
        Some(vendor) => Ok(Options::vendor(vendor)),
        None => options_arg(value),
    }
}

fn options_arg(value: JsValue) -> Result<Options, String> {
    if value.is_undefined() || value.is_null() {
        return Ok(Options::default());
    }
    let js: JsOptions = de::from_value(value).map_err(|e| format!("invalid options: {e}"))?;
    let kind = js.kind.filter(|k| !k.is_empty()).map(|k| k.parse::<Kind>()).transpose()?;
    Ok(Options { vendor: js.vendor.filter(|v| !v.is_empty()), kind, strict: js.strict })
}

/// Identifies and decodes a value: every accepted reading, best first, or what is wrong.
#[wasm_bindgen(unchecked_return_type = "Report")]
pub fn decode(
    #[wasm_bindgen(unchecked_param_type = "string")] value: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "DecodeOptions")] options: Option<JsValue>,
) -> JsValue {
    let input = value.as_string().unwrap_or_default();
    let args = string_arg(&value, "value").and_then(|_| options_arg(options.unwrap_or(JsValue::UNDEFINED)));
    let report = match &args {
        Ok(options) => with_registry(|r| r.decode(&input, options)),
        Err(_) => crate::Report {
            input: input.clone(),
            valid: false,
            kind: None,
            vendor: None,
            format: None,
            normalized: crate::normalize(&input),
            confidence: 0.0,
            fields: BTreeMap::new(),
            errors: Vec::new(),
            candidates: Vec::new(),
        },
    };
    let mut errors: Vec<JsProblem> = report.errors.iter().map(|p| JsProblem::new(p, &input)).collect();
    if let Err(message) = &args {
        errors.push(JsProblem::argument(&input, message));
    }
    to_js(&JsReport {
        input: &input,
        valid: report.valid,
        kind: report.kind,
        vendor: report.vendor.as_deref(),
        format: report.format.as_deref(),
        normalized: &report.normalized,
        confidence: report.confidence,
        fields: &report.fields,
        errors,
        candidates: &report.candidates,
    })
}

/// What a value could be, best first: every vendor format and standard identifier that accepts
/// it (a serial, a model number, a MAC address, an IMEI …), each with its confidence and reason.
/// Empty when nothing does (and for a value that is not a string); `decode` says why.
#[wasm_bindgen(unchecked_return_type = "Decoded[]")]
pub fn identify(#[wasm_bindgen(unchecked_param_type = "string")] value: JsValue) -> JsValue {
    let candidates = match value.as_string() {
        Some(input) => with_registry(|r| r.decode(&input, &Options::default()).candidates),
        None => Vec::new(),
    };
    to_js(&candidates)
}

/// Checks a value as a serial of one vendor (an id, name or alias), or with the options of
/// `decode` (`{ kind: "mac" }`): the best reading, or the problem.
#[wasm_bindgen(unchecked_return_type = "Validation")]
pub fn validate(
    #[wasm_bindgen(unchecked_param_type = "string")] value: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | DecodeOptions")] vendor: JsValue,
) -> JsValue {
    let input = value.as_string().unwrap_or_default();
    let args = string_arg(&value, "value").and_then(|_| match vendor.is_undefined() || vendor.is_null() {
        true => Err("vendor must be a string or an options object".to_string()),
        false => vendor_or_options_arg(vendor),
    });
    match args {
        Ok(options) => match with_registry(|r| r.best(&input, &options)) {
            Ok(decoded) => to_js(&JsValidation::Valid { ok: true, decoded: &decoded }),
            Err(problem) => {
                to_js(&JsValidation::Invalid { ok: false, problem: JsProblem::new(&problem, &input) })
            }
        },
        Err(message) => {
            to_js(&JsValidation::Invalid { ok: false, problem: JsProblem::argument(&input, &message) })
        }
    }
}

/// Checks a value still being typed: a prefix of a valid value is `incomplete`, never `invalid`.
/// The second argument is a vendor (empty, `null` or left out for every vendor) or the options
/// of `decode`: `{ kind: "mac" }` checks a MAC address field as it is typed.
#[wasm_bindgen(js_name = checkPartial, unchecked_return_type = "PartialResult")]
pub fn check_partial(
    #[wasm_bindgen(unchecked_param_type = "string")] value: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string | DecodeOptions")] vendor: Option<JsValue>,
) -> JsValue {
    let input = value.as_string().unwrap_or_default();
    let args =
        string_arg(&value, "value").and_then(|_| vendor_or_options_arg(vendor.unwrap_or(JsValue::UNDEFINED)));
    match args {
        Ok(options) => {
            let partial = with_registry(|r| r.check_partial_with(&input, &options));
            to_js(&JsPartial {
                state: partial.state,
                problem: partial.problem.as_ref().map(|p| JsProblem::new(p, &input)),
                expected: &partial.expected,
                needs: partial.needs,
                decoded: partial.decoded.as_ref(),
            })
        }
        Err(message) => to_js(&JsPartial {
            state: PartialState::Invalid,
            problem: Some(JsProblem::argument(&input, &message)),
            expected: "",
            needs: 0,
            decoded: None,
        }),
    }
}

#[derive(Serialize)]
struct JsVendor<'a> {
    id: &'a str,
    name: &'a str,
    aliases: &'a [String],
    formats: Vec<JsFormat<'a>>,
}

#[derive(Serialize)]
struct JsFormat<'a> {
    id: &'a str,
    kind: FormatKind,
    identifies: Identifies,
    description: &'a str,
}

/// The vendors of the current registry (built-in, or as `loadRules` left it), in id order.
#[wasm_bindgen(js_name = listVendors, unchecked_return_type = "VendorInfo[]")]
pub fn list_vendors() -> JsValue {
    with_registry(|r| {
        let vendors: Vec<JsVendor> = r
            .vendors()
            .map(|v| JsVendor {
                id: &v.id,
                name: &v.name,
                aliases: &v.aliases,
                formats: v
                    .formats
                    .iter()
                    .map(|f| JsFormat {
                        id: &f.id,
                        kind: f.kind,
                        identifies: f.identifies,
                        description: &f.description,
                    })
                    .collect(),
            })
            .collect();
        to_js(&vendors)
    })
}

#[derive(Serialize)]
struct JsLintIssue {
    file: String,
    key: String,
    message: String,
}

#[derive(Serialize)]
#[serde(untagged)]
enum JsLoad {
    Loaded { ok: bool, vendors: Vec<String> },
    Failed { ok: bool, issues: Vec<JsLintIssue> },
}

/// Reads rule objects (one vendor or an array of them, the schema of `vendors/*.toml`).
fn read_rules(rules: JsValue) -> Result<Vec<VendorRules>, JsLintIssue> {
    let failed = |key: String, message: String| JsLintIssue { file: "rules".into(), key, message };
    if rules.is_undefined() || rules.is_null() || !rules.is_object() {
        return Err(failed(String::new(), "rules must be a vendor object or an array of them".into()));
    }
    // Every key is seen (`deny_unknown_fields`) and errors say where they are.
    let read = |e: de::Error| failed(e.path.unwrap_or_default(), e.message);
    match js_array_length(&rules).is_some() {
        true => de::from_value(rules).map_err(read),
        false => de::from_value(rules).map(|one| vec![one]).map_err(read),
    }
}

#[wasm_bindgen(
    inline_js = "export function js_array_length(v) { return Array.isArray(v) ? v.length : undefined; }"
)]
extern "C" {
    fn js_array_length(value: &JsValue) -> Option<u32>;
}

/// Adds vendors to the built-in ones (a vendor with a built-in id replaces it) after checking
/// them as `serialkit lint-rules` does, examples included. On success the new registry answers
/// every later call; on failure the registry is unchanged and every problem is returned.
#[wasm_bindgen(js_name = loadRules, unchecked_return_type = "LoadResult")]
pub fn load_rules(
    #[wasm_bindgen(unchecked_param_type = "VendorRules | VendorRules[]")] rules: JsValue,
) -> JsValue {
    let loaded = read_rules(rules).map_err(|issue| vec![issue]).and_then(|rules| {
        Registry::builtin_with(rules).map_err(|issues| {
            issues.into_iter().map(|i| JsLintIssue { file: i.file, key: i.key, message: i.message }).collect()
        })
    });
    match loaded {
        Ok(registry) => {
            let vendors = registry.vendors().map(|v| v.id.clone()).collect();
            LOADED.with(|l| *l.borrow_mut() = Some(Rc::new(registry)));
            to_js(&JsLoad::Loaded { ok: true, vendors })
        }
        Err(issues) => to_js(&JsLoad::Failed { ok: false, issues }),
    }
}

/// Goes back to the built-in vendors alone.
#[wasm_bindgen(js_name = resetRules)]
pub fn reset_rules() {
    LOADED.with(|l| *l.borrow_mut() = None);
}

#[derive(Serialize)]
#[serde(untagged)]
enum JsMacRegistry<'a> {
    Loaded { ok: bool, assignments: usize, date: &'a str, source: &'a str },
    Failed { ok: bool, message: String },
}

#[wasm_bindgen(inline_js = "export function as_bytes(v) {
    if (v instanceof Uint8Array) return v;
    if (v instanceof ArrayBuffer) return new Uint8Array(v);
    return undefined;
}")]
extern "C" {
    fn as_bytes(value: &JsValue) -> Option<Vec<u8>>;
}

/// Installs the IEEE MAC registries (the bytes of `pkg/ieee-registry.bin`, a `Uint8Array` or an
/// `ArrayBuffer`): from then on MAC addresses decode with their `organization` and `registry`.
/// They are not built into the module, so that pages without a MAC field stay small. The first
/// table that loads stays; calling again is harmless.
#[wasm_bindgen(js_name = loadMacRegistry, unchecked_return_type = "MacRegistryResult")]
pub fn load_mac_registry(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
) -> JsValue {
    set_up();
    let loaded = as_bytes(&bytes)
        .ok_or_else(|| "bytes must be a Uint8Array or an ArrayBuffer".to_string())
        .and_then(|bytes| crate::ids::oui::load_registry(bytes).map_err(|e| e.to_string()));
    match loaded {
        Ok(table) => to_js(&JsMacRegistry::Loaded {
            ok: true,
            assignments: table.len(),
            date: table.date(),
            source: table.source(),
        }),
        Err(message) => to_js(&JsMacRegistry::Failed { ok: false, message }),
    }
}

/// Groups duplicates in a list: exact after normalization (case, spaces, dashes), and near
/// (one look-alike substitution: O/0, I/1, L/1, S/5, B/8, Z/2). Entries that are not strings
/// count as blank; blank entries are never duplicates.
#[wasm_bindgen(js_name = findDuplicates, unchecked_return_type = "DuplicateGroup[]")]
pub fn find_duplicates(#[wasm_bindgen(unchecked_param_type = "string[]")] values: JsValue) -> JsValue {
    set_up();
    let values: Vec<String> = match js_array_length(&values) {
        Some(_) => js_strings(&values),
        None => Vec::new(),
    };
    let groups: Vec<Group> = dupes::find_duplicates(&values);
    to_js(&groups)
}

#[wasm_bindgen(inline_js = "export function js_strings(v) {
    return Array.from(v, (x) => (typeof x === 'string' ? x : ''));
}")]
extern "C" {
    /// An array's entries, those that are not strings as blanks.
    fn js_strings(values: &JsValue) -> Vec<String>;
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("wasm.d.ts");
