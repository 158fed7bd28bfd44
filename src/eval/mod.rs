//! Offline evaluation: ranking metrics (agreeing with the reference
//! `metrics.py`), the external TSV mode, and (in later modules) protocols
//! over the store.

pub mod abtest;
pub mod compare;
pub mod diff;
pub mod external;
pub mod journey;
pub mod metrics;
pub mod protocol;
pub mod snapshot;
