//! Runs the binary over a few hundred randomly corrupted copies of the sample files (seeded, so
//! every run is the same): byte flips, truncation, deleted, duplicated and swapped lines, swapped
//! fields, junk lines, on the instrument, benchmark, macro files or the config. Every run must exit
//! 0 or 2, never panic, print one `error:` line when it fails, and leave the output folder either
//! wholly replaced (exit 0) or byte-for-byte the previous note (exit 2), with no temporary folder
//! left beside it.

use crate::tree;
use std::path::Path;
use std::process::Command;
use tree::snapshot;

/// Number of corrupted copies; each is run through `check` and `render -o`.
const CASES: u64 = 300;

/// xorshift64*: a tiny seeded generator (no crates needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Bytes that tend to break CSV and TOML readers.
const NASTY: &[u8] = b",;\t\"'\n\r.-+eE0 9nN\0\xff[]=#";

/// Applies 1 to 3 random corruptions to `data`; returns a short description of what was done.
fn corrupt(rng: &mut Rng, data: &mut Vec<u8>) -> String {
    let mut what = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let lines = split_lines(data);
        match rng.below(8) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] = NASTY[rng.below(NASTY.len())];
                what.push(format!("byte {i} set"));
            }
            1 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
                what.push(format!("bit flip at {i}"));
            }
            2 => {
                let i = rng.below(data.len() + 1);
                data.truncate(i);
                what.push(format!("truncated at {i}"));
            }
            3 if lines.len() > 1 => {
                let l = rng.below(lines.len());
                let mut out: Vec<&[u8]> = lines.clone();
                out.remove(l);
                *data = join(&out);
                what.push(format!("line {} deleted", l + 1));
            }
            4 if !lines.is_empty() => {
                let l = rng.below(lines.len());
                let mut out: Vec<&[u8]> = lines.clone();
                out.insert(l, lines[l]);
                *data = join(&out);
                what.push(format!("line {} duplicated", l + 1));
            }
            5 if lines.len() > 2 => {
                let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                let mut out: Vec<&[u8]> = lines.clone();
                out.swap(a, b);
                *data = join(&out);
                what.push(format!("lines {} and {} swapped", a + 1, b + 1));
            }
            6 if !lines.is_empty() => {
                let l = rng.below(lines.len());
                let mut fields: Vec<&[u8]> = lines[l].split(|&b| b == b',').collect();
                if fields.len() > 1 {
                    let (a, b) = (rng.below(fields.len()), rng.below(fields.len()));
                    fields.swap(a, b);
                }
                let new_line = fields.join(&b","[..]);
                let mut out: Vec<&[u8]> = lines.clone();
                out[l] = &new_line;
                *data = join(&out);
                what.push(format!("fields swapped on line {}", l + 1));
            }
            _ => {
                let l = rng.below(lines.len() + 1);
                let junk: Vec<u8> = (0..rng.below(40)).map(|_| NASTY[rng.below(NASTY.len())]).collect();
                let mut out: Vec<&[u8]> = lines.clone();
                out.insert(l.min(out.len()), &junk);
                *data = join(&out);
                what.push(format!("junk line at {}", l + 1));
            }
        }
    }
    what.join(", ")
}

fn split_lines(data: &[u8]) -> Vec<&[u8]> {
    if data.is_empty() {
        return Vec::new();
    }
    data.strip_suffix(b"\n").unwrap_or(data).split(|&b| b == b'\n').collect()
}

