#!/usr/bin/env bash
# Speed bench: a full note (`render` of the bundled sample), a batch of N synthetic symbols
# (default 500, plus 100 to show memory is flat in the number of symbols), and, when Python with
# pandas, mplfinance, jinja2 and markdown is importable, the same note scripted in that stack
# (bench/python_note.py), with the ratio.
#
#   bench/run.sh [N]          # from the repository root
#
# Tools: hyperfine when installed (apt install hyperfine), else a `date +%s.%N` loop;
# GNU time (/usr/bin/time, apt install time) for peak RSS. Scratch files go to a temp dir
# ($BENCH_TMP to choose it), removed at the end. Figures go to stdout.
set -euo pipefail

N="${1:-500}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TMP="${BENCH_TMP:-$(mktemp -d)}"
trap 'rm -rf "$TMP"' EXIT
JOBS="${JOBS:-$(nproc)}"

echo "== building (release)"
cargo build --release --quiet
BIN="$ROOT/target/release/marketnote"
echo "machine: $(nproc) cores, $(uname -sr); load average now: $(cut -d' ' -f1-3 /proc/loadavg)"

have() { command -v "$1" >/dev/null 2>&1; }

# mean_seconds RUNS CMD...: mean wall time of CMD over RUNS runs (after one warm-up).
mean_seconds() {
    local runs="$1"
    shift
    "$@" >/dev/null 2>&1 || true
    local t0 t1
    t0=$(date +%s.%N)
    for _ in $(seq "$runs"); do "$@" >/dev/null 2>&1 || true; done
    t1=$(date +%s.%N)
    echo "($t1 - $t0) / $runs" | bc -l
}

# hyperfine_mean RUNS CMD: mean seconds from hyperfine's JSON export.
hyperfine_mean() {
    local runs="$1" cmd="$2" json="$TMP/hf.json"
    hyperfine -N --warmup 2 --runs "$runs" --export-json "$json" "$cmd" >&2
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["mean"])' "$json"
}

time_cmd() { # time_cmd RUNS CMD (a single string, no shell features)
    if have hyperfine && have python3; then hyperfine_mean "$1" "$2"; else mean_seconds "$1" $2; fi
}

# peak RSS (KB) and wall seconds of one run, from GNU time.
peak() {
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%M %e %U %S" -o "$TMP/time.txt" "$@" >/dev/null 2>"$TMP/stderr.txt" || true
        cat "$TMP/time.txt"
    else
        local t0 t1
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>"$TMP/stderr.txt" || true
        t1=$(date +%s.%N)
        echo "? $(echo "$t1 - $t0" | bc -l) ? ?"
    fi
}

echo
echo "== full note with base rates: marketnote render samples/iwm.toml"
FULL_CMD="$BIN render samples/iwm.toml -o $TMP/note_full"
RUST_FULL=$(time_cmd 10 "$FULL_CMD")
echo "== the same job as the Python script (no base rates): marketnote render --no-base-rates samples/iwm.toml"
RENDER_CMD="$BIN render samples/iwm.toml --no-base-rates -o $TMP/note"
RUST_NOTE=$(time_cmd 20 "$RENDER_CMD")
read -r RSS_NOTE _ _ _ < <(peak $RENDER_CMD)
printf 'render: %.1f ms mean, peak RSS %s KB\n' "$(echo "$RUST_NOTE * 1000" | bc -l)" "$RSS_NOTE"

echo
echo "== batch: synthetic universes (bench/gen_universe.py)"
for n in 100 "$N"; do
    python3 bench/gen_universe.py "$n" "$TMP/u$n"
done
for n in 100 "$N"; do
    rm -rf "$TMP/out$n"
    read -r RSS WALL USR SYS < <(MARKETNOTE_BATCH_TIMINGS=1 peak "$BIN" batch "$TMP/u$n/universe.toml" -o "$TMP/out$n" -j "$JOBS")
    grep -E "ok, .* failed|stage timings" "$TMP/stderr.txt" || true
    printf 'batch %s symbols (-j %s): %.2f s wall, peak RSS %s KB, %.1f ms per symbol\n' \
        "$n" "$JOBS" "$WALL" "$RSS" "$(echo "$WALL * 1000 / $n" | bc -l)"
    if [ "$USR" != "?" ]; then
        # On a shared machine wall time includes waiting for other processes; CPU time does not.
        printf '  CPU %.2f s user + %.2f s sys = %.1f ms per symbol; on %s idle cores: >= %.2f s wall\n' \
            "$USR" "$SYS" "$(echo "($USR + $SYS) * 1000 / $n" | bc -l)" "$JOBS" "$(echo "($USR + $SYS) / $JOBS" | bc -l)"
    fi
    echo "  command: $BIN batch $TMP/u$n/universe.toml -o $TMP/out$n -j $JOBS"
    rm -rf "$TMP/out$n"
done

echo
echo "== Python stack (pandas + mplfinance + jinja2 + markdown)"
if python3 -c 'import pandas, mplfinance, jinja2, markdown' 2>/dev/null; then
    PY_CMD="python3 bench/python_note.py samples $TMP/py"
    PY_NOTE=$(time_cmd 5 "$PY_CMD")
    PYTHON_NOTE_TIMINGS=1 python3 bench/python_note.py samples "$TMP/py" 2>&1 | tail -1
    printf 'python note: %.0f ms mean (process, with imports)\n' "$(echo "$PY_NOTE * 1000" | bc -l)"
    printf 'ratio python / marketnote render (same job, no base rates): %.1fx\n' "$(echo "$PY_NOTE / $RUST_NOTE" | bc -l)"
    printf 'ratio python / marketnote render with base rates (more work than the script): %.1fx\n' "$(echo "$PY_NOTE / $RUST_FULL" | bc -l)"
else
    echo "skipped: python3 cannot import pandas, mplfinance, jinja2 and markdown"
    echo "(pip install pandas mplfinance jinja2 markdown)"
fi
