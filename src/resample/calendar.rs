//! The NYSE calendar 2000–2035: full closures and half-days (SIGNALS.md §1).

use chrono::NaiveDate;

/// True when NYSE holds a regular or half-day session on `d`.
pub fn is_session(d: NaiveDate) -> bool {
    let _ = d;
    todo!("calendar")
}

/// True when `d` is a scheduled half-day session (Jul 3, Dec 24, day after Thanksgiving).
pub fn is_half_day(d: NaiveDate) -> bool {
    let _ = d;
    todo!("calendar")
}

/// Placeholder (sigdaily): quarterly options expiration; replaced when the resample branch lands.
pub fn is_quarterly_opex(d: NaiveDate) -> bool {
    let _ = d;
    todo!("calendar")
}
