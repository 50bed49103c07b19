#!/usr/bin/env bash
# Times `serialkit check` and `serialkit dupes` on a generated inventory against the tools a user
# would otherwise reach for: python-stdnum's imei.is_valid loop and pandas' duplicated().
#
#   scripts/compare-speed.sh [ROWS] [--ten-million]
#
# ROWS defaults to 1,000,000. --ten-million also runs dupes on a 10,000,000-row serial list.
# Each time is the median of RUNS runs (5 unless RUNS is set).
# Prints measured times, rows per second, ratios and peak memory; nothing is made up or cached
# between runs except the generated input files (in target/speed/).
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${1:-1000000}
big=false
for a in "$@"; do [ "$a" = "--ten-million" ] && big=true; done
dir=target/speed
mkdir -p "$dir"
pip_have() { python3 -c "import $1" 2>/dev/null; }
pip_have stdnum || pip install --quiet python-stdnum
pip_have pandas || pip install --quiet pandas

cargo build --release --quiet
bin=target/release/serialkit
inv=$dir/inventory-$rows.csv
[ -f "$inv" ] || python3 scripts/make-inventory.py "$rows" "$inv" --seed 11

# Every command below, ours and the peers', is run $runs times and its median time reported:
# one run of a 0.15 s command varies by more than the ratios being measured.
runs=${RUNS:-5}

# time_cmd CMD… : the median wall seconds (to the millisecond) of $runs runs, and the largest
# peak KB, into $secs and $kb.
time_cmd() {
    local times=() most=0 start end
    for _ in $(seq "$runs"); do
        start=$(date +%s%N)
        /usr/bin/time -f "%M" -o "$dir/time.txt" "$@" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        times+=("$(( (end - start) / 1000000 ))")
        kb=$(tail -n 1 "$dir/time.txt")
        (( kb > most )) && most=$kb
    done
    secs=$(printf '%s\n' "${times[@]}" | sort -n | awk '{t[NR] = $1} END {printf "%.3f", t[int((NR + 1) / 2)] / 1000}')
    kb=$most
}

size_kb=$(( $(stat -c %s "$inv") / 1024 ))
echo "input: $inv, $rows rows, $size_kb KB, $(nproc) cores"
echo

time_cmd "$bin" check "$inv" -q -o "$dir/checked.csv"
check_s=$secs; check_kb=$kb
time_cmd "$bin" check "$inv" -q -c IMEI --kind imei -o "$dir/imei.csv"
imei_s=$secs
# The same check with only the counts printed: the work the stdnum loop below does (read,
# validate, count), plus the duplicate search.
time_cmd "$bin" check "$inv" -q -c IMEI --kind imei --summary json
imei_count_s=$secs
time_cmd "$bin" dupes "$inv" -q -c "Serial Number" -o "$dir/dupes.csv"
dupes_s=$secs; dupes_kb=$kb

# The peers are timed inside Python, without the interpreter's start-up and imports (which
# favours them), the median of $runs runs like ours.
stdnum_s=$(python3 - "$inv" "$runs" <<'EOF'
import csv, statistics, sys, time
from stdnum import imei
def once():
    t = time.perf_counter()
    with open(sys.argv[1], newline="") as f:
        r = csv.reader(f)
        col = next(r).index("IMEI")
        valid = sum(1 for row in r if row[col] and imei.is_valid(row[col]))
    return time.perf_counter() - t
print(f"{statistics.median_low(once() for _ in range(int(sys.argv[2]))):.3f}")
EOF
)
pandas_s=$(python3 - "$inv" "$runs" <<'EOF'
import statistics, sys, time
import pandas as pd
def once():
    t = time.perf_counter()
    s = pd.read_csv(sys.argv[1], usecols=["Serial Number"], dtype=str)["Serial Number"]
    dup = s.duplicated(keep=False).sum()
    return time.perf_counter() - t
print(f"{statistics.median_low(once() for _ in range(int(sys.argv[2]))):.3f}")
EOF
)

ratio() { python3 -c "print(f'{$1 / $2:.1f}')"; }
per_s() { python3 -c "print(f'{$1 / $2:,.0f}')"; }
echo "| run | time (s) | rows/s | peak memory |"
echo "|---|---|---|---|"
echo "| serialkit check (serial + MAC + IMEI columns) | $check_s | $(per_s "$rows" "$check_s") | $((check_kb / 1024)) MB |"
echo "| serialkit check --column IMEI | $imei_s | $(per_s "$rows" "$imei_s") | |"
echo "| serialkit check --column IMEI --summary json (counts only) | $imei_count_s | $(per_s "$rows" "$imei_count_s") | |"
echo "| python-stdnum imei.is_valid loop (same column) | $stdnum_s | $(per_s "$rows" "$stdnum_s") | |"
echo "| serialkit dupes (exact + near, serial column) | $dupes_s | $(per_s "$rows" "$dupes_s") | $((dupes_kb / 1024)) MB ($(ratio "$dupes_kb" "$size_kb")x the input) |"
echo "| pandas read_csv + duplicated (exact only) | $pandas_s | $(per_s "$rows" "$pandas_s") | |"
echo
echo "IMEI: serialkit is $(ratio "$stdnum_s" "$imei_s")x python-stdnum writing the annotated file," \
    "$(ratio "$stdnum_s" "$imei_count_s")x counting only; dupes: $(ratio "$pandas_s" "$dupes_s")x pandas" \
    "(above 1 = serialkit faster)"

if $big; then
    list=$dir/serials-10m.txt
    [ -f "$list" ] || python3 - "$list" <<'EOF'
import random, sys
r = random.Random(5)
alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
with open(sys.argv[1], "w") as f:
    f.write("Serial Number\n")
    buf = []
    for i in range(10_000_000):
        buf.append("".join(r.choices(alphabet, k=12)))
        if len(buf) == 100_000:
            f.write("\n".join(buf) + "\n")
            buf.clear()
EOF
    size10=$(( $(stat -c %s "$list") / 1024 ))
    time_cmd "$bin" dupes "$list" -q -o "$dir/dupes-10m.csv"
    echo "dupes on 10,000,000 rows: $secs s, peak $((kb / 1024)) MB ($(ratio "$kb" "$size10")x the ${size10} KB input)"
fi
