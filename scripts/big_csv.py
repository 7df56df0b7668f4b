#!/usr/bin/env python3
"""Writes BIG.csv: N synthetic daily rows (a seeded random walk on weekdays from 1900-01-01),
the input of scripts/big_inputs.sh and bench/perf_counts.sh. Usage: big_csv.py N [OUT]"""
import datetime, random, sys

n_rows = int(sys.argv[1])
out = sys.argv[2] if len(sys.argv) > 2 else "BIG.csv"
random.seed(7)
d = datetime.date(1900, 1, 1); p = 100.0; n = 0
with open(out, "w") as f:
    f.write("Date,Open,High,Low,Close,Volume\n")
    while n < n_rows:
        if d.weekday() < 5:
            o = p; c = max(1.0, p * (1 + random.gauss(0, 0.01))); h = max(o, c) * 1.005; l = min(o, c) * 0.995
            f.write(f"{d.isoformat()},{o:.4f},{h:.4f},{l:.4f},{c:.4f},{random.randint(1000, 9000000)}\n")
            p = c; n += 1
        d += datetime.timedelta(days=1)
