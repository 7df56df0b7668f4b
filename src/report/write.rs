//! Atomic output: in-memory [`Outputs`] in, an output folder on disk out.
//!
//! Files (the PDF among them, already typeset in memory) go to a temporary folder `.NAME.tmp-*`
//! beside the target; only then is the folder swapped into place. On Linux the swap is one `renameat2(RENAME_EXCHANGE)`
//! (the old and new folders trade names in one step, so `NAME` is always either the complete old
//! or the complete new note, even under `kill -9`); elsewhere, or on a file system without it, the
//! previous folder is renamed aside to `.NAME.old-*` first and a later run puts it back if the run
//! died between the two renames. The old note is removed last; a failed removal is an error.
//!
//! Every run writing `NAME` holds the lock file `.NAME.lock` beside it (an advisory `flock`) from
//! before its temporary folder is made until the old note is gone: a concurrent run waits for it
//! (up to [`lock_wait`]) or exits 2 saying the folder is in use. Holding the lock, a run removes
//! the `.NAME.tmp-*` and `.NAME.old-*` leftovers of crashed runs. The lock file itself stays.
//!
//! Paths that cannot work are the user's input (exit 2, naming the path and the fix): an output
//! that is a symbolic link, a file, under a file, ends in `.` or `..`, or whose name leaves no room
//! for the temporary suffix.

use super::Outputs;
use crate::error::{Error, Result};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The marker file that identifies a marketnote output folder (safe to replace).
pub const MARKER: &str = ".marketnote";
const MARKER_TEXT: &str =
    "This folder is written by marketnote render and replaced as a whole on the next render.\n";

/// Longest output folder name (bytes): the temporary `.NAME.tmp-PID-NANOS` must fit the usual
/// 255-byte limit of a file name.
pub const MAX_NAME_BYTES: usize = 200;

/// Default longest wait for another run's lock on the same output, in seconds.
pub const LOCK_WAIT_SECS: u64 = 300;

/// How long a run waits for another run's lock: `MARKETNOTE_LOCK_WAIT_SECS` (whole seconds, 0 =
/// do not wait) or [`LOCK_WAIT_SECS`].
pub fn lock_wait() -> Duration {
    let secs = std::env::var("MARKETNOTE_LOCK_WAIT_SECS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(LOCK_WAIT_SECS);
    Duration::from_secs(secs)
}

fn out_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Output { path: path.to_path_buf(), message: e.to_string() }
}

fn is_loop(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// A validated output path: its parent folder and its own name.
#[derive(Debug, Clone)]
pub struct Target {
    /// The output folder, as given.
    pub dir: PathBuf,
    /// The folder it sits in (`.` for a bare name).
    pub parent: PathBuf,
    /// Its own name.
    pub name: OsString,
}

impl Target {
    /// `.NAME<suffix>` beside the target.
    fn sibling(&self, suffix: &str) -> PathBuf {
        let mut n = OsString::from(".");
        n.push(&self.name);
        n.push(suffix);
        self.parent.join(n)
    }

    /// The lock file `.NAME.lock`.
    pub fn lock_path(&self) -> PathBuf {
        self.sibling(".lock")
    }
}

/// Checks an output path for the faults that are the user's (exit 2, naming the path and the
/// fix): a trailing `.` or `..`, a name too long for the temporary suffix, a symbolic link, an
/// existing file, a parent that is a file or a link loop. `what` names the option (`-o`).
pub fn target(dir: &Path, what: &str) -> Result<Target> {
    let shown = dir.display();
    let bytes = dir.as_os_str().as_encoded_bytes();
    let last = bytes.split(|&b| b == b'/' || (cfg!(windows) && b == b'\\')).rfind(|c| !c.is_empty());
    if matches!(last, Some(b".") | Some(b"..")) {
        return Err(Error::Usage(format!(
            "{what} {shown}: ends in `.` or `..`, which names a folder by its relation to another; \
             give the output folder's own path{}",
            dir.canonicalize().map(|p| format!(" (here `{}`)", p.display())).unwrap_or_default()
        )));
    }
    let name = dir.file_name().map(OsStr::to_os_string).ok_or_else(|| {
        Error::Usage(format!("{what} {shown}: has no folder name; give a folder path such as out/note"))
    })?;
    if name.len() > MAX_NAME_BYTES {
        return Err(Error::Usage(format!(
            "{what} {shown}: the folder name is {} bytes; marketnote writes a temporary folder \
             `.NAME.tmp-…` beside it, so use a name of at most {MAX_NAME_BYTES} bytes",
            name.len()
        )));
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // The parent: absent (created later), a folder, or a fault of the path.
    match std::fs::metadata(&parent) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(Error::Usage(format!(
                "{what} {shown}: {} is a file, so no folder can be made inside it; choose an output \
                 folder that is not under a file",
                parent.display()
            )))
        }
        Err(e) if is_loop(&e) => {
            return Err(Error::Usage(format!(
                "{what} {shown}: a symbolic link on the way to it points back at itself; fix the link \
                 or choose another folder"
            )))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            let file = parent.ancestors().find(|a| a.is_file()).unwrap_or(&parent);
            return Err(Error::Usage(format!(
                "{what} {shown}: {} is a file, so no folder can be made under it; choose an output \
                 folder that is not under a file",
                file.display()
            )));
        }
        Err(_) => {} // absent: created by the write (its own errors are reported there)
    }
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => {
            let to = std::fs::read_link(dir).map(|t| t.display().to_string()).unwrap_or_default();
            let state = match std::fs::metadata(dir) {
                Ok(_) => "",
                Err(e) if is_loop(&e) => " (a link loop)",
                Err(_) => " (its target is missing)",
            };
            return Err(Error::Usage(format!(
                "{what} {shown}: is a symbolic link to `{to}`{state}; marketnote replaces the output \
                 folder as a whole and does not replace links: give the real folder path or remove \
                 the link"
            )));
        }
        Ok(m) if !m.is_dir() => {
            return Err(Error::Usage(format!("{what} {shown} exists and is not a folder")))
        }
        _ => {}
    }
    Ok(Target { dir: dir.to_path_buf(), parent, name })
}

