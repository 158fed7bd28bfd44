//! Writing a MovieLens data set into an empty database: the catalog, every
//! user as a viewer (or a chosen few as browsable profiles) and every rating
//! as events, in one transaction. A rating means the title was watched: every
//! rating is a play to the end, and 4 stars and up add a thumbs up, 2 and
//! below a thumbs down (a second later).

use super::import::ImportSummary;
use super::{Store, StoreError};
use crate::catalog::movielens::{choose_profiles, MovieLens};
use crate::catalog::{Action, ImportFile};
use rusqlite::params;

/// A rating's events differ only in member, title, time, action and
/// progress; the rest are written as constants rather than bound on each of
/// the 36 million rows ML-25M makes.
const INSERT_RATING_EVENT: &str = "INSERT INTO events(member_id, title_id, at, offset_min, action, progress, season, episode, device, artwork_id, origin)
     VALUES (?1, ?2, ?3, 0, ?4, ?5, NULL, NULL, 'tv', NULL, 'movielens')";

/// Progress is reported every this many events.
pub const PROGRESS_STEP: usize = 20_000;

impl Store {
    /// Import `ml`, turning `profiles` users with different tastes into profiles.
    /// `progress(done, total)` is called as events are written. `ml` is
    /// taken whole so its ratings are put in the index's order in place.
    pub fn import_movielens(
        &mut self,
        ml: MovieLens,
        profiles: usize,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportSummary, StoreError> {
        if !self.is_empty()? {
            return Err(StoreError::NotEmpty(self.path.clone()));
        }
        let path = self.path.clone();
        let e = |err| StoreError::sqlite(&path, err);
        // A bulk load into an empty file: the rollback journal (which then
        // holds almost nothing) rather than the WAL (which would hold every
        // new page and copy it into the file again). Still one transaction,
        // so a failure or a kill leaves the database empty.
        // Every member id an event names is inserted just before by this
        // transaction, so the per-row foreign-key lookup is skipped too.
        // A 256 MB page cache holds the growing edges of the table and its
        // index (SQLite's 2 MB default writes them out again and again); the
        // connection's own size comes back afterwards.
        let cache_size: i64 = self
            .conn
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .map_err(e)?;
        self.conn
            .execute_batch(
                "PRAGMA journal_mode = DELETE; PRAGMA foreign_keys = OFF;
                 PRAGMA cache_size = -262144;",
            )
            .map_err(e)?;
        let written = self.write_movielens(ml, profiles, progress);
        let restored = self.conn.execute_batch(&format!(
            "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA cache_size = {cache_size};"
        ));
        let summary = written?;
        restored.map_err(e)?;
        Ok(summary)
    }

    fn write_movielens(
        &mut self,
        mut ml: MovieLens,
        profiles: usize,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportSummary, StoreError> {
        let path = self.path.clone();
        let e = |err| StoreError::sqlite(&path, err);
        let (tx, mut summary) = self.begin_import(&[ImportFile::Catalog {
            label: ml.catalog.name.clone().unwrap_or_default(),
            file: ml.catalog.clone(),
        }])?;

        let chosen: std::collections::BTreeMap<u32, String> =
            choose_profiles(&ml, profiles).into_iter().collect();
        let mut member_ids = Vec::with_capacity(ml.users.len());
        {
            let mut ins = tx
                .prepare_cached("INSERT INTO members(name, kind, display_name, maturity, region) VALUES (?1, ?2, ?3, 'NC-17', 'US') RETURNING id")
                .map_err(e)?;
            for (i, user) in ml.users.iter().enumerate() {
                let name = format!("ml{user}");
                let (kind, display) = match chosen.get(&(i as u32)) {
                    Some(genre) => ("profile", format!("User {user} ({genre} fan)")),
                    None => ("viewer", name.clone()),
                };
                member_ids.push(
                    ins.query_row(params![name, kind, display], |r| r.get::<_, i64>(0))
                        .map_err(e)?,
                );
                if kind == "profile" {
                    summary.profiles.push(name);
                } else {
                    summary.viewers += 1;
                }
            }
        }
        // Written in the order of the events index (member, then time), so
        // each index entry lands at the index's right edge: no sort of 36
        // million entries at the end, and a member's events sit together.
        ml.ratings.sort_unstable_by_key(|r| (r.user, r.at, r.title));
        let mut ins = tx.prepare_cached(INSERT_RATING_EVENT).map_err(e)?;
        for (done, r) in ml.ratings.iter().enumerate() {
            let thumb = match r.stars {
                s if s >= 4.0 => Some(Action::Up),
                s if s <= 2.0 => Some(Action::Down),
                _ => None,
            };
            let title = &ml.catalog.titles[r.title as usize].id;
            let member = member_ids[r.user as usize];
            // The play, then the thumb a second later.
            let events =
                std::iter::once((Action::Play, 1.0, r.at)).chain(thumb.map(|a| (a, 0.0, r.at + 1)));
            for (action, progress_watched, at) in events {
                ins.execute(params![
                    member,
                    title,
                    at,
                    action.as_str(),
                    progress_watched
                ])
                .map_err(e)?;
                summary.events += 1;
            }
            if done % PROGRESS_STEP == 0 {
                progress(done, ml.ratings.len());
            }
        }
        drop(ins);
        super::generation::stamp(&tx).map_err(e)?;
        tx.commit().map_err(e)?;
        progress(ml.ratings.len(), ml.ratings.len());
        Ok(summary)
    }
}
