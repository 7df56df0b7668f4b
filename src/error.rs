//! One error type for the whole pipeline. Every variant knows its exit code:
//! 2 for bad input or config (the message names file, line, column or key), 1 for internal errors.

use std::fmt;
use std::path::PathBuf;

/// Where in an input a problem sits: a file and, when known, a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The input file.
    pub file: PathBuf,
    /// 1-based line number, when known.
    pub line: Option<u64>,
    /// 1-based column number (CSV field index + 1), when known.
    pub column: Option<usize>,
}

impl Location {
    /// A location naming only a file.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Location { file: file.into(), line: None, column: None }
    }
    /// A location naming a file and a line.
    pub fn line(file: impl Into<PathBuf>, line: u64) -> Self {
        Location { file: file.into(), line: Some(line), column: None }
    }
    /// A location naming a file, a line and a column.
    pub fn cell(file: impl Into<PathBuf>, line: u64, column: usize) -> Self {
        Location { file: file.into(), line: Some(line), column: Some(column) }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        Ok(())
    }
}

/// Every way a marketnote run can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input data: names the place and says what was found and what was expected.
    #[error("{location}: {message}")]
    Input {
        /// Where the problem is.
        location: Location,
        /// What was found and what was expected.
        message: String,
    },
    /// A bad config value: names the file and the key path (`macro[2].file`).
    #[error("{file}: `{key}`: {message}", file = file.display())]
    Config {
        /// The config file.
        file: PathBuf,
        /// Key path, e.g. `macro[2].file`.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// A bad command-line value or combination (exit 2).
    #[error("{0}")]
    Usage(String),
    /// A template failed to parse or render: names the template, line and problem.
    #[error("template {name}: {message}")]
    Template {
        /// Template name (or path of a user override).
        name: String,
        /// The problem, with line when known.
        message: String,
    },
    /// Writing output failed (exit 1 unless the path itself is bad input).
    #[error("{path}: {message}", path = path.display())]
    Output {
        /// The path being written.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// A bug or an environment failure that is not the user's input.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// Process exit code: 2 for bad input/config/usage/template, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input { .. } | Error::Config { .. } | Error::Usage(_) | Error::Template { .. } => 2,
            Error::Output { .. } | Error::Internal(_) => 1,
        }
    }

    /// The message on one line, for the terminal: line breaks become spaces and other control
    /// characters (escape sequences included) are escaped, so data can neither split nor colour it.
    pub fn one_line(&self) -> String {
        let text = self.to_string();
        let mut out = String::with_capacity(text.len());
        for ch in text.chars() {
            match ch {
                '\n' | '\r' | '\t' => out.push(' '),
                c if c.is_control() => out.extend(c.escape_default()),
                c => out.push(c),
            }
        }
        out
    }

    /// Shorthand for an input error.
    pub fn input(location: Location, message: impl Into<String>) -> Self {
        Error::Input { location, message: message.into() }
    }

    /// Shorthand for a config error.
    pub fn config(file: impl Into<PathBuf>, key: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Config { file: file.into(), key: key.into(), message: message.into() }
    }
}

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
