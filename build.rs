//! Build script: links the `marketnote` binary as a position-dependent executable on Linux.
//!
//! As a position-independent executable (PIE), the binary carries ~180,000 relative relocations
//! (4.3 MB of `.rela.dyn`, most of them typst's tables and vtables) that the dynamic loader
//! applies at every start, writing 2.6 MB of `.data.rel.ro` and `.got`: ~710 page faults and
//! ~4 ms of CPU before `main`, on every note (`perf stat -r 40 marketnote --version`: 860 → 150
//! page faults, 6-7 → 2-3 ms task-clock). Linked without PIE, those addresses are fixed when it
//! is linked and nothing is relocated at start. Packing the relocations (`-z
//! pack-relative-relocs`) was measured too: 804 page faults, ~5.5 ms, since the loader still
//! writes every page.
//!
//! The cost: the executable's own code and data lose address randomisation (shared libraries,
//! the stack, the heap and mmap keep theirs). Only the binary is linked this way (`-bins`); the
//! library, tests and benches are not. Other systems link as before.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
