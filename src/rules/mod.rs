//! Rule files: the schema, the pattern language, regexes, loading and linting.

pub mod lint;
pub mod pattern;
pub mod regex;
pub mod schema;

#[cfg(not(target_arch = "wasm32"))]
pub use load::{load_dir, load_file, parse_file, read_file};

#[cfg(not(target_arch = "wasm32"))]
mod load;
