// Types of the serialkit JS API (src/wasm.rs); wasm-pack copies them into pkg/serialkit.d.ts.

/**
 * What is wrong with a value, and where.
 *
 * `start` and `end` count **UTF-16 code units** (JavaScript string indexes), so
 * `value.slice(start, end)` is the text the problem is about. `start === end` points between
 * two characters (e.g. at the end of a value that is too short). The library and the CLI count
 * Unicode scalar values instead.
 */
export interface Problem {
  /** First UTF-16 code unit of the span, from 0. */
  start: number;
  /** One past the last UTF-16 code unit of the span. */
  end: number;
  /** The sort of problem, stable for programs to branch on. */
  code: ProblemCode;
  /** What is wrong: lowercase, no trailing period. */
  message: string;
  /** What the person could do, when there is something to suggest. */
  hint: string | null;
}

/**
 * `invalid-argument` is the JS API's own: an argument of the wrong type or an unknown option.
 * `too-long`: a value has more than 256 characters once trimmed (as the Rust library counts them,
 * Unicode scalar values, not UTF-16 code units); it is refused before any matching.
 */
export type ProblemCode =
  | "empty"
  | "placeholder"
  | "invalid-character"
  | "too-short"
  | "too-long"
  | "out-of-range"
  | "unknown-code"
  | "check-digit"
  | "no-match"
  | "mixed-separators"
  | "unknown-vendor"
  | "wrong-kind"
  | "conflict"
  | "invalid-argument";

/** What kind of identifier a value is. */
export type Kind =
  | "serial"
  | "model"
  | "sku"
  | "asset-tag"
  | "mac"
  | "imei"
  | "imeisv"
  | "meid"
  | "iccid"
  | "gtin"
  | "isbn"
  | "gs1";

/** A decoded field: text, a whole number or a flag. */
export type FieldValue = string | number | boolean;

/**
 * Decoded fields by name. Standard names where they apply: `year`, `month`, `week`, `date`
 * (ISO 8601), `plant`, `plant_name`, `line`, `sequence`, `model_code`, `model`, `model_id`,
 * `region`, `express_service_code`, `check_digit`, `serial`. MAC addresses add `organization` and
 * `registry` (`MA-L`, `MA-M`, `MA-S`, `IAB`) once `loadMacRegistry` has installed the registries.
 */
export type Fields = Record<string, FieldValue>;

/** One way to read a value: a vendor's format that it fits, with what it decodes to. */
export interface Decoded {
  kind: Kind;
  /** The vendor id. */
  vendor: string;
  /** The format id, e.g. `apple-12`. */
  format: string;
  /** The value as the format writes it (separators and scanner prefixes removed, upper case). */
  normalized: string;
  /** How sure the reading is, 0 to 1. */
  confidence: number;
  /** Why it was read this way, and what lowered the confidence. */
  reason: string;
  fields: Fields;
}

/** Everything known about one value (the shape of `serialkit decode --json`). */
export interface Report {
  /** The value as given. */
  input: string;
  /** Whether some format accepts it. */
  valid: boolean;
  /** The best candidate's kind, vendor and format (null when invalid). */
  kind: Kind | null;
  vendor: string | null;
  format: string | null;
  /** The best candidate's normalized value, or the vendor-independent normalization. */
  normalized: string;
  /** The best candidate's confidence (0 when invalid). */
  confidence: number;
  /** The best candidate's fields (empty when invalid). */
  fields: Fields;
  /** What is wrong, when nothing accepts the value (spans in UTF-16 code units). */
  errors: Problem[];
  /** Every accepted reading, best first. */
  candidates: Decoded[];
}

/**
 * Options of `decode`, `validate` and `checkPartial`; unknown keys give an `invalid-argument`
 * error. `{ kind: "mac" }` checks a MAC address field, `{ vendor: "apple" }` an Apple serial.
 */
export interface DecodeOptions {
  /** A vendor id, name or alias: only that vendor's formats are tried. */
  vendor?: string | null;
  /** Only formats of this kind are tried. */
  kind?: Kind | null;
  /** Refuse lenient readings other tools reject: MAC groups missing a leading zero, a 12-digit UPC-A as an EAN. */
  strict?: boolean;
}

/** The result of `validate`. */
export type Validation =
  | { ok: true; decoded: Decoded }
  | { ok: false; problem: Problem };

/** Where a value being typed stands: `incomplete` is not an error, just not finished. */
export type PartialState = "incomplete" | "invalid" | "valid";

/**
 * The answer of `checkPartial` for a value still being typed. (Not named `Partial`, which
 * would hide TypeScript's own `Partial<T>`.)
 */
