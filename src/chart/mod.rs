//! Charts: an [`Analysis`](crate::Analysis) in, PNG bytes (and optional SVG text) out, drawn with
//! plotters and an embedded font. Writes nothing to disk; `report` does.

use serde::Serialize;

/// One rendered chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// File stem: `weekly`, `3day`, `daily`, `relative`, `macro`.
    pub name: String,
    /// Title shown above the chart.
    pub title: String,
    /// Alt text generated from the signal evidence.
    pub alt: String,
    /// PNG bytes.
    #[serde(skip)]
    pub png: Vec<u8>,
    /// SVG text, when asked for.
    #[serde(skip)]
    pub svg: Option<String>,
}

/// Renders every chart of a note: `weekly`, `3day`, `daily`, `relative`, `macro` (those with data).
/// Deterministic: the same analysis gives the same bytes.
pub fn render_all(
    analysis: &crate::Analysis,
    theme: crate::config::Theme,
    cfg: &crate::config::ChartConfig,
) -> crate::error::Result<Vec<Chart>> {
    let _ = (analysis, theme, cfg);
    todo!("charts")
}
