#!/usr/bin/env python3
"""Writes docs/signal-stats.md from the bundled sample (issue 11, part 6).

For each signal: the share of week-ends since FROM in each state, and the forward 13-week return
of the instrument (and relative to the benchmark) by state; then the same for the stance. Reads
`marketnote backtest` (point in time at every week-end, the note's own code path), so it measures
exactly what the note would have said. Standard library only. Rerun it when a signal changes:

    cargo build --release && python3 scripts/signal_stats.py [path/to/marketnote] > docs/signal-stats.md
"""
import csv
import io
import statistics
import subprocess
import sys

FROM = "2012-01-01"
BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/marketnote"
STATES = ["bullish", "bearish", "neutral", "unavailable"]

out = subprocess.run([BIN, "backtest", "samples/iwm.toml", "--from", FROM], check=True,
                     capture_output=True, text=True).stdout
rows = list(csv.DictReader(io.StringIO(out)))
if not rows:
    sys.exit("no week-ends from backtest")
ids = [c[: -len("_state")] for c in rows[0] if c.endswith("_state")]


def num(s):
    return float(s) if s not in ("", None) else None


def pct(v, pp=False):
    if v is None:
        return "n/a"
    s = f"{v * 100:+.1f}".replace("-", "\u2212")
    return s + (" pp" if pp else "%")


def summary(vals, pp=False):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "n/a", "n/a", "n/a"
    up = sum(1 for v in vals if v > 0) / len(vals)
    return f"{len(vals)}", f"{up * 100:.0f}%", pct(statistics.median(vals), pp)


print("# Signal statistics on the sample")
print()
print(f"Written by `scripts/signal_stats.py` from `marketnote backtest samples/iwm.toml --from {FROM}`: "
      f"{len(rows)} week-ends, {rows[0]['date']} to {rows[-1]['date']}. Every state is computed point in "
      "time (no data after the week-end). Forward returns are close to close over 65 sessions (13 weeks), "
      "IWM alone and IWM minus SPY; windows overlap, so neighbouring week-ends are not independent cases. "
      "Week-ends within 13 weeks of the last date have no outcome yet. Rerun after changing a signal.")
print()
print("## Share of week-ends in each state")
print()
print("| signal | bullish | bearish | neutral | not assessed |")
print("|---|---:|---:|---:|---:|")
for i in ids:
    n = len(rows)
    shares = [sum(1 for r in rows if r[f"{i}_state"] == s) / n for s in STATES]
    print(f"| `{i}` | " + " | ".join(f"{s * 100:.0f}%" for s in shares) + " |")
print()
print("## Forward 13-week return by state")
print()
print("Cases with an outcome, share higher (IWM up; IWM ahead of SPY), median.")
print()
print("| signal | state | cases | IWM higher | IWM median | ahead of SPY | median vs SPY |")
print("|---|---|---:|---:|---:|---:|---:|")
for i in ids:
    for s in ["bullish", "bearish", "neutral"]:
        sel = [r for r in rows if r[f"{i}_state"] == s]
        if not sel:
            continue
        n, up, med = summary([num(r["fwd_13w"]) for r in sel])
        _, ahead, rmed = summary([num(r["rel_13w"]) for r in sel], pp=True)
        print(f"| `{i}` | {s} | {n} | {up} | {med} | {ahead} | {rmed} |")
print()
print("## The stance")
print()
print("The stance as published: after the record check, which holds a long or short at Neutral when its own")
print("point-in-time record does not support it (the note's track-record table counts the score's reading before it).")
print()
print("| stance | week-ends | cases | IWM higher | IWM median | ahead of SPY | median vs SPY |")
print("|---|---:|---:|---:|---:|---:|---:|")
for k in ["Long", "Neutral", "Short"]:
    sel = [r for r in rows if r.get("published_stance", r.get("stance")) == k]
    n, up, med = summary([num(r["fwd_13w"]) for r in sel])
    _, ahead, rmed = summary([num(r["rel_13w"]) for r in sel], pp=True)
    print(f"| {k} | {len(sel)} | {n} | {up} | {med} | {ahead} | {rmed} |")
