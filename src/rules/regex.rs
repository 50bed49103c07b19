//! The `regex` key of a format: a regular expression over the whole value whose named groups are
//! the segments decoders read.
//!
//! Native builds match with the `regex` crate, the WebAssembly build with `regex-lite`. The two
//! agree on the syntax both accept once three things are ruled out: Unicode classes (`\p{..}`),
//! which regex-lite lacks; nested classes and class set operations (`[a[b]]`, `[a-z&&[^e]]`),
//! which regex-lite rejects; and non-ASCII text, where the engines' `\d`, `\w`, `\b` and
//! case-insensitive matching differ. Values with a non-ASCII character never match a regex
//! format, and [`FormatRegex::new`] refuses the rest. `tests/data/regex-agreement.tsv` proves the
//! agreement: the unit test below reads it on both targets (and natively through regex-lite too).

#[cfg(not(target_arch = "wasm32"))]
use ::regex as engine;
#[cfg(target_arch = "wasm32")]
use ::regex_lite as engine;

/// Why a `regex` key was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegexError {
    message: String,
}

impl RegexError {
    fn new(message: impl Into<String>) -> RegexError {
        RegexError { message: message.into() }
    }
}

impl std::fmt::Display for RegexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A compiled `regex` key, anchored to match whole values.
#[derive(Debug, Clone)]
pub struct FormatRegex {
    regex: engine::Regex,
    /// The named groups, in the order they open, each with its group index.
    groups: Vec<(String, usize)>,
}

impl FormatRegex {
    /// Compiles `text` to match whole values, case-insensitively unless `case_sensitive`.
    pub fn new(text: &str, case_sensitive: bool) -> Result<FormatRegex, RegexError> {
        portable(text)?;
        // A regex that ends inside a `(?x)` comment would swallow the closing `)$`: rule files
        // end such comments with a line break.
        let flags = if case_sensitive { "" } else { "i" };
        let anchored = format!("^(?{flags}:{text})$");
        let regex = engine::Regex::new(&anchored).map_err(|e| {
            // Both engines print the pattern with a caret; the last line is the reason.
            let reason = e.to_string();
            let reason = reason.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
            RegexError::new(format!("regex does not compile: {}", reason.trim_start_matches("error: ")))
        })?;
        let groups =
            regex.capture_names().enumerate().filter_map(|(i, name)| Some((name?.to_string(), i))).collect();
        Ok(FormatRegex { regex, groups })
    }

    /// The names of the named groups, in the order they open.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().map(|(name, _)| name.as_str())
    }

    /// The position of the group called `name` among the named groups.
    pub fn group_index(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|(n, _)| n == name)
    }

    /// Whether `text` matches as a whole (never for non-ASCII text).
    pub fn is_match(&self, text: &str) -> bool {
        text.is_ascii() && self.regex.is_match(text)
    }

    /// For a whole match: one character range per named group, `(0, 0)` for a group that took
    /// no part in the match.
    pub fn groups(&self, text: &str) -> Option<Vec<(usize, usize)>> {
        if !text.is_ascii() {
            return None;
        }
        let caps = self.regex.captures(text)?;
        // ASCII text: byte offsets are character offsets.
        Some(self.groups.iter().map(|&(_, i)| caps.get(i).map_or((0, 0), |m| (m.start(), m.end()))).collect())
    }
}