fn join(lines: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

/// The sample config, with every path absolute except `replace` (a file in the case folder), and
/// small charts to keep the run short.
fn config_text(data: &Path, replace: Option<(&str, &str)>) -> String {
    let cfg =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/iwm.toml")).unwrap();
    let mut out = String::new();
    for line in cfg.lines() {
        let mut line = line.to_string();
        if let Some(start) = line.find("\"data/") {
            let end = line[start + 1..].find('"').map(|e| start + 1 + e).unwrap();
            let name = &line[start + 6..end];
            let path = match replace {
                Some((n, local)) if n == name => local.to_string(),
                _ => data.join(name).display().to_string(),
            };
            line = format!("{}'{}'{}", &line[..start], path, &line[end + 1..]);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("\n[output.charts]\nwidth = 400\nheight = 300\n");
    out
}

fn run(args: &[&str], dir: &Path) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_marketnote")).args(args).current_dir(dir).output().unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn check_failure_output(code: Option<i32>, stderr: &str, what: &str) {
    assert!(matches!(code, Some(0) | Some(2)), "{what}: exit {code:?}: {stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("internal error"), "{what}: {stderr}");
    if code == Some(2) {
        // One error line, last; warnings about the data (for example an as-of after the last
        // bar of a truncated file) may come before it.
        let lines: Vec<&str> = stderr.lines().collect();
        let errors = lines.iter().filter(|l| l.starts_with("error: ")).count();
        assert!(
            errors == 1
                && lines.last().is_some_and(|l| l.starts_with("error: "))
                && lines.iter().all(|l| l.starts_with("error: ") || l.starts_with("warning: ")),
            "{what}: {stderr:?}"
        );
    }
}

#[test]
fn corrupted_samples_exit_0_or_2_and_never_leave_a_partial_folder() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/data");
    let targets = ["IWM.csv", "IWM.csv", "IWM.csv", "SPY.csv", "FEDFUNDS.csv", "CPIAUCSL.csv", "note.toml"];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let root = tempfile::tempdir().unwrap();
    let (mut ok, mut refused) = (0, 0);
    let started = std::time::Instant::now();
    for case in 0..CASES {
        let dir = root.path().join(format!("case{case}"));
        std::fs::create_dir_all(dir.join("out/charts")).unwrap();
        std::fs::write(dir.join("out/.marketnote"), "previous\n").unwrap();
        std::fs::write(dir.join("out/note.md"), "# The previous note\n").unwrap();
        std::fs::write(dir.join("out/charts/weekly.png"), b"\x89PNG").unwrap();

        let target = targets[rng.below(targets.len())];
        let what;
        if target == "note.toml" {
            let mut text = config_text(&data, None).into_bytes();
            what = format!("case {case}: note.toml: {}", corrupt(&mut rng, &mut text));
            std::fs::write(dir.join("note.toml"), text).unwrap();
        } else {
            let mut bytes = std::fs::read(data.join(target)).unwrap();
            what = format!("case {case}: {target}: {}", corrupt(&mut rng, &mut bytes));
            std::fs::write(dir.join(target), bytes).unwrap();
            std::fs::write(dir.join("note.toml"), config_text(&data, Some((target, target)))).unwrap();
        }

        let (code, stderr) = run(&["check", "note.toml"], &dir);
        check_failure_output(code, &stderr, &format!("check {what}"));

        let before = snapshot(&dir);
        let (code, stderr) = run(&["render", "note.toml", "-o", "out", "--format", "md,html,json"], &dir);
        check_failure_output(code, &stderr, &format!("render {what}"));
        let after = snapshot(&dir);
        let leftovers: Vec<_> = after
            .keys()
            .filter(|p| p.components().count() == 1 && p.to_string_lossy().starts_with(".out."))
            .collect();
        assert!(leftovers.is_empty(), "{what}: temporary folders left: {leftovers:?}");
        if code == Some(0) {
            ok += 1;
            assert!(after.contains_key(Path::new("out/.marketnote")), "{what}");
            assert!(after.contains_key(Path::new("out/note.md")), "{what}");
            assert_ne!(after.get(Path::new("out/note.md")), before.get(Path::new("out/note.md")), "{what}");
            assert!(!after.contains_key(Path::new("out/charts/weekly.png")) || after != before, "{what}");
        } else {
            refused += 1;
            assert_eq!(after, before, "{what}: refused but the folder changed");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
    eprintln!("{CASES} corrupted copies: {ok} rendered, {refused} refused, {:.1?}", started.elapsed());
    // The corruptions must exercise both outcomes, or the test proves little.
    assert!(ok > 10 && refused > 10, "{ok} rendered, {refused} refused");
}