export interface PartialResult {
  state: PartialState;
  /**
   * What is wrong (`invalid`) or what is missing (`incomplete`, code `too-short` or `empty`,
   * an empty span at the end); null when valid.
   */
  problem: Problem | null;
  /** The characters allowed next, e.g. `0-9 A-H J-N P-Z`; empty when nothing may follow. */
  expected: string;
  /** At least this many more characters are needed (0 unless incomplete). */
  needs: number;
  /** The decoded value, when valid. */
  decoded: Decoded | null;
}

/** How a format builds its values. */
export type FormatKind = "sequential" | "date-encoded" | "product-coded" | "randomized";

/** One vendor of the registry, as `listVendors` describes it. */
export interface VendorInfo {
  id: string;
  name: string;
  aliases: string[];
  formats: FormatInfo[];
}

export interface FormatInfo {
  id: string;
  kind: FormatKind;
  identifies: Kind;
  description: string;
}

/** One problem in rules passed to `loadRules`. */
export interface LintIssue {
  /** `<id>.toml` for a vendor, or `rules` when the object could not be read at all. */
  file: string;
  /** Where: a dotted key such as `formats[1].decode[0].table`; empty for the whole file. */
  key: string;
  message: string;
}

/** The result of `loadRules`: the vendor ids now loaded, or every problem found. */
export type LoadResult =
  | { ok: true; vendors: string[] }
  | { ok: false; issues: LintIssue[] };

/** A rule file (`vendors/<id>.toml`) as a JS object; see `vendors/README.md` for each key. */
export interface VendorRules {
  id: string;
  name: string;
  aliases?: string[];
  source: string;
  confidence?: number;
  note?: string;
  /** Characters the vendor never uses, each with the character a typist probably meant. */
  never?: Record<string, string>;
  tables?: Record<string, RuleTable>;
  formats?: RuleFormat[];
  examples?: RuleExample[];
}

export interface RuleTable {
  source?: string;
  confidence?: number;
  /** Column names; the first names the code. */
  columns?: string[];
  rows?: string[][];
  /** Not available in the browser: give `rows`. */
  file?: string;
}

export interface RuleFormat {
  id: string;
  kind: FormatKind;
  identifies?: Kind;
  description?: string;
  /** The segment pattern, e.g. `plant:@upper{3} year:@digit{2} '-' seq:@digit{4}`; give it or `regex`. */
  pattern?: string;
  /** A regular expression over the whole value (regex-lite syntax); named groups are segments. */
  regex?: string;
  /** For a `regex` format: the most characters a value has; 0 = no bound. */
  max_length?: number;
  source?: string;
  confidence?: number;
  separators?: string;
  scanner_prefixes?: string[];
  /** A segment whose text is the normalized value (a label string that wraps the serial). */
  normalize_to?: string;
  case_sensitive?: boolean;
  week_start?: "" | "jan1" | "iso";
  check_digit?: string;
  decode?: RuleDecoder[];
}

export interface RuleDecoder {
  segment: string;
  type?: "text" | "number" | "year" | "week" | "month" | "bits";
  field?: string;
  table?: string;
  columns?: Record<string, string>;
  unknown?: "" | "note" | "error";
  base?: number;
  alphabet?: string;
  offset?: number;
  decades?: number[];
  decade_from?: string;
  half_offset?: number;
  range?: number[];
  encode_base?: number;
  encode_width?: number;
  shift?: number;
  width?: number;
}

export interface RuleExample {
  value: string;
  format?: string;
  fields?: Fields;
  /** For a valid value: the normalized form it must give. */
  normalized?: string;
  error?: string;
  /** `[start, end)` in Unicode scalar values, as in the TOML files. */
  span?: number[];
  source?: string;
}

/** How the values of a duplicate group are alike. */
export type GroupKind = "exact" | "near";

/** Values that are probably the same unit. */
/** Why values are thought to be one unit, strongest first. */
export type DuplicateReason =
  | "exact" | "other-column" | "confusable" | "transposition" | "missing-or-extra" | "substitution";

export interface DuplicateGroup {
  /** `exact`: the same once case, spaces and punctuation are ignored; `near`: linked by typos. */
  kind: GroupKind;
  /** Every kind of link inside the group, strongest first. */
  reasons: DuplicateReason[];
  /** How sure the group is, 0 to 1 (its weakest link). Groups come surest first. */
  confidence: number;
  /** In input order; at least two. */
  members: DuplicateMember[];
}

export interface DuplicateMember {
  /** Position in the list passed to `findDuplicates`, from 0. */
  index: number;
  /** The value as given. */
  value: string;
  /** The value after normalization (trimmed, upper case, Unicode dashes and full-width forms folded). */
  normalized: string;
}

/**
 * The result of `loadMacRegistry`: how many assignments the IEEE MAC registries hold and the
 * date and source packages of the data, or why the bytes are not a registry table.
 */
export type MacRegistryResult =
  | { ok: true; assignments: number; date: string; source: string }
  | { ok: false; message: string };
