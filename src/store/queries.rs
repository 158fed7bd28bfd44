//! Reads and small writes: stats, profiles, titles, events, feedback, the
//! model cache. Every function returns domain types.

use super::import::INSERT_EVENT;
use super::{Store, StoreError};
use crate::catalog::{
    Action, Artwork, ArtworkTheme, Device, Event, Maturity, Member, MemberKind, NewEvent,
    ProfileSummary, Season, Title, TitleKind,
};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the database holds (`marquee stats`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub titles: u64,
    pub series: u64,
    pub episodes: u64,
    pub genres: u64,
    pub tags: u64,
    pub artwork: u64,
    pub people: u64,
    pub profiles: u64,
    pub viewers: u64,
    pub events: u64,
}

fn bad_value(col: usize, what: &str, v: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        col,
        rusqlite::types::Type::Text,
        format!("bad {what} {v:?}").into(),
    )
}

/// A text column borrowed from the row.
fn text_at<'r>(r: &'r rusqlite::Row, col: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(col)?.as_str().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn maturity_at(r: &rusqlite::Row, col: usize) -> rusqlite::Result<Maturity> {
    let s = text_at(r, col)?;
    Maturity::parse(s).ok_or_else(|| bad_value(col, "maturity", s))
}

/// From how many events (the largest event id) the training log is read
/// on every core: below it, the other connections cost more than they save.
const LOG_IN_PARTS_FROM: i64 = 500_000;

/// The columns [`event_at`] reads, in its order.
pub(super) const EVENT_COLUMNS: &str =
    "id, member_id, title_id, at, offset_min, action, progress, season, episode, device, artwork_id";

/// One event from a row of [`EVENT_COLUMNS`].
pub(super) fn event_at(r: &rusqlite::Row) -> rusqlite::Result<Event> {
    // Read in place, not copied out: a training read makes tens of millions of rows.
    let (action, device) = (text_at(r, 5)?, text_at(r, 9)?);
    Ok(Event {
        id: r.get(0)?,
        member_id: r.get(1)?,
        title_id: r.get(2)?,
        at: r.get(3)?,
        offset_min: r.get(4)?,
        action: Action::parse(action).ok_or_else(|| bad_value(5, "action", action))?,
        progress: r.get::<_, f64>(6)? as f32,
        season: r.get(7)?,
        episode: r.get(8)?,
        device: Device::parse(device).ok_or_else(|| bad_value(9, "device", device))?,
        artwork_id: r.get(10)?,
    })
}

