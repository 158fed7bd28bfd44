//! Impressions: what a page showed in the viewport, stored compactly (one
//! `page_views` row per page view, one integer-only `impressions` row per
//! tile shown). Writing a batch of tiles is one transaction; reading returns
//! domain types. Which play an impression led to is decided by the reader
//! (`eval::impressions::attribute`), from the events table.

use super::{Store, StoreError};
use crate::catalog::{ArtworkTheme, Device};
use rusqlite::params;

/// Where a page view came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// A person browsing in the TUI.
    Browse,
    /// A simulated viewer's session.
    Simulated,
    /// A simulated session whose artwork was chosen at random (for replay).
    RandomArtwork,
}

impl Origin {
    pub const ALL: [Origin; 3] = [Origin::Browse, Origin::Simulated, Origin::RandomArtwork];

    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn from_code(c: i64) -> Option<Origin> {
        Origin::ALL.into_iter().find(|o| o.code() == c)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Browse => "browse",
            Origin::Simulated => "simulated",
            Origin::RandomArtwork => "random_artwork",
        }
    }
}

/// One page view: who saw it, when, on what, and the newest event id in
/// the database when it was shown (a play is attributed to a view only if
/// it came after).
#[derive(Debug, Clone, PartialEq)]
pub struct PageView {
    pub member_id: i64,
    pub at: i64,
    pub offset_min: i32,
    pub device: Device,
    pub origin: Origin,
    pub after_event: i64,
}

/// One tile shown: its row (kind and place on the page), its place in the
/// row, the title and the artwork it was shown with.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownTile {
    pub row: u32,
    pub pos: u32,
    pub row_kind: String,
    pub title_id: String,
    pub artwork_id: Option<String>,
    /// Filled when read back (from the artwork table); ignored when written.
    pub theme: Option<ArtworkTheme>,
}

/// Tiles to log on one page view: a new view (`id` None) or more tiles of
/// one already stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewBatch {
    pub id: Option<i64>,
    pub view: PageView,
    pub tiles: Vec<ShownTile>,
}

/// A stored page view with the tiles it showed, in (row, position) order.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedView {
    pub id: i64,
    pub view: PageView,
    pub tiles: Vec<ShownTile>,
}

const INSERT_VIEW: &str =
    "INSERT INTO page_views (member_id, at, offset_min, device, origin, after_event)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
const INSERT_TILE: &str =
    "INSERT OR IGNORE INTO impressions (view_id, row_pos, pos, row_kind, title_seq, artwork_pos)
     SELECT ?1, ?2, ?3, (SELECT id FROM row_kinds WHERE name = ?4), t.seq,
            coalesce((SELECT a.pos FROM artwork a WHERE a.id = ?6 AND a.title_id = t.id), -1)
     FROM titles t WHERE t.id = ?5";

impl Store {
    /// Log each batch's tiles as shown on its page view (a new view when
    /// the batch has no id yet), all batches in one transaction; returns
    /// each batch's view id. A tile already logged on its view (same row and
    /// position) is kept once; a title the catalog does not hold is skipped.
    pub fn log_impressions(&mut self, batches: &[ViewBatch]) -> Result<Vec<i64>, StoreError> {
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        let mut ids = Vec::with_capacity(batches.len());
        {
            let mut view = tx.prepare_cached(INSERT_VIEW).map_err(err)?;
            let mut kind = tx
                .prepare_cached("INSERT OR IGNORE INTO row_kinds (name) VALUES (?1)")
                .map_err(err)?;
            let mut tile = tx.prepare_cached(INSERT_TILE).map_err(err)?;
            let mut kinds_seen: Vec<&str> = vec![];
            for b in batches {
                let id = match b.id {
                    Some(id) => id,
                    None => {
                        let v = &b.view;
                        view.execute(params![
                            v.member_id,
                            v.at,
                            v.offset_min,
                            v.device.index() as i64,
                            v.origin.code(),
                            v.after_event
                        ])
                        .map_err(err)?;
                        tx.last_insert_rowid()
                    }
                };
                for t in &b.tiles {
                    if !kinds_seen.contains(&t.row_kind.as_str()) {
                        kind.execute(params![t.row_kind]).map_err(err)?;
                        kinds_seen.push(&t.row_kind);
                    }
                    tile.execute(params![
                        id,
                        t.row,
                        t.pos,
                        t.row_kind,
                        t.title_id,
                        t.artwork_id
                    ])
                    .map_err(err)?;
                }
                ids.push(id);
            }
        }
        tx.commit().map_err(err)?;
        Ok(ids)
    }

