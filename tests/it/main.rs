//! The integration tests, one binary: the bundled sample is built (and its
//! ranker trained) once for all of them, not once per file.

mod abtest;
mod cli;
mod coldstart;
mod common;
mod compare;
mod docs;
mod external;
mod fuzz_import;
mod golden;
mod hostile_paths;
mod import_errors;
mod movielens;
mod ranker;
mod reliability;
mod scale;
mod store_safety;
mod terminal;
mod tui;
mod tui_screens;
