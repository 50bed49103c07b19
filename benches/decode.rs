//! Decode throughput: one valid serial per vendor (vendor named, and identified among all rules),
//! values that fit nothing, and the bulk path (`Registry::best`) for the families a `check` of
//! an inventory meets, invalid values included.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serialkit::{Kind, Options, Registry};
use std::hint::black_box;

/// The values of each family, as `serialkit check` reads them: a serial with its vendor named,
/// a MAC or IMEI column's kind named, a value of unknown vendor, an invalid serial to explain.
/// The same values as the instruction-count probe, so the two can be compared.
fn families() -> Vec<(&'static str, Vec<&'static str>, Options)> {
    let kind = |k| Options { kind: Some(k), ..Options::default() };
    vec![
        ("mac", vec!["B8:1D:6D:13:2C:DE", "70:17:44:94:D6:49", "68-FE-DA-A0-EE-E8"], kind(Kind::Mac)),
        ("imei", vec!["490154203237518", "352099001761481"], kind(Kind::Imei)),
        ("gtin", vec!["4006381333931", "036000291452"], kind(Kind::Gtin)),
        ("apple", vec!["C02TJ0Q7GVC8", "YM0Y4E3RGVC8", "FVFXC2MHHV29"], Options::vendor("apple")),
        ("dell", vec!["6CN6Z43", "5JXVLSI"], Options::vendor("dell")),
        ("cisco", vec!["JAE174234Y6"], Options::vendor("cisco")),
        ("any", vec!["C02TJ0Q7GVC8", "JAE174234Y6", "6CN6Z43"], Options::default()),
        ("bad", vec!["CO2TJ0Q7GVC8", "JAE17423"], Options::vendor("apple")),
    ]
}

/// One iteration reads every value of the family once; the throughput is in values.
fn bulk(c: &mut Criterion) {
    let registry = Registry::builtin();
    let mut group = c.benchmark_group("best");
    for (name, values, options) in families() {
        group.throughput(Throughput::Elements(values.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &values, |b, values| {
            b.iter(|| {
                for v in values {
                    black_box(registry.best(black_box(v), &options).is_ok());
                }
            })
        });
    }
    group.finish();
}

fn per_vendor(c: &mut Criterion) {
    let registry = Registry::builtin();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(1));
    for vendor in registry.vendors() {
        let Some(example) = vendor.examples.iter().find(|e| e.error.is_empty()) else { continue };
        let named = Options::vendor(vendor.id.clone());
        group.bench_with_input(BenchmarkId::new("vendor-named", &vendor.id), &example.value, |b, v| {
            b.iter(|| registry.decode(black_box(v), &named))
        });
        group.bench_with_input(BenchmarkId::new("identify", &vendor.id), &example.value, |b, v| {
            b.iter(|| registry.decode(black_box(v), &Options::default()))
        });
    }
    for (name, value) in
        [("unknown-12", "ZZ9?PLURAL9Z"), ("typo-apple", "CO2TJ0Q7GVC8"), ("long-64", &"7".repeat(64)[..])]
    {
        group.bench_with_input(BenchmarkId::new("no-match", name), &value, |b, v| {
            b.iter(|| registry.decode(black_box(v), &Options::default()))
        });
    }
    group.finish();
}

fn partial(c: &mut Criterion) {
    let registry = Registry::builtin();
    let mut group = c.benchmark_group("check_partial");
    for value in ["C02TJ", "C02TJ0Q7GVC8", "CO2"] {
        group.bench_with_input(BenchmarkId::new("apple", value), &value, |b, v| {
            b.iter(|| registry.check_partial(black_box(v), "apple"))
        });
    }
    group.finish();
}

criterion_group!(benches, bulk, per_vendor, partial);
criterion_main!(benches);
