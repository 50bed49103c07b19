//! Compiles the built-in rule files (`vendors/*.toml`) to postcard, and the IEEE MAC registries
//! (`vendors/data/ieee/registry.tsv`) to the binary table `src/ids/oui.rs` reads, so the library
//! does no TOML or TSV parsing or file access at run time.

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
    mac_registry();
    build_year();
}

/// The year of this build (`SOURCE_DATE_EPOCH` when set, for reproducible builds): a year
/// digit never names a later year, since no unit is made after the library that reads it.
fn build_year() {
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
            now.map_or(0, |d| d.as_secs())
        });
    let mut days = seconds / 86_400;
    let mut year = 1970u64;
    loop {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let length = if leap { 366 } else { 365 };
        if days < length {
            break;
        }
        days -= length;
        year += 1;
    }
    println!("cargo:rustc-env=SERIALKIT_BUILD_YEAR={year}");
}

/// The registries of `src/ids/oui.rs`, by their code in a record.
const REGISTRIES: [(&str, u32); 4] = [("MA-L", 24), ("MA-M", 28), ("MA-S", 36), ("IAB", 36)];

/// Compiles `vendors/data/ieee/registry.tsv` to `OUT_DIR/ieee-registry.bin`, the format
/// `src/ids/oui.rs` documents: one `u64` per assignment (36-bit prefix, registry, name offset),
/// sorted, and the organization names, each once. Several names for one prefix (the registry
/// lists a few MA-L twice) become one name, joined with " / " in the file's order.
fn mac_registry() {
    let path = Path::new("vendors/data/ieee/registry.tsv");
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path).expect("vendors/data/ieee/registry.tsv is readable");
    let mut date = "";
    let mut source = "";
    // (prefix in 36 bits, registry code) → names
    let mut assignments: std::collections::BTreeMap<(u64, u64), Vec<&str>> = Default::default();
    let mut header = true;
    for (n, line) in text.lines().enumerate() {
        let at = || format!("{}:{}", path.display(), n + 1);
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim();
            if let Some(d) = comment.strip_prefix("date:") {
                date = d.trim();
            } else if let Some(s) = comment.strip_prefix("source:") {
                source = s.trim();
            }
            continue;
        }
        if std::mem::take(&mut header) {
            assert_eq!(line, "prefix\tbits\tregistry\torganization", "{}: column names", at());
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [prefix, bits, registry, name] = cols[..] else { panic!("{}: expected 4 columns", at()) };
        let Some(code) = REGISTRIES.iter().position(|(r, _)| *r == registry) else {
            panic!("{}: unknown registry {registry:?}", at())
        };
        let want = REGISTRIES[code].1;
        assert_eq!(bits, want.to_string(), "{}: {registry} prefixes have {want} bits", at());
        assert_eq!(prefix.len() as u32 * 4, want, "{}: {prefix} is not {want} bits", at());
        let value = u64::from_str_radix(prefix, 16).unwrap_or_else(|e| panic!("{}: {prefix}: {e}", at()));
        assert!(!name.is_empty() && name.len() < 256, "{}: organization of 1 to 255 bytes", at());
        assignments.entry((value << (36 - want), code as u64)).or_default().push(name);
    }
    assert!(!date.is_empty() && !source.is_empty(), "{}: '# date:' and '# source:' lines", path.display());
    let mut names = Vec::new();
    let mut offsets = std::collections::HashMap::new();
    let mut records = Vec::with_capacity(assignments.len());
    for ((prefix, code), list) in &assignments {
        let name = list.join(" / ");
        assert!(name.len() < 256, "{}: {prefix:09X}: joined names too long", path.display());
        let offset = *offsets.entry(name.clone()).or_insert_with(|| {
            let offset = names.len() as u64;
            names.push(name.len() as u8);
            names.extend_from_slice(name.as_bytes());
            offset
        });
        assert!(offset < 1 << 26, "names exceed the 26-bit offset");
        records.push(prefix << 28 | code << 26 | offset);
    }
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"SKMACREG");
    bytes.extend_from_slice(&1u32.to_le_bytes());
    bytes.extend_from_slice(&(records.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&(names.len() as u32).to_le_bytes());
    for s in [date, source] {
        bytes.extend_from_slice(&(s.len() as u16).to_le_bytes());
        bytes.extend_from_slice(s.as_bytes());
    }
    for r in &records {
        bytes.extend_from_slice(&r.to_le_bytes());
    }
    bytes.extend_from_slice(&names);
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("ieee-registry.bin");
    std::fs::write(out, bytes).expect("OUT_DIR is writable");
}
