//! `marquee export`: the event log and the catalog as flat tables (CSV, JSON
//! lines or Parquet), so a ranker trained elsewhere learns from the same
//! data Marquee does. Users are member names and titles are title ids, the
//! ids a `--ranker-file` and the ranker protocol use. Reads the store only.

mod parquet_out;

use crate::store::{Store, StoreError};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// One column of an exported table.
pub enum Column {
    Text(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Text(v) => v.len(),
            Column::Int(v) => v.len(),
            Column::Float(v) => v.len(),
        }
    }
}

/// A table: named columns of one length.
pub struct Table {
    pub columns: Vec<(&'static str, Column)>,
}

impl Table {
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.1.len())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
    Parquet,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "jsonl" => Some(Format::Jsonl),
            "parquet" => Some(Format::Parquet),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}: {1}")]
    Write(String, String),
}

/// The event log, one row per event, by user then time: user, title, at
/// (Unix seconds), action, progress, device, season, episode. `feedback`:
/// also the feedback given in Marquee (by default, the training log only).
pub fn events(store: &Store, feedback: bool) -> Result<Table, StoreError> {
    let names: BTreeMap<i64, String> = store
        .members()?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let events = if feedback {
        store.all_events()?
    } else {
        store.training_events()?
    };
    let text = |f: &dyn Fn(&crate::catalog::Event) -> Option<String>| {
        Column::Text(events.iter().map(f).collect())
    };
    Ok(Table {
        columns: vec![
            ("user", text(&|e| names.get(&e.member_id).cloned())),
            ("title", text(&|e| Some(e.title_id.clone()))),
            (
                "at",
                Column::Int(events.iter().map(|e| Some(e.at)).collect()),
            ),
            ("action", text(&|e| Some(e.action.as_str().to_string()))),
            (
                "progress",
                Column::Float(events.iter().map(|e| Some(e.progress as f64)).collect()),
            ),
            ("device", text(&|e| Some(e.device.as_str().to_string()))),
            (
                "season",
                Column::Int(events.iter().map(|e| e.season.map(i64::from)).collect()),
            ),
            (
                "episode",
                Column::Int(events.iter().map(|e| e.episode.map(i64::from)).collect()),
            ),
        ],
    })
}

/// The catalog, one row per title: title, name, kind, year, maturity,
/// genres (`|`-separated ids), language, country, runtime_min, added.
pub fn catalog(store: &Store) -> Result<Table, StoreError> {
    let titles = store.titles()?;
    let text = |f: &dyn Fn(&crate::catalog::Title) -> String| {
        Column::Text(titles.iter().map(|t| Some(f(t))).collect())
    };
    Ok(Table {
        columns: vec![
            ("title", text(&|t| t.id.clone())),
            ("name", text(&|t| t.name.clone())),
            ("kind", text(&|t| t.kind.as_str().to_string())),
            (
                "year",
                Column::Int(titles.iter().map(|t| Some(t.year as i64)).collect()),
            ),
            ("maturity", text(&|t| t.maturity.as_str().to_string())),
            ("genres", text(&|t| t.genres.join("|"))),
            ("language", text(&|t| t.language.clone())),
            ("country", text(&|t| t.country.clone())),
            (
                "runtime_min",
                Column::Int(titles.iter().map(|t| Some(t.runtime_min as i64)).collect()),
            ),
            ("added", text(&|t| t.added.to_string())),
        ],
    })
}

/// Write `table` to `path` whole or not at all: into a temporary file beside
/// it, renamed over `path` once complete.
pub fn write_file(table: &Table, format: Format, path: &Path) -> Result<(), ExportError> {
    let label = path.display().to_string();
    let fail = |e: &dyn std::fmt::Display| ExportError::Write(label.clone(), e.to_string());
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile_in(dir).map_err(|e| fail(&e))?;
    let written = match format {
        Format::Parquet => parquet_out::write(table, &mut tmp.1).map_err(|e| fail(&e)),
        _ => write_text(table, format, &mut tmp.1).map_err(|e| fail(&e)),
    };
    let done = written.and_then(|()| tmp.1.sync_all().map_err(|e| fail(&e)));
    if let Err(e) = done.and_then(|()| std::fs::rename(&tmp.0, path).map_err(|e| fail(&e))) {
        let _ = std::fs::remove_file(&tmp.0);
        return Err(e);
    }
    Ok(())
}

