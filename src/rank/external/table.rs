//! A precomputed scores table (`--ranker-file`): rows of (user, title,
//! score, optional row) from CSV, JSON lines or Parquet, the shape a batch
//! job such as Spark MLlib's `recommendForAllUsers` (exploded) writes.
//! Users match the database's member names, titles its title ids; what does
//! not match is counted and reported. A bad row is an error naming the
//! file, the line and the field.

use super::{Answer, Ask, Fault};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Examples of unmatched ids kept for the report.
const EXAMPLES: usize = 3;

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("{file}: {error}")]
    Read { file: String, error: String },
    #[error("{file}: line {line}: field {field}: {problem}")]
    Row {
        file: String,
        line: usize,
        field: String,
        problem: String,
    },
}

/// What a scores file held and what of it matched the catalog.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableReport {
    pub rows: usize,
    pub users_matched: usize,
    /// Rows whose user is not a member of the database, and how many such users.
    pub rows_unknown_user: usize,
    pub unknown_users: usize,
    pub unknown_user_examples: Vec<String>,
    /// Rows whose title is not in the catalog, and how many such titles.
    pub rows_unknown_title: usize,
    pub unknown_titles: usize,
    pub unknown_title_examples: Vec<String>,
}

impl TableReport {
    /// The report in one line.
    pub fn line(&self, path: &Path) -> String {
        let mut s = format!(
            "{}: {} rows, {} users matched",
            path.display(),
            self.rows,
            self.users_matched
        );
        if self.rows_unknown_user > 0 {
            s.push_str(&format!(
                "; {} rows of {} users not in the database (e.g. {}) left out",
                self.rows_unknown_user,
                self.unknown_users,
                self.unknown_user_examples.join(", ")
            ));
        }
        if self.rows_unknown_title > 0 {
            s.push_str(&format!(
                "; {} rows of {} titles not in the catalog (e.g. {}) left out",
                self.rows_unknown_title,
                self.unknown_titles,
                self.unknown_title_examples.join(", ")
            ));
        }
        s
    }
}

/// One matched row: the catalog title (index into `titles`), its score, the
/// row label (index into `rows`, or `NO_ROW`) and the line it came from.
#[derive(Debug, Clone, Copy)]
struct Entry {
    title: u32,
    score: f32,
    row: u32,
    line: u32,
}

const NO_ROW: u32 = u32::MAX;

pub struct ScoresTable {
    pub path: PathBuf,
    pub report: TableReport,
    /// Catalog title ids, as the entries index them.
    titles: Vec<String>,
    row_labels: Vec<String>,
    by_user: BTreeMap<String, Vec<Entry>>,
}

/// One row as a reader hands it over, before matching.
pub(super) struct RawRow<'a> {
    pub line: usize,
    pub user: &'a str,
    pub title: &'a str,
    pub score: f64,
    pub row: Option<&'a str>,
}

/// Matches rows to the catalog as a reader produces them.
pub(super) struct Builder<'c> {
    file: String,
    titles: HashMap<&'c str, u32>,
    users: HashMap<&'c str, ()>,
    by_user: HashMap<String, Vec<Entry>>,
    row_labels: Vec<String>,
    row_index: HashMap<String, u32>,
    report: TableReport,
    unknown_users: BTreeMap<String, ()>,
    unknown_titles: BTreeMap<String, ()>,
}

