#!/usr/bin/env bash
# Runs each fuzz target (fuzz/fuzz_targets/) for SECONDS (300 by default), one after another,
# one job each, under nice, and prints what each did: runs, runs per second, coverage, crashes.
#
#   scripts/fuzz.sh [SECONDS] [TARGET…]     fuzz (all targets unless some are named)
#   scripts/fuzz.sh --cmin [TARGET…]        merge what the runs found into the committed corpus
#
# The committed corpus is kept small: after `cargo fuzz cmin`, a sample of it (in the order of
# the files' hash names, so a mix of sizes) up to 256 files and 16 KB a target (64 KB for the
# rule-file and file readers' targets, whose inputs are larger).
#
# Inputs the fuzzer finds go to fuzz/work/<target>/ (not committed); the committed corpus
# fuzz/corpus/<target>/ and seeds written from the sourced examples (fuzz/seeds.py) are read.
# A crash stops its target and leaves the input in fuzz/artifacts/<target>/: fix the bug, copy
# the input to fuzz/regressions/<target>/ and `cargo test --test fuzz_corpus` replays it.
# Needs cargo-fuzz (installed when missing); stable Rust runs it with RUSTC_BOOTSTRAP=1.
set -euo pipefail
cd "$(dirname "$0")/.."

all=(decode decode_vendor check_partial mac gs1 rules csv sheet)
cmin=false
if [[ ${1:-} == --cmin ]]; then
    cmin=true
    shift
fi
seconds=300
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
fi
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all[@]}")

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# cargo-fuzz passes nightly-only flags (-Zsanitizer); this lets the stable compiler take them.
export RUSTC_BOOTSTRAP=1

# Values are short (no identifier takes more than 256 characters); files and rule files are not.
max_len() {
    case $1 in
        rules | csv | sheet) echo 65536 ;;
        *) echo 1024 ;;
    esac
}

# Bytes of committed corpus a target keeps.
budget() {
    case $1 in
        rules | csv | sheet) echo 65536 ;;
        *) echo 16384 ;;
    esac
}

seeds=fuzz/work/seeds
rm -rf "$seeds"
python3 fuzz/seeds.py "$seeds"
# Built once, then each binary is run directly: editing the sources during a long run changes
# nothing until the next one.
nice -n 10 cargo fuzz build -O
bin=fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release

summary=()
for target in "${targets[@]}"; do
    work=fuzz/work/$target
    committed=fuzz/corpus/$target
    mkdir -p "$work" "$committed" "$seeds/$target"
    if $cmin; then
        # Everything found so far, minimized: the smallest set of inputs with the same coverage.
        cp -n "$work"/* "$committed"/ 2>/dev/null || true
        nice -n 10 cargo fuzz cmin -O "$target" "$committed" -- -max_len="$(max_len "$target")" 2>&1 | tail -n 2
        total=0
        files=0
        keep=$(budget "$target")
        while read -r file size; do
            if [[ $((total + size)) -le $keep && $files -lt 256 ]]; then
                total=$((total + size))
                files=$((files + 1))
            else
                rm "$file"
            fi
        done < <(find "$committed" -type f -printf '%p %s\n' | sort)
        bytes=$(find "$committed" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
        summary+=("$target: $(find "$committed" -type f | wc -l) inputs, $bytes bytes")
        continue
    fi
    log=fuzz/work/$target.log
    printf '\n== %s: %s s\n' "$target" "$seconds"
    status=0
    began=$(date +%s)
    mkdir -p "fuzz/artifacts/$target"
    nice -n 10 "$bin/$target" "$work" "$committed" "$seeds/$target" -artifact_prefix="fuzz/artifacts/$target/" \
        -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 >"$log" 2>&1 || status=$?
    took=$(($(date +%s) - began))
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1 || echo 'cov: ?')
    found=$(grep -c 'Test unit written to' "$log" || true)
    line="$target: $took s, $runs runs, $speed/s, $cov, crashes: $found (exit $status)"
    echo "$line"
    [[ $found -eq 0 ]] || grep -m 3 -A 3 'panicked at\|ERROR: libFuzzer\|Test unit written' "$log" || true
    summary+=("$line")
done
printf '\n%s\n' "${summary[@]}"
