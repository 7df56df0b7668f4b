#!/usr/bin/env python3
"""Writes tests/fixtures/talib_synthetic.csv: TA-Lib's values on a seeded synthetic OHLCV.

Not run in CI. Needs the pinned PyPI wheel (it bundles the TA-Lib C library):

    python3 -m venv /tmp/talibenv
    /tmp/talibenv/bin/pip install "TA-Lib==0.8.2" "numpy==2.*"
    /tmp/talibenv/bin/python scripts/talib_fixtures.py

The series has 600 bars with the edge cases of SIGNALS.md §7: a flat stretch (O=H=L=C for 30
bars), a zero-volume bar, an opening gap and a single H = L bar. BBANDS and STDDEV cells are left
empty where TA-Lib's sigma < 1e-4 (inside the flat stretch), the one place TA-Lib versions differ. Every float is written in
shortest round-trip form (repr), NaN as an empty cell. The TA-Lib versions go to
tests/fixtures/VERSION.
"""

import csv
import datetime as dt
import os
import platform

import numpy as np
import talib

N = 600
SEED = 20240607
FLAT = range(300, 330)  # flat stretch (prices constant)
ZERO_VOLUME = 150
GAP = 200  # opens 4% above the prior close and never trades back into the gap
HL_EQUAL = 250  # O = H = L = C on one bar

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "talib_synthetic.csv")
VERSION = os.path.join(ROOT, "tests", "fixtures", "VERSION")


def synthetic():
    rng = np.random.RandomState(SEED)
    o, h, l, c, v = (np.empty(N) for _ in range(5))
    prev = 100.0
    for i in range(N):
        if i in FLAT:
            px = round(c[FLAT[0] - 1], 2)
            o[i] = h[i] = l[i] = c[i] = px
            v[i] = 1_000_000.0
            prev = px
            continue
        op = prev * (1.0 + rng.normal(0.0, 0.003))
        if i == GAP:
            op = prev * 1.04
        cl = op * (1.0 + rng.normal(0.0004, 0.012))
        hi = max(op, cl) * (1.0 + abs(rng.normal(0.0, 0.004)))
        lo = min(op, cl) * (1.0 - abs(rng.normal(0.0, 0.004)))
        if i == GAP:
            lo = max(lo, prev * 1.01)
            hi = max(hi, op, cl)
            cl = max(cl, lo)
        if i == HL_EQUAL:
            op = hi = lo = cl = round(prev, 2)
        o[i], h[i], l[i], c[i] = (round(x, 4) for x in (op, hi, lo, cl))
        v[i] = float(rng.randint(500_000, 5_000_000))
        prev = c[i]
    v[ZERO_VOLUME] = 0.0
    return o, h, l, c, v


def main():
    o, h, l, c, v = synthetic()
    cols = {}
    cols["sma_20"] = talib.SMA(c, 20)
    cols["sma_50"] = talib.SMA(c, 50)
    cols["ema_20"] = talib.EMA(c, 20)
    cols["ema_50"] = talib.EMA(c, 50)
    for f, s, g in [(12, 26, 9), (6, 13, 5), (24, 52, 18)]:
        m, sig, hist = talib.MACD(c, f, s, g)
        cols[f"macd_{f}_{s}_{g}"] = m
        cols[f"macd_signal_{f}_{s}_{g}"] = sig
        cols[f"macd_hist_{f}_{s}_{g}"] = hist
    up, mid, lo = talib.BBANDS(c, 20, 2, 2, 0)
    sd = talib.STDDEV(c, 20, 1)
    # SIGNALS.md §2: windows with sigma < 1e-4 are where TA-Lib versions (and the running-sum
    # formula the spec mandates) disagree, so they are left out (empty cells) of the fixture.
    tiny = sd < 1e-4
    for col in (up, mid, lo, sd):
        col[tiny] = np.nan
    cols["bb_upper"], cols["bb_middle"], cols["bb_lower"] = up, mid, lo
    cols["stddev_20"] = sd
    cols["trange"] = talib.TRANGE(h, l, c)
    cols["atr_14"] = talib.ATR(h, l, c, 14)
    cols["atr_20"] = talib.ATR(h, l, c, 20)  # Keltner (TTM) width
    cols["rsi_14"] = talib.RSI(c, 14)
    cols["obv"] = talib.OBV(c, v)
    cols["ad"] = talib.AD(h, l, c, v)
    cols["linearreg_slope_20"] = talib.LINEARREG_SLOPE(c, 20)
    cols["max_20"] = talib.MAX(h, 20)
    cols["min_20"] = talib.MIN(l, 20)
    cols["roc_10"] = talib.ROC(c, 10)

    start = dt.date(2020, 1, 1)
    dates = []
    d = start
    while len(dates) < N:
        if d.weekday() < 5:
            dates.append(d.isoformat())
        d += dt.timedelta(days=1)

    def fmt(x):
        return "" if np.isnan(x) else repr(float(x))

    with open(OUT, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "open", "high", "low", "close", "volume", *cols])
        for i in range(N):
            w.writerow([dates[i], *(fmt(x[i]) for x in (o, h, l, c, v)), *(fmt(col[i]) for col in cols.values())])
    with open(VERSION, "w") as f:
        f.write(f"TA-Lib (PyPI) {talib.__version__}\n")
        f.write(f"TA-Lib C library {talib.__ta_version__.decode()}\n")
        f.write(f"numpy {np.__version__}\n")
        f.write(f"python {platform.python_version()}\n")
        f.write(f"generator scripts/talib_fixtures.py seed {SEED}, {N} bars\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