impl<'c> Builder<'c> {
    pub fn new(file: &Path, titles: &'c [String], users: &'c [String]) -> Builder<'c> {
        Builder {
            file: file.display().to_string(),
            titles: titles
                .iter()
                .enumerate()
                .map(|(i, t)| (t.as_str(), i as u32))
                .collect(),
            users: users.iter().map(|u| (u.as_str(), ())).collect(),
            by_user: HashMap::new(),
            row_labels: vec![],
            row_index: HashMap::new(),
            report: TableReport::default(),
            unknown_users: BTreeMap::new(),
            unknown_titles: BTreeMap::new(),
        }
    }

    pub fn bad(&self, line: usize, field: &str, problem: impl Into<String>) -> TableError {
        TableError::Row {
            file: self.file.clone(),
            line,
            field: field.to_string(),
            problem: problem.into(),
        }
    }

    pub fn read_error(&self, error: impl std::fmt::Display) -> TableError {
        TableError::Read {
            file: self.file.clone(),
            error: error.to_string(),
        }
    }

    pub fn push(&mut self, r: RawRow) -> Result<(), TableError> {
        self.report.rows += 1;
        if !r.score.is_finite() {
            return Err(self.bad(
                r.line,
                "score",
                format!("{} is not a finite number", r.score),
            ));
        }
        if r.user.is_empty() {
            return Err(self.bad(r.line, "user", "empty"));
        }
        if r.title.is_empty() {
            return Err(self.bad(r.line, "title", "empty"));
        }
        if !self.users.contains_key(r.user) {
            self.report.rows_unknown_user += 1;
            self.unknown_users.insert(r.user.to_string(), ());
            return Ok(());
        }
        let Some(&title) = self.titles.get(r.title) else {
            self.report.rows_unknown_title += 1;
            self.unknown_titles.insert(r.title.to_string(), ());
            return Ok(());
        };
        let row = match r.row.filter(|s| !s.is_empty()) {
            None => NO_ROW,
            Some(label) => match self.row_index.get(label) {
                Some(&i) => i,
                None => {
                    let i = self.row_labels.len() as u32;
                    self.row_labels.push(label.to_string());
                    self.row_index.insert(label.to_string(), i);
                    i
                }
            },
        };
        let entry = Entry {
            title,
            score: r.score as f32,
            row,
            line: r.line as u32,
        };
        match self.by_user.get_mut(r.user) {
            Some(v) => v.push(entry),
            None => {
                self.by_user.insert(r.user.to_string(), vec![entry]);
            }
        }
        Ok(())
    }

    pub fn finish(mut self, path: &Path, titles: &[String]) -> Result<ScoresTable, TableError> {
        let mut by_user = BTreeMap::new();
        for (user, mut entries) in std::mem::take(&mut self.by_user) {
            entries.sort_by_key(|e| (e.title, e.line));
            if let Some(w) = entries.windows(2).find(|w| w[0].title == w[1].title) {
                let title = &titles[w[0].title as usize];
                return Err(self.bad(
                    w[1].line as usize,
                    "title",
                    format!(
                        "{user} scores {title} a second time (first on line {})",
                        w[0].line
                    ),
                ));
            }
            by_user.insert(user, entries);
        }
        let mut report = self.report;
        report.users_matched = by_user.len();
        report.unknown_users = self.unknown_users.len();
        report.unknown_user_examples = self.unknown_users.into_keys().take(EXAMPLES).collect();
        report.unknown_titles = self.unknown_titles.len();
        report.unknown_title_examples = self.unknown_titles.into_keys().take(EXAMPLES).collect();
        Ok(ScoresTable {
            path: path.to_path_buf(),
            report,
            titles: titles.to_vec(),
            row_labels: self.row_labels,
            by_user,
        })
    }
}

impl ScoresTable {
    /// Read a scores file, by its extension: `.csv`, `.jsonl` / `.ndjson`, or
    /// `.parquet`. `titles` are the catalog's title ids, `users` the
    /// database's member names.
    pub fn load(
        path: &Path,
        titles: &[String],
        users: &[String],
    ) -> Result<ScoresTable, TableError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let mut b = Builder::new(path, titles, users);
        match ext.as_str() {
            "csv" => read_csv(path, &mut b)?,
            "jsonl" | "ndjson" | "json" => read_jsonl(path, &mut b)?,
            "parquet" | "pq" => super::table_parquet::read(path, &mut b)?,
            _ => {
                return Err(b.read_error(
                    "not a scores file by its name: use .csv, .jsonl (or .ndjson) or .parquet",
                ))
            }
        }
        b.finish(path, titles)
    }

    /// Every scored candidate of the asking profile.
    pub fn score(&self, ask: &Ask) -> Result<Vec<Answer>, Fault> {
        let Some(entries) = self.by_user.get(&ask.profile.name) else {
            return Err(Fault::NoScores(format!(
                "{} has no scores for {}",
                self.path.display(),
                ask.profile.name
            )));
        };
        let candidates: std::collections::BTreeSet<usize> =
            ask.candidates.iter().copied().collect();
        Ok(entries
            .iter()
            .filter_map(|e| {
                let t = ask.model.title_index(&self.titles[e.title as usize])?;
                candidates.contains(&t).then(|| Answer {
                    title: t,
                    score: e.score as f64,
                    contributions: vec![],
                    reason: (e.row != NO_ROW).then(|| {
                        format!(
                            "In the scores file's row \"{}\"",
                            self.row_labels[e.row as usize]
                        )
                    }),
                })
            })
            .collect())
    }
}