/// Refuses what the two engines would read differently (see the module documentation).
fn portable(text: &str) -> Result<(), RegexError> {
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if !c.is_ascii() {
            return Err(RegexError::new(format!("regex contains '{c}': write regexes in ASCII")));
        }
        if c == '\\' && matches!(chars.next(), Some('p' | 'P')) {
            return Err(RegexError::new(
                "Unicode classes (\\p{..}) are not supported: the browser build's engine has none",
            ));
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    native_only::check(text)?;
    Ok(())
}

/// What regex-lite rejects or reads differently, found natively in the parsed regex; in the
/// browser regex-lite itself refuses nested classes and set operations.
#[cfg(not(target_arch = "wasm32"))]
mod native_only {
    use super::RegexError;
    use regex_syntax::ast::{self, Ast, ClassSetBinaryOp, ClassSetItem, Visitor};

    pub fn check(text: &str) -> Result<(), RegexError> {
        // Syntax errors are left to the engine, which words them for the whole regex.
        let Ok(ast) = ast::parse::Parser::new().parse(text) else { return Ok(()) };
        ast::visit(&ast, Portable)
    }

    struct Portable;

    fn ascii(c: char) -> Result<(), RegexError> {
        match c.is_ascii() {
            true => Ok(()),
            false => Err(RegexError::new(format!(
                "regex matches '{c}': values are matched as ASCII, write regexes for ASCII"
            ))),
        }
    }

    impl Visitor for Portable {
        type Output = ();
        type Err = RegexError;

        fn finish(self) -> Result<(), RegexError> {
            Ok(())
        }

        fn visit_pre(&mut self, ast: &Ast) -> Result<(), RegexError> {
            match ast {
                Ast::Literal(lit) => ascii(lit.c),
                Ast::ClassUnicode(_) => Err(RegexError::new(
                    "Unicode classes (\\p{..}) are not supported: the browser build's engine has none",
                )),
                _ => Ok(()),
            }
        }

        fn visit_class_set_item_pre(&mut self, item: &ClassSetItem) -> Result<(), RegexError> {
            match item {
                ClassSetItem::Bracketed(_) => Err(RegexError::new(
                    "nested character classes are not supported by the browser build's engine",
                )),
                ClassSetItem::Unicode(_) => Err(RegexError::new(
                    "Unicode classes (\\p{..}) are not supported: the browser build's engine has none",
                )),
                ClassSetItem::Literal(lit) => ascii(lit.c),
                ClassSetItem::Range(range) => ascii(range.start.c).and(ascii(range.end.c)),
                _ => Ok(()),
            }
        }

        fn visit_class_set_binary_op_pre(&mut self, _: &ClassSetBinaryOp) -> Result<(), RegexError> {
            Err(RegexError::new(
                "character class set operations (&&, --, ~~) are not supported by the browser build's engine",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `regex \t case \t value \t expected`: expected is `no` or the named groups as
    /// `name=text` joined by `,` (`match` when there are none); a value of `!error` means the
    /// regex must be refused, `expected` then being the start of the message.
    const TABLE: &str = include_str!("../../tests/data/regex-agreement.tsv");

    fn rows() -> impl Iterator<Item = (usize, Vec<&'static str>)> {
        TABLE
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
            .skip(1)
            .map(|(n, l)| (n + 1, l.split('\t').collect()))
    }

    fn unescape(s: &str) -> String {
        s.replace("\\t", "\t").replace("\\u00e9", "\u{e9}")
    }

    /// What this target's engine says for one row.
    fn outcome(regex: &str, case_sensitive: bool, value: &str) -> String {
        let re = match FormatRegex::new(regex, case_sensitive) {
            Ok(re) => re,
            Err(e) => return format!("error: {e}"),
        };
        match re.groups(value) {
            None => "no".into(),
            Some(ranges) => {
                assert!(re.is_match(value));
                let parts: Vec<String> =
                    re.names().zip(ranges).map(|(n, (s, e))| format!("{n}={}", &value[s..e])).collect();
                if parts.is_empty() { "match".into() } else { parts.join(",") }
            }
        }
    }

    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn agreement_table_holds() {
        let mut failures = Vec::new();
        let mut count = 0;
        for (line, cols) in rows() {
            assert_eq!(cols.len(), 4, "regex-agreement.tsv:{line}: 4 columns");
            count += 1;
            let value = unescape(cols[2]);
            let got = outcome(cols[0], cols[1] == "cs", &value);
            let ok = match cols[2] {
                "!error" => got.starts_with(&format!("error: {}", cols[3])),
                _ => got == cols[3],
            };
            if !ok {
                failures.push(format!(
                    "line {line}: {:?} on {value:?}: got {got:?}, want {:?}",
                    cols[0], cols[3]
                ));
            }
        }
        assert!(count >= 20, "only {count} rows");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Natively, every row the table accepts gives the same groups through regex-lite, the
    /// browser's engine, used the way [`FormatRegex`] uses it.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn regex_lite_agrees_natively() {
        for (line, cols) in rows().filter(|(_, c)| c[2] != "!error") {
            let value = unescape(cols[2]);
            let flags = if cols[1] == "cs" { "" } else { "i" };
            let lite = regex_lite::Regex::new(&format!("^(?{flags}:{})$", cols[0]))
                .unwrap_or_else(|e| panic!("line {line}: regex-lite refuses {:?}: {e}", cols[0]));
            let want = outcome(cols[0], cols[1] == "cs", &value);
            let got = match lite.captures(&value).filter(|_| value.is_ascii()) {
                None => "no".to_string(),
                Some(caps) => {
                    let parts: Vec<String> = lite
                        .capture_names()
                        .flatten()
                        .map(|n| format!("{n}={}", caps.name(n).map_or("", |m| m.as_str())))
                        .collect();
                    if parts.is_empty() { "match".into() } else { parts.join(",") }
                }
            };
            assert_eq!(got, want, "line {line}: {:?} on {value:?}", cols[0]);
        }
    }
}
