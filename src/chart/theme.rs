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
    /// Opacity of a faded mark (the MACD histogram's contracting and fading bars): 0.4 left
    /// them at about 2:1 against the dark panel, near invisible (review 16).
    pub faded: f64,
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
                faded: 0.4,
            },
            Theme::Dark => Palette {
                bg: RGBColor(15, 17, 21),
                panel: RGBColor(21, 24, 30),
                // Grid and frame visible against the panel (1.7:1 and 3.2:1; were 1.3 and 2.1),
                // secondary text 9:1 (was 7.4).
                grid: RGBColor(58, 64, 76),
                frame: RGBColor(104, 112, 128),
                text: RGBColor(236, 240, 245),
                muted: RGBColor(180, 188, 200),
                up: RGBColor(38, 190, 170),
                down: RGBColor(244, 96, 90),
                band: RGBColor(160, 172, 195),
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
                faded: 0.7,
            },
        }
    }

    /// `c` with opacity `a`.
    pub fn alpha(c: RGBColor, a: f64) -> RGBAColor {
        RGBAColor(c.0, c.1, c.2, a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2 relative luminance of an sRGB colour.
    fn lum(c: RGBColor) -> f64 {
        let f = |v: u8| {
            let v = v as f64 / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * f(c.0) + 0.7152 * f(c.1) + 0.0722 * f(c.2)
    }

    /// WCAG 2 contrast ratio of two colours (1 to 21).
    fn contrast(a: RGBColor, b: RGBColor) -> f64 {
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn dark_theme_text_colours_reach_4_5_to_1_and_the_grid_shows() {
        let p = Palette::of(Theme::Dark);
        let text = [
            ("text", p.text),
            ("muted", p.muted),
            ("up", p.up),
            ("down", p.down),
            ("band", p.band),
            ("cluster", p.cluster),
            ("zone", p.zone),
            ("level", p.level),
            ("dist", p.dist),
            ("highlight", p.highlight),
            ("risk", p.risk),
            ("line", p.line),
            ("line2", p.line2),
            ("good", p.good),
            ("bad", p.bad),
        ];
        for bg in [p.bg, p.panel] {
            for (n, c) in text {
                assert!(contrast(c, bg) >= 4.5, "dark {n}: {:.2}:1", contrast(c, bg));
            }
        }
        assert!(contrast(p.grid, p.panel) >= 1.6, "grid {:.2}", contrast(p.grid, p.panel));
        // A faded mark (blended over the panel) still reads: 3:1 at least.
        let blend = |c: RGBColor| {
            let m = |a: u8, b: u8| (a as f64 * p.faded + b as f64 * (1.0 - p.faded)).round() as u8;
            RGBColor(m(c.0, p.panel.0), m(c.1, p.panel.1), m(c.2, p.panel.2))
        };
        for (n, c) in [("up", p.up), ("down", p.down)] {
            assert!(contrast(blend(c), p.panel) >= 3.0, "faded {n}: {:.2}", contrast(blend(c), p.panel));
        }
        assert!(contrast(p.frame, p.panel) >= 3.0, "frame {:.2}", contrast(p.frame, p.panel));
        let l = Palette::of(Theme::Light);
        for (n, c) in [("text", l.text), ("muted", l.muted)] {
            assert!(contrast(c, l.panel) >= 4.5, "light {n}: {:.2}:1", contrast(c, l.panel));
        }
    }
}
