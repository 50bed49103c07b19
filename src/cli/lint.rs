//! `serialkit lint-rules DIR`: every problem in a folder of rule files.

use super::{EXIT_FINDINGS, EXIT_OK};
use std::io::{self, Write};
use std::path::PathBuf;

/// Arguments of `lint-rules`.
#[derive(clap::Args)]
pub struct Args {
    /// The folder holding `<vendor-id>.toml` files.
    dir: PathBuf,
}

/// Lints the folder; exit 1 when anything is wrong.
pub fn run(args: &Args) -> io::Result<i32> {
    let issues = match crate::rules::load_dir(&args.dir) {
        Ok(rules) => {
            let issues = crate::rules::lint::lint(&rules);
            if issues.is_empty() {
                let formats: usize = rules.iter().map(|r| r.formats.len()).sum();
                let examples: usize = rules.iter().map(|r| r.examples.len()).sum();
                eprintln!("{} rule files, {formats} formats, {examples} examples: no problems", rules.len());
                return Ok(EXIT_OK);
            }
            issues
        }
        Err(issues) => issues,
    };
    let mut out = io::stdout().lock();
    for issue in &issues {
        writeln!(out, "{issue}")?;
    }
    eprintln!("{} problem(s)", issues.len());
    Ok(EXIT_FINDINGS)
}