/// The columns a scores file may name each field by.
pub(super) fn column_of(name: &str) -> Option<&'static str> {
    match name.trim().to_ascii_lowercase().as_str() {
        "user" | "user_id" | "userid" | "profile" => Some("user"),
        "title" | "title_id" | "item" | "item_id" | "itemid" => Some("title"),
        "score" | "rating" | "prediction" => Some("score"),
        "row" => Some("row"),
        _ => None,
    }
}

fn read_text(path: &Path, b: &Builder) -> Result<String, TableError> {
    std::fs::read_to_string(path).map_err(|e| b.read_error(e))
}

fn read_csv(path: &Path, b: &mut Builder) -> Result<(), TableError> {
    let text = read_text(path, b)?;
    let mut lines = text.lines().enumerate();
    let Some((_, header)) = lines.next() else {
        return Err(b.read_error("empty: a header line (user,title,score[,row]) comes first"));
    };
    let names = crate::catalog::movielens::split_csv(header)
        .ok_or_else(|| b.bad(1, "header", "an opening quote is never closed"))?;
    let mut at: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, n) in names.iter().enumerate() {
        if let Some(c) = column_of(n) {
            at.insert(c, i);
        }
    }
    for need in ["user", "title", "score"] {
        if !at.contains_key(need) {
            return Err(b.bad(1, need, format!("no such column in the header {header:?}")));
        }
    }
    for (i, line) in lines {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let f = crate::catalog::movielens::split_csv(line)
            .ok_or_else(|| b.bad(line_no, "line", "an opening quote is never closed"))?;
        let get = |c: &str| f.get(at[c]).map(|s| s.trim());
        let field = |c: &'static str| get(c).ok_or_else(|| b.bad(line_no, c, "missing"));
        let (user, title, score_text) = (field("user")?, field("title")?, field("score")?);
        let score: f64 = score_text
            .parse()
            .map_err(|_| b.bad(line_no, "score", format!("{score_text:?} is not a number")))?;
        let row = at.get("row").and_then(|&r| f.get(r)).map(|s| s.trim());
        let (user, title, row) = (user.to_string(), title.to_string(), row.map(str::to_string));
        b.push(RawRow {
            line: line_no,
            user: &user,
            title: &title,
            score,
            row: row.as_deref(),
        })?;
    }
    Ok(())
}

fn read_jsonl(path: &Path, b: &mut Builder) -> Result<(), TableError> {
    let text = read_text(path, b)?;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| b.bad(line_no, "line", format!("not JSON ({e})")))?;
        let obj = v
            .as_object()
            .ok_or_else(|| b.bad(line_no, "line", "not a JSON object"))?;
        let mut fields: BTreeMap<&str, &serde_json::Value> = BTreeMap::new();
        for (k, v) in obj {
            if let Some(c) = column_of(k) {
                fields.insert(c, v);
            }
        }
        let text_of = |c: &'static str| -> Result<Option<String>, TableError> {
            match fields.get(c) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
                Some(serde_json::Value::Number(n)) if n.is_i64() || n.is_u64() => {
                    Ok(Some(n.to_string()))
                }
                Some(other) => Err(b.bad(
                    line_no,
                    c,
                    format!("{other} is not a string or a whole number"),
                )),
            }
        };
        let user = text_of("user")?.ok_or_else(|| b.bad(line_no, "user", "missing"))?;
        let title = text_of("title")?.ok_or_else(|| b.bad(line_no, "title", "missing"))?;
        let row = text_of("row")?;
        let score = match fields.get("score") {
            Some(serde_json::Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
            Some(other) => return Err(b.bad(line_no, "score", format!("{other} is not a number"))),
            None => return Err(b.bad(line_no, "score", "missing")),
        };
        b.push(RawRow {
            line: line_no,
            user: &user,
            title: &title,
            score,
            row: row.as_deref(),
        })?;
    }
    Ok(())
}
