//! Offline evaluation: ranking metrics (agreeing with the reference
//! `metrics.py`), the external TSV mode, the protocols over the store, the
//! cold-start protocol and the simulations (A/B test, a new member's first
//! month, the onboarding set).

pub mod abtest;
pub mod artwork_replay;
pub mod churn_risk;
pub mod coldstart;
pub mod coldstart_db;
pub mod coldstart_tsv;
pub mod compare;
pub mod diff;
pub mod external;
pub mod first_month;
pub mod impressions;
pub mod journey;
pub mod metrics;
pub mod onboarding_set;
pub mod protocol;
pub mod retention;
pub mod retention_chart;
pub mod retention_report;
pub mod retention_run;
pub mod snapshot;
pub mod viewer;
pub mod winback;
