#!/usr/bin/env python3
"""The marketnote job scripted in the Python stack a user would otherwise reach for
(pandas + mplfinance + jinja2 + markdown): the speed baseline of bench/run.sh.

    python3 bench/python_note.py SAMPLES_DIR OUTDIR

Same inputs and outputs as `marketnote render samples/iwm.toml`, in spirit and in volume of work:
- load IWM and SPY daily bars and six FRED series (CSV);
- resample daily bars to weekly, 3-day (NYSE sessions, 3 phases) and monthly bars;
- compute the core indicators on daily, 3-day and weekly bars: SMA 20/50/200, EMA 10/21/30/40,
  RSI 14 (Wilder), MACD 12/26/9, Bollinger 20/2, Keltner 20/1.5 ATR, ATR 14 (Wilder), OBV;
  IWM/SPY ratio with its 30-week average, 13-week change and 5-year percentile; macro
  year-over-year changes and 3-month changes;
- draw five 1400x900 PNG charts: weekly, 3-day and daily candles with overlays, volume and a
  MACD panel (mplfinance), the IWM/SPY ratio and a macro panel (matplotlib);
- fill a jinja2 markdown template, convert it to HTML (markdown) with the charts inlined as
  base64, and write note.md, note.html, signals.json and the PNGs.
It computes fewer signals than marketnote (no pivots, waves or scoring), so the ratio it gives
is conservative for marketnote.
"""
import time

T_START = time.perf_counter()

import base64  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

import jinja2
import markdown
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import mplfinance as mpf  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
T_IMPORTED = time.perf_counter()

HISTORY_START = "2010-01-04"
MACROS = [
    ("fed_funds", "FEDFUNDS", "level"),
    ("dgs2", "DGS2", "level"),
    ("cpi", "CPIAUCSL", "yoy"),
    ("core_cpi", "CPILFESL", "yoy"),
    ("unrate", "UNRATE", "level"),
    ("hy_oas", "BAMLH0A0HYM2", "level"),
]

TEMPLATE = """# {{ sym }} — {{ name }}: {{ title }}

*As of {{ as_of }}. Score {{ "%+.2f"|format(score) }}, stance **{{ stance }}**.*

## Thesis
IWM/SPY is {{ "%.3f"|format(ratio) }}, {{ "%+.1f"|format(ratio_roc13 * 100) }}% over 13 weeks, at the
{{ "%.0f"|format(ratio_pct * 100) }}th percentile of 5 years, {{ "above" if ratio > ratio_sma30 else "below" }} its 30-week average.

![IWM/SPY](charts/relative.png)

## Macro Backdrop
{% for m in macros %}- **{{ m.label }}:** {{ "%.2f"|format(m.value) }} ({{ "%+.2f"|format(m.change) }} over 3 months, as of {{ m.date }})
{% endfor %}
![Macro](charts/macro.png)

## Technical Structure
{% for tf in tfs %}### {{ tf.name }}
Close {{ "%.2f"|format(tf.close) }}; RSI {{ "%.1f"|format(tf.rsi) }}; MACD histogram {{ "%+.3f"|format(tf.hist) }};
Bollinger width {{ "%.3f"|format(tf.bbw) }}; ATR {{ "%.2f"|format(tf.atr) }}; OBV {{ "%.0f"|format(tf.obv) }}.
{% for s in tf.sentences %}- {{ s }}
{% endfor %}
![{{ tf.name }}](charts/{{ tf.file }}.png)

{% endfor %}
## Signals
| indicator | timeframe | value |
|---|---|---|
{% for r in rows %}| {{ r[0] }} | {{ r[1] }} | {{ r[2] }} |
{% endfor %}

## Disclaimer
Not investment advice.
"""

HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>{{ css }}</style></head><body>{{ body }}</body></html>"""
CSS = "body{font:15px/1.5 sans-serif;max-width:60rem;margin:auto}img{max-width:100%}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"


def load_bars(path):
    df = pd.read_csv(path)
    df.columns = [c.strip().lower().replace(" ", "_") for c in df.columns]
    df["date"] = pd.to_datetime(df["date"])
    df = df.set_index("date").sort_index()
    df = df[["open", "high", "low", "close", "volume"]].astype(float).dropna()
    return df


def load_fred(path):
    df = pd.read_csv(path)
    df.columns = ["date", "value"]
    df["date"] = pd.to_datetime(df["date"])
    df["value"] = pd.to_numeric(df["value"], errors="coerce")
    return df.dropna().set_index("date")["value"]


AGG = {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}


def weekly(df):
    w = df.resample("W-FRI").agg(AGG).dropna()
    last = df.groupby(pd.Grouper(freq="W-FRI")).apply(lambda g: g.index.max() if len(g) else pd.NaT).dropna()
    w.index = pd.DatetimeIndex(last.loc[w.index].values)
    return w


def three_day(df, phase):
    g = (np.arange(len(df)) + phase) // 3
    out = df.groupby(g).agg(AGG)
    out.index = df.index.to_series().groupby(g).max().values
    return out


def monthly(df):
    return df.resample("ME").agg(AGG).dropna()


def wilder(s, n):
    return s.ewm(alpha=1.0 / n, adjust=False).mean()


def indicators(df):
    c, h, lo, v = df["close"], df["high"], df["low"], df["volume"]
    out = pd.DataFrame(index=df.index)
    for n in (20, 50, 200):
        out[f"sma_{n}"] = c.rolling(n).mean()
    for n in (10, 21, 30, 40):
        out[f"ema_{n}"] = c.ewm(span=n, adjust=False).mean()
    d = c.diff()
    rs = wilder(d.clip(lower=0), 14) / wilder(-d.clip(upper=0), 14)
    out["rsi_14"] = 100 - 100 / (1 + rs)
    macd = c.ewm(span=12, adjust=False).mean() - c.ewm(span=26, adjust=False).mean()
    out["macd"] = macd
    out["macd_signal"] = macd.ewm(span=9, adjust=False).mean()
    out["macd_hist"] = macd - out["macd_signal"]
    mid = c.rolling(20).mean()
    sd = c.rolling(20).std(ddof=0)
    out["bb_upper"], out["bb_middle"], out["bb_lower"] = mid + 2 * sd, mid, mid - 2 * sd
    out["bb_width"] = (4 * sd) / mid
    tr = pd.concat([h - lo, (h - c.shift()).abs(), (lo - c.shift()).abs()], axis=1).max(axis=1)
    out["atr_14"] = wilder(tr, 14)
    ema20 = c.ewm(span=20, adjust=False).mean()
    out["kc_upper"], out["kc_lower"] = ema20 + 1.5 * out["atr_14"], ema20 - 1.5 * out["atr_14"]
    out["obv"] = (np.sign(d).fillna(0) * v).cumsum()
    return out


def png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


def candle_chart(df, ind, title, n):
    df, ind = df.iloc[-n:], ind.iloc[-n:]
    adds = [
        mpf.make_addplot(ind["ema_21"], color="tab:blue"),
        mpf.make_addplot(ind["sma_50"], color="tab:orange"),
        mpf.make_addplot(ind["bb_upper"], color="grey", linestyle="--"),
        mpf.make_addplot(ind["bb_lower"], color="grey", linestyle="--"),
        mpf.make_addplot(ind["macd_hist"], type="bar", panel=2, color="tab:purple"),
        mpf.make_addplot(ind["macd"], panel=2, color="tab:blue"),
        mpf.make_addplot(ind["macd_signal"], panel=2, color="tab:red"),
    ]
    fig, _ = mpf.plot(df, type="candle", volume=True, addplot=adds, title=title, style="yahoo",
                      figsize=(14, 9), returnfig=True, panel_ratios=(4, 1, 1.5))
    return png(fig)


def main():
    samples, outdir = sys.argv[1], sys.argv[2]
    data = os.path.join(samples, "data")
    iwm = load_bars(os.path.join(data, "IWM.csv"))
    spy = load_bars(os.path.join(data, "SPY.csv"))
    iwm, spy = iwm[iwm.index >= HISTORY_START], spy[spy.index >= HISTORY_START]
    as_of = iwm.index[-1]

    frames = {
        "Weekly": (weekly(iwm), "weekly", 156),
        "3-Day": (three_day(iwm, 0), "3day", 84),
        "Daily": (iwm, "daily", 126),
    }
    extra = [three_day(iwm, 1), three_day(iwm, 2), monthly(iwm)]
    tfs, charts, rows = [], {}, []
    for name, (bars, file, n) in frames.items():
        ind = indicators(bars)
        last = ind.iloc[-1]
        sentences = [
            f"Close is {'above' if bars['close'].iloc[-1] > last['sma_50'] else 'below'} the 50-bar average.",
            f"RSI {last['rsi_14']:.1f} is {'above' if last['rsi_14'] > 50 else 'below'} 50.",
            f"The MACD histogram is {'positive' if last['macd_hist'] > 0 else 'negative'}.",
        ]
        tfs.append(dict(name=name, file=file, close=bars["close"].iloc[-1], rsi=last["rsi_14"],
                        hist=last["macd_hist"], bbw=last["bb_width"], atr=last["atr_14"],
                        obv=last["obv"], sentences=sentences))
        for col in ind.columns:
            rows.append((col, name, f"{last[col]:.4f}"))
        charts[file] = candle_chart(bars, ind, f"IWM {name}", n)
    for e in extra:
        indicators(e)

    wi, ws = weekly(iwm)["close"], weekly(spy)["close"]
    ratio = (wi / ws).dropna()
    sma30 = ratio.rolling(30).mean()
    pct = ratio.rolling(260).apply(lambda x: (x[:-1] <= x[-1]).mean(), raw=True)
    fig, ax = plt.subplots(figsize=(14, 9))
    ax.plot(ratio.iloc[-156:], label="IWM/SPY")
    ax.plot(sma30.iloc[-156:], label="30-week average")
    ax.legend()
    ax.set_title("IWM/SPY weekly")
    charts["relative"] = png(fig)

    macros = []
    fig, axes = plt.subplots(3, 2, figsize=(14, 9))
    for ax, (mid, f, tr) in zip(axes.flat, MACROS):
        s = load_fred(os.path.join(data, f"{f}.csv"))
        s = s[s.index <= as_of]
        if tr == "yoy":
            s = (s / s.shift(12) - 1) * 100
        s = s.dropna()
        m3 = s[s.index <= s.index[-1] - pd.DateOffset(months=3)]
        macros.append(dict(label=mid, value=s.iloc[-1], change=s.iloc[-1] - (m3.iloc[-1] if len(m3) else s.iloc[0]),
                           date=s.index[-1].date()))
        ax.plot(s[s.index >= as_of - pd.DateOffset(years=5)])
        ax.set_title(mid)
    fig.tight_layout()
    charts["macro"] = png(fig)

    env = jinja2.Environment(autoescape=False)
    md = env.from_string(TEMPLATE).render(
        sym="IWM", name="iShares Russell 2000 ETF", title="Are Small Caps Entering Their Next Expansion Phase?",
        as_of=as_of.date(), score=0.1, stance="NEUTRAL", ratio=ratio.iloc[-1], ratio_sma30=sma30.iloc[-1],
        ratio_roc13=ratio.iloc[-1] / ratio.iloc[-14] - 1, ratio_pct=pct.iloc[-1], macros=macros, tfs=tfs, rows=rows)
    body = markdown.markdown(md, extensions=["tables"])
    for name, data_png in charts.items():
        body = body.replace(f'src="charts/{name}.png"', f'src="data:image/png;base64,{base64.b64encode(data_png).decode()}"')
    html = jinja2.Environment(autoescape=True).from_string(HTML).render(title="IWM note", css=CSS, body=jinja2.Markup(body)
                                                                     if hasattr(jinja2, "Markup") else markupsafe_markup(body))

    os.makedirs(os.path.join(outdir, "charts"), exist_ok=True)
    for name, data_png in charts.items():
        with open(os.path.join(outdir, "charts", f"{name}.png"), "wb") as f:
            f.write(data_png)
    with open(os.path.join(outdir, "note.md"), "w") as f:
        f.write(md)
    with open(os.path.join(outdir, "note.html"), "w") as f:
        f.write(html)
    with open(os.path.join(outdir, "signals.json"), "w") as f:
        json.dump({"as_of": str(as_of.date()), "rows": rows}, f, indent=2)


def markupsafe_markup(s):
    import markupsafe

    return markupsafe.Markup(s)


if __name__ == "__main__":
    main()
    if os.environ.get("PYTHON_NOTE_TIMINGS"):
        end = time.perf_counter()
        print(f"python_note: imports {T_IMPORTED - T_START:.3f}s, job {end - T_IMPORTED:.3f}s", file=sys.stderr)
