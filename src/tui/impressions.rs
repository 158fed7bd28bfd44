//! Which tiles the home screen has shown: each tile is noted once per page
//! view when it first comes into the viewport (the same geometry drawing
//! uses), and the notes are written in one transaction on the next tick,
//! when the app idles, or when it quits, so a key press never waits on
//! the disk for them. A process killed between ticks loses at most one
//! tick of impressions; feedback is never at stake.

use super::app::{App, Mode};
use super::layout;
use crate::session::Session;
use crate::store::{PageView, ShownTile, StoreError, ViewBatch};
use ratatui::layout::Rect;
use std::collections::BTreeSet;

#[derive(Default)]
pub struct ImpressionTracker {
    /// The current page view: its serial number here, its stored id once
    /// written, and what it is.
    current: Option<(u64, Option<i64>, PageView)>,
    serial: u64,
    /// (row, column) of every tile noted on the current view.
    noted: BTreeSet<(usize, usize)>,
    /// Tiles noted and not yet written, by view (several views when pages
    /// change faster than ticks).
    pending: Vec<(u64, ViewBatch)>,
    /// Set when a write failed, so the failure is reported once.
    pub failed: bool,
    /// Note nothing (the benchmark's baseline).
    pub disabled: bool,
}

impl ImpressionTracker {
    /// A new page is on screen: a new page view starts (its tiles are noted afresh).
    pub fn new_view(&mut self, session: &Session) {
        self.serial += 1;
        self.current = session.page_view().ok().map(|v| (self.serial, None, v));
        self.noted.clear();
    }

    /// Note the tiles the home screen shows now that this view has not shown yet.
    pub fn note_visible(&mut self, app: &App) {
        let Some((serial, id, view)) = &self.current else {
            return;
        };
        if self.disabled {
            return;
        }
        if app.mode != Mode::Home || app.split || app.size == (0, 0) || app.too_small() {
            return;
        }
        let Some(page) = &app.page else {
            return;
        };
        let area = Rect::new(0, 0, app.size.0, app.size.1);
        let home = layout::home(area, app);
        let mut fresh = vec![];
        for slot in &home.rows {
            let Some(row) = page.rows.get(slot.index) else {
                continue;
            };
            for &(col, _) in &slot.tiles {
                let Some(item) = row.items.get(col) else {
                    continue;
                };
                if self.noted.insert((slot.index, col)) {
                    fresh.push(ShownTile {
                        row: slot.index as u32,
                        pos: col as u32,
                        row_kind: row.kind.as_str().to_string(),
                        title_id: item.title_id.clone(),
                        artwork_id: Some(item.artwork_id.clone()),
                        theme: None,
                    });
                }
            }
        }
        if fresh.is_empty() {
            return;
        }
        match self.pending.last_mut() {
            Some((s, b)) if *s == *serial => b.tiles.extend(fresh),
            _ => self.pending.push((
                *serial,
                ViewBatch {
                    id: *id,
                    view: view.clone(),
                    tiles: fresh,
                },
            )),
        }
    }

    /// Tiles noted and not yet written.
    pub fn pending(&self) -> usize {
        self.pending.iter().map(|(_, b)| b.tiles.len()).sum()
    }

    /// Write every pending tile in one transaction.
    pub fn flush(&mut self, session: &mut Session) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let (serials, batches): (Vec<u64>, Vec<ViewBatch>) =
            std::mem::take(&mut self.pending).into_iter().unzip();
        let ids = session.log_impressions(&batches)?;
        // The current view's later tiles go under the id it was given.
        if let Some((serial, id @ None, _)) = self.current.as_mut() {
            if let Some(k) = serials.iter().position(|s| *s == *serial) {
                *id = Some(ids[k]);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::rank::impressions::attribute;
    use crate::tui::msg::Msg;
    use crate::tui::runtime::Runtime;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn press(rt: &mut Runtime, c: KeyCode) {
        rt.press(KeyEvent::new(c, KeyModifiers::NONE));
    }

    fn stored(rt: &Runtime) -> (u64, u64) {
        rt.session.store().impression_counts().unwrap()
    }

    #[test]
    fn visible_tiles_are_written_once_per_page_view_on_a_tick_and_a_play_is_attributed() {
        let mut rt = Runtime::new(crate::testkit::tiny_session("mia"), Some(1.0));
        rt.dispatch(Msg::Resize(80, 24));
        let noted = rt.impressions.pending();
        assert!(noted > 0, "the first screen shows tiles");
        assert_eq!(stored(&rt), (0, 0), "nothing is written before the tick");
        rt.dispatch(Msg::Tick);
        assert_eq!(stored(&rt), (1, noted as u64));
        // The same screen again, and a tick: nothing new.
        rt.dispatch(Msg::Resize(80, 24));
        rt.dispatch(Msg::Tick);
        assert_eq!(stored(&rt), (1, noted as u64));
        // Moving along a long row brings new tiles into view: same page view, more tiles.
        let long = rt
            .app
            .rows()
            .iter()
            .position(|r| r.items.len() > 6)
            .expect("the tiny page has a row longer than a screen");
        for _ in 0..long {
            press(&mut rt, KeyCode::Down);
        }
        rt.dispatch(Msg::Tick);
        let noted = stored(&rt).1 as usize;
        for _ in 0..6 {
            press(&mut rt, KeyCode::Right);
        }
        rt.dispatch(Msg::Tick);
        let (views, tiles) = stored(&rt);
        assert_eq!(views, 1);
        assert!(tiles > noted as u64, "scrolling showed more tiles");
        // Play the selected tile: its impression gets the play; the new page is a new view.
        let (_, item) = rt.app.focused().expect("a tile is selected");
        let played = item.title_id.clone();
        press(&mut rt, KeyCode::Char('w'));
        rt.dispatch(Msg::Quit);
        assert_eq!(
            stored(&rt).0,
            2,
            "the page after the play is a second view, written on quit"
        );
        let store = rt.session.store();
        let member = store.profile("mia").unwrap().id;
        let outcomes = attribute(
            &store.impressions_of(member, None).unwrap(),
            &store.events_of(member).unwrap(),
        );
        let hit: Vec<_> = outcomes.iter().filter(|o| o.play.is_some()).collect();
        assert_eq!(hit.len(), 1, "one play, one impression credited");
        assert_eq!(hit[0].title_id, played);
        assert_eq!(
            hit[0].view_id, outcomes[0].view_id,
            "credited to the view it was played from"
        );
    }

    #[test]
    fn nothing_is_noted_off_the_home_screen() {
        let mut rt = Runtime::new(crate::testkit::tiny_session("mia"), Some(1.0));
        press(&mut rt, KeyCode::Char('?'));
        rt.dispatch(Msg::Resize(80, 24));
        rt.dispatch(Msg::Tick);
        assert_eq!(stored(&rt), (0, 0));
    }
}