    /// A member's page views, oldest first; with `before_event`, only the
    /// views shown before that event id (`after_event < before_event`).
    pub fn impressions_of(
        &self,
        member_id: i64,
        before_event: Option<i64>,
    ) -> Result<Vec<LoggedView>, StoreError> {
        self.query_views(
            "WHERE v.member_id = ?1 AND (?2 IS NULL OR v.after_event < ?2)",
            params![member_id, before_event],
        )
    }

    /// Every page view of one origin, by member then time.
    pub fn impressions_from(&self, origin: Origin) -> Result<Vec<LoggedView>, StoreError> {
        self.query_views("WHERE v.origin = ?1", params![origin.code()])
    }

    /// Forget every page view of one origin (a simulated log is replaced whole).
    pub fn forget_impressions_from(&mut self, origin: Origin) -> Result<usize, StoreError> {
        self.conn
            .execute(
                "DELETE FROM page_views WHERE origin = ?1",
                params![origin.code()],
            )
            .map_err(|e| self.err(e))
    }

    /// (page views, tiles) stored.
    pub fn impression_counts(&self) -> Result<(u64, u64), StoreError> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM page_views), (SELECT count(*) FROM impressions)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.err(e))
    }

    fn query_views(
        &self,
        filter: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<LoggedView>, StoreError> {
        let sql = format!(
            "SELECT v.id, v.member_id, v.at, v.offset_min, v.device, v.origin, v.after_event,
                    i.row_pos, i.pos, k.name, t.id, a.id, a.theme
             FROM page_views v
             JOIN impressions i ON i.view_id = v.id
             JOIN row_kinds k ON k.id = i.row_kind
             JOIN titles t ON t.seq = i.title_seq
             LEFT JOIN artwork a ON a.title_id = t.id AND a.pos = i.artwork_pos
             {filter} ORDER BY v.member_id, v.at, v.id, i.row_pos, i.pos"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut rows = stmt.query(args).map_err(|e| self.err(e))?;
        let mut out: Vec<LoggedView> = vec![];
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let id: i64 = r.get(0).map_err(|e| self.err(e))?;
            let read = || -> rusqlite::Result<(PageView, ShownTile)> {
                let device: i64 = r.get(4)?;
                let origin: i64 = r.get(5)?;
                let theme: Option<String> = r.get(12)?;
                let view = PageView {
                    member_id: r.get(1)?,
                    at: r.get(2)?,
                    offset_min: r.get(3)?,
                    device: Device::ALL
                        .get(device as usize)
                        .copied()
                        .ok_or_else(|| bad_code(4, "device", device))?,
                    origin: Origin::from_code(origin)
                        .ok_or_else(|| bad_code(5, "origin", origin))?,
                    after_event: r.get(6)?,
                };
                let tile = ShownTile {
                    row: r.get(7)?,
                    pos: r.get(8)?,
                    row_kind: r.get(9)?,
                    title_id: r.get(10)?,
                    artwork_id: r.get(11)?,
                    theme: theme.as_deref().and_then(ArtworkTheme::parse),
                };
                Ok((view, tile))
            };
            let (view, tile) = read().map_err(|e| self.err(e))?;
            match out.last_mut() {
                Some(last) if last.id == id => last.tiles.push(tile),
                _ => out.push(LoggedView {
                    id,
                    view,
                    tiles: vec![tile],
                }),
            }
        }
        Ok(out)
    }
}

