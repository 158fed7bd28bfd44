//! The stamp of the data a model is trained on. Every import that changes
//! the training log or the catalog writes a new stamp in its own
//! transaction, so whether a cached model still fits is known by reading one
//! row: a page never scans the log to find out. Feedback given in Marquee is
//! not training data (it reaches pages by fold-in), so it leaves the stamp alone.

use rusqlite::{Connection, OptionalExtension};

const KEY: &str = "training_data";

/// Write a new stamp: the next generation, the newest event id and the
/// catalog's size. Cheap: each part is a lookup on an index, not a scan.
pub(super) fn stamp(conn: &Connection) -> rusqlite::Result<String> {
    let generation = match read(conn)? {
        Some(s) => generation_of(&s) + 1,
        None => 1,
    };
    let newest_event: i64 =
        conn.query_row("SELECT coalesce(max(id), 0) FROM events", [], |r| r.get(0))?;
    let (titles, seq): (i64, i64) = conn.query_row(
        "SELECT count(*), coalesce(max(seq), 0) FROM titles",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let value = format!("generation:{generation};events-to:{newest_event};titles:{titles}:{seq}");
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [KEY, &value],
    )?;
    Ok(value)
}

/// The current stamp, if any import has written one.
pub(super) fn read(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [KEY], |r| r.get(0))
        .optional()
}

fn generation_of(stamp: &str) -> i64 {
    stamp
        .split(';')
        .find_map(|part| part.strip_prefix("generation:"))
        .and_then(|g| g.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        for m in super::super::MIGRATIONS {
            c.execute_batch(m).unwrap();
        }
        c
    }

    #[test]
    fn each_stamp_is_a_new_generation() {
        let c = conn();
        assert_eq!(read(&c).unwrap(), None);
        let first = stamp(&c).unwrap();
        let second = stamp(&c).unwrap();
        assert_ne!(first, second);
        assert_eq!(generation_of(&second), 2);
        assert_eq!(read(&c).unwrap(), Some(second));
    }
}
