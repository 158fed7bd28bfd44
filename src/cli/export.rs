//! `marquee export events|catalog --format csv|jsonl|parquet [--out FILE]`:
//! the tables are `marquee::export`'s; this picks the output. Text goes to
//! standard output when no file is named (sanitized on a terminal).

use anyhow::{anyhow, bail, Result};
use marquee::export::{catalog, events, write_file, write_text, Format};
use marquee::store::Store;
use std::path::Path;

pub fn run(
    store: &Store,
    what: &str,
    format: &str,
    out: Option<&Path>,
    feedback: bool,
) -> Result<()> {
    let format = Format::parse(format)
        .ok_or_else(|| anyhow!("--format {format}: use csv, jsonl or parquet"))?;
    if what == "catalog" && feedback {
        bail!("--with-feedback is for `export events`");
    }
    let table = match what {
        "events" => events(store, feedback)?,
        _ => catalog(store)?,
    };
    match out {
        Some(path) => {
            write_file(&table, format, path)?;
            errln!(
                "{} rows of {what} written to {}",
                table.rows(),
                path.display()
            );
        }
        None if format == Format::Parquet => {
            bail!("--format parquet writes a file: give --out FILE")
        }
        // To standard output through the sanitizer, like every other print.
        None => write_text(&table, format, &mut marquee::text::stdout())?,
    }
    Ok(())
}