fn bad_code(col: usize, what: &str, v: i64) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        col,
        rusqlite::types::Type::Integer,
        format!("{v} is not a known {what} code").into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::tiny_store;

    fn tile(row: u32, pos: u32, kind: &str, title: &str, art: &str) -> ShownTile {
        ShownTile {
            row,
            pos,
            row_kind: kind.into(),
            title_id: title.into(),
            artwork_id: Some(art.into()),
            theme: None,
        }
    }

    #[test]
    fn a_page_view_is_stored_once_per_tile_and_read_back_with_its_artwork_theme() {
        let mut store = tiny_store();
        let mia = store.profile("mia").unwrap();
        let view = PageView {
            member_id: mia.id,
            at: 1_000,
            offset_min: 0,
            device: Device::Mobile,
            origin: Origin::Browse,
            after_event: 7,
        };
        let batch = |id, tiles: Vec<ShownTile>| ViewBatch {
            id,
            view: view.clone(),
            tiles,
        };
        let id = store
            .log_impressions(&[batch(
                None,
                vec![
                    tile(0, 0, "top_picks", "m4", "m4-a1"),
                    tile(0, 1, "top_picks", "m5", "m5-a1"),
                ],
            )])
            .unwrap()[0];
        // Scrolling shows one more tile; the first is not logged twice.
        let again = store
            .log_impressions(&[batch(
                Some(id),
                vec![
                    tile(0, 1, "top_picks", "m5", "m5-a1"),
                    tile(1, 0, "trending", "c1", "no-such-artwork"),
                ],
            )])
            .unwrap();
        assert_eq!(again, [id]);
        assert_eq!(store.impression_counts().unwrap(), (1, 3));
        let views = store.impressions_of(mia.id, None).unwrap();
        assert_eq!(views.len(), 1);
        assert_eq!(views[0].view, view);
        let t = &views[0].tiles;
        assert_eq!(
            t.iter()
                .map(|t| (t.row, t.pos, t.row_kind.as_str(), t.title_id.as_str()))
                .collect::<Vec<_>>(),
            [
                (0, 0, "top_picks", "m4"),
                (0, 1, "top_picks", "m5"),
                (1, 0, "trending", "c1")
            ]
        );
        assert_eq!(t[0].artwork_id.as_deref(), Some("m4-a1"));
        assert!(t[0].theme.is_some(), "the theme comes from the artwork");
        assert_eq!(
            t[2].artwork_id, None,
            "an unknown artwork is stored as none"
        );
        // Only views shown before an event count for it.
        assert!(store.impressions_of(mia.id, Some(7)).unwrap().is_empty());
        assert_eq!(store.impressions_of(mia.id, Some(8)).unwrap().len(), 1);
        assert_eq!(store.impressions_from(Origin::Browse).unwrap().len(), 1);
        assert_eq!(store.forget_impressions_from(Origin::Browse).unwrap(), 1);
        assert_eq!(store.impression_counts().unwrap(), (0, 0));
    }

    #[test]
    fn a_database_from_before_impressions_gains_the_tables_and_keeps_its_events() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        {
            let c = rusqlite::Connection::open(&path).unwrap();
            c.execute_batch(super::super::MIGRATIONS[0]).unwrap();
            c.execute_batch(&format!(
                "PRAGMA application_id = {}; PRAGMA user_version = 1;
                 INSERT INTO members (id, name, kind, display_name, maturity, region)
                     VALUES (1, 'old', 'profile', 'Old', 'TV-MA', 'GB');
                 INSERT INTO events (member_id, title_id, at, offset_min, action, progress, device, origin)
                     VALUES (1, 'x', 5, 0, 'play', 1.0, 'tv', 'feedback');",
                super::super::APPLICATION_ID
            ))
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.impression_counts().unwrap(), (0, 0));
        assert_eq!(store.last_event_id().unwrap(), 1, "the old events are kept");
        assert!(store.impressions_of(1, None).unwrap().is_empty());
    }
}
