//! The `marquee` binary: parses arguments and hands them to the library.
//! Errors are printed as one chain; the exit code is 1 for failures, 2 for
//! usage errors (clap's own).

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    if let Err(err) = cli::run(args) {
        eprintln!("marquee: {err}");
        for cause in err.chain().skip(1) {
            eprintln!("  caused by: {cause}");
        }
        std::process::exit(1);
    }
}
