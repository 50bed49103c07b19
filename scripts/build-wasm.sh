#!/usr/bin/env bash
# Builds the WebAssembly package into pkg/ (ES module for the web, with TypeScript types) using the
# size-tuned `wasm-release` profile, then prints the gzipped sizes.
# Needs wasm-pack, wasm-bindgen-cli and wasm-opt on PATH: scripts/test-wasm.sh installs them.
set -euo pipefail
cd "$(dirname "$0")/.."

# wasm-pack would download tools it cannot find; with these on PATH it uses them.
# The library alone: the CLI feature (on by default) has no business in a browser.
wasm-pack build --target web --out-dir pkg --profile wasm-release --no-pack "$@" -- --no-default-features >&2

gz() { gzip -9 -c "$1" | wc -c; }
printf '%-28s %10s %10s\n' file bytes gzipped
for f in pkg/serialkit_bg.wasm pkg/serialkit.js pkg/serialkit.d.ts; do
    printf '%-28s %10d %10d\n' "$f" "$(wc -c <"$f")" "$(gz "$f")"
done
