//! A ranker process: started once from an argument vector (never through a
//! shell), spoken to in JSON lines on its stdin and stdout. Reading and
//! writing run on their own threads, so a ranker that hangs, stops reading
//! or dies costs a page at most its budget, never a hang.

use super::{answers, protocol, Answer, Ask, Fault, START_TIMEOUT};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Process {
    inner: Mutex<Inner>,
    pub name: Option<String>,
    timeout: Duration,
}

struct Inner {
    child: Child,
    lines: Receiver<Option<String>>,
    writer: Option<Sender<String>>,
    next_id: u64,
    /// Set once the process has gone: why, for every page after.
    dead: Option<String>,
    last_stderr: Arc<Mutex<String>>,
}

pub enum SpawnError {
    Io(std::io::Error),
    Hello(Fault),
}

impl Process {
    pub fn spawn(argv: &[String], timeout: Duration) -> Result<Process, SpawnError> {
        let mut child = Command::new(&argv[0])
            .args(&argv[1..])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(SpawnError::Io)?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        let stdin = child.stdin.take().expect("stdin is piped");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                match line {
                    Ok(l) if l.trim().is_empty() => continue,
                    Ok(l) => {
                        if tx.send(Some(l)).is_err() {
                            return;
                        }
                    }
                    Err(_) => break,
                }
            }
            let _ = tx.send(None);
        });
        let last_stderr = Arc::new(Mutex::new(String::new()));
        let keep = Arc::clone(&last_stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if !line.trim().is_empty() {
                    *keep.lock().unwrap_or_else(|e| e.into_inner()) = line;
                }
            }
        });
        let writer = spawn_writer(stdin);
        let mut inner = Inner {
            child,
            lines,
            writer: Some(writer),
            next_id: 0,
            dead: None,
            last_stderr,
        };
        let hello = serde_json::to_string(&protocol::Hello::new()).expect("hello serialises");
        let name = inner
            .exchange(hello, START_TIMEOUT, |line| {
                protocol::parse_hello(line).map(|h| Some(h.name))
            })
            .map_err(SpawnError::Hello)?;
        Ok(Process {
            inner: Mutex::new(inner),
            name,
            timeout,
        })
    }

    pub fn score(&self, ask: &Ask) -> Result<Vec<Answer>, Fault> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(why) = &inner.dead {
            return Err(Fault::Exited(why.clone()));
        }
        inner.next_id += 1;
        let id = inner.next_id;
        let line = serde_json::to_string(&protocol::request(ask, id)).expect("request serialises");
        inner.exchange(line, self.timeout, |reply| answers(reply, ask, id))
    }
}

impl Inner {
    /// Send one line and wait up to `budget` for the reply `parse` accepts
    /// (`Ok(None)`: a stale reply, skipped).
    fn exchange<T>(
        &mut self,
        line: String,
        budget: Duration,
        parse: impl Fn(&str) -> Result<Option<T>, Fault>,
    ) -> Result<T, Fault> {
        let sent = self.writer.as_ref().is_some_and(|w| w.send(line).is_ok());
        if !sent {
            return Err(self.died());
        }
        let deadline = Instant::now() + budget;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(Some(reply)) => {
                    if let Some(v) = parse(&reply)? {
                        return Ok(v);
                    }
                }
                Ok(None) | Err(RecvTimeoutError::Disconnected) => return Err(self.died()),
                Err(RecvTimeoutError::Timeout) => {
                    return Err(Fault::Timeout(budget.as_millis()));
                }
            }
        }
    }

    /// The process has gone (its stdout closed): why, kept for later pages.
    fn died(&mut self) -> Fault {
        self.writer = None;
        // It closed stdout; give it a moment to be reaped for its status.
        let mut status = None;
        for _ in 0..50 {
            if let Ok(Some(s)) = self.child.try_wait() {
                status = Some(s);
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let said = self
            .last_stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut why = match status {
            Some(s) => format!(" ({s})"),
            None => " (it closed its output)".to_string(),
        };
        if !said.is_empty() {
            why.push_str(&format!("; its last words: {}", tail(&said, 120)));
        }
        self.dead = Some(why.clone());
        Fault::Exited(why)
    }
}

fn tail(s: &str, n: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    chars[chars.len().saturating_sub(n)..].iter().collect()
}

fn spawn_writer(mut stdin: ChildStdin) -> Sender<String> {
    let (tx, rx) = channel::<String>();
    std::thread::spawn(move || {
        for mut line in rx {
            line.push('\n');
            if stdin.write_all(line.as_bytes()).is_err() || stdin.flush().is_err() {
                return;
            }
        }
    });
    tx
}

impl Drop for Process {
    fn drop(&mut self) {
        let inner = self.inner.get_mut().unwrap_or_else(|e| e.into_inner());
        inner.writer = None;
        let _ = inner.child.kill();
        let _ = inner.child.wait();
    }
}
