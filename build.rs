//! Compiles the built-in rule files (`vendors/*.toml`) to postcard, so the library does no TOML
//! parsing or file access at run time.

#[allow(dead_code)]
#[path = "src/rules/schema.rs"]
mod schema;

use std::path::Path;

fn main() {
    let dir = Path::new("vendors");
    println!("cargo:rerun-if-changed=vendors");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("vendors/ is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut vendors = Vec::new();
    for path in &paths {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(path).expect("rule file is readable");
        let mut rules: schema::VendorRules =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        rules.load_table_files(dir).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        vendors.push(rules);
    }
    for entry in std::fs::read_dir(dir.join("data")).into_iter().flatten().flatten() {
        println!("cargo:rerun-if-changed={}", entry.path().display());
    }
    let bytes = postcard::to_allocvec(&vendors).expect("rules serialize");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin.postcard");
    std::fs::write(out, bytes).expect("OUT_DIR is writable");
}
