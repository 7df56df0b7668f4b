#!/usr/bin/env python3
"""Writes tests/fixtures/bad/: the catalogue of bad inputs (issue 7). Run from the repo root.
Each file is one way a data vendor's file or a hand-edited config goes wrong; tests/it/bad_inputs.rs
holds the exact error each must produce. Deterministic: rerunning gives the same bytes."""
import os

OUT = "tests/fixtures/bad"
H = "Date,Open,High,Low,Close,Volume\n"
ROWS = [
    "2024-01-02,199.40,201.62,198.44,199.52,44341500",
    "2024-01-03,197.40,197.67,193.78,194.20,57532500",
    "2024-01-04,194.06,195.49,193.69,193.82,43114200",
    "2024-01-05,192.69,195.46,192.29,193.25,40964900",
    "2024-01-08,193.29,196.97,192.26,196.73,31545400",
]
SPY = [
    "2024-01-02,472.16,473.67,470.49,472.65,123623700",
    "2024-01-03,470.43,471.19,468.17,468.79,103585900",
    "2024-01-04,468.30,470.96,467.05,467.28,84232200",
    "2024-01-05,467.49,470.44,466.43,467.92,86118900",
    "2024-01-08,468.43,474.75,468.30,474.60,74879100",
]
MACRO = "DATE,FEDFUNDS\n2023-10-01,5.33\n2023-11-01,5.33\n2023-12-01,5.33\n2024-01-01,5.33\n"


def w(name, data):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode, **({} if mode == "wb" else {"newline": ""})) as f:
        f.write(data)


def rows(*edits):
    """The good rows with (index, new_row) replacements."""
    r = list(ROWS)
    for i, new in edits:
        r[i] = new
    return H + "\n".join(r) + "\n"


# good inputs the bad ones are paired with
w("good/IWM.csv", H + "\n".join(ROWS) + "\n")
w("good/SPY.csv", H + "\n".join(SPY) + "\n")
w("good/FEDFUNDS.csv", MACRO)

# --- bar files ---
w("bars/truncated_last_row.csv", H + "\n".join(ROWS[:4]) + "\n" + ROWS[4][:17])
w("bars/truncated_mid_file.csv", rows((2, ROWS[2][:24])))
w("bars/stray_quote_unclosed.csv", rows((1, '2024-01-03,"197.40,197.67,193.78,194.20,57532500')))
w("bars/stray_quote_in_number.csv", rows((1, '2024-01-03,197.40,197"67,193.78,194.20,57532500')))
w("bars/thousands_separator_quoted.csv", rows((1, '2024-01-03,197.40,197.67,193.78,194.20,"57,532,500"')))
w("bars/thousands_separator_unquoted.csv", rows((1, "2024-01-03,197.40,197.67,193.78,194.20,57,532,500")))
w("bars/decimal_comma_in_comma_file.csv", rows((1, '2024-01-03,"197,40",197.67,193.78,194.20,57532500')))
w("bars/thousands_dot_in_semicolon_file.csv",
  "Date;Open;High;Low;Close;Volume\n2024-01-02;199,40;201,62;198,44;199,52;44341500\n"
  "2024-01-03;1.197,40;197,67;193,78;194,20;57532500\n")
w("bars/three_date_formats.csv", rows((1, "2024/01/03,197.40,197.67,193.78,194.20,57532500"),
                                      (2, "01/04/2024,194.06,195.49,193.69,193.82,43114200")))
w("bars/us_date_format.csv", H + "01/02/2024,199.40,201.62,198.44,199.52,44341500\n")
w("bars/day_first_date_format.csv", H + "02.01.2024,199.40,201.62,198.44,199.52,44341500\n")
w("bars/impossible_date.csv", rows((1, "2024-02-30,197.40,197.67,193.78,194.20,57532500")))
w("bars/timezone_named_suffix.csv", H + "2024-01-02 16:00:00 EST,199.40,201.62,198.44,199.52,44341500\n")
w("bars/timezone_mixed_with_plain.csv", rows((2, "2024-01-04T00:00:00-05:00,194.06,195.49,193.69,193.82,43114200")))
w("bars/intraday_timestamps.csv", H + "2024-01-02T14:30:00Z,199.40,201.62,198.44,199.52,44341500\n"
  "2024-01-02T15:30:00Z,199.52,200.10,199.00,199.90,1200000\n")