/// A new file in `dir` only this process writes.
fn tempfile_in(dir: &Path) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    for i in 0..1000u32 {
        let p = dir.join(format!(".marquee-export-{}-{i}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&p)
        {
            Ok(f) => return Ok((p, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free temporary file name"))
}

/// CSV (a header line, RFC 4180 quoting) or JSON lines (nulls left out).
pub fn write_text(table: &Table, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(out);
    if format == Format::Csv {
        let header: Vec<&str> = table.columns.iter().map(|c| c.0).collect();
        writeln!(w, "{}", header.join(","))?;
    }
    let mut line = String::new();
    for r in 0..table.rows() {
        line.clear();
        match format {
            Format::Csv => {
                for (i, (_, col)) in table.columns.iter().enumerate() {
                    if i > 0 {
                        line.push(',');
                    }
                    match col {
                        Column::Text(v) => line.push_str(&csv_field(v[r].as_deref().unwrap_or(""))),
                        Column::Int(v) => {
                            line.push_str(&v[r].map_or(String::new(), |x| x.to_string()))
                        }
                        Column::Float(v) => {
                            line.push_str(&v[r].map_or(String::new(), |x| x.to_string()))
                        }
                    }
                }
            }
            _ => {
                let mut obj = serde_json::Map::new();
                for (name, col) in &table.columns {
                    let value = match col {
                        Column::Text(v) => v[r].clone().map(serde_json::Value::from),
                        Column::Int(v) => v[r].map(serde_json::Value::from),
                        Column::Float(v) => v[r].map(serde_json::Value::from),
                    };
                    if let Some(value) = value {
                        obj.insert(name.to_string(), value);
                    }
                }
                line.push_str(&serde_json::Value::Object(obj).to_string());
            }
        }
        writeln!(w, "{line}")?;
    }
    w.flush()
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::tiny_store;

    #[test]
    fn a_csv_field_with_a_comma_or_quote_is_quoted_and_reads_back() {
        let f = csv_field("Crime, \"noir\"");
        assert_eq!(f, "\"Crime, \"\"noir\"\"\"");
        let back = crate::catalog::movielens::split_csv(&format!("a,{f}")).unwrap();
        assert_eq!(back, vec!["a".to_string(), "Crime, \"noir\"".to_string()]);
    }

    #[test]
    fn the_events_export_names_users_and_titles_by_their_ids() {
        let store = tiny_store();
        let t = events(&store, true).unwrap();
        let mut out = vec![];
        write_text(&t, Format::Csv, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("user,title,at,action,progress,device,season,episode")
        );
        assert_eq!(text.lines().count(), t.rows() + 1);
        assert!(t.rows() > 0);
        let members: Vec<String> = store
            .members()
            .unwrap()
            .into_iter()
            .map(|m| m.name)
            .collect();
        for l in lines {
            let user = l.split(',').next().unwrap();
            assert!(members.iter().any(|m| m == user), "{l}");
        }
    }

    #[test]
    fn a_jsonl_export_leaves_nulls_out() {
        let store = tiny_store();
        let t = events(&store, true).unwrap();
        let mut out = vec![];
        write_text(&t, Format::Jsonl, &mut out).unwrap();
        let first: serde_json::Value =
            serde_json::from_str(String::from_utf8(out).unwrap().lines().next().unwrap()).unwrap();
        assert!(first.get("user").is_some() && first.get("title").is_some());
        assert!(first.as_object().unwrap().values().all(|v| !v.is_null()));
    }

    #[test]
    fn a_parquet_scores_table_written_here_reads_back_with_what_did_not_match() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scores.parquet");
        let text = |v: &[&str]| Column::Text(v.iter().map(|s| Some(s.to_string())).collect());
        let table = Table {
            columns: vec![
                ("user", text(&["mia", "mia", "ghost", "mia"])),
                ("title", text(&["m4", "k1", "m4", "zz"])),
                (
                    "score",
                    Column::Float(vec![Some(2.0), Some(1.0), Some(1.0), Some(0.5)]),
                ),
            ],
        };
        write_file(&table, Format::Parquet, &path).unwrap();
        let titles: Vec<String> = ["m4", "k1"].iter().map(|s| s.to_string()).collect();
        let users = vec!["mia".to_string()];
        let t = crate::rank::external::ScoresTable::load(&path, &titles, &users).unwrap();
        assert_eq!(t.report.rows, 4);
        assert_eq!(t.report.users_matched, 1);
        assert_eq!(
            (
                t.report.rows_unknown_user,
                t.report.unknown_user_examples.clone()
            ),
            (1, vec!["ghost".to_string()])
        );
        assert_eq!(
            (t.report.rows_unknown_title, t.report.unknown_titles),
            (1, 1)
        );
    }

    #[test]
    fn a_parquet_score_that_is_null_names_the_row_and_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scores.parquet");
        let table = Table {
            columns: vec![
                (
                    "user",
                    Column::Text(vec![Some("mia".into()), Some("mia".into())]),
                ),
                (
                    "title",
                    Column::Text(vec![Some("m4".into()), Some("k1".into())]),
                ),
                ("score", Column::Float(vec![Some(1.0), None])),
            ],
        };
        write_file(&table, Format::Parquet, &path).unwrap();
        let err = crate::rank::external::ScoresTable::load(
            &path,
            &["m4".into(), "k1".into()],
            &["mia".into()],
        )
        .err()
        .unwrap()
        .to_string();
        assert!(
            err.ends_with("scores.parquet: line 2: field score: null"),
            "{err}"
        );
    }

    #[test]
    fn a_failed_export_leaves_no_file_behind() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-dir").join("out.csv");
        let t = events(&tiny_store(), false).unwrap();
        assert!(write_file(&t, Format::Csv, &missing).is_err());
        assert!(!missing.exists());
    }
}
