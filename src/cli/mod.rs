//! Command-line interface: argument parsing and the exit-code contract.

mod check;
mod columns;
mod decode;
mod dupes;
mod lint;
mod progress;
pub mod read;
mod records;
pub mod write;

use crate::Registry;
use clap::{Parser, Subcommand};
use std::io;
use std::path::PathBuf;

/// Exit status: every value valid.
pub const EXIT_OK: i32 = 0;
/// Exit status: some value has a finding.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit status: a usage or input error.
pub const EXIT_USAGE: i32 = 2;

#[derive(Parser)]
#[command(name = "serialkit", version, about = "Validate and decode hardware serial numbers and identifiers")]
struct Cli {
    /// A folder of your own rule files, added to the built-in vendors (same schema as vendors/).
    #[arg(long, global = true, value_name = "DIR")]
    rules: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Identify and decode values given as arguments, or one per line on stdin.
    Decode(decode::Args),
    /// Validate the serial, MAC and IMEI columns of an inventory (CSV, TSV, XLSX, XLS, ODS).
    Check(check::Args),
    /// Find the units entered twice: exact duplicates and near ones (one typo apart).
    Dupes(dupes::Args),
    /// Check a folder of rule files and list every problem with its file and key.
    LintRules(lint::Args),
}

/// Runs the command line and returns the exit status.
pub fn run() -> i32 {
    run_with(|_| {})
}

/// [`run`], telling `before` the command's name ("dupes") once the arguments are read and
/// before it runs: for settings of the process that suit one command.
pub fn run_with(before: impl FnOnce(&str)) -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    before(match cli.command {
        Command::Decode(_) => "decode",
        Command::Check(_) => "check",
        Command::Dupes(_) => "dupes",
        Command::LintRules(_) => "lint-rules",
    });
    let result = match cli.command {
        Command::LintRules(args) => lint::run(&args),
        Command::Decode(args) => match registry(cli.rules.as_deref()) {
            Ok(registry) => decode::run(&registry, &args),
            Err(code) => Ok(code),
        },
        Command::Check(args) => match registry(cli.rules.as_deref()) {
            Ok(registry) => check::run(&registry, &args),
            Err(code) => Ok(code),
        },
        Command::Dupes(args) => match registry(cli.rules.as_deref()) {
            Ok(registry) => dupes::run(&registry, &args),
            Err(code) => Ok(code),
        },
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`serialkit decode … | head`) is the reader's choice, not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eprintln!("serialkit: {e}");
            EXIT_USAGE
        }
    }
}

/// The built-in registry, plus the user's rule folder when one is given.
fn registry(rules: Option<&std::path::Path>) -> Result<std::borrow::Cow<'static, Registry>, i32> {
    let Some(dir) = rules else {
        return Ok(std::borrow::Cow::Borrowed(Registry::builtin()));
    };
    let loaded = crate::rules::load_dir(dir).and_then(Registry::builtin_with);
    loaded.map(std::borrow::Cow::Owned).map_err(|issues| {
        for issue in &issues {
            eprintln!("serialkit: {issue}");
        }
        eprintln!(
            "serialkit: {} problem(s) in {}; run `serialkit lint-rules {}`",
            issues.len(),
            dir.display(),
            dir.display()
        );
        EXIT_USAGE
    })
}

/// Parses `--kind`.
fn parse_kind(s: &str) -> Result<crate::Kind, String> {
    s.parse()
}
