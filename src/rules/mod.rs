//! Rule files: the schema, the pattern language, regexes, loading and linting.

pub mod lint;
pub mod pattern;
pub mod regex;
pub mod schema;

#[cfg(not(target_arch = "wasm32"))]
pub use load::{load_dir, load_file};

#[cfg(not(target_arch = "wasm32"))]
mod load {
    use super::lint::LintIssue;
    use super::schema::VendorRules;
    use std::path::Path;

    /// Reads one rule file, checking that its `id` matches the file name.
    pub fn load_file(path: &Path) -> Result<VendorRules, LintIssue> {
        let file = path.display().to_string();
        let issue = |key: &str, message: String| LintIssue { file: file.clone(), key: key.into(), message };
        let text = std::fs::read_to_string(path).map_err(|e| issue("", format!("cannot read: {e}")))?;
        let mut rules: VendorRules = toml::from_str(&text).map_err(|e| {
            let key = e.span().map(|s| line_col(&text, s.start)).unwrap_or_default();
            issue(&key, e.message().trim().to_string())
        })?;
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        if rules.id != stem {
            return Err(issue("id", format!("id '{}' differs from the file name '{stem}'", rules.id)));
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        rules.load_table_files(dir).map_err(|m| issue("tables", m))?;
        Ok(rules)
    }

    /// Reads every `*.toml` file in `dir`, in name order; problems are collected from all files.
    pub fn load_dir(dir: &Path) -> Result<Vec<VendorRules>, Vec<LintIssue>> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            vec![LintIssue {
                file: dir.display().to_string(),
                key: String::new(),
                message: format!("cannot read folder: {e}"),
            }]
        })?;
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        let (mut rules, mut issues) = (Vec::new(), Vec::new());
        for path in paths {
            match load_file(&path) {
                Ok(r) => rules.push(r),
                Err(i) => issues.push(i),
            }
        }
        if issues.is_empty() { Ok(rules) } else { Err(issues) }
    }

    fn line_col(text: &str, offset: usize) -> String {
        let before = &text[..offset.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        format!("line {line}, column {col}")
    }
}
