#!/bin/sh
# Peak-memory check for big inputs (issue 7, part 4): 1,000,000 synthetic daily rows (48 MB CSV)
# through check, render and export. Needs python3 and GNU time (/usr/bin/time, Debian `time`).
# Usage: scripts/big_inputs.sh [path/to/marketnote]   (default: target/release/marketnote)
set -eu
ROOT=$(pwd)
BIN=$(realpath "${1:-target/release/marketnote}")
W=$(mktemp -d)
cd "$W"
python3 "$ROOT/scripts/big_csv.py" 1000000
printf '[instrument]\nsymbol = "BIG"\nbars = "BIG.csv"\n[signals]\nhistory_start = "1900-01-01"\n' > big.toml
run() {
  /usr/bin/time -v "$BIN" "$@" > /dev/null 2> time.txt || { tail -3 time.txt; exit 1; }
  printf '%-40s %8s KB peak RSS, %s\n' "$*" \
    "$(sed -n 's/.*Maximum resident set size (kbytes): //p' time.txt)" \
    "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' time.txt)"
}
ls -l BIG.csv
run check big.toml
# Base rates and the track record walk every past week end (linear in history since issue 11).
run render big.toml -o out --format md,json --no-base-rates
run render big.toml -o out --format md,json
run export big.toml --timeframe 1W
run export big.toml --timeframe 1D
rm -rf "$W"
