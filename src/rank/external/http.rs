//! A ranker behind an HTTP endpoint: each message of the protocol is one
//! POST of JSON to the same URL, its reply the response body. Every call has
//! the page's budget as its timeout; a refused connection is a fault.

use super::{answers, protocol, Answer, Ask, Fault, START_TIMEOUT};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub struct Http {
    url: String,
    agent: ureq::Agent,
    next_id: AtomicU64,
    timeout: Duration,
}

impl Http {
    /// Say hello (with the start budget) and keep the endpoint.
    pub fn connect(url: &str, timeout: Duration) -> Result<(Http, Option<String>), Fault> {
        let h = Http {
            url: url.to_string(),
            agent: ureq::AgentBuilder::new().build(),
            next_id: AtomicU64::new(0),
            timeout,
        };
        let body = serde_json::to_string(&protocol::Hello::new()).expect("hello serialises");
        let reply = h.post(&body, START_TIMEOUT)?;
        let hello = protocol::parse_hello(&reply)?;
        Ok((h, hello.name))
    }

    pub fn score(&self, ask: &Ask) -> Result<Vec<Answer>, Fault> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let body = serde_json::to_string(&protocol::request(ask, id)).expect("request serialises");
        let reply = self.post(&body, self.timeout)?;
        answers(&reply, ask, id)?
            .ok_or_else(|| Fault::Junk(format!("a reply to an older request than {id}")))
    }

    fn post(&self, body: &str, budget: Duration) -> Result<String, Fault> {
        let sent = self
            .agent
            .post(&self.url)
            .timeout(budget)
            .set("Content-Type", "application/json")
            .send_string(body);
        match sent {
            Ok(r) => r
                .into_string()
                .map_err(|e| Fault::Http(format!("{}: reading the reply: {e}", self.url))),
            Err(ureq::Error::Status(code, r)) => {
                let text = r.into_string().unwrap_or_default();
                let head: String = text.chars().take(80).collect();
                Err(Fault::Http(format!(
                    "{} answered HTTP {code}: {head}",
                    self.url
                )))
            }
            Err(ureq::Error::Transport(t)) => {
                let timed_out = t.to_string().to_ascii_lowercase().contains("timed out");
                if timed_out {
                    Err(Fault::Timeout(budget.as_millis()))
                } else {
                    Err(Fault::Http(format!("{} is not answering: {t}", self.url)))
                }
            }
        }
    }
}
