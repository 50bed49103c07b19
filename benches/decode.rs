//! Decode throughput: one valid serial per vendor (vendor named, and identified among all rules),
//! and values that fit nothing.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serialkit::{Options, Registry};
use std::hint::black_box;

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

criterion_group!(benches, per_vendor, partial);
criterion_main!(benches);
