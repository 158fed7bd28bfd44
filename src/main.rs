//! The `marquee` binary: parses arguments and hands them to the library.
//! Errors are printed as one chain, through the sanitizer like all output;
//! the exit code is 1 for failures, 2 for usage errors (clap's own).

#[macro_use]
extern crate marquee;

mod cli;

use clap::Parser;

fn main() {
    // SIGPIPE stays ignored (Rust's default): an external ranker process that
    // dies must not take Marquee with it. A closed stdout (`marquee rows |
    // head`) ends the process quietly in `text::print_out` instead.
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(e) => {
            // clap quotes the arguments back; they go through the sanitizer too.
            let text = e.to_string();
            if e.use_stderr() {
                err!("{text}");
            } else {
                out!("{text}");
            }
            std::process::exit(e.exit_code());
        }
    };
    if let Err(err) = cli::run(args) {
        let mut said = err.to_string();
        errln!("marquee: {said}");
        for cause in err.chain().skip(1) {
            // A cause its message already quotes (e.g. "No such file or directory") is said once.
            let cause = cause.to_string();
            if !said.contains(&cause) {
                errln!("  caused by: {cause}");
                said.push_str(&cause);
            }
        }
        std::process::exit(1);
    }
}
