//! The embedded font: DejaVu Sans (regular and bold, `assets/`), registered once with plotters'
//! `ab_glyph` text renderer under the family name `sans-serif`. No system fonts are read.

use plotters::style::{register_font, FontStyle};
use std::sync::OnceLock;

static REGULAR: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/DejaVuSans-Bold.ttf");

/// Registers the embedded fonts (idempotent; thread-safe). Returns an error message when the
/// embedded bytes are not a usable font, which would be a build defect.
pub(crate) fn ensure() -> Result<(), String> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        for (style, bytes) in [(FontStyle::Normal, REGULAR), (FontStyle::Bold, BOLD)] {
            register_font("sans-serif", style, bytes)
                .map_err(|_| "the embedded DejaVu Sans font could not be loaded".to_string())?;
        }
        Ok(())
    })
    .clone()
}
