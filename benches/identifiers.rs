//! Standard identifiers through the public API: MAC, IMEI and GTIN validation per second, with
//! the kind named (the bulk `check` path) and identified among everything, valid and not.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serialkit::{Kind, Options, Registry};
use std::hint::black_box;

fn identifiers(c: &mut Criterion) {
    let registry = Registry::builtin();
    let mut group = c.benchmark_group("identifiers");
    group.throughput(Throughput::Elements(1));
    for (name, kind, value) in [
        ("mac", Kind::Mac, "B8:1D:6D:13:2C:DE"),
        ("mac-mixed-separators", Kind::Mac, "B8:1D-6D:13:2C:DE"),
        ("imei", Kind::Imei, "490154203237518"),
        ("imei-bad-check", Kind::Imei, "490154203237517"),
        ("gtin-13", Kind::Gtin, "4006381333931"),
        ("gtin-bad-check", Kind::Gtin, "4006381333932"),
        ("upc-a", Kind::Gtin, "036000291452"),
        ("isbn-13", Kind::Isbn, "9780306406157"),
    ] {
        let named = Options { kind: Some(kind), ..Options::default() };
        group.bench_with_input(BenchmarkId::new("kind-named", name), &value, |b, v| {
            b.iter(|| registry.best(black_box(v), &named))
        });
        group.bench_with_input(BenchmarkId::new("identify", name), &value, |b, v| {
            b.iter(|| registry.best(black_box(v), &Options::default()))
        });
    }
    group.finish();
}

criterion_group!(benches, identifiers);
criterion_main!(benches);
