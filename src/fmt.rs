//! Number formatting for everything the note prints: signs with the typographic minus (U+2212),
//! percents, prices, thousands separators. One place, so a number reads the same in the
//! narrative, the tables, the evidence and the site pages.
//!
//! Conventions: a value that rounds to zero prints unsigned ("0.00", never "−0.00" or
//! "+0.00"); non-finite values print "n/a" where the function says so.

/// `x` with `dp` decimals: "+" or "−" (U+2212) before a non-zero rounded value, nothing before
/// zero. Non-finite values are formatted as Rust does (no "n/a"): see [`signed`].
pub fn signed_body(x: f64, dp: usize) -> String {
    with_sign(format!("{:.*}", dp, x.abs()), x < 0.0)
}

/// An unsigned printed magnitude (`"12.5"`, `"13%"`) with "+" or "−" (U+2212) before it, or
/// nothing when it prints as zero.
fn with_sign(body: String, negative: bool) -> String {
    if body.trim_end_matches('%').chars().all(|c| c == '0' || c == '.') {
        body
    } else if negative {
        format!("−{body}")
    } else {
        format!("+{body}")
    }
}

/// Signed, `dp` decimals, U+2212 minus; zero prints unsigned; "n/a" when not finite.
pub fn signed(x: f64, dp: usize) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    signed_body(x, dp)
}

/// `x` with `dp` decimals and a U+2212 minus before a non-zero rounded negative; no plus sign.
pub fn minus(x: f64, dp: usize) -> String {
    let body = format!("{:.*}", dp, x.abs());
    let zero = body.chars().all(|c| c == '0' || c == '.');
    if x < 0.0 && !zero {
        format!("−{body}")
    } else {
        body
    }
}

/// A fraction as a signed percent, 1 dp: 0.051 → "+5.1%".
pub fn pct(x: f64) -> String {
    format!("{}%", signed(x * 100.0, 1))
}

/// The note's one convention for how far a level is from a close: measured from the close, as a
/// share of the close, `(level − close) / close`; positive when the level is above the close.
/// Every distance to a level the note states (lead, title, Risk table, 3-day section, checklist,
/// the stance's watch and far-stop words) comes from here, so one level never reads as two
/// numbers ("59% above the close" here, "close 37% below" there).
pub fn level_from_close(close: f64, level: f64) -> f64 {
    (level - close) / close
}

/// A level's distance from the close in words, by [`level_from_close`]: "59% above the close",
/// "0.9% below the close", "within 0.1% of the close" (under 0.05%). `close` names the close
/// ("the close", "the last 3-day close").
pub fn level_from_close_words(close: f64, level: f64, what: &str) -> String {
    let d = level_from_close(close, level);
    if !d.is_finite() {
        return format!("n/a from {what}");
    }
    if d.abs() < 0.0005 {
        return format!("within 0.1% of {what}");
    }
    format!("{} {} {what}", pct_abs(d), if d > 0.0 { "above" } else { "below" })
}

/// A fraction as an unsigned percent, 1 dp (0 dp from 10%): 0.051 → "5.1%", 0.128 → "13%".
pub fn pct_abs(x: f64) -> String {
    let v = (x * 100.0).abs();
    if v >= 10.0 {
        format!("{v:.0}%")
    } else {
        format!("{v:.1}%")
    }
}

/// A fraction as a signed percent at the text's precision ([`pct_abs`]: 1 dp, 0 dp from 10%):
/// −0.1253 → "−13%", 0.051 → "+5.1%". A chart label that prints a change the text also states
/// uses this, so one change reads as one figure ("two-year change −13%" beside "lagged SPY by
/// 13%", never "−12.5%" beside "13%").
pub fn pct_change(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    with_sign(pct_abs(x), x < 0.0)
}

