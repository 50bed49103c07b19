//! The compiled rules: built-in vendors, user rules, and the index that picks the formats a
//! value can fit.

use crate::matcher::{CompiledFormat, CompiledTable};
use crate::rules::lint::{self, LintIssue};
use crate::rules::pattern::Pattern;
use crate::rules::regex::FormatRegex;
use crate::rules::schema::VendorRules;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Values longer than this are only tried against formats that allow long values.
const INDEXED_LEN: usize = 64;

/// A set of compiled vendor rules, ready to decode values.
///
/// [`Registry::builtin`] holds the vendors shipped in `vendors/`; [`Registry::from_rules`] and
/// [`Registry::from_dir`] build one from your own rule files.
#[derive(Debug, Clone)]
pub struct Registry {
    pub(crate) vendors: Vec<Vendor>,
    pub(crate) formats: Vec<CompiledFormat>,
    /// For each distinct set of separators, the formats that use it by the length they take.
    by_separators: Vec<LengthIndex>,
    /// Formats with scanner prefixes: tried on every value that starts with one.
    prefixed: Vec<u32>,
    names: HashMap<String, usize>,
}

/// The formats that drop one set of separators, by the length of a value once they are dropped.
#[derive(Debug, Clone)]
struct LengthIndex {
    separators: Vec<char>,
    by_len: Vec<Vec<u32>>,
    /// Those that take values longer than [`INDEXED_LEN`].
    long: Vec<u32>,
}

impl LengthIndex {
    fn new(separators: Vec<char>) -> LengthIndex {
        LengthIndex { separators, by_len: vec![Vec::new(); INDEXED_LEN + 1], long: Vec::new() }
    }
}

/// One vendor's compiled data.
#[derive(Debug, Clone)]
pub(crate) struct Vendor {
    pub rules: VendorRules,
    /// By name order; decoders refer to them by index.
    pub tables: Vec<CompiledTable>,
    pub formats: Vec<u32>,
}

static BUILTIN: OnceLock<Registry> = OnceLock::new();