/// Checks that `dir` may be (re)placed: a usable path ([`target`]) that is absent, empty, or a
/// previous marketnote output folder.
pub fn check_target(dir: &Path) -> Result<()> {
    target(dir, "output")?;
    check_contents(dir)
}

fn check_contents(dir: &Path) -> Result<()> {
    let mut entries = match std::fs::read_dir(dir) {
        Ok(it) => it,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(out_err(dir, e)),
    };
    if entries.next().is_none() || dir.join(MARKER).is_file() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "output {} is a non-empty folder that was not written by marketnote (no {MARKER} file); \
         refusing to replace it: choose another -o folder or empty it",
        dir.display()
    )))
}

/// An exclusive advisory lock on a lock file, released when dropped (or when the process dies).
/// On Unix the holder removes the lock file before releasing it, and a run that locks a file checks
/// that the path still names that file (else it locks afresh), so no lock file is left behind and
/// two runs never both hold one.
#[derive(Debug)]
pub struct Lock {
    file: std::fs::File,
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        #[cfg(unix)]
        let _ = std::fs::remove_file(&self.path);
        let _ = fs4::FileExt::unlock(&self.file);
    }
}

/// True when `path` still names the open `file` (Unix: same device and inode).
fn still_named(file: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

/// Takes the exclusive lock on `path` (created if absent), waiting up to `wait` for another
/// holder; after that, exit 2 saying `what` is in use.
pub fn lock(path: &Path, what: &Path, wait: Duration) -> Result<Lock> {
    let open = || {
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(path).map_err(|e| {
            match e.kind() {
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                    Error::Usage(format!(
                        "output {}: cannot create the lock file {}: {e}; choose a writable folder",
                        what.display(),
                        path.display()
                    ))
                }
                _ => out_err(path, format!("cannot create the lock file: {e}")),
            }
        })
    };
    let start = Instant::now();
    let mut said = false;
    let mut file = open()?;
    loop {
        match fs4::FileExt::try_lock(&file) {
            Ok(()) if still_named(&file, path) => return Ok(Lock { file, path: path.to_path_buf() }),
            // The previous holder removed the file as this run locked it: lock the one now there.
            Ok(()) => {
                file = open()?;
                continue;
            }
            Err(fs4::TryLockError::WouldBlock) => {}
            Err(fs4::TryLockError::Error(e)) => return Err(out_err(path, format!("cannot lock: {e}"))),
        }
        let waited = start.elapsed();
        if waited >= wait {
            return Err(Error::Usage(format!(
                "output {} is in use by another marketnote run (it holds {}); waited {}s: try again \
                 when it has finished, or choose another -o folder",
                what.display(),
                path.display(),
                waited.as_secs()
            )));
        }
        if !said && waited >= Duration::from_secs(2) {
            eprintln!("waiting for another marketnote run that is writing {} …", what.display());
            said = true;
        }
        std::thread::sleep(Duration::from_millis(25).min(wait.saturating_sub(waited)));
    }
}

fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{}-{nanos}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// Removes one path whatever it is (a folder tree, a file or a link; links are not followed).
fn remove_any(p: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(p),
        Ok(_) => std::fs::remove_file(p),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// With the lock held: puts back a previous note that a crashed run had moved aside (portable
/// swap killed between its two renames), then removes every `.NAME.tmp-*` and `.NAME.old-*`.
/// Returns the paths it could not remove (reported by the caller as warnings).
fn recover_and_sweep(t: &Target) -> Vec<(PathBuf, std::io::Error)> {
    let mut tmp_prefix = OsString::from(".");
    tmp_prefix.push(&t.name);
    let mut old_prefix = tmp_prefix.clone();
    tmp_prefix.push(".tmp-");
    old_prefix.push(".old-");
    let (tmp_prefix, old_prefix) =
        (tmp_prefix.as_encoded_bytes().to_vec(), old_prefix.as_encoded_bytes().to_vec());
    let Ok(entries) = std::fs::read_dir(&t.parent) else { return Vec::new() };
    let mut olds = Vec::new();
    let mut tmps = Vec::new();
    // Only `<prefix><digits and dashes>`, the names this module makes: `.A.tmp-x.lock` (the
    // lock of a symbol `A.tmp-x`) is not a leftover of `A`.
    let ours = |rest: &[u8]| !rest.is_empty() && rest.iter().all(|b| b.is_ascii_digit() || *b == b'-');
    for e in entries.flatten() {
        let n = e.file_name();
        let b = n.as_encoded_bytes();
        if b.strip_prefix(old_prefix.as_slice()).is_some_and(ours) {
            olds.push(e.path());
        } else if b.strip_prefix(tmp_prefix.as_slice()).is_some_and(ours) {
            tmps.push(e.path());
        }
    }
    olds.sort();
    if std::fs::symlink_metadata(&t.dir).is_err() {
        // Newest first (the suffix is pid-nanos; the nanos decide among runs of one pid only, so
        // prefer the most recently modified).
        olds.sort_by_key(|p| std::fs::symlink_metadata(p).and_then(|m| m.modified()).ok());
        if let Some(i) = olds.iter().rposition(|p| p.join(MARKER).is_file()) {
            let p = olds.remove(i);
            if std::fs::rename(&p, &t.dir).is_err() {
                olds.push(p);
            }
        }
    }
    let mut failed = Vec::new();
    for p in olds.into_iter().chain(tmps) {
        if let Err(e) = remove_any(&p) {
            failed.push((p, e));
        }
    }
    failed
}

/// The steps of [`write`], for tests that stop a write at each of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The lock is held and leftovers swept.
    Locked,
    /// The temporary folder exists (with its marker).
    TmpMade,
    /// One more file is in the temporary folder.
    FileWritten,
    /// Every file is in the temporary folder.
    Filled,
    /// Portable swap: the previous note is aside, the new one not yet in place.
    BetweenRenames,
    /// The new note is in place; the previous one not yet removed.
    Swapped,
}

/// What a stopped (simulated `kill -9`) write returns: no cleanup runs after it.
const KILLED: &str = "killed (test)";

/// Writes `out` into `dir` atomically and returns the paths written (sorted; the marker excluded).
pub fn write(dir: &Path, out: &Outputs) -> Result<Vec<PathBuf>> {
    write_steps(dir, out, cfg!(any(target_os = "linux", target_os = "android")), &mut |_| true)
}