/// Every title with genres, tags, people, seasons and artwork, in import order.
/// Every title in catalog order, or (with `only`) the one title with that id.
pub(super) fn load_titles(conn: &Connection, only: Option<&str>) -> rusqlite::Result<Vec<Title>> {
    let mut titles: Vec<Title> = conn
        .prepare("SELECT id, name, kind, year, maturity, language, country, runtime_min, synopsis, added FROM titles WHERE ?1 IS NULL OR id = ?1 ORDER BY seq")?
        .query_map([only], |r| {
            let kind: String = r.get(2)?;
            let added: String = r.get(9)?;
            Ok(Title {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: if kind == "series" { TitleKind::Series } else { TitleKind::Movie },
                year: r.get(3)?,
                maturity: maturity_at(r, 4)?,
                genres: vec![],
                tags: vec![],
                language: r.get(5)?,
                country: r.get(6)?,
                runtime_min: r.get(7)?,
                synopsis: r.get(8)?,
                cast: vec![],
                directors: vec![],
                added: NaiveDate::parse_from_str(&added, "%Y-%m-%d").map_err(|_| bad_value(9, "date", &added))?,
                seasons: vec![],
                artwork: vec![],
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let index: BTreeMap<String, usize> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.clone(), i))
        .collect();
    let mut pairs = |sql: &str,
                     f: &mut dyn FnMut(&mut Title, &rusqlite::Row) -> rusqlite::Result<()>|
     -> rusqlite::Result<()> {
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([only])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            if let Some(&i) = index.get(&id) {
                f(&mut titles[i], r)?;
            }
        }
        Ok(())
    };
    pairs(
        "SELECT title_id, genre_id FROM title_genres WHERE ?1 IS NULL OR title_id = ?1 ORDER BY title_id, pos",
        &mut |t, r| {
            t.genres.push(r.get(1)?);
            Ok(())
        },
    )?;
    pairs(
        "SELECT title_id, tag_id FROM title_tags WHERE ?1 IS NULL OR title_id = ?1 ORDER BY title_id, pos",
        &mut |t, r| {
            t.tags.push(r.get(1)?);
            Ok(())
        },
    )?;
    pairs(
        "SELECT c.title_id, p.name, c.role FROM credits c JOIN people p ON p.id = c.person_id WHERE ?1 IS NULL OR c.title_id = ?1 ORDER BY c.title_id, c.role, c.pos",
        &mut |t, r| {
            let role: String = r.get(2)?;
            let name: String = r.get(1)?;
            if role == "cast" { t.cast.push(name) } else { t.directors.push(name) }
            Ok(())
        },
    )?;
    pairs(
        "SELECT title_id, season, name FROM episodes WHERE ?1 IS NULL OR title_id = ?1 ORDER BY title_id, season, number",
        &mut |t, r| {
            let season: u32 = r.get(1)?;
            if t.seasons.last().map(|s| s.number) != Some(season) {
                t.seasons.push(Season {
                    number: season,
                    episodes: vec![],
                });
            }
            t.seasons
                .last_mut()
                .expect("just pushed")
                .episodes
                .push(r.get(2)?);
            Ok(())
        },
    )?;
    pairs(
        "SELECT title_id, id, theme, motif, palette, caption FROM artwork WHERE ?1 IS NULL OR title_id = ?1 ORDER BY title_id, pos",
        &mut |t, r| {
            let theme: String = r.get(2)?;
            t.artwork.push(Artwork {
                id: r.get(1)?,
                theme: ArtworkTheme::parse(&theme).ok_or_else(|| bad_value(2, "theme", &theme))?,
                motif: r.get(3)?,
                palette: r.get(4)?,
                caption: r.get(5)?,
            });
            Ok(())
        },
    )?;
    Ok(titles)
}

/// The catalog's "today": its `as_of`, else the newest `added` date.
pub(super) fn read_as_of(conn: &Connection) -> rusqlite::Result<NaiveDate> {
    let v: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'as_of'", [], |r| {
            r.get(0)
        })
        .optional()?
        .or(conn.query_row("SELECT max(added) FROM titles", [], |r| r.get(0))?);
    Ok(
        v.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
            .unwrap_or(NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid date")),
    )
}

fn member_from_row(r: &rusqlite::Row) -> rusqlite::Result<Member> {
    let kind: String = r.get(2)?;
    Ok(Member {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: if kind == "profile" {
            MemberKind::Profile
        } else {
            MemberKind::Viewer
        },
        display_name: r.get(3)?,
        maturity: maturity_at(r, 4)?,
        region: r.get(5)?,
    })
}

