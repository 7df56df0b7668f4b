//! Thin binary: parse arguments, call the library, map errors to exit codes
//! (0 success, 2 bad input or config, 1 internal error).

use clap::Parser;

/// Small blocks from mimalloc, large ones from the system allocator (see Cargo.toml): the
/// history walk's many small, short-lived blocks cost fewer instructions, while the long columns
/// of bars and series keep the system allocator's footprint (mimalloc for every block raised the
/// 200,000-row run's peak RSS by 43%). Results do not depend on the allocator.
#[global_allocator]
static GLOBAL: SplitAlloc = SplitAlloc;

/// Blocks of at most this many bytes (with an alignment of at most 16) go to mimalloc.
const SMALL: usize = 1024;

struct SplitAlloc;

fn small(l: std::alloc::Layout) -> bool {
    l.size() <= SMALL && l.align() <= 16
}

// SAFETY: every block is freed (and reallocated) by the allocator that made it: `small` of the
// block's layout decides, and `dealloc`/`realloc` receive the layout it was allocated with. A
// `realloc` across the threshold allocates in the other one, copies and frees the old block.
unsafe impl std::alloc::GlobalAlloc for SplitAlloc {
    unsafe fn alloc(&self, l: std::alloc::Layout) -> *mut u8 {
        if small(l) {
            unsafe { mimalloc::MiMalloc.alloc(l) }
        } else {
            unsafe { std::alloc::System.alloc(l) }
        }
    }
    unsafe fn alloc_zeroed(&self, l: std::alloc::Layout) -> *mut u8 {
        if small(l) {
            unsafe { mimalloc::MiMalloc.alloc_zeroed(l) }
        } else {
            unsafe { std::alloc::System.alloc_zeroed(l) }
        }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: std::alloc::Layout) {
        if small(l) {
            unsafe { mimalloc::MiMalloc.dealloc(p, l) }
        } else {
            unsafe { std::alloc::System.dealloc(p, l) }
        }
    }
    unsafe fn realloc(&self, p: *mut u8, l: std::alloc::Layout, new_size: usize) -> *mut u8 {
        let Ok(nl) = std::alloc::Layout::from_size_align(new_size, l.align()) else {
            return std::ptr::null_mut();
        };
        match (small(l), small(nl)) {
            (true, true) => unsafe { mimalloc::MiMalloc.realloc(p, l, new_size) },
            (false, false) => unsafe { std::alloc::System.realloc(p, l, new_size) },
            _ => unsafe {
                let q = self.alloc(nl);
                if !q.is_null() {
                    std::ptr::copy_nonoverlapping(p, q, l.size().min(new_size));
                    self.dealloc(p, l);
                }
                q
            },
        }
    }
}

extern "C" {
    /// mimalloc's `mi_option_get` and `mi_option_set` (in the static library the `mimalloc`
    /// crate links).
    fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_e` (libmimalloc-sys 0.1.49,
/// `c_src/mimalloc/v3/include/mimalloc.h`), and its default there (ms).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;
const MI_PURGE_DELAY_DEFAULT: std::ffi::c_long = 1000;

/// Called when the command is done and the process is about to exit. mimalloc's exit handler
/// collects its heaps and, with purging on, returns every freed page to the OS one `madvise` at
/// a time (about 30 calls after a default render, 1-3 ms of the run's wall time); the OS takes
/// all the memory back at exit anyway. A purge delay of -1 turns purging off for that last step.
/// Only when option 15 holds the purge delay's default: a mimalloc whose options moved (or a
/// purge delay set in the environment) is left as it is. (The binary has no test target; this
/// check runs on every exit instead.)
fn skip_exit_purge() {
    // SAFETY: mi_option_get/mi_option_set only read and store an option value; both are thread
    // safe and valid at any time.
    unsafe {
        if mi_option_get(MI_OPTION_PURGE_DELAY) == MI_PURGE_DELAY_DEFAULT {
            mi_option_set(MI_OPTION_PURGE_DELAY, -1);
        }
    }
}

fn main() {
    // A panic is a bug, never the user's fault: say so briefly and exit 1.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("internal error (a bug in marketnote, please report it): {info}");
    }));
    let cli = match marketnote::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap: 0 for --help/--version, 2 for usage errors.
            std::process::exit(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = std::panic::catch_unwind(|| marketnote::run(cli));
    skip_exit_purge();
    match result {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            eprintln!("error: {}", e.one_line());
            std::process::exit(e.exit_code());
        }
        Err(_) => std::process::exit(1),
    }
}