impl Registry {
    /// The vendors built into the library (compiled from `vendors/*.toml` at build time).
    pub fn builtin() -> &'static Registry {
        BUILTIN.get_or_init(|| {
            let bytes = include_bytes!(concat!(env!("OUT_DIR"), "/builtin.postcard"));
            // build.rs wrote these bytes from the same types, and the test suite lints them:
            // checking their structure again took most of the start-up time.
            let rules: Vec<VendorRules> =
                postcard::from_bytes(bytes).expect("built-in rules encode with the same schema");
            Registry::compile_unchecked(rules)
        })
    }

    /// Builds a registry from rule files already read, after checking them as `lint-rules`
    /// does (examples included). Every problem is returned, not just the first.
    pub fn from_rules(rules: Vec<VendorRules>) -> Result<Registry, Vec<LintIssue>> {
        let issues = lint::lint(&rules);
        if !issues.is_empty() {
            return Err(issues);
        }
        Registry::compile(rules)
    }

    /// The built-in vendors plus `extra`; a vendor in `extra` replaces a built-in one with the
    /// same id.
    pub fn builtin_with(extra: Vec<VendorRules>) -> Result<Registry, Vec<LintIssue>> {
        let mut rules: Vec<VendorRules> = Registry::builtin()
            .vendors
            .iter()
            .filter(|v| !extra.iter().any(|e| e.id == v.rules.id))
            .map(|v| v.rules.clone())
            .collect();
        rules.extend(extra);
        Registry::from_rules(rules)
    }

    /// Compiles rules without running their examples. Structural problems (patterns, tables,
    /// decoders) are still reported.
    pub(crate) fn compile(rules: Vec<VendorRules>) -> Result<Registry, Vec<LintIssue>> {
        let issues = lint::structure(&rules);
        if !issues.is_empty() {
            return Err(issues);
        }
        Ok(Registry::compile_unchecked(rules))
    }

    /// Compiles whatever compiles, problems or not: formats whose pattern or regex does not
    /// parse are left out. For running the examples of rules that lint found problems in.
    pub(crate) fn compile_unchecked(rules: Vec<VendorRules>) -> Registry {
        let mut registry = Registry {
            vendors: Vec::new(),
            formats: Vec::new(),
            by_separators: vec![LengthIndex::new(Vec::new())],
            prefixed: Vec::new(),
            names: HashMap::new(),
        };
        for (v, vendor) in rules.into_iter().enumerate() {
            let tables: Vec<CompiledTable> =
                vendor.tables.iter().map(|(name, t)| CompiledTable::new(name, t)).collect();
            let mut formats = Vec::new();
            for format in vendor.formats.clone() {
                // lint::structure has parsed every pattern and regex already.
                let compiled = if format.regex.is_empty() {
                    let Ok(pattern) = Pattern::parse(&format.pattern) else { continue };
                    CompiledFormat::compile(format, v, pattern, &tables)
                } else {
                    let Ok(regex) = FormatRegex::new(&format.regex, format.case_sensitive) else { continue };
                    CompiledFormat::compile_regex(format, v, regex, &tables)
                };
                formats.push(registry.formats.len() as u32);
                registry.formats.push(compiled);
            }
            for name in std::iter::once(&vendor.id).chain(&vendor.aliases).chain([&vendor.name]) {
                registry.names.entry(fold_name(name)).or_insert(v);
            }
            registry.vendors.push(Vendor { rules: vendor, tables, formats });
        }
        registry.index();
        registry
    }

    fn index(&mut self) {
        for (i, f) in self.formats.iter().enumerate() {
            let i = i as u32;
            let set = match self.by_separators.iter().position(|s| s.separators == f.separators) {
                Some(set) => set,
                None => {
                    self.by_separators.push(LengthIndex::new(f.separators.clone()));
                    self.by_separators.len() - 1
                }
            };
            if !f.rules.scanner_prefixes.is_empty() {
                self.prefixed.push(i);
            }
            let index = &mut self.by_separators[set];
            for len in f.min_len..=f.max_len.min(INDEXED_LEN) {
                index.by_len[len].push(i);
            }
            if f.max_len > INDEXED_LEN {
                index.long.push(i);
            }
        }
    }

    /// The formats worth trying on `chars` (cleaned, case kept): right length once their
    /// separators are dropped, and a first character they allow.
    pub(crate) fn candidate_formats(&self, chars: &[char], out: &mut Vec<u32>) {
        out.clear();
        let first = chars.iter().find(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase());
        for index in &self.by_separators {
            let len = len_without(chars, &index.separators);
            let list = if len <= INDEXED_LEN { &index.by_len[len] } else { &index.long };
            out.extend(list.iter().copied().filter(|&i| {
                let f = &self.formats[i as usize];
                first.is_none_or(|c| f.first.contains(c) || f.rules.case_sensitive)
            }));
        }
        for &i in &self.prefixed {
            if !out.contains(&i) {
                out.push(i);
            }
        }
    }

    /// The vendor a name or alias stands for (`"Hewlett-Packard"` → the `hp` vendor).
    pub(crate) fn vendor_index(&self, name: &str) -> Option<usize> {
        // An id as it is (what bulk checks pass once a row's maker is resolved) needs no folding.
        match self.vendors.iter().position(|v| v.rules.id == name) {
            Some(i) => Some(i),
            None => self.names.get(&fold_name(name)).copied(),
        }
    }

    /// The id of the vendor that `name` (an id, a name or an alias) stands for.
    ///
    /// ```
    /// let registry = serialkit::Registry::builtin();
    /// assert_eq!(registry.resolve_vendor("Apple Inc."), Some("apple"));
    /// assert_eq!(registry.resolve_vendor("no such maker"), None);
    /// ```
    pub fn resolve_vendor(&self, name: &str) -> Option<&str> {
        self.vendor_index(name).map(|v| self.vendors[v].rules.id.as_str())
    }

    /// The rule files this registry was built from, in id order.
    pub fn vendors(&self) -> impl Iterator<Item = &VendorRules> {
        self.vendors.iter().map(|v| &v.rules)
    }

    /// Number of compiled formats.
    pub fn format_count(&self) -> usize {
        self.formats.len()
    }
}

/// The number of `chars` once `separators` are dropped (most formats have none to drop).
pub(crate) fn len_without(chars: &[char], separators: &[char]) -> usize {
    match separators {
        [] => chars.len(),
        _ => chars.iter().filter(|c| !separators.contains(c)).count(),
    }
}

/// The form of a vendor name used to match aliases: letters and digits, ASCII letters lowercased,
/// with company suffixes (`Inc.`, `Corp`, `Ltd` …) dropped.
pub(crate) fn fold_name(name: &str) -> String {
    const SUFFIXES: &[&str] = &[
        "ag",
        "co",
        "company",
        "corp",
        "corporation",
        "gmbh",
        "inc",
        "incorporated",
        "limited",
        "llc",
        "ltd",
        "plc",
        "sa",
    ];
    // ASCII case only: Unicode case tables would add some 17 KB to the wasm module, and vendor
    // names are written in Latin letters.
    let lower = name.to_ascii_lowercase();
    let mut words: Vec<&str> =
        lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    while words.len() > 1 && words.last().is_some_and(|w| SUFFIXES.contains(w)) {
        words.pop();
    }
    words.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold() {
        assert_eq!(fold_name("HP Inc."), "hp");
        assert_eq!(fold_name("Hewlett-Packard"), "hewlettpackard");
        assert_eq!(fold_name("Dell Inc."), "dell");
        assert_eq!(fold_name("Cisco Systems, Inc."), "ciscosystems");
        assert_eq!(fold_name("Inc"), "inc");
        assert_eq!(fold_name("Señal Ltd"), "señal");
    }
}
