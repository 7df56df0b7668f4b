//! Small value types shared by `config` (which parses them) and `data` (which applies them),
//! kept here so neither imports the other for them. Re-exported from `crate::data`.

use serde::Serialize;

/// How a macro series is read before signals see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Transform {
    /// The value as published.
    #[default]
    Level,
    /// Year-over-year % change.
    Yoy,
    /// Change over the prior observation.
    Change,
}

/// Which direction of a macro series is supportive for the instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Supportive when the (transformed) series is rising.
    Rising,
    /// Supportive when it is falling.
    Falling,
}
