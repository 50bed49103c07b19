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
wasm-pack build --target web --out-dir pkg --profile wasm-release "$@" -- --no-default-features >&2

# The same module for Node.js (an ES module that loads the wasm itself), for scripts, servers and
# tests outside a browser: pkg/node/.
target=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
wasm-bindgen --target experimental-nodejs-module --out-dir pkg/node "$target/wasm32-unknown-unknown/wasm-release/serialkit.wasm"

# build.rs compiled vendors/data/ieee/registry.tsv into the build's OUT_DIR; take the newest.
table=$(ls -t "$target"/wasm32-unknown-unknown/wasm-release/build/serialkit-*/out/ieee-registry.bin | head -n 1)
cp "$table" pkg/ieee-registry.bin
# The package ships the registry and the Node build beside the browser module.
node -e '
const fs = require("fs");
const meta = JSON.parse(fs.readFileSync("pkg/package.json", "utf8"));
meta.files = [...new Set([...(meta.files ?? []), "ieee-registry.bin", "node/"])];
meta.exports = { ".": { types: "./serialkit.d.ts", node: "./node/serialkit.js", default: "./serialkit.js" },
  "./ieee-registry.bin": "./ieee-registry.bin" };
fs.writeFileSync("pkg/package.json", JSON.stringify(meta, null, 2) + "\n");
'

gz() { gzip -9 -c "$1" | wc -c; }
printf '%-28s %10s %10s\n' file bytes gzipped
for f in pkg/serialkit_bg.wasm pkg/serialkit.js pkg/serialkit.d.ts pkg/ieee-registry.bin; do
    printf '%-28s %10d %10d\n' "$f" "$(wc -c <"$f")" "$(gz "$f")"
done
