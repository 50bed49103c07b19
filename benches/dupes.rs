//! The duplicate search through the public API: exact and near duplicates among generated
//! serials, per value, at two sizes (the kernel of `serialkit dupes`).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serialkit::dupes::{NearKinds, find_duplicates_with};
use std::hint::black_box;

/// `n` 12-character serials from a fixed seed; every 50th repeats an earlier one and every 70th
/// is an earlier one with a character changed, so there are groups to find.
fn serials(n: usize) -> Vec<String> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        // xorshift64: reproducible without a dependency.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut values: Vec<String> = Vec::with_capacity(n);
    for i in 0..n {
        let earlier = if i > 0 { Some(next() as usize % i) } else { None };
        let value = match earlier {
            Some(j) if i % 50 == 0 => values[j].clone(),
            Some(j) if i % 70 == 0 => {
                let mut bytes = values[j].clone().into_bytes();
                bytes[next() as usize % 12] = ALPHABET[next() as usize % ALPHABET.len()];
                String::from_utf8(bytes).unwrap_or_default()
            }
            _ => (0..12).map(|_| ALPHABET[next() as usize % ALPHABET.len()] as char).collect(),
        };
        values.push(value);
    }
    values
}

fn dupes(c: &mut Criterion) {
    let mut group = c.benchmark_group("dupes");
    group.sample_size(10);
    for n in [10_000, 100_000] {
        let values = serials(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("exact-and-near", n), &values, |b, v| {
            b.iter(|| find_duplicates_with(black_box(v), NearKinds::default()))
        });
        group.bench_with_input(BenchmarkId::new("exact", n), &values, |b, v| {
            b.iter(|| find_duplicates_with(black_box(v), NearKinds::none()))
        });
    }
    group.finish();
}

criterion_group!(benches, dupes);
criterion_main!(benches);
