//! A large log read on every core. Reading tens of millions of events is a
//! large train's longest single step: SQLite steps one row at a time, and
//! the kernel zeroes every fresh page the list grows into. So the members
//! are cut into id ranges, each read on its own connection straight into its
//! own stretch of one list, and the stretches are closed up at the end.
//!
//! Each range is counted and read inside one read transaction, so its count
//! bounds what it reads. The ranges' transactions start apart; they saw the
//! same training data when they saw the same generation stamp (feedback,
//! which the training log leaves out, does not move it). When they did not,
//! or cannot read what the caller's connection sees, [`read`] says so and
//! the caller reads on that connection.

use super::generation;
use super::queries::{event_at, EVENT_COLUMNS};
use crate::catalog::Event;
use rayon::prelude::*;
use rusqlite::{params, Connection, OpenFlags};
use std::mem::MaybeUninit;
use std::path::Path;

/// The events that `filter` (an SQL condition) keeps, by member then time,
/// read in `parts` member id ranges side by side. `None` where other
/// connections cannot stand in for `conn` — a database in memory has no
/// file for them, and a transaction open on `conn` holds writes they do not
/// see — or where the ranges' transactions saw different training data.
pub(super) fn read(
    conn: &Connection,
    filter: &str,
    parts: usize,
) -> rusqlite::Result<Option<Vec<Event>>> {
    let Some(file) = conn
        .path()
        .filter(|f| !f.is_empty() && conn.is_autocommit())
    else {
        return Ok(None);
    };
    let parts = member_ranges(conn, parts)?
        .into_par_iter()
        .map(|members| Part::open(Path::new(file), members))
        .collect::<rusqlite::Result<Vec<Part>>>()?;
    if parts.windows(2).any(|w| w[0].stamp != w[1].stamp) {
        return Ok(None);
    }
    let room: usize = parts.iter().map(|p| p.most).sum();
    let mut events: Vec<Event> = Vec::with_capacity(room);
    let (starts, filled) = {
        let mut rest = &mut events.spare_capacity_mut()[..room];
        let mut stretches = Vec::with_capacity(parts.len());
        let mut starts = Vec::with_capacity(parts.len());
        let mut start = 0;
        for p in &parts {
            let (stretch, tail) = std::mem::take(&mut rest).split_at_mut(p.most);
            stretches.push(Stretch::new(stretch));
            starts.push(start);
            start += p.most;
            rest = tail;
        }
        let filled = parts
            .into_par_iter()
            .zip(stretches)
            .map(|(part, mut stretch)| part.read_into(filter, &mut stretch).map(|()| stretch))
            .collect::<rusqlite::Result<Vec<Stretch>>>()?;
        if filled.iter().any(|s| s.overflowed) {
            return Ok(None);
        }
        (
            starts,
            filled.into_iter().map(Stretch::keep).collect::<Vec<_>>(),
        )
    };
    // Close the gaps each range's feedback left: every stretch moves down
    // to where the one before it ended.
    let base = events.as_mut_ptr();
    let mut len = 0;
    for (start, n) in starts.into_iter().zip(filled) {
        // SAFETY: `start..start + n` holds the stretch's `n` written events,
        // inside the capacity, and `len <= start`, so the move stays inside the
        // list and overwrites only slots that are free or already moved from
        // (`copy` allows the overlap).
        unsafe { std::ptr::copy(base.add(start), base.add(len), n) };
        len += n;
    }
    // SAFETY: the first `len` slots now hold every event read, each once.
    unsafe { events.set_len(len) };
    Ok(Some(events))
}

