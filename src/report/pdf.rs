//! PDF: an HTML file in, a PDF file out, printed by headless Chromium with networking and
//! background services off. The creation and modification dates Chromium embeds are rewritten to
//! a fixed value of the same length (offsets stay valid), so the PDF is byte-stable when Chromium
//! itself is (same binary, same fonts).

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Binaries tried in order after `$MARKETNOTE_CHROMIUM`.
pub const CANDIDATES: [&str; 4] = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/// How long Chromium may take to print one note.
const TIMEOUT: Duration = Duration::from_secs(120);

fn in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// Finds a Chromium binary: `$MARKETNOTE_CHROMIUM`, then `chromium`, `chromium-browser`,
/// `google-chrome` on the PATH.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MARKETNOTE_CHROMIUM").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        if p.is_file() {
            return Some(p);
        }
        return in_path(&p.to_string_lossy());
    }
    CANDIDATES.iter().find_map(|c| in_path(c))
}

/// The error printed when no Chromium is installed.
pub fn missing_chromium(pdf: &Path) -> Error {
    Error::Output {
        path: pdf.to_path_buf(),
        message: "--format pdf needs headless Chromium, which was not found: install the `chromium` \
                  package (Debian/Ubuntu: `apt-get install chromium`; Fedora: `dnf install chromium`; \
                  macOS: install Google Chrome) or set MARKETNOTE_CHROMIUM to a Chrome/Chromium binary"
            .into(),
    }
}

/// The command line used to print `html` to `pdf` (exposed for tests and the browser check).
pub fn chromium_args(profile: &Path, extra: &[String], url: &str) -> Vec<String> {
    let mut v: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--hide-scrollbars",
        "--mute-audio",
        // Nothing may leave the machine: every host resolves nowhere.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push(format!("--user-data-dir={}", profile.display()));
    v.extend(extra.iter().cloned());
    v.push(url.to_string());
    v
}

/// `file://` URL of an absolute path (percent-encodes what a URL cannot hold).
pub fn file_url(p: &Path) -> String {
    let mut s = String::from("file://");
    for b in p.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// Runs headless Chromium with `extra` flags on `html`, waiting at most two minutes.
pub fn run_chromium(chromium: &Path, html: &Path, extra: &[String]) -> Result<std::process::Output> {
    let html = std::path::absolute(html)
        .map_err(|e| Error::Output { path: html.to_path_buf(), message: e.to_string() })?;
    let profile = std::env::temp_dir().join(format!(
        "marketnote-chromium-{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
    ));
    let mut child = Command::new(chromium)
        .args(chromium_args(&profile, extra, &file_url(&html)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::Output {
            path: chromium.to_path_buf(),
            message: format!("cannot start Chromium: {e}"),
        })?;
    // Drain both pipes on threads so a chatty Chromium never blocks on a full pipe.
    let mut so = child.stdout.take();
    let mut se = child.stderr.take();
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(s) = so.as_mut() {
            let _ = std::io::Read::read_to_end(s, &mut v);
        }
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(s) = se.as_mut() {
            let _ = std::io::Read::read_to_end(s, &mut v);
        }
        v
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = std::fs::remove_dir_all(&profile);
                return Err(Error::Output {
                    path: html.clone(),
                    message: format!("Chromium did not finish within {} s", TIMEOUT.as_secs()),
                });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(25)),
            Err(e) => {
                let _ = std::fs::remove_dir_all(&profile);
                return Err(Error::Output {
                    path: html.clone(),
                    message: format!("waiting for Chromium: {e}"),
                });
            }
        }
    };
    let stdout = t_out.join().unwrap_or_default();
    let stderr = t_err.join().unwrap_or_default();
    let _ = std::fs::remove_dir_all(&profile);
    Ok(std::process::Output { status, stdout, stderr })
}

/// Prints `html` to `pdf` with headless Chromium, then pins its embedded dates.
pub fn print_to_pdf(html: &Path, pdf: &Path) -> Result<()> {
    let chromium = find_chromium().ok_or_else(|| missing_chromium(pdf))?;
    let pdf_abs = std::path::absolute(pdf)
        .map_err(|e| Error::Output { path: pdf.to_path_buf(), message: e.to_string() })?;
    let extra = vec![
        "--no-pdf-header-footer".to_string(),
        "--run-all-compositor-stages-before-draw".to_string(),
        format!("--print-to-pdf={}", pdf_abs.display()),
    ];
    let out = run_chromium(&chromium, html, &extra)?;
    let bytes = std::fs::read(&pdf_abs).ok().filter(|b| b.starts_with(b"%PDF"));
    let Some(mut bytes) = bytes else {
        let tail: String =
            String::from_utf8_lossy(&out.stderr).lines().rev().take(5).collect::<Vec<_>>().join(" | ");
        return Err(Error::Output {
            path: pdf.to_path_buf(),
            message: format!(
                "Chromium ({}) did not write a PDF (exit {}): {tail}",
                chromium.display(),
                out.status
            ),
        });
    };
    pin_dates(&mut bytes);
    std::fs::write(&pdf_abs, bytes)
        .map_err(|e| Error::Output { path: pdf.to_path_buf(), message: e.to_string() })
}

/// Replaces the digits of every `/CreationDate (D:...)` and `/ModDate (D:...)` with zeros-based
/// fixed digits, keeping the length (so the cross-reference offsets stay valid).
pub fn pin_dates(pdf: &mut [u8]) {
    for key in [&b"/CreationDate (D:"[..], &b"/ModDate (D:"[..]] {
        let mut i = 0;
        while let Some(pos) = find(&pdf[i..], key) {
            let mut j = i + pos + key.len();
            // "20000101000000" then keep any timezone suffix characters as they are but zero digits.
            let fixed = b"20000101000000";
            let mut k = 0;
            while j < pdf.len() && pdf[j] != b')' {
                if pdf[j].is_ascii_digit() {
                    pdf[j] = if k < fixed.len() { fixed[k] } else { b'0' };
                    k += 1;
                }
                j += 1;
            }
            i = j;
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_pinned_in_place() {
        let mut b = b"x /CreationDate (D:20250102030405+01'00') /ModDate (D:20250102030405Z) y".to_vec();
        let n = b.len();
        pin_dates(&mut b);
        assert_eq!(b.len(), n);
        assert_eq!(
            String::from_utf8(b).unwrap(),
            "x /CreationDate (D:20000101000000+00'00') /ModDate (D:20000101000000Z) y"
        );
    }

    #[test]
    fn file_urls_are_encoded() {
        assert_eq!(file_url(Path::new("/tmp/a b/n.html")), "file:///tmp/a%20b/n.html");
    }
}
