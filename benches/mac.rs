//! MAC addresses: parsing in each notation with the IEEE registry lookup, and the lookup alone
//! for each kind of block (MA-L, MA-S inside an IEEE RA block, IAB, unregistered).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serialkit::ids::{mac, oui};
use std::hint::black_box;

fn parse(c: &mut Criterion) {
    let registry = oui::current();
    let mut group = c.benchmark_group("mac-parse");
    group.throughput(Throughput::Elements(1));
    for (name, value) in [
        ("colon", "00:50:56:ab:cd:ef"),
        ("hyphen", "70-B3-D5-F2-F0-01"),
        ("cisco", "0050.56ab.cdef"),
        ("bare", "005056ABCDEF"),
        ("local", "da:a1:19:00:00:01"),
        ("eui64", "00:50:56:ff:fe:ab:cd:ef"),
    ] {
        group.bench_with_input(BenchmarkId::new("with-registry", name), &value, |b, v| {
            b.iter(|| mac::parse_with(black_box(v), registry))
        });
        group.bench_with_input(BenchmarkId::new("without-registry", name), &value, |b, v| {
            b.iter(|| mac::parse_with(black_box(v), None))
        });
    }
    group.finish();
}

fn lookup(c: &mut Criterion) {
    let registry = oui::current().expect("the built-in table loads");
    let mut group = c.benchmark_group("mac-lookup");
    group.throughput(Throughput::Elements(1));
    for (name, octets) in [
        ("ma-l", [0x00, 0x50, 0x56, 0xAB, 0xCD, 0xEF]),
        ("ma-s", [0x70, 0xB3, 0xD5, 0xF2, 0xF0, 0x01]),
        ("iab", [0x00, 0x50, 0xC2, 0x7D, 0x50, 0x01]),
        ("unregistered", [0x02, 0x00, 0x00, 0x00, 0x00, 0x01]),
    ] {
        group.bench_with_input(BenchmarkId::from_parameter(name), &octets, |b, o| {
            b.iter(|| registry.lookup(black_box(o)))
        });
    }
    group.finish();
}

criterion_group!(benches, parse, lookup);
criterion_main!(benches);
