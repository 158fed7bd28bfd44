//! The `marquee` binary: parses arguments and hands them to the library.
//! Errors are printed as one chain; the exit code is 1 for failures, 2 for
//! usage errors (clap's own).

mod cli;

use clap::Parser;

fn main() {
    // Rust ignores SIGPIPE, so `marquee rows | head` would panic on the closed
    // pipe; take the default action and end quietly, as other tools do.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to the default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args = cli::Cli::parse();
    if let Err(err) = cli::run(args) {
        eprintln!("marquee: {err}");
        for cause in err.chain().skip(1) {
            eprintln!("  caused by: {cause}");
        }
        std::process::exit(1);
    }
}
