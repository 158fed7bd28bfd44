//! Marquee: a terminal catalog browser that shows how a streaming-service
//! personalization system behaves. The library holds everything; the
//! `marquee` binary only parses arguments and prints.
//!
//! Dependencies point one way: `rank` uses `store` and `catalog`; `store`
//! uses `catalog`; nothing here knows about the terminal.

pub mod assets;
pub mod catalog;
pub mod eval;
pub mod export;
pub mod rank;
pub mod session;
pub mod store;
#[doc(hidden)]
pub mod testkit;
pub mod text;
pub mod tui;