/// A published level at the precision it is published with: the fewest decimals, one or two,
/// that give the value back (`4.2` → "4.2", `3.63` → "3.63", `−0.5` → "−0.5"); the unemployment
/// rate is published to one decimal and a yield to two, so text and chart print each as its
/// source does. "n/a" when not finite.
pub fn as_published(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let dp = if ((x * 10.0).round() - x * 10.0).abs() < 1e-6 { 1 } else { 2 };
    minus(x, dp)
}

/// A price, 2 dp, U+2212 minus before any negative; "n/a" when not finite.
pub fn price(x: f64) -> String {
    if x.is_finite() {
        let s = format!("{:.2}", x.abs());
        if x < 0.0 {
            format!("−{s}")
        } else {
            s
        }
    } else {
        "n/a".into()
    }
}

/// `x` with `dp` decimals, U+2212 minus before a non-zero rounded negative ("−1.50"), no plus
/// sign; "n/a" when not finite. Used for levels in tables where the value is a plain quantity.
pub fn fixed(x: f64, dp: usize) -> String {
    if x.is_finite() {
        minus(x, dp)
    } else {
        "n/a".into()
    }
}

/// Digits of an unsigned integer part with a comma every three: "1234567" → "1,234,567".
fn group(int: &str) -> String {
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// `1234567.8` → `1,234,567.8` (U+2212 minus before a non-zero rounded negative); "n/a" when
/// not finite.
pub fn thousands(x: f64, dp: usize) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let s = format!("{:.*}", dp, x.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let grouped = group(int);
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') { "−" } else { "" };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Shares in millions with thousands separators, 1 dp: 4.6985e9 → "4,698.5M" (U+2212 minus
/// before any negative); "n/a" when not finite.
pub fn shares_m(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let s = format!("{:.1}", (x / 1e6).abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "0"));
    format!("{}{}.{frac}M", if x < 0.0 { "−" } else { "" }, group(int))
}

/// "a", "a and b", "a, b and c".
pub fn and_list(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_zero() {
        assert_eq!(signed(-0.004, 2), "0.00");
        assert_eq!(signed(-1.234, 2), "−1.23");
        assert_eq!(signed(0.5, 1), "+0.5");
        assert_eq!(signed(f64::NAN, 2), "n/a");
        assert_eq!(minus(-0.004, 2), "0.00");
        assert_eq!(minus(-2.5, 1), "−2.5");
        assert_eq!(pct(0.051), "+5.1%");
        assert_eq!(pct_abs(-0.128), "13%");
        assert_eq!(price(-0.001), "−0.00");
        assert_eq!(fixed(-1.5, 2), "−1.50");
    }

    #[test]
    fn a_level_prints_as_published() {
        assert_eq!(as_published(4.2), "4.2");
        assert_eq!(as_published(4.0), "4.0");
        assert_eq!(as_published(3.63), "3.63");
        assert_eq!(as_published(-0.5), "−0.5");
        assert_eq!(as_published(4.199999999), "4.2");
        assert_eq!(as_published(f64::NAN), "n/a");
    }

    #[test]
    fn a_change_prints_with_the_texts_digits() {
        // The brief's case: the chart printed −12.5%, the text 12% (now 13% both, rounded once).
        assert_eq!(pct_change(-0.1253), "−13%");
        assert_eq!(pct_change(0.051), "+5.1%");
        assert_eq!(pct_change(0.0), "0.0%");
        for i in -400..400 {
            let x = i as f64 * 0.00137;
            let s = pct_change(x);
            assert_eq!(s.trim_start_matches(['−', '+']), pct_abs(x), "{x}");
        }
    }

    #[test]
    fn thousands_groups() {
        assert_eq!(thousands(1_234_567.84, 1), "1,234,567.8");
        assert_eq!(thousands(-999.0, 0), "−999");
        assert_eq!(thousands(-0.01, 1), "0.0");
        assert_eq!(shares_m(4.6985e9), "4,698.5M");
        assert_eq!(shares_m(-1.2e6), "−1.2M");
    }
}
