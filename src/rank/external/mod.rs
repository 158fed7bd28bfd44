//! External rankers: scores for a page from outside Marquee — a long-lived
//! process speaking JSON lines (`--ranker 'CMD ARGS'`), an HTTP endpoint
//! (`--ranker http://…`) or a precomputed scores file (`--ranker-file`).
//! Marquee still assembles the page (rows, order, diversity, exploration,
//! artwork) over those scores; a ranker that fails a page is reported as a
//! [`Fault`] and the page falls back to Marquee's own scores, marked so.
//! The one place pages read it is `PageScorer::new` (via `RankerConfig`).

mod http;
mod place;
mod process;
pub mod protocol;
mod table;
mod table_parquet;

pub use place::place;
pub use table::{ScoresTable, TableError, TableReport};

use crate::rank::{Context, Model, ProfileState};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// The default budget of one page's scores (`--ranker-timeout`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);
/// How long a ranker may take to answer the hello (it may train first).
pub const START_TIMEOUT: Duration = Duration::from_secs(120);
/// Scores asked for per page: at least this many candidates (or all of them).
pub const WANT: usize = 200;

/// What one page asks the ranker.
pub struct Ask<'a> {
    pub model: &'a Model,
    pub profile: &'a ProfileState,
    pub ctx: &'a Context,
    /// Title indices the page may show, in catalog order.
    pub candidates: &'a [usize],
    pub want: usize,
}

/// One title's external score.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub title: usize,
    pub score: f64,
    /// Named parts of the score, as the ranker gave them.
    pub contributions: Vec<(String, f64)>,
    pub reason: Option<String>,
}

/// Why a ranker's scores did not reach a page.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Fault {
    #[error("the ranker answered protocol version {0}; this Marquee speaks version {v}", v = protocol::VERSION)]
    Version(u32),
    #[error("the ranker process exited{0}")]
    Exited(String),
    #[error("no answer within {0} ms")]
    Timeout(u128),
    #[error("junk from the ranker: {0}")]
    Junk(String),
    #[error("the ranker scored {0}, which is not in the catalog")]
    UnknownTitle(String),
    #[error("the ranker scored {0}, which was not a candidate (above the profile's maturity or thumbed down)")]
    NotCandidate(String),
    #[error("the ranker scored {0} twice")]
    Duplicate(String),
    #[error("the ranker scored {got} titles; the page asked for at least {want}")]
    TooFew { got: usize, want: usize },
    #[error("the ranker said: {0}")]
    Said(String),
    #[error("{0}")]
    Http(String),
    #[error("{0}")]
    NoScores(String),
}

/// What built a page's scores, as the page records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankerStatus {
    /// `ranker:COMMAND`, `ranker:http://…` or `ranker-file:PATH`.
    pub source: String,
    /// Set when the ranker failed this page and Marquee's own scores were used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
}

impl RankerStatus {
    /// The one line a screen or a command shows about it.
    pub fn line(&self) -> String {
        match &self.fallback {
            None => format!(
                "scores from {}; rows, order, diversity, exploration and artwork by Marquee",
                self.source
            ),
            Some(why) => format!(
                "fallback: Marquee's own ranker ({} failed: {why})",
                self.source
            ),
        }
    }
}

enum Source {
    Process(process::Process),
    Http(http::Http),
    Table(ScoresTable),
}

/// An external source of scores, shared by every page that uses it.
pub struct ExternalRanker {
    /// How it is named on pages and in reports: `ranker:…` or `ranker-file:…`.
    pub label: String,
    /// The name the ranker gave in its hello, if any.
    pub name: Option<String>,
    source: Source,
}

/// Why an external ranker could not be started or read at all.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("--ranker: {0}")]
    Spec(String),
    #[error("--ranker {label}: {fault}")]
    Hello { label: String, fault: Fault },
    #[error("--ranker {label}: could not start {program}: {error}")]
    Spawn {
        label: String,
        program: String,
        error: std::io::Error,
    },
    #[error(transparent)]
    Table(#[from] TableError),
}

impl ExternalRanker {
    /// `--ranker SPEC`: an `http://` URL, or a command and its arguments,
    /// split shell-style but never run through a shell.
    pub fn start(spec: &str, timeout: Duration) -> Result<ExternalRanker, StartError> {
        let label = format!("ranker:{spec}");
        let hello_failed = |fault| StartError::Hello {
            label: label.clone(),
            fault,
        };
        if spec.starts_with("http://") || spec.starts_with("https://") {
            if spec.starts_with("https://") {
                return Err(StartError::Spec(format!(
                    "{spec}: only http:// is supported (a ranker on this machine or network)"
                )));
            }
            let (h, name) = http::Http::connect(spec, timeout).map_err(hello_failed)?;
            return Ok(ExternalRanker {
                label,
                name,
                source: Source::Http(h),
            });
        }
        let argv = shlex::split(spec)
            .filter(|a| !a.is_empty())
            .ok_or_else(|| {
                StartError::Spec(format!("{spec:?}: not a command (unbalanced quotes?)"))
            })?;
        let p = process::Process::spawn(&argv, timeout).map_err(|e| match e {
            process::SpawnError::Io(error) => StartError::Spawn {
                label: label.clone(),
                program: argv[0].clone(),
                error,
            },
            process::SpawnError::Hello(fault) => hello_failed(fault),
        })?;
        let name = p.name.clone();
        Ok(ExternalRanker {
            label,
            name,
            source: Source::Process(p),
        })
    }

    /// `--ranker-file FILE`: precomputed scores.
    pub fn from_table(table: ScoresTable) -> ExternalRanker {
        ExternalRanker {
            label: format!("ranker-file:{}", table.path.display()),
            name: None,
            source: Source::Table(table),
        }
    }

    /// Scores for one page, checked, or why there are none.
    pub fn score(&self, ask: &Ask) -> Result<Vec<Answer>, Fault> {
        match &self.source {
            Source::Process(p) => p.score(ask),
            Source::Http(h) => h.score(ask),
            Source::Table(t) => t.score(ask),
        }
    }

    /// The scores table's report of what matched, for a `--ranker-file`.
    pub fn table_report(&self) -> Option<&TableReport> {
        match &self.source {
            Source::Table(t) => Some(&t.report),
            _ => None,
        }
    }
}

impl std::fmt::Debug for ExternalRanker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExternalRanker({})", self.label)
    }
}

/// An external ranker as a config carries it: shared, compared by identity.
#[derive(Debug, Clone)]
pub struct RankerHandle(pub Arc<ExternalRanker>);

impl PartialEq for RankerHandle {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for RankerHandle {
    type Target = ExternalRanker;
    fn deref(&self) -> &ExternalRanker {
        &self.0
    }
}

/// Parse a reply body or line into checked answers (the process and HTTP paths share it).
pub(crate) fn answers(text: &str, ask: &Ask, id: u64) -> Result<Option<Vec<Answer>>, Fault> {
    let Some(reply) = protocol::parse_reply(text, id)? else {
        return Ok(None);
    };
    if let Some(said) = reply.error {
        return Err(Fault::Said(said));
    }
    let scores = reply
        .scores
        .ok_or_else(|| Fault::Junk("a reply with neither \"scores\" nor \"error\"".into()))?;
    protocol::check_scores(scores, ask).map(Some)
}
#[cfg(test)]
mod tests;
