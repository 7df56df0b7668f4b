#!/bin/sh
# Load-independent cost figures for issue 11 part 4 (the 2-core machine is shared, so wall times
# swing 3x with its load): instructions of the default render (valgrind callgrind; deterministic
# to ~0.1%) and peak RSS / CPU of a render of N synthetic daily rows with base rates and the
# track record (the rows of scripts/big_inputs.sh, first N of them).
# Usage: bench/perf_counts.sh [path/to/marketnote] [N]   (defaults: target/release/marketnote, 200000)
# Needs valgrind, python3 and GNU time (/usr/bin/time).
set -eu
BIN=$(realpath "${1:-target/release/marketnote}")
N=${2:-200000}
ROOT=$(pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$W/cg" "$BIN" render "$ROOT/samples/iwm.toml" -o "$W/note" 2>&1 \
  | sed -n 's/.*I *refs: *\([0-9,]*\).*/default render: \1 instructions/p'
cd "$W"
python3 "$ROOT/scripts/big_csv.py" "$N"
printf '[instrument]\nsymbol = "BIG"\nbars = "BIG.csv"\n[signals]\nhistory_start = "1900-01-01"\n' > big.toml
/usr/bin/time -f "$N rows, render --format md,json: %e s wall, %U s user, %S s sys, %M KB peak RSS" \
  "$BIN" render big.toml -o out --format md,json > /dev/null 2> time.txt || { tail -3 time.txt; exit 1; }
tail -1 time.txt