/// `parts` ranges of member ids, `from..to`, that cover every member in
/// order (cut evenly by id; a range may hold none).
fn member_ranges(conn: &Connection, parts: usize) -> rusqlite::Result<Vec<(i64, i64)>> {
    let (first, last): (i64, i64) = conn.query_row(
        "SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM members",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let span = (last - first + 1) as i128;
    let cut = |i: usize| first + (span * i as i128 / parts as i128) as i64;
    Ok((0..parts).map(|i| (cut(i), cut(i + 1))).collect())
}

/// Member ids `from..to` on their own connection, inside a read transaction
/// begun before they were counted.
struct Part {
    conn: Connection,
    members: (i64, i64),
    /// Their events, feedback included: room for what any filter keeps.
    most: usize,
    stamp: Option<String>,
}

impl Part {
    fn open(file: &Path, members: (i64, i64)) -> rusqlite::Result<Part> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(file, flags)?;
        conn.busy_timeout(super::BUSY_TIMEOUT)?;
        conn.execute_batch("BEGIN")?;
        let stamp = generation::read(&conn)?;
        let most: i64 = conn.query_row(
            "SELECT count(*) FROM events WHERE member_id >= ?1 AND member_id < ?2",
            params![members.0, members.1],
            |r| r.get(0),
        )?;
        Ok(Part {
            conn,
            members,
            most: most as usize,
            stamp,
        })
    }

    fn read_into(self, filter: &str, stretch: &mut Stretch) -> rusqlite::Result<()> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events
             WHERE member_id >= ?1 AND member_id < ?2 AND ({filter})
             ORDER BY member_id, at, id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        for e in stmt.query_map(params![self.members.0, self.members.1], event_at)? {
            stretch.push(e?);
        }
        Ok(())
    }
}

/// One range's stretch of the list: the events written so far are its
/// first `filled` slots, dropped with it unless kept.
struct Stretch<'a> {
    slots: &'a mut [MaybeUninit<Event>],
    filled: usize,
    /// More rows came than were counted (cannot happen inside one read
    /// transaction; the read is given up rather than trusted).
    overflowed: bool,
}

impl<'a> Stretch<'a> {
    fn new(slots: &'a mut [MaybeUninit<Event>]) -> Stretch<'a> {
        Stretch {
            slots,
            filled: 0,
            overflowed: false,
        }
    }

    fn push(&mut self, e: Event) {
        match self.slots.get_mut(self.filled) {
            Some(slot) => {
                slot.write(e);
                self.filled += 1;
            }
            None => self.overflowed = true,
        }
    }

    /// How many events it holds, now owned by the list.
    fn keep(mut self) -> usize {
        std::mem::take(&mut self.filled)
    }
}

impl Drop for Stretch<'_> {
    fn drop(&mut self) {
        for slot in &mut self.slots[..self.filled] {
            // SAFETY: the first `filled` slots were written by `push` and
            // not handed on (`keep` sets `filled` to 0).
            unsafe { slot.assume_init_drop() };
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::{Action, Device, NewEvent};
    use crate::store::Store;

    #[test]
    fn the_log_read_in_ranges_is_the_log_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("m.db")).unwrap();
        store.install_sample().unwrap();
        let ava = store.profile("ava").unwrap();
        let feedback = NewEvent {
            title_id: "m1".into(),
            at: 2_000_000_000,
            offset_min: 0,
            action: Action::Up,
            progress: 0.0,
            season: None,
            episode: None,
            device: Device::Tv,
            artwork_id: None,
        };
        let given = store.add_event(ava.id, &feedback).unwrap();
        let whole = store.training_events_in(1).unwrap();
        assert!(whole.len() > 1000, "the sample has a log to cut");
        assert!(
            whole.iter().all(|e| e.id != given),
            "feedback is not training data"
        );
        // Seven ranges of uneven size; 300 leaves some ranges without a member.
        for parts in [7, 300] {
            let ranges = store.training_events_in(parts).unwrap();
            assert_eq!(ranges, whole, "{parts} ranges");
        }
    }

    #[test]
    fn a_read_inside_an_open_transaction_sees_its_writes() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("m.db")).unwrap();
        store.install_sample().unwrap();
        let before = store.training_events_in(1).unwrap().len();
        store.begin_batch().unwrap();
        store
            .conn
            .execute("DELETE FROM events WHERE origin != 'feedback' AND member_id = (SELECT min(member_id) FROM events)", [])
            .unwrap();
        let inside = store.training_events_in(7).unwrap();
        assert!(inside.len() < before, "the uncommitted delete is seen");
        assert_eq!(inside, store.training_events_in(1).unwrap());
        store.rollback_batch();
        assert_eq!(store.training_events_in(7).unwrap().len(), before);
    }
}
