#!/usr/bin/env bash
# Builds the WebAssembly package into pkg/ (ES module for the web, with TypeScript types) using the
# size-tuned `wasm-release` profile, copies the IEEE MAC registries beside it
# (pkg/ieee-registry.bin, which pages fetch and pass to loadMacRegistry only when they need a MAC
# address's organization), then prints the gzipped sizes.
# Needs wasm-pack, wasm-bindgen-cli and wasm-opt on PATH: scripts/test-wasm.sh installs them.
set -euo pipefail
cd "$(dirname "$0")/.."

# wasm-pack would download tools it cannot find; with these on PATH it uses them.
# The library alone: the CLI feature (on by default) has no business in a browser.
wasm-pack build --target web --out-dir pkg --profile wasm-release --no-pack "$@" -- --no-default-features >&2

# build.rs compiled vendors/data/ieee/registry.tsv into the build's OUT_DIR; take the newest.
target=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
table=$(ls -t "$target"/wasm32-unknown-unknown/wasm-release/build/serialkit-*/out/ieee-registry.bin | head -n 1)
cp "$table" pkg/ieee-registry.bin

gz() { gzip -9 -c "$1" | wc -c; }
printf '%-28s %10s %10s\n' file bytes gzipped
for f in pkg/serialkit_bg.wasm pkg/serialkit.js pkg/serialkit.d.ts pkg/ieee-registry.bin; do
    printf '%-28s %10d %10d\n' "$f" "$(wc -c <"$f")" "$(gz "$f")"
done
