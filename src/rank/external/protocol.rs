//! The ranker protocol's messages (version 1, docs/ranker-protocol.md): the
//! request Marquee sends for one page, the reply it expects, and the checks
//! a reply must pass before its scores reach a page. Pure: no I/O here.

use super::{Answer, Ask, Fault};
use crate::rank::Thumb;
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The protocol version this Marquee speaks. A ranker answering another is refused.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Hello {
    pub protocol: &'static str,
    pub version: u32,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

impl Hello {
    pub fn new() -> Hello {
        Hello {
            protocol: "marquee-ranker",
            version: VERSION,
            kind: "hello",
        }
    }
}

impl Default for Hello {
    fn default() -> Self {
        Hello::new()
    }
}

/// What a ranker answers to the hello: its version and, optionally, its name.
#[derive(Debug, Deserialize)]
pub struct HelloReply {
    pub version: u32,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Request<'a> {
    pub protocol: &'static str,
    pub version: u32,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Counts up per request; the reply carries it back.
    pub id: u64,
    pub profile: ProfileOut<'a>,
    pub history: Vec<HistoryOut<'a>>,
    pub context: ContextOut<'a>,
    /// Title ids Marquee may show this profile (maturity limit, no thumbs down), catalog order.
    pub candidates: Vec<&'a str>,
    /// Score at least this many candidates (all of them when there are fewer).
    pub want: usize,
}

#[derive(Debug, Serialize)]
pub struct ProfileOut<'a> {
    pub id: &'a str,
    pub region: &'a str,
    pub maturity: &'static str,
}

/// One title the profile has done something with (from its events; in
/// `eval`, from the training part only).
#[derive(Debug, Serialize)]
pub struct HistoryOut<'a> {
    pub title: &'a str,
    pub plays: u32,
    /// Progress summed over plays (a movie seen twice is 2.0), at most 6.
    pub watched: f32,
    pub completed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumb: Option<&'static str>,
    pub in_list: bool,
    /// Unix seconds of the newest event.
    pub last_at: i64,
}

#[derive(Debug, Serialize)]
pub struct ContextOut<'a> {
    pub now: String,
    pub time_of_day: &'static str,
    pub day: &'static str,
    pub device: &'static str,
    pub region: &'a str,
}

/// A reply to a score request.
#[derive(Debug, Deserialize)]
pub struct Reply {
    pub version: u32,
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(default)]
    pub scores: Option<Vec<ScoreIn>>,
    /// The ranker could not score this page, in its own words.
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ScoreIn {
    pub title: String,
    pub score: f64,
    #[serde(default)]
    pub contributions: BTreeMap<String, f64>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// The request for one page.
pub fn request<'a>(ask: &Ask<'a>, id: u64) -> Request<'a> {
    let (model, profile, ctx) = (ask.model, ask.profile, ask.ctx);
    let mut history: Vec<HistoryOut> = profile
        .titles
        .iter()
        .map(|(&t, s)| HistoryOut {
            title: &model.titles[t].id,
            plays: s.plays,
            watched: s.eng.watched,
            completed: s.completed,
            thumb: s.thumb().map(|th| match th {
                Thumb::Up => "up",
                Thumb::Down => "down",
                Thumb::Love => "love",
            }),
            in_list: s.in_list,
            last_at: s.last_at(),
        })
        .collect();
    history.sort_by(|a, b| a.last_at.cmp(&b.last_at).then(a.title.cmp(b.title)));
    Request {
        protocol: "marquee-ranker",
        version: VERSION,
        kind: "score",
        id,
        profile: ProfileOut {
            id: &profile.name,
            region: &profile.region,
            maturity: profile.maturity.as_str(),
        },
        history,
        context: ContextOut {
            now: ctx.now.to_rfc3339(),
            time_of_day: ctx.time_of_day.as_str(),
            day: weekday(ctx.now.weekday()),
            device: ctx.device.as_str(),
            region: &profile.region,
        },
        candidates: ask
            .candidates
            .iter()
            .map(|&t| model.titles[t].id.as_str())
            .collect(),
        want: ask.want,
    }
}

fn weekday(d: chrono::Weekday) -> &'static str {
    use chrono::Weekday::*;
    match d {
        Mon => "monday",
        Tue => "tuesday",
        Wed => "wednesday",
        Thu => "thursday",
        Fri => "friday",
        Sat => "saturday",
        Sun => "sunday",
    }
}

/// Parse one reply line (or HTTP body) for request `id`. `Ok(None)`: a reply
/// to an older request (one that timed out), to be skipped.
pub fn parse_reply(text: &str, id: u64) -> Result<Option<Reply>, Fault> {
    let reply: Reply = serde_json::from_str(text).map_err(|e| junk(text, &e))?;
    if reply.version != VERSION {
        return Err(Fault::Version(reply.version));
    }
    match reply.id {
        Some(got) if got < id => Ok(None),
        Some(got) if got > id => Err(Fault::Junk(format!(
            "a reply to request {got}, but only {id} was sent"
        ))),
        _ => Ok(Some(reply)),
    }
}

/// Parse a hello reply.
pub fn parse_hello(text: &str) -> Result<HelloReply, Fault> {
    let hello: HelloReply = serde_json::from_str(text).map_err(|e| junk(text, &e))?;
    if hello.version != VERSION {
        return Err(Fault::Version(hello.version));
    }
    Ok(hello)
}

fn junk(text: &str, e: &serde_json::Error) -> Fault {
    let head: String = text.chars().take(60).collect();
    let nan = ["NaN", "Infinity"].iter().any(|w| text.contains(w));
    if nan && e.is_syntax() {
        return Fault::Junk(format!(
            "NaN or Infinity in the reply (scores must be finite numbers): {head:?}"
        ));
    }
    Fault::Junk(format!("not a protocol reply ({e}): {head:?}"))
}

/// Check a reply's scores against the request: every title a candidate, none
/// twice, every score and contribution finite, at least `want` of them.
pub fn check_scores(scores: Vec<ScoreIn>, ask: &Ask) -> Result<Vec<Answer>, Fault> {
    let candidates: BTreeSet<usize> = ask.candidates.iter().copied().collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(scores.len());
    for s in scores {
        let Some(t) = ask.model.title_index(&s.title) else {
            return Err(Fault::UnknownTitle(s.title));
        };
        if !candidates.contains(&t) {
            return Err(Fault::NotCandidate(s.title));
        }
        if !seen.insert(t) {
            return Err(Fault::Duplicate(s.title));
        }
        if !s.score.is_finite() || s.contributions.values().any(|v| !v.is_finite()) {
            return Err(Fault::Junk(format!(
                "{}: a score that is not finite",
                s.title
            )));
        }
        out.push(Answer {
            title: t,
            score: s.score,
            contributions: s.contributions.into_iter().collect(),
            reason: s.reason,
        });
    }
    let need = ask.want.min(ask.candidates.len());
    if out.len() < need {
        return Err(Fault::TooFew {
            got: out.len(),
            want: need,
        });
    }
    Ok(out)
}
