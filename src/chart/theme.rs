//! Chart colours for the light and dark themes: a [`Theme`](crate::config::Theme) in, a
//! [`Palette`] out. Up/down colours are a colour-blind-safe blue-green / orange-red pair.

use crate::config::Theme;
use plotters::style::{RGBAColor, RGBColor};

/// Every colour a chart uses.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Palette {
    /// Canvas background.
    pub bg: RGBColor,
    /// Plot-area background (slightly set off from the canvas in the dark theme).
    pub panel: RGBColor,
    /// Gridlines.
    pub grid: RGBColor,
    /// Plot-area frame.
    pub frame: RGBColor,
    /// Main text (titles, labels).
    pub text: RGBColor,
    /// Secondary text (axis ticks, notes).
    pub muted: RGBColor,
    /// Up candles and bars.
    pub up: RGBColor,
    /// Down candles and bars.
    pub down: RGBColor,
    /// Bollinger bands and moving averages.
    pub band: RGBColor,
    /// Compression cluster shading and active bands.
    pub cluster: RGBColor,
    /// Consolidation zone box.
    pub zone: RGBColor,
    /// Reclaimed / stacked levels.
    pub level: RGBColor,
    /// Distribution-day markers.
    pub dist: RGBColor,
    /// Record-volume day.
    pub highlight: RGBColor,
    /// Lower-high markers and risk lines.
    pub risk: RGBColor,
    /// Main data line (OBV, ratio).
    pub line: RGBColor,
    /// Secondary data line (moving average, benchmark).
    pub line2: RGBColor,
    /// Supportive (good for the thesis).
    pub good: RGBColor,
    /// Not supportive.
    pub bad: RGBColor,
}

impl Palette {
    /// The palette of a theme.
    pub fn of(theme: Theme) -> Palette {
        match theme {
            Theme::Light => Palette {
                bg: RGBColor(255, 255, 255),
                panel: RGBColor(255, 255, 255),
                grid: RGBColor(232, 235, 239),
                frame: RGBColor(196, 201, 208),
                text: RGBColor(28, 32, 38),
                muted: RGBColor(92, 99, 110),
                up: RGBColor(0, 137, 123),
                down: RGBColor(214, 69, 65),
                band: RGBColor(120, 134, 156),
                cluster: RGBColor(124, 77, 255),
                zone: RGBColor(230, 145, 0),
                level: RGBColor(25, 103, 210),
                dist: RGBColor(198, 40, 40),
                highlight: RGBColor(221, 160, 0),
                risk: RGBColor(173, 20, 135),
                line: RGBColor(25, 103, 210),
                line2: RGBColor(230, 120, 0),
                good: RGBColor(0, 137, 90),
                bad: RGBColor(200, 50, 50),
            },
            Theme::Dark => Palette {
                bg: RGBColor(15, 17, 21),
                panel: RGBColor(21, 24, 30),
                grid: RGBColor(42, 47, 56),
                frame: RGBColor(70, 77, 89),
                text: RGBColor(230, 234, 240),
                muted: RGBColor(160, 168, 180),
                up: RGBColor(38, 190, 170),
                down: RGBColor(244, 96, 90),
                band: RGBColor(140, 152, 175),
                cluster: RGBColor(160, 130, 255),
                zone: RGBColor(255, 183, 77),
                level: RGBColor(100, 170, 255),
                dist: RGBColor(255, 110, 100),
                highlight: RGBColor(255, 206, 70),
                risk: RGBColor(240, 98, 200),
                line: RGBColor(100, 170, 255),
                line2: RGBColor(255, 160, 60),
                good: RGBColor(60, 200, 140),
                bad: RGBColor(255, 100, 100),
            },
        }
    }

    /// `c` with opacity `a`.
    pub fn alpha(c: RGBColor, a: f64) -> RGBAColor {
        RGBAColor(c.0, c.1, c.2, a)
    }
}
