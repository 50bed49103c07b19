#!/usr/bin/env bash
# Builds the WebAssembly package and runs its tests: the JS API in headless Chromium
# (wasm-bindgen-test, tests/wasm.rs) and the asset-intake page end to end (www/e2e.test.mjs).
# Installs what is missing first; when everything is there, the checks take a second. Safe to
# run again.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }
sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

step "tools"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

have wasm-pack || cargo install wasm-pack --locked

# wasm-bindgen-cli must be exactly the wasm-bindgen version in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
got=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$got" != "$want" ]; then
    # --locked can fail when a locked dependency was yanked; then let cargo pick.
    cargo install wasm-bindgen-cli --version "=$want" --locked --force ||
        cargo install wasm-bindgen-cli --version "=$want" --force
fi

# (No binaryen: wasm-opt is off in Cargo.toml, see [package.metadata.wasm-pack].)
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    sudo_ apt-get update
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
fi

if [ ! -d www/node_modules/playwright-core ] || [ ! -d www/node_modules/typescript ]; then
    (cd www && npm ci --no-audit --no-fund)
fi

step "build pkg/"
scripts/build-wasm.sh

step "wasm-bindgen-test in headless Chromium (tests/wasm.rs and the library's browser-ready tests)"
# What `wasm-pack test --headless --chrome -- --test …` runs, minus its `cargo build --tests`,
# which would compile every native-only test file (proptest, the CLI) for wasm32 too.
# Chromium's flags are in webdriver.json.
CHROMEDRIVER=/usr/bin/chromedriver \
    WASM_BINDGEN_TEST_TIMEOUT=120 \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test --target wasm32-unknown-unknown --no-default-features \
        --test wasm --test rule_examples --test typing --test identification

step "library unit tests on wasm32 in node (the regex-lite side of tests/data/regex-agreement.tsv)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test --target wasm32-unknown-unknown --no-default-features --lib

step "TypeScript types (www/types.test.ts against pkg/serialkit.d.ts)"
(cd www && node_modules/.bin/tsc -p .)

step "Node.js build (www/node.test.mjs) and end-to-end in Chromium (www/e2e.test.mjs)"
(cd www && node --test node.test.mjs e2e.test.mjs)
