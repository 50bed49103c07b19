//! Validate and decode hardware serial numbers and the identifiers that travel with them.
//!
//! ```
//! // Which vendor's serial is this, and what does it say about the unit?
//! let report = serialkit::decode("C02TJ0Q7GVC8");
//! assert!(report.valid);
//! assert_eq!(report.vendor.as_deref(), Some("apple"));
//! assert_eq!(report.fields["year"].to_string(), "2017");
//! assert_eq!(report.fields["model_id"].to_string(), "MacBookPro13,1");
//!
//! // Which character is wrong, and what was probably meant?
//! let err = serialkit::validate("CO2TJ0Q7GVC8", "apple").unwrap_err();
//! assert_eq!(err.message(), "'O' cannot appear in plant");
//! assert_eq!(err.hint(), Some("Apple serials never contain O — did you mean 0?"));
//!
//! // While it is typed, a prefix of a valid serial is incomplete, never invalid.
//! let partial = serialkit::check_partial("C02TJ0", "apple");
//! assert_eq!(partial.state, serialkit::PartialState::Incomplete);
//! ```
//!
//! Vendors are described by rule files (`vendors/*.toml`, documented in `vendors/README.md`),
//! compiled into the library at build time. Load your own with [`Registry::from_dir`] or
//! [`Registry::from_rules`] and use [`Registry::decode`], [`Registry::validate`] and
//! [`Registry::check_partial`] on it.

#![warn(missing_docs)]

pub mod check_digit;
// The `serialkit` command (feature `cli`): in the library so fuzz targets can reach its readers;
// not part of the documented API.
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
mod date;
mod decode;
pub mod dupes;
mod error;
pub mod ids;
mod matcher;
mod normalize;
mod placeholders;
mod registry;
pub mod rules;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// A xorshift64 generator from `seed` (not 0): reproducible pseudo-random input for tests.
#[cfg(test)]
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

pub use date::BUILD_YEAR;
pub use decode::{
    Decoded, Kind, MAX_INPUT_CHARS, Options, Partial, PartialState, Report, check_partial, decode,
    decode_with, validate,
};
pub use error::{Problem, ProblemKind, Span};
pub use normalize::normalize;
pub use placeholders::reason as placeholder_reason;
pub use registry::Registry;
pub use rules::lint::LintIssue;
pub use rules::schema::Value;

#[cfg(not(target_arch = "wasm32"))]
impl Registry {
    /// Reads, checks and compiles every `*.toml` rule file in `dir` (without the built-in
    /// vendors; see [`Registry::builtin_with`] to combine them).
    pub fn from_dir(dir: impl AsRef<std::path::Path>) -> Result<Registry, Vec<LintIssue>> {
        Registry::from_rules(rules::load_dir(dir.as_ref())?)
    }
}