w("bars/nan_close.csv", rows((1, "2024-01-03,197.40,197.67,193.78,NaN,57532500")))
w("bars/inf_high.csv", rows((1, "2024-01-03,197.40,inf,193.78,194.20,57532500")))
w("bars/minus_inf_low.csv", rows((1, "2024-01-03,197.40,197.67,-inf,194.20,57532500")))
w("bars/overflow_1e400.csv", rows((1, "2024-01-03,197.40,1e400,193.78,194.20,57532500")))
w("bars/nan_volume.csv", rows((1, "2024-01-03,197.40,197.67,193.78,194.20,nan")))
w("bars/negative_volume.csv", rows((1, "2024-01-03,197.40,197.67,193.78,194.20,-57532500")))
w("bars/fractional_volume.csv", rows((1, "2024-01-03,197.40,197.67,193.78,194.20,57532500.5")))
w("bars/volume_with_suffix.csv", rows((1, "2024-01-03,197.40,197.67,193.78,194.20,57.5M")))
w("bars/currency_symbol.csv", rows((1, "2024-01-03,$197.40,197.67,193.78,194.20,57532500")))
w("bars/zero_price.csv", rows((1, "2024-01-03,197.40,197.67,0,194.20,57532500")))
w("bars/negative_price.csv", rows((1, "2024-01-03,-197.40,197.67,193.78,194.20,57532500")))
w("bars/empty_close_cell.csv", rows((1, "2024-01-03,197.40,197.67,193.78,,57532500")))
w("bars/high_below_low.csv", rows((1, "2024-01-03,197.40,193.00,197.67,194.20,57532500")))
w("bars/high_below_close.csv", rows((1, "2024-01-03,197.40,197.67,193.78,198.20,57532500")))
w("bars/low_above_open.csv", rows((1, "2024-01-03,194.00,197.67,195.78,196.20,57532500")))
w("bars/duplicate_date_different_values.csv", rows((2, "2024-01-03,194.06,195.49,193.69,193.82,43114200")))
w("bars/out_of_order_dates.csv", rows((3, "2024-01-01,192.69,195.46,192.29,193.25,40964900")))
w("bars/empty_0_bytes.csv", b"")
w("bars/header_only.csv", H)
w("bars/only_null_rows.csv", H + "2024-01-02,null,null,null,null,null\n2024-01-03,null,null,null,null,null\n")
w("bars/no_close_column.csv", "Date,Open,High,Low,Volume\n2024-01-02,199.40,201.62,198.44,44341500\n")
w("bars/no_date_column.csv", "Open,High,Low,Close,Volume\n199.40,201.62,198.44,199.52,44341500\n")
w("bars/binary_png.png.csv",
  b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa")
w("bars/utf16_excel_export.csv", ("\ufeff" + H + ROWS[0] + "\n").encode("utf-16-le"))
# (huge lines are written by tests/it/bad_inputs.rs into a temporary folder, not committed)
w("bars/footer_text.csv", H + "\n".join(ROWS) + "\nData provided by Example Vendor. All rights reserved.\n")
w("bars/semicolon_rows_in_comma_file.csv", rows((2, "2024-01-04;194.06;195.49;193.69;193.82;43114200")))
w("bars/html_error_page.csv", "<!DOCTYPE html>\n<html><head><title>429 Too Many Requests</title></head></html>\n")

# --- benchmark with no common date ---
w("bench/spy_2019_only.csv", H + "2019-01-02,245.98,251.21,245.95,250.18,126925200\n"
  "2019-01-03,248.23,248.57,243.67,244.21,144140700\n")

# --- macro files ---
w("macro/only_dots.csv", "DATE,FEDFUNDS\n2024-01-01,.\n2024-02-01,.\n2024-03-01,.\n")
w("macro/bad_value.csv", "DATE,FEDFUNDS\n2024-01-01,5.33\n2024-02-01,5.33%\n")
w("macro/out_of_order.csv", "DATE,FEDFUNDS\n2024-01-01,5.33\n2024-03-01,5.33\n2024-02-01,5.33\n")
w("macro/duplicate_date.csv", "DATE,FEDFUNDS\n2024-01-01,5.33\n2024-01-01,5.50\n")
w("macro/one_column.csv", "FEDFUNDS\n5.33\n5.33\n")
w("macro/empty_0_bytes.csv", b"")
w("macro/binary_gzip.csv", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcbH\xcd\xc9\xc9\x07\x00\x86\xa6\x106\x05\x00\x00\x00")

# --- configs (paths relative to this folder) ---
BASE = '[instrument]\nsymbol = "IWM"\nbars = "../good/IWM.csv"\n\n[benchmark]\nsymbol = "SPY"\nbars = "../good/SPY.csv"\n'
MAC = '\n[[macro]]\nid = "fed_funds"\nfile = "../good/FEDFUNDS.csv"\n'
w("config/good.toml", BASE + MAC)
w("config/typo_in_key.toml", BASE.replace('bars = "../good/SPY.csv"', 'bras = "../good/SPY.csv"'))
w("config/typo_in_nested_key.toml", BASE + MAC.replace("file =", "fiel ="))
w("config/typo_in_macro_transform.toml", BASE + MAC + 'transform = "yoyy"\n')
w("config/wrong_type.toml", BASE + '\n[output.charts]\nwidth = "wide"\n')
w("config/syntax_error.toml", BASE + '\n[signals\nhistory_start = "2010-01-04"\n')
w("config/missing_instrument.toml", '[benchmark]\nsymbol = "SPY"\nbars = "../good/SPY.csv"\n')
w("config/bars_is_directory.toml", BASE.replace('"../good/IWM.csv"', '"../good"'))
w("config/bars_not_found.toml", BASE.replace('"../good/IWM.csv"', '"../good/IWM_missing.csv"'))
w("config/duplicate_macro_id.toml", BASE + MAC + MAC)
w("config/negative_release_lag.toml", BASE + MAC + "release_lag_days = -3\n")
w("config/bad_history_start.toml", BASE + '\n[signals]\nhistory_start = "2010-13-04"\n')
w("config/nan_threshold.toml", BASE + "\n[signals]\nlong_threshold = nan\n")
w("config/thresholds_crossed.toml", BASE + "\n[signals]\nlong_threshold = -0.5\n")
w("config/empty_symbol.toml", BASE.replace('symbol = "IWM"', 'symbol = "  "'))
w("config/not_utf8.toml", b"[instrument]\nsymbol = \"IWM\xff\"\nbars = \"../good/IWM.csv\"\n")
w("config/chart_too_small.toml", BASE + "\n[output.charts]\nwidth = 10\n")
w("config/bench_no_overlap.toml", BASE.replace('"../good/SPY.csv"', '"../bench/spy_2019_only.csv"'))
w("config/macro_only_dots.toml", BASE + MAC.replace("../good/FEDFUNDS.csv", "../macro/only_dots.csv"))
w("config/macro_column_missing.toml", BASE + MAC + 'column = "DFF"\n')
