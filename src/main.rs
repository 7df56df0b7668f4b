//! Thin binary: parse arguments, call the library, map errors to exit codes
//! (0 success, 2 bad input or config, 1 internal error).

use clap::Parser;

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
    match std::panic::catch_unwind(|| marketnote::run(cli)) {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            eprintln!("error: {}", e.one_line());
            std::process::exit(e.exit_code());
        }
        Err(_) => std::process::exit(1),
    }
}
