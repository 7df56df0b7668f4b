//! Daily bars in, 3-day / weekly / monthly bars out, on the NYSE calendar (SIGNALS.md §1).
//! Only complete bars are returned as bars; the in-progress one is exposed separately.

pub mod calendar;

use crate::data::{Bar, Bars};
use serde::Serialize;

/// A bar timeframe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, PartialOrd, Ord)]
pub enum Timeframe {
    /// One session.
    #[serde(rename = "1D")]
    Daily,
    /// Three scheduled sessions counted from 2000-01-03.
    #[serde(rename = "3D")]
    ThreeDay,
    /// One ISO week.
    #[serde(rename = "1W")]
    Weekly,
    /// One calendar month.
    #[serde(rename = "1M")]
    Monthly,
}

impl Timeframe {
    /// Short code: `1D`, `3D`, `1W`, `1M`.
    pub fn code(self) -> &'static str {
        match self {
            Timeframe::Daily => "1D",
            Timeframe::ThreeDay => "3D",
            Timeframe::Weekly => "1W",
            Timeframe::Monthly => "1M",
        }
    }
    /// Human name: `daily`, `3-day`, `weekly`, `monthly`.
    pub fn name(self) -> &'static str {
        match self {
            Timeframe::Daily => "daily",
            Timeframe::ThreeDay => "3-day",
            Timeframe::Weekly => "weekly",
            Timeframe::Monthly => "monthly",
        }
    }
}

impl std::str::FromStr for Timeframe {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_uppercase().as_str() {
            "1D" | "D" | "DAILY" => Ok(Timeframe::Daily),
            "3D" => Ok(Timeframe::ThreeDay),
            "1W" | "W" | "WEEKLY" => Ok(Timeframe::Weekly),
            "1M" | "M" | "MONTHLY" => Ok(Timeframe::Monthly),
            other => Err(format!("unknown timeframe `{other}` (expected 1D, 3D, 1W or 1M)")),
        }
    }
}

/// Resampled bars: the complete ones, and the in-progress one (commentary only).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resampled {
    /// Complete bars only; appending later daily data never changes them.
    pub bars: Bars,
    /// The in-progress bar, if the last data date does not complete one.
    pub partial: Option<Bar>,
}

/// Resamples daily bars to `tf`. `phase` (0, 1 or 2) shifts the 3-day grouping; ignored otherwise.
/// Daily input is returned as is (all bars complete).
pub fn resample(daily: &Bars, tf: Timeframe, phase: u8) -> Resampled {
    let _ = (daily, tf, phase);
    todo!("resample: SIGNALS.md §1")
}
