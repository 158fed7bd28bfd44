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

/// mimalloc rather than the system allocator, for the binary and for every
/// bench and test that links the library: training on a large log frees and
/// reallocates gigabytes across threads, and glibc's per-thread arenas kept
/// what was freed (the ML-25M peak grew stage by stage, 9.2 GB against
/// 7.5 GB), and a served ML-25M page decodes a 216 MB model (810–881 ms
/// against 538–568 ms whole process).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
