//! Float32 noise in vendor price files: some vendors (yfinance among them) store prices as 32-bit
//! floats and write them out as 64-bit, so a quoted 252.21 arrives as 252.2100067138672. This
//! module maps such a value back to the decimal the vendor meant, after parsing and before
//! anything else reads the bars. Values stay `f64` end to end.
//!
//! The rule: a value is rewritten only when it is exactly a 32-bit float, and then to the decimal
//! with the fewest fractional digits (at most 8) that rounds to the same 32-bit float. A value
//! that genuinely has more digits is not a 32-bit float, or is itself that decimal (45.71875),
//! and is left untouched; so is volume, where integers above 2^24 would be rounded.

use super::Bars;

/// The decimal a float32-widened price stands for (252.2100067138672 → 252.21); any other value
/// unchanged. Non-finite values are returned as they are.
pub fn denoise(v: f64) -> f64 {
    if !v.is_finite() {
        return v;
    }
    let f = v as f32;
    if f64::from(f) != v {
        return v;
    }
    // The decimal with the fewest fractional digits (up to 8) that rounds to the same 32-bit
    // float. `m / 10^k` of two exact integers is the f64 nearest that decimal (IEEE division is
    // correctly rounded), so it prints as the decimal itself. No string is built: this runs on
    // every price of every file.
    let mut p = 1.0;
    for _ in 0..=8 {
        let m = (v * p).round();
        if m.abs() >= 9.007_199_254_740_992e15 {
            return v;
        }
        let c = m / p;
        if c as f32 == f {
            return c;
        }
        p *= 10.0;
    }
    v
}

/// Applies [`denoise`] to every price column of `bars` (open, high, low, close, adjusted close),
/// not to volume.
pub fn denoise_prices(bars: &mut Bars) {
    for col in [&mut bars.open, &mut bars.high, &mut bars.low, &mut bars.close] {
        col.iter_mut().for_each(|x| *x = denoise(*x));
    }
    if let Some(adj) = bars.adj_close.as_mut() {
        adj.iter_mut().for_each(|x| *x = denoise(*x));
    }
}

#[cfg(test)]
mod tests {
    use super::denoise;

    #[test]
    fn widened_float32_prices_print_as_the_vendor_quoted_them() {
        assert_eq!(denoise(252.2100067138672).to_string(), "252.21");
        assert_eq!(denoise(63.290000915527344).to_string(), "63.29");
        assert_eq!(denoise(250.3000030517578).to_string(), "250.3");
        assert_eq!(denoise(63.099998474121094).to_string(), "63.1");
    }

    #[test]
    fn values_with_genuine_digits_are_unchanged() {
        for v in [63.29, 45.71875, 0.1, 1234.5678, 101.40000001, 45.3125, 100.0, 0.0, -3.5, 1e-7] {
            assert_eq!(denoise(v).to_bits(), v.to_bits(), "{v}");
        }
        assert!(denoise(f64::NAN).is_nan());
        assert_eq!(denoise(f64::INFINITY), f64::INFINITY);
    }
}
