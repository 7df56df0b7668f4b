//! Atomic output: in-memory [`Outputs`] in, an output folder on disk out. Files go to a temporary
//! folder beside the target, and only then is the folder renamed into
//! place; the previous folder is moved aside and removed after the rename succeeds, so a failure
//! at any step leaves the previous note untouched.

use super::Outputs;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The marker file that identifies a marketnote output folder (safe to replace).
pub const MARKER: &str = ".marketnote";
const MARKER_TEXT: &str =
    "This folder is written by marketnote render and replaced as a whole on the next render.\n";

fn out_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Output { path: path.to_path_buf(), message: e.to_string() }
}

/// Checks that `dir` may be (re)placed: absent, empty, or a previous marketnote output folder.
pub fn check_target(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(Error::Usage(format!("output {} exists and is not a folder", dir.display())));
    }
    let mut entries = std::fs::read_dir(dir).map_err(|e| out_err(dir, e))?;
    if entries.next().is_none() || dir.join(MARKER).is_file() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "output {} is a non-empty folder that was not written by marketnote (no {MARKER} file); \
         refusing to replace it: choose another -o folder or empty it",
        dir.display()
    )))
}

fn unique_suffix() -> String {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{}-{nanos}", std::process::id())
}

/// Writes `out` into `dir` atomically and returns the paths written (sorted; the marker excluded).
pub fn write(dir: &Path, out: &Outputs) -> Result<Vec<PathBuf>> {
    check_target(dir)?;
    let name = dir
        .file_name()
        .ok_or_else(|| Error::Usage(format!("output {} has no folder name", dir.display())))?
        .to_string_lossy()
        .into_owned();
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| out_err(&parent, e))?;
    let tmp = parent.join(format!(".{name}.tmp-{}", unique_suffix()));
    std::fs::create_dir(&tmp).map_err(|e| out_err(&tmp, e))?;

    let result = fill(&tmp, out).and_then(|()| swap(&tmp, dir, &parent, &name));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result?;
    let mut written: Vec<PathBuf> = out.files.keys().map(|k| dir.join(k)).collect();
    written.sort();
    Ok(written)
}

/// Writes every file into the temporary folder.
fn fill(tmp: &Path, out: &Outputs) -> Result<()> {
    std::fs::write(tmp.join(MARKER), MARKER_TEXT).map_err(|e| out_err(&tmp.join(MARKER), e))?;
    for (rel, bytes) in &out.files {
        let p = tmp.join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).map_err(|e| out_err(d, e))?;
        }
        std::fs::write(&p, bytes).map_err(|e| out_err(&p, e))?;
    }
    Ok(())
}

/// Renames `tmp` to `dir`, moving a previous `dir` aside first and removing it only afterwards.
fn swap(tmp: &Path, dir: &Path, parent: &Path, name: &str) -> Result<()> {
    if !dir.exists() {
        return std::fs::rename(tmp, dir).map_err(|e| out_err(dir, e));
    }
    let old = parent.join(format!(".{name}.old-{}", unique_suffix()));
    std::fs::rename(dir, &old)
        .map_err(|e| out_err(dir, format!("cannot move the previous note aside: {e}")))?;
    if let Err(e) = std::fs::rename(tmp, dir) {
        // Put the previous note back before reporting.
        let _ = std::fs::rename(&old, dir);
        return Err(out_err(dir, e));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn outputs(text: &str) -> Outputs {
        let mut files = BTreeMap::new();
        files.insert("note.md".to_string(), text.as_bytes().to_vec());
        files.insert("charts/weekly.png".to_string(), vec![1, 2, 3]);
        Outputs { files }
    }

    #[test]
    fn writes_then_replaces() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("out");
        let w = write(&dir, &outputs("one")).unwrap();
        assert_eq!(w, vec![dir.join("charts/weekly.png"), dir.join("note.md")]);
        std::fs::write(dir.join("stale.txt"), "x").unwrap();
        write(&dir, &outputs("two")).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("note.md")).unwrap(), "two");
        assert!(!dir.join("stale.txt").exists(), "the folder is replaced as a whole");
        // No temporary folders left beside it.
        let names: Vec<_> = std::fs::read_dir(t.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn refuses_foreign_folders_and_files() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("mine");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("thesis.docx"), "precious").unwrap();
        let e = write(&dir, &outputs("x")).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert_eq!(std::fs::read_to_string(dir.join("thesis.docx")).unwrap(), "precious");
        let f = t.path().join("file");
        std::fs::write(&f, "x").unwrap();
        assert_eq!(write(&f, &outputs("x")).unwrap_err().exit_code(), 2);
    }
}
