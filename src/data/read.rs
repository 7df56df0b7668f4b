//! Bounded reading of input files: a path and a [`Kind`] in, the file's bytes out, or a
//! [`ReadError`] saying why not. Only regular files are read (a FIFO, device, socket or folder is
//! refused before it is opened, and checked again on the open handle), a file larger than the
//! kind's limit is refused from its size, and the read itself stops one byte past the limit, so
//! no input can block the run or exhaust memory (`/dev/zero`, a FIFO, a huge sparse file).
//!
//! Limits are per kind ([`Kind::limit`]) and can be raised or lowered with an environment
//! variable naming the kind in MiB, e.g. `MARKETNOTE_MAX_BARS_MB=2048`.

use std::fmt;
use std::io::Read;
use std::path::Path;

const MIB: u64 = 1 << 20;

/// What an input file is, for its size limit and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A bar CSV (generous: a century of daily bars is ~3 MiB).
    Bars,
    /// A macro CSV.
    Macro,
    /// A `note.toml` config.
    Config,
    /// A batch manifest (TOML or CSV) or its sibling TOML.
    Manifest,
    /// A previous note's `signals.json` (`render --previous`).
    Previous,
    /// A user template (`*.tera`) or `style.css`.
    Template,
}

impl Kind {
    /// Default limit in MiB.
    pub const fn default_mib(self) -> u64 {
        match self {
            Kind::Bars => 256,
            Kind::Macro => 128,
            Kind::Config => 4,
            Kind::Manifest => 64,
            Kind::Previous => 64,
            Kind::Template => 4,
        }
    }

    /// The environment variable overriding the limit (a whole number of MiB, at least 1).
    pub const fn env_var(self) -> &'static str {
        match self {
            Kind::Bars => "MARKETNOTE_MAX_BARS_MB",
            Kind::Macro => "MARKETNOTE_MAX_MACRO_MB",
            Kind::Config => "MARKETNOTE_MAX_CONFIG_MB",
            Kind::Manifest => "MARKETNOTE_MAX_MANIFEST_MB",
            Kind::Previous => "MARKETNOTE_MAX_PREVIOUS_MB",
            Kind::Template => "MARKETNOTE_MAX_TEMPLATE_MB",
        }
    }

    /// The limit in bytes: the environment override when it is a positive whole number of MiB,
    /// else [`Kind::default_mib`].
    pub fn limit(self) -> u64 {
        let mib = std::env::var(self.env_var())
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|&v| v >= 1)
            .unwrap_or(self.default_mib());
        mib.saturating_mul(MIB)
    }

    fn what(self) -> &'static str {
        match self {
            Kind::Bars => "a bar file",
            Kind::Macro => "a macro file",
            Kind::Config => "a config file",
            Kind::Manifest => "a manifest",
            Kind::Previous => "a previous signals.json",
            Kind::Template => "a template file",
        }
    }
}

/// Why an input could not be read. Its text completes a sentence like "cannot read bar file: …"
/// and names the fix; the caller adds the path and picks the error kind (all are the user's input,
/// exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError(pub String);

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ReadError {}

fn file_type_name(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// An I/O error as a short phrase with its fix (symlink loops and missing files said plainly).
pub fn describe_io(e: &std::io::Error) -> String {
    #[cfg(unix)]
    if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
        return "a symbolic link loop (the link points back at itself): point it at a real file".into();
    }
    match e.kind() {
        std::io::ErrorKind::NotFound => "file not found".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied: make the file readable".into(),
        _ => e.to_string(),
    }
}

fn too_big(kind: Kind, size: u64, limit: u64) -> ReadError {
    ReadError(format!(
        "{} MiB is above the limit of {} MiB for {} (set {} to a larger number of MiB if it is genuine)",
        size.div_ceil(MIB),
        limit / MIB,
        kind.what(),
        kind.env_var()
    ))
}

/// Reads a whole input file with the kind's size limit. Refuses anything but a regular file
/// (after following symbolic links) without blocking on it, and never reads more than the limit
/// plus one byte.
pub fn read(path: &Path, kind: Kind) -> Result<Vec<u8>, ReadError> {
    let limit = kind.limit();
    let meta = std::fs::metadata(path).map_err(|e| ReadError(describe_io(&e)))?;
    let not_regular = |ft: &std::fs::FileType| {
        ReadError(format!(
            "{} is {}, expected {} (a regular file)",
            path.display(),
            file_type_name(ft),
            kind.what()
        ))
    };
    if !meta.is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    if meta.len() > limit {
        return Err(too_big(kind, meta.len(), limit));
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Never block on open if the path was swapped for a FIFO after the check above.
        opts.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = opts.open(path).map_err(|e| ReadError(describe_io(&e)))?;
    let meta = file.metadata().map_err(|e| ReadError(describe_io(&e)))?;
    if !meta.is_file() {
        return Err(not_regular(&meta.file_type()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(limit)).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| ReadError(describe_io(&e)))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(kind, bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// [`read`], then UTF-8: a file that is not UTF-8 says the byte offset where it stops being so.
pub fn read_text(path: &Path, kind: Kind) -> Result<String, ReadError> {
    let bytes = read(path, kind)?;
    String::from_utf8(bytes).map_err(|e| {
        ReadError(format!("not UTF-8 text (byte {}): save the file as UTF-8", e.utf8_error().valid_up_to()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_and_refuses_the_rest() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("a.csv");
        std::fs::write(&f, "date,close\n").unwrap();
        assert_eq!(read(&f, Kind::Bars).unwrap(), b"date,close\n");
        let e = read(t.path(), Kind::Bars).unwrap_err().to_string();
        assert!(e.contains("is a folder"), "{e}");
        let e = read(&t.path().join("missing.csv"), Kind::Bars).unwrap_err().to_string();
        assert!(e.contains("file not found"), "{e}");
        #[cfg(unix)]
        {
            let e = read(Path::new("/dev/zero"), Kind::Bars).unwrap_err().to_string();
            assert!(e.contains("character device"), "{e}");
            let fifo = t.path().join("fifo");
            rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR)
                .unwrap();
            let e = read(&fifo, Kind::Bars).unwrap_err().to_string();
            assert!(e.contains("FIFO"), "{e}");
            let lp = t.path().join("loop");
            std::os::unix::fs::symlink(&lp, &lp).unwrap();
            let e = read(&lp, Kind::Bars).unwrap_err().to_string();
            assert!(e.contains("loop"), "{e}");
        }
    }

    #[test]
    fn a_file_above_the_limit_is_refused_from_its_size() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("big.tera");
        let file = std::fs::File::create(&f).unwrap();
        // Sparse: takes no disk space.
        file.set_len(Kind::Template.limit() + 1).unwrap();
        let e = read(&f, Kind::Template).unwrap_err().to_string();
        assert!(e.contains("above the limit") && e.contains("MARKETNOTE_MAX_TEMPLATE_MB"), "{e}");
        file.set_len(Kind::Template.limit()).unwrap();
        assert_eq!(read(&f, Kind::Template).unwrap().len() as u64, Kind::Template.limit());
    }
}