fn write_steps(
    dir: &Path,
    out: &Outputs,
    exchange: bool,
    go_on: &mut dyn FnMut(Step) -> bool,
) -> Result<Vec<PathBuf>> {
    let t = target(dir, "output")?;
    std::fs::create_dir_all(&t.parent).map_err(|e| match e.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            Error::Usage(format!(
                "output {}: cannot create {}: {e}; choose a writable folder",
                dir.display(),
                t.parent.display()
            ))
        }
        _ => out_err(&t.parent, e),
    })?;
    let _lock = lock(&t.lock_path(), dir, lock_wait())?;
    for (p, e) in recover_and_sweep(&t) {
        eprintln!("warning: cannot remove {} left by an earlier run: {e}", p.display());
    }
    // Re-checked under the lock: another run may have changed it since the caller's check.
    let t = target(dir, "output")?;
    check_contents(dir)?;
    let killed = || Error::Internal(KILLED.into());
    if !go_on(Step::Locked) {
        return Err(killed());
    }
    let tmp = t.sibling(&format!(".tmp-{}", unique_suffix()));
    std::fs::create_dir(&tmp).map_err(|e| out_err(&tmp, e))?;
    let result = fill(&tmp, out, go_on).and_then(|()| {
        if go_on(Step::Filled) {
            swap(&tmp, &t, exchange, go_on)
        } else {
            Err(killed())
        }
    });
    let old = match result {
        Ok(old) => old,
        Err(e) => {
            if !matches!(&e, Error::Internal(m) if m == KILLED) {
                let _ = remove_any(&tmp);
            }
            return Err(e);
        }
    };
    if let Some(old) = old {
        if !go_on(Step::Swapped) {
            return Err(killed());
        }
        remove_any(&old).map_err(|e| {
            out_err(
                dir,
                format!(
                    "the new note is in place, but the previous one (moved to {}) could not be removed: \
                     {e}; the next run on this folder removes it, or delete it by hand",
                    old.display()
                ),
            )
        })?;
    }
    let mut written: Vec<PathBuf> = out.files.keys().map(|k| dir.join(k)).collect();
    written.sort();
    Ok(written)
}

/// Writes one file `dir/name` atomically (the batch index beside its note folders): holding the
/// lock `.NAME.lock` in `dir` (as [`write`] does for a folder), it removes the `.NAME.tmp-*`
/// leftovers of crashed runs, writes the bytes to a new `.NAME.tmp-*` file and renames it over
/// `NAME`, so readers see the complete old or the complete new file. `dir` is created if absent.
/// Returns the path written. Errors: `name` not a plain file name (internal); `dir/name` a
/// folder or a symbolic link (exit 2); an I/O failure (exit 1, naming the path).
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    if matches!(name, "" | "." | "..") || name.contains(['/', '\\']) || name.len() > MAX_NAME_BYTES {
        return Err(Error::Internal(format!("write_file: `{name}` is not a plain file name")));
    }
    let path = dir.join(name);
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_symlink() || m.is_dir() => {
            return Err(Error::Usage(format!(
                "output {}: is a {}; marketnote replaces this file and does not replace {}: remove it",
                path.display(),
                if m.is_dir() { "folder" } else { "symbolic link" },
                if m.is_dir() { "folders" } else { "links" },
            )))
        }
        _ => {}
    }
    std::fs::create_dir_all(dir).map_err(|e| out_err(dir, e))?;
    let t = Target { dir: path.clone(), parent: dir.to_path_buf(), name: OsString::from(name) };
    let _lock = lock(&t.lock_path(), &path, lock_wait())?;
    for (p, e) in recover_and_sweep(&t) {
        eprintln!("warning: cannot remove {} left by an earlier run: {e}", p.display());
    }
    let tmp = t.sibling(&format!(".tmp-{}", unique_suffix()));
    let result = std::fs::write(&tmp, bytes)
        .map_err(|e| out_err(&tmp, e))
        .and_then(|()| std::fs::rename(&tmp, &path).map_err(|e| out_err(&path, e)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map(|()| path)
}

/// Writes every file into the temporary folder.
fn fill(tmp: &Path, out: &Outputs, go_on: &mut dyn FnMut(Step) -> bool) -> Result<()> {
    std::fs::write(tmp.join(MARKER), MARKER_TEXT).map_err(|e| out_err(&tmp.join(MARKER), e))?;
    if !go_on(Step::TmpMade) {
        return Err(Error::Internal(KILLED.into()));
    }
    for (rel, bytes) in &out.files {
        let p = tmp.join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).map_err(|e| out_err(d, e))?;
        }
        std::fs::write(&p, bytes).map_err(|e| out_err(&p, e))?;
        if !go_on(Step::FileWritten) {
            return Err(Error::Internal(KILLED.into()));
        }
    }
    Ok(())
}

