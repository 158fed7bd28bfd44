//! Units of watching that every layer shares: a day in seconds, and the
//! progress at which a play counts as finished.

/// Seconds in a day.
pub const DAY_SECONDS: i64 = 86_400;

/// Progress (0–1) from which a title or an episode counts as watched to the end.
pub const FINISHED_PROGRESS: f32 = 0.9;

/// Has a play with this progress reached the end?
pub fn is_finished(progress: f32) -> bool {
    progress >= FINISHED_PROGRESS
}
