#!/usr/bin/env bash
# Runs every test serialkit has, installing what is missing first. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

# A fresh clone gains nothing from incremental builds, and their caches take half a gigabyte of
# a disk that CI has filled before.
if [ "${CI:-}" = true ]; then export CARGO_INCREMENTAL=0; fi

step "toolchain components"
rustup component add rustfmt clippy >/dev/null 2>&1 || true

step "format and lints"
cargo fmt --all -- --check
# The fuzz crate is its own workspace (stable Rust formats it; only running it needs cargo-fuzz).
cargo fmt --manifest-path fuzz/Cargo.toml -- --check
cargo clippy --all-targets -- -D warnings
cargo clippy --lib --no-default-features -- -D warnings

step "docs"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet

step "rule files"
cargo run --quiet -- lint-rules vendors

step "rust tests (unit, integration, doc; the fuzz corpus is replayed by tests/repo/fuzz_corpus.rs)"
cargo test --no-fail-fast

step "WebAssembly package and browser tests"
./scripts/test-wasm.sh