/// Exchanges the names of two existing paths in one step (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange_names(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange_names(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Puts `tmp` at the target; returns where the previous note now is (to be removed), if any.
fn swap(
    tmp: &Path,
    t: &Target,
    exchange: bool,
    go_on: &mut dyn FnMut(Step) -> bool,
) -> Result<Option<PathBuf>> {
    let dir = &t.dir;
    if std::fs::symlink_metadata(dir).is_err() {
        std::fs::rename(tmp, dir).map_err(|e| out_err(dir, e))?;
        return Ok(None);
    }
    if exchange {
        match exchange_names(tmp, dir) {
            // `tmp` now holds the previous note.
            Ok(()) => return Ok(Some(tmp.to_path_buf())),
            // Not supported here (kernel or file system): the portable swap below.
            Err(e)
                if e.kind() == std::io::ErrorKind::Unsupported
                    || e.kind() == std::io::ErrorKind::InvalidInput
                    || e.raw_os_error() == Some(38) /* ENOSYS */ => {}
            Err(e) => return Err(out_err(dir, format!("cannot swap the new note into place: {e}"))),
        }
    }
    let old = t.sibling(&format!(".old-{}", unique_suffix()));
    std::fs::rename(dir, &old)
        .map_err(|e| out_err(dir, format!("cannot move the previous note aside: {e}")))?;
    if !go_on(Step::BetweenRenames) {
        return Err(Error::Internal(KILLED.into()));
    }
    if let Err(e) = std::fs::rename(tmp, dir) {
        // Put the previous note back before reporting.
        let _ = std::fs::rename(&old, dir);
        return Err(out_err(dir, e));
    }
    Ok(Some(old))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn outputs(text: &str) -> Outputs {
        let mut files = BTreeMap::new();
        files.insert("note.md".to_string(), text.as_bytes().to_vec());
        files.insert("charts/weekly.png".to_string(), text.as_bytes().repeat(3));
        files.insert("signals.json".to_string(), format!("{{\"v\":\"{text}\"}}").into_bytes());
        Outputs { files }
    }

    /// The files of a folder (marker included), or None when it is absent.
    fn snapshot(dir: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
        fn walk(root: &Path, d: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(root, &p, out);
                } else {
                    let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
        if !dir.exists() {
            return None;
        }
        let mut m = BTreeMap::new();
        walk(dir, dir, &mut m);
        Some(m)
    }

    fn expected(text: &str) -> BTreeMap<String, Vec<u8>> {
        let mut m = outputs(text).files;
        m.insert(MARKER.into(), MARKER_TEXT.as_bytes().to_vec());
        m
    }

    fn siblings(parent: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(parent)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_then_replaces() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("out");
        let w = write(&dir, &outputs("one")).unwrap();
        assert_eq!(w, vec![dir.join("charts/weekly.png"), dir.join("note.md"), dir.join("signals.json")]);
        std::fs::write(dir.join("stale.txt"), "x").unwrap();
        write(&dir, &outputs("two")).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("note.md")).unwrap(), "two");
        assert!(!dir.join("stale.txt").exists(), "the folder is replaced as a whole");
        // No temporary folders left beside it; only the lock file.
        assert_eq!(siblings(t.path()), vec!["out"]);
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

    /// A simulated `kill -9` at every step of every write (exchange and portable swaps, first
    /// write and replacement) leaves the complete old or the complete new note, and the next run
    /// removes the leftovers.
    #[test]
    fn a_kill_at_any_step_leaves_the_old_or_the_new_note() {
        for exchange in [true, false] {
            if exchange && !cfg!(any(target_os = "linux", target_os = "android")) {
                continue;
            }
            for first in [true, false] {
                let mut k = 0;
                loop {
                    let t = tempfile::tempdir().unwrap();
                    let dir = t.path().join("out");
                    if !first {
                        write(&dir, &outputs("old")).unwrap();
                    }
                    let mut n = 0;
                    let r = write_steps(&dir, &outputs("new"), exchange, &mut |_| {
                        n += 1;
                        n <= k
                    });
                    let done = r.is_ok();
                    let snap = snapshot(&dir);
                    let ok = snap.as_ref() == Some(&expected("new"))
                        || (first && snap.is_none())
                        || (!first && snap.as_ref() == Some(&expected("old")));
                    // The portable swap killed between its renames: the note is aside until the
                    // next run puts it back (the exchange swap has no such instant).
                    let aside = !exchange && !first && snap.is_none();
                    assert!(ok || aside, "exchange={exchange} first={first} kill at {k}: {snap:?}");
                    if aside {
                        write_steps(&dir, &outputs("new"), exchange, &mut |s| s != Step::Locked).unwrap_err();
                        assert_eq!(snapshot(&dir), Some(expected("old")), "restored by the next run");
                    }
                    // The next run sweeps every leftover.
                    write(&dir, &outputs("next")).unwrap();
                    assert_eq!(snapshot(&dir), Some(expected("next")));
                    assert_eq!(siblings(t.path()), vec!["out"], "exchange={exchange} kill at {k}");
                    if done {
                        break;
                    }
                    k += 1;
                }
                assert!(k >= 5, "every step was visited ({k})");
            }
        }
    }

    #[test]
    fn one_file_is_replaced_atomically_and_leftovers_are_swept() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("out");
        let p = write_file(&dir, "index.html", b"old").unwrap();
        assert_eq!(p, dir.join("index.html"));
        // A crashed run's temporary file (and a lookalike that is not ours) beside it.
        std::fs::write(dir.join(".index.html.tmp-99999-1-0"), "partial").unwrap();
        std::fs::write(dir.join(".index.html.tmp-x"), "not ours").unwrap();
        write_file(&dir, "index.html", b"new").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        assert_eq!(siblings(&dir), vec![".index.html.tmp-x", "index.html"], "swept, lock gone");
        // Folders and names that are not plain file names are refused.
        std::fs::create_dir(dir.join("sub")).unwrap();
        assert_eq!(write_file(&dir, "sub", b"x").unwrap_err().exit_code(), 2);
        for bad in ["", ".", "..", "a/b", "../x"] {
            assert_eq!(write_file(&dir, bad, b"x").unwrap_err().exit_code(), 1, "{bad}");
        }
    }

    #[test]
    fn a_held_lock_makes_a_second_writer_wait_then_fail_with_exit_2() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("out");
        let tg = target(&dir, "-o").unwrap();
        let _held = lock(&tg.lock_path(), &dir, Duration::ZERO).unwrap();
        let e = lock(&tg.lock_path(), &dir, Duration::from_millis(100)).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("in use by another marketnote run"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn paths_that_cannot_work_are_exit_2() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path();
        let file = p.join("file");
        std::fs::write(&file, "x").unwrap();
        let real = p.join("real");
        write(&real, &outputs("x")).unwrap();
        std::os::unix::fs::symlink(p.join("missing"), p.join("dangling")).unwrap();
        std::os::unix::fs::symlink(p.join("loop"), p.join("loop")).unwrap();
        std::os::unix::fs::symlink(&real, p.join("link")).unwrap();
        let long = "n".repeat(MAX_NAME_BYTES + 1);
        for (dir, says) in [
            (p.join("dangling"), "symbolic link"),
            (p.join("loop"), "symbolic link"),
            (p.join("link"), "symbolic link"),
            (p.join("loop/out"), "points back at itself"),
            (file.join("out"), "is a file"),
            (file.join("a/b/out"), "is a file"),
            (p.join("real/."), "ends in `.`"),
            (p.join("real/.."), "ends in `.`"),
            (p.join(&long), "bytes"),
            (file.clone(), "not a folder"),
        ] {
            let e = write(&dir, &outputs("x")).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{}: {e}", dir.display());
            assert!(e.to_string().contains(says), "{}: {e}", dir.display());
        }
        assert!(std::fs::symlink_metadata(p.join("link")).unwrap().file_type().is_symlink(), "link kept");
        assert_eq!(std::fs::read_to_string(real.join("note.md")).unwrap(), "x");
    }

    #[cfg(unix)]
    #[test]
    fn a_failed_removal_of_the_old_note_is_an_error() {
        use std::os::unix::fs::MetadataExt;
        use std::os::unix::fs::PermissionsExt;
        let t = tempfile::tempdir().unwrap();
        // Root ignores permissions; nothing to test then.
        if std::fs::metadata(t.path()).unwrap().uid() == 0 {
            return;
        }
        let dir = t.path().join("out");
        write(&dir, &outputs("old")).unwrap();
        std::fs::set_permissions(dir.join("charts"), std::fs::Permissions::from_mode(0o555)).unwrap();
        let e = write(&dir, &outputs("new")).unwrap_err();
        assert!(e.to_string().contains("could not be removed"), "{e}");
        assert_eq!(std::fs::read_to_string(dir.join("note.md")).unwrap(), "new");
        for e in std::fs::read_dir(t.path()).unwrap() {
            let p = e.unwrap().path();
            if p.join("charts").exists() {
                std::fs::set_permissions(p.join("charts"), std::fs::Permissions::from_mode(0o755)).unwrap();
            }
        }
    }
}
