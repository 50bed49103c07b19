//! `serialkit decode`: identify and decode values, as NDJSON or for a person.

use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::{Kind, Options, Registry, Report};
use std::io::{self, BufRead, Write};

/// Arguments of `decode`.
#[derive(clap::Args)]
pub struct Args {
    /// Only this vendor's formats (an id such as `apple`, or a name or alias such as "HP Inc.").
    #[arg(long)]
    vendor: Option<String>,
    /// Only identifiers of this kind: serial, model, sku, asset-tag, mac, imei, imeisv, meid,
    /// iccid, gtin, isbn, gs1.
    #[arg(long, value_parser = super::parse_kind)]
    kind: Option<Kind>,
    /// Refuse lenient readings other tools reject: MAC groups missing a leading zero, a 12-digit
    /// UPC-A read as an EAN.
    #[arg(long)]
    strict: bool,
    /// One JSON object per value, in input order (NDJSON).
    #[arg(long)]
    json: bool,
    /// Values to decode; without any, one value per line is read from stdin.
    values: Vec<String>,
}

/// Decodes every value; exit 1 when any is invalid.
pub fn run(registry: &Registry, args: &Args) -> io::Result<i32> {
    if let Some(vendor) = &args.vendor {
        if registry.resolve_vendor(vendor).is_none() {
            let ids: Vec<&str> = registry.vendors().map(|v| v.id.as_str()).collect();
            eprintln!("serialkit: unknown vendor '{vendor}'; known vendors: {}", ids.join(", "));
            return Ok(EXIT_USAGE);
        }
    }
    let options = Options { vendor: args.vendor.clone(), kind: args.kind, strict: args.strict };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut all_valid = true;
    let mut emit = |value: &str, out: &mut dyn Write| -> io::Result<()> {
        let report = registry.decode(value, &options);
        all_valid &= report.valid;
        if args.json {
            serde_json::to_writer(&mut *out, &report)?;
            writeln!(out)
        } else {
            write_human(out, &report)
        }
    };
    if args.values.is_empty() {
        // Lines as bytes: one that is not UTF-8 is decoded with U+FFFD for its bad bytes (and
        // refused for them), not the end of the list.
        for line in io::stdin().lock().split(b'\n') {
            let line = line?;
            let line = String::from_utf8_lossy(&line);
            emit(line.trim_end_matches('\r'), &mut out)?;
        }
    } else {
        for value in &args.values {
            emit(value, &mut out)?;
        }
    }
    out.flush()?;
    Ok(if all_valid { EXIT_OK } else { EXIT_FINDINGS })
}

fn write_human(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let Some(best) = report.candidates.first() else {
        writeln!(out, "{}  invalid", report.input)?;
        for problem in &report.errors {
            for line in problem.render(&report.input).lines() {
                writeln!(out, "  {line}")?;
            }
        }
        return writeln!(out);
    };
    writeln!(out, "{}  valid  {}, confidence {:.2}", report.input, describe(best), best.confidence)?;
    let width = best.fields.keys().map(|k| k.len()).max().unwrap_or(0);
    for (name, value) in &best.fields {
        writeln!(out, "  {name:width$}  {value}")?;
    }
    writeln!(out, "  why: {}", best.reason)?;
    for other in report.candidates.iter().skip(1) {
        writeln!(out, "  or:  {}, confidence {:.2}", describe(other), other.confidence)?;
    }
    writeln!(out)
}

/// `apple apple-12 (serial)`, or `imei (imei)` for identifiers that belong to no vendor.
fn describe(d: &crate::Decoded) -> String {
    match d.vendor.is_empty() {
        true => format!("{} ({})", d.format, d.kind.as_str()),
        false => format!("{} {} ({})", d.vendor, d.format, d.kind.as_str()),
    }
}