impl Store {
    pub fn stats(&self) -> Result<Stats, StoreError> {
        let c = |sql: &str| -> Result<u64, StoreError> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
                .map_err(|e| self.err(e))
        };
        Ok(Stats {
            titles: c("SELECT count(*) FROM titles")?,
            series: c("SELECT count(*) FROM titles WHERE kind = 'series'")?,
            episodes: c("SELECT count(*) FROM episodes")?,
            genres: c("SELECT count(*) FROM genres")?,
            tags: c("SELECT count(*) FROM tags")?,
            artwork: c("SELECT count(*) FROM artwork")?,
            people: c("SELECT count(*) FROM people")?,
            profiles: c("SELECT count(*) FROM members WHERE kind = 'profile'")?,
            viewers: c("SELECT count(*) FROM members WHERE kind = 'viewer'")?,
            events: c("SELECT count(*) FROM events")?,
        })
    }

    /// True when no catalog has been imported yet.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM titles", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        Ok(n == 0)
    }

    pub fn titles(&self) -> Result<Vec<Title>, StoreError> {
        load_titles(&self.conn, None).map_err(|e| self.err(e))
    }

    pub fn title(&self, id: &str) -> Result<Title, StoreError> {
        load_titles(&self.conn, Some(id))
            .map_err(|e| self.err(e))?
            .pop()
            .ok_or_else(|| StoreError::UnknownTitle(id.to_string()))
    }

    pub fn as_of(&self) -> Result<NaiveDate, StoreError> {
        read_as_of(&self.conn).map_err(|e| self.err(e))
    }

    pub fn genres(&self) -> Result<Vec<crate::catalog::Genre>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, plural FROM genres ORDER BY id")
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| {
            Ok(crate::catalog::Genre {
                id: r.get(0)?,
                name: r.get(1)?,
                plural: r.get(2)?,
            })
        });
        rows.and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    pub fn tags(&self) -> Result<Vec<crate::catalog::Tag>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, kind, label, suffix FROM tags ORDER BY id")
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| {
            let kind: String = r.get(1)?;
            Ok(crate::catalog::Tag {
                id: r.get(0)?,
                kind: crate::catalog::TagKind::parse(&kind)
                    .ok_or_else(|| bad_value(1, "tag kind", &kind))?,
                label: r.get(2)?,
                suffix: r.get(3)?,
            })
        });
        rows.and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    pub fn profiles(&self) -> Result<Vec<ProfileSummary>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT m.id, m.name, m.display_name, m.maturity, m.region, (SELECT count(*) FROM events e WHERE e.member_id = m.id)
                 FROM members m WHERE m.kind = 'profile' ORDER BY m.name",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| {
            Ok(ProfileSummary {
                id: r.get(0)?,
                name: r.get(1)?,
                display_name: r.get(2)?,
                maturity: maturity_at(r, 3)?,
                region: r.get(4)?,
                events: r.get::<_, i64>(5)? as u64,
            })
        });
        rows.and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    /// A profile by name; viewers are not profiles.
    pub fn profile(&self, name: &str) -> Result<Member, StoreError> {
        self.conn
            .query_row(
                "SELECT id, name, kind, display_name, maturity, region FROM members WHERE name = ?1 AND kind = 'profile'",
                [name],
                member_from_row,
            )
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or_else(|| StoreError::UnknownProfile(name.to_string()))
    }

    pub fn members(&self) -> Result<Vec<Member>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, name, kind, display_name, maturity, region FROM members ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], member_from_row);
        rows.and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    pub fn add_profile(
        &mut self,
        name: &str,
        maturity: Maturity,
        region: &str,
    ) -> Result<Member, StoreError> {
        self.add_profile_named(name, name, maturity, region)
    }

    /// A new profile with the handle `name` shown as `display_name` ("zoe-kid", "Zoë Kid").
    pub fn add_profile_named(
        &mut self,
        name: &str,
        display_name: &str,
        maturity: Maturity,
        region: &str,
    ) -> Result<Member, StoreError> {
        let display_name = display_name.trim();
        if display_name.is_empty() || display_name.chars().count() > 32 {
            return Err(StoreError::Invalid(format!(
                "{display_name:?} is not a profile's display name (1–32 characters)"
            )));
        }
        let valid_name = !name.is_empty()
            && name.len() <= 32
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !valid_name {
            return Err(StoreError::Invalid(format!(
                "{name:?} is not a profile name (lowercase letters, digits, '-', '_'; 1–32)"
            )));
        }
        if region.len() != 2 || !region.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(StoreError::Invalid(format!(
                "{region:?} is not a two-letter uppercase region code"
            )));
        }
        let exists: bool = self
            .conn
            .query_row(
                "SELECT count(*) FROM members WHERE name = ?1",
                [name],
                |r| r.get::<_, i64>(0),
            )
            .map_err(|e| self.err(e))?
            > 0;
        if exists {
            return Err(StoreError::DuplicateProfile(name.to_string()));
        }
        self.conn
            .execute(
                "INSERT INTO members(name, kind, display_name, maturity, region) VALUES (?1, 'profile', ?2, ?3, ?4)",
                params![name, display_name, maturity.as_str(), region],
            )
            .map_err(|e| self.err(e))?;
        self.profile(name)
    }

    /// Events of one member, oldest first.
    pub fn events_of(&self, member_id: i64) -> Result<Vec<Event>, StoreError> {
        self.query_events("WHERE member_id = ?1", params![member_id], 0)
    }

    /// Every event, by member then time: the training log.
    pub fn all_events(&self) -> Result<Vec<Event>, StoreError> {
        self.query_log("")
    }

    /// The whole log's events that `filter` keeps, with room made for all
    /// of them first (the largest event id bounds how many there are).
    fn query_log(&self, filter: &str) -> Result<Vec<Event>, StoreError> {
        let most = self.last_event_id()?.max(0) as usize;
        self.query_events(filter, params![], most)
    }

    /// The events `filter` keeps, by member then time; `capacity` is room
    /// made for them first (the whole log's: its largest event id). A list
    /// that doubles as it grows copies tens of millions of events again into
    /// freshly zeroed memory.
    fn query_events(
        &self,
        filter: &str,
        args: impl rusqlite::Params,
        capacity: usize,
    ) -> Result<Vec<Event>, StoreError> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events {filter} ORDER BY member_id, at, id");
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt.query_map(args, event_at);
        let mut events = Vec::with_capacity(capacity);
        for e in rows.map_err(|e| self.err(e))? {
            events.push(e.map_err(|e| self.err(e))?);
        }
        Ok(events)
    }

    /// Record one feedback event; it is committed (and synced) when this returns.
    pub fn add_event(&mut self, member_id: i64, e: &NewEvent) -> Result<i64, StoreError> {
        self.conn
            .execute(
                INSERT_EVENT,
                params![
                    member_id,
                    e.title_id,
                    e.at,
                    e.offset_min,
                    e.action.as_str(),
                    e.progress as f64,
                    e.season,
                    e.episode,
                    e.device.as_str(),
                    e.artwork_id,
                    "feedback"
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Begin one transaction around several writes (onboarding's picks):
    /// they are committed together by [`Store::commit_batch`], or not at all.
    pub fn begin_batch(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.err(e))
    }

    pub fn commit_batch(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("COMMIT").map_err(|e| self.err(e))
    }

    /// Take back every write since [`Store::begin_batch`].
    pub fn rollback_batch(&mut self) {
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }

    /// The newest event id (0 when there are none): where a journey starts.
    pub fn last_event_id(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT coalesce(max(id), 0) FROM events", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Forget a profile's feedback newer than `after` (on a replay's copy).
    pub fn forget_feedback_after(
        &mut self,
        member_id: i64,
        after: i64,
    ) -> Result<usize, StoreError> {
        self.conn
            .execute(
                "DELETE FROM events WHERE member_id = ?1 AND id > ?2 AND origin = 'feedback'",
                params![member_id, after],
            )
            .map_err(|e| self.err(e))
    }

    /// A consistent copy of the whole database at `to` (SQLite's VACUUM
    /// INTO), with its cached model.
    pub fn copy_to(&self, to: &std::path::Path) -> Result<(), StoreError> {
        self.conn
            .execute("VACUUM INTO ?1", [to.to_string_lossy()])
            .map_err(|e| self.err(e))?;
        // Without it the copy trains again: slower, never wrong.
        let _ = self.copy_model_file_to(to);
        Ok(())
    }

    /// Take back a feedback event (undo). Only feedback given through Marquee
    /// can be taken back; imported history and the population stay.
    pub fn delete_feedback(&mut self, member_id: i64, id: i64) -> Result<(), StoreError> {
        let n = self
            .conn
            .execute(
                "DELETE FROM events WHERE id = ?1 AND member_id = ?2 AND origin = 'feedback'",
                params![id, member_id],
            )
            .map_err(|e| self.err(e))?;
        if n == 1 {
            Ok(())
        } else {
            Err(StoreError::Invalid(format!(
                "event {id} is not feedback of this profile, so it cannot be undone"
            )))
        }
    }

    /// The stamp of the data a model is trained on (see `generation`):
    /// one row read, whatever the log's size. A database from before stamps
    /// gets its first one here.
    pub fn training_fingerprint(&self) -> Result<String, StoreError> {
        match super::generation::read(&self.conn).map_err(|e| self.err(e))? {
            Some(stamp) => Ok(stamp),
            None => super::generation::stamp(&self.conn).map_err(|e| self.err(e)),
        }
    }

    /// The training log: every event except feedback given in Marquee. A
    /// large one is read on every core (see `log_parts`).
    pub fn training_events(&self) -> Result<Vec<Event>, StoreError> {
        let parts = if self.last_event_id()? >= LOG_IN_PARTS_FROM {
            4 * rayon::current_num_threads()
        } else {
            1
        };
        self.training_events_in(parts)
    }

    /// The training log read in `parts` member ranges side by side (one:
    /// on this connection), or here when the ranges cannot be (see
    /// `log_parts::read`).
    pub(super) fn training_events_in(&self, parts: usize) -> Result<Vec<Event>, StoreError> {
        const TRAINING: &str = "origin != 'feedback'";
        if parts > 1 {
            let read = super::log_parts::read(&self.conn, TRAINING, parts);
            if let Some(events) = read.map_err(|e| self.err(e))? {
                return Ok(events);
            }
        }
        self.query_log(&format!("WHERE {TRAINING}"))
    }
}
