//! The schema as an append-only list of migrations. `PRAGMA user_version`
//! is the number applied; a database with a higher number is from a newer
//! Marquee and is refused, never rewritten. Never edit a published entry:
//! add a new one.

/// `PRAGMA application_id` of a Marquee database ("MRQE").
pub const APPLICATION_ID: i32 = 0x4D52_5145;

pub const MIGRATIONS: &[&str] = &[
    // 1: the catalog, members (profiles and viewers), events, the model cache.
    r#"
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE genres (id TEXT PRIMARY KEY, name TEXT NOT NULL, plural TEXT NOT NULL);
    CREATE TABLE tags (id TEXT PRIMARY KEY, kind TEXT NOT NULL, label TEXT, suffix TEXT);
    CREATE TABLE titles (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, year INTEGER NOT NULL,
        maturity TEXT NOT NULL, language TEXT NOT NULL, country TEXT NOT NULL,
        runtime_min INTEGER NOT NULL, synopsis TEXT NOT NULL, added TEXT NOT NULL,
        seq INTEGER NOT NULL
    );
    CREATE TABLE title_genres (title_id TEXT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
        genre_id TEXT NOT NULL REFERENCES genres(id), pos INTEGER NOT NULL, PRIMARY KEY (title_id, genre_id));
    CREATE TABLE title_tags (title_id TEXT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
        tag_id TEXT NOT NULL REFERENCES tags(id), pos INTEGER NOT NULL, PRIMARY KEY (title_id, tag_id));
    CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    CREATE TABLE credits (title_id TEXT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
        person_id INTEGER NOT NULL REFERENCES people(id), role TEXT NOT NULL, pos INTEGER NOT NULL,
        PRIMARY KEY (title_id, role, pos));
    CREATE TABLE episodes (title_id TEXT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
        season INTEGER NOT NULL, number INTEGER NOT NULL, name TEXT NOT NULL,
        PRIMARY KEY (title_id, season, number));
    CREATE TABLE artwork (id TEXT PRIMARY KEY, title_id TEXT NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
        theme TEXT NOT NULL, motif TEXT NOT NULL, palette TEXT NOT NULL, caption TEXT NOT NULL, pos INTEGER NOT NULL);
    CREATE INDEX artwork_title ON artwork(title_id, pos);
    CREATE TABLE members (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
        display_name TEXT NOT NULL, maturity TEXT NOT NULL, region TEXT NOT NULL
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY, member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        title_id TEXT NOT NULL, at INTEGER NOT NULL, offset_min INTEGER NOT NULL,
        action TEXT NOT NULL, progress REAL NOT NULL, season INTEGER, episode INTEGER,
        device TEXT NOT NULL, artwork_id TEXT, origin TEXT NOT NULL
    );
    CREATE INDEX events_member ON events(member_id, at);
    CREATE TABLE model_cache (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, data BLOB NOT NULL);
    "#,
    // 2: impressions, what a page showed in the viewport. One `page_views`
    // row per page view (member, time, device, where it came from, the
    // newest event when it was shown); one compact `impressions` row per
    // tile shown: integers only (the row kind from a small dictionary, the
    // title by its import order `seq`, the artwork by its place in the
    // title's list).
    r#"
    CREATE TABLE row_kinds (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    CREATE TABLE page_views (
        id INTEGER PRIMARY KEY,
        member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
        at INTEGER NOT NULL, offset_min INTEGER NOT NULL, device INTEGER NOT NULL,
        origin INTEGER NOT NULL, after_event INTEGER NOT NULL
    );
    CREATE INDEX page_views_member ON page_views(member_id, at);
    CREATE TABLE impressions (
        view_id INTEGER NOT NULL REFERENCES page_views(id) ON DELETE CASCADE,
        row_pos INTEGER NOT NULL, pos INTEGER NOT NULL,
        row_kind INTEGER NOT NULL REFERENCES row_kinds(id),
        title_seq INTEGER NOT NULL, artwork_pos INTEGER NOT NULL,
        PRIMARY KEY (view_id, row_pos, pos)
    ) WITHOUT ROWID;
    CREATE INDEX titles_seq ON titles(seq);
    "#,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_in_order_to_an_empty_database() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for (i, m) in MIGRATIONS.iter().enumerate() {
            conn.execute_batch(m)
                .unwrap_or_else(|e| panic!("migration {} fails: {e}", i + 1));
        }
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(n >= 14);
    }
}
