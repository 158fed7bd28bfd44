//! The page context: "now", the time of day and the kind of day (weekday or
//! weekend) it falls in, and the device. "Now" is always given, never read
//! from a clock, so pages are reproducible.

use crate::catalog::Device;
use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, SecondsFormat, Timelike, Weekday,
};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeOfDay {
    Morning,
    Afternoon,
    Evening,
    Night,
}

impl TimeOfDay {
    pub const ALL: [TimeOfDay; 4] = [
        TimeOfDay::Morning,
        TimeOfDay::Afternoon,
        TimeOfDay::Evening,
        TimeOfDay::Night,
    ];

    /// Morning 05–12, afternoon 12–17, evening 17–22, night 22–05 (local hours).
    pub fn from_hour(hour: u32) -> TimeOfDay {
        match hour {
            5..=11 => TimeOfDay::Morning,
            12..=16 => TimeOfDay::Afternoon,
            17..=21 => TimeOfDay::Evening,
            _ => TimeOfDay::Night,
        }
    }

    /// The local time and day of a stored event.
    pub fn of_event(at: i64, offset_min: i32) -> TimeOfDay {
        let local = (at + offset_min as i64 * 60).rem_euclid(crate::catalog::DAY_SECONDS);
        TimeOfDay::from_hour((local / 3600) as u32)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TimeOfDay::Morning => "morning",
            TimeOfDay::Afternoon => "afternoon",
            TimeOfDay::Evening => "evening",
            TimeOfDay::Night => "night",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// A representative local hour, for switching the context to this part of the day.
    pub fn typical_hour(self) -> u32 {
        match self {
            TimeOfDay::Morning => 8,
            TimeOfDay::Afternoon => 14,
            TimeOfDay::Evening => 20,
            TimeOfDay::Night => 23,
        }
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Weekday (Monday to Friday) or weekend (Saturday and Sunday), in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayKind {
    Weekday,
    Weekend,
}

impl DayKind {
    pub const ALL: [DayKind; 2] = [DayKind::Weekday, DayKind::Weekend];

    pub fn of_weekday(day: Weekday) -> DayKind {
        match day {
            Weekday::Sat | Weekday::Sun => DayKind::Weekend,
            _ => DayKind::Weekday,
        }
    }

    /// The local day of a stored event (1970-01-01, day 0, was a Thursday).
    pub fn of_event(at: i64, offset_min: i32) -> DayKind {
        let days = (at + offset_min as i64 * 60).div_euclid(crate::catalog::DAY_SECONDS);
        // 0 = Thursday, so 2 and 3 are Saturday and Sunday.
        match days.rem_euclid(7) {
            2 | 3 => DayKind::Weekend,
            _ => DayKind::Weekday,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Weekday => "weekday",
            DayKind::Weekend => "weekend",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for DayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

mod rfc3339 {
    use chrono::{DateTime, FixedOffset, SecondsFormat};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        let s = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&s).map_err(serde::de::Error::custom)
    }
}

/// The moment a page is for. The time of day and the kind of day are the
/// local hour and weekday of `now`, always (a saved context without a `day`,
/// from before it was recorded, reads it from `now`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ContextFile")]
pub struct Context {
    #[serde(with = "rfc3339")]
    pub now: DateTime<FixedOffset>,
    pub time_of_day: TimeOfDay,
    pub day: DayKind,
    pub device: Device,
}

/// A context as files hold it: `day` may be missing.
#[derive(Deserialize)]
struct ContextFile {
    #[serde(with = "rfc3339")]
    now: DateTime<FixedOffset>,
    time_of_day: TimeOfDay,
    #[serde(default)]
    day: Option<DayKind>,
    device: Device,
}

impl From<ContextFile> for Context {
    fn from(c: ContextFile) -> Context {
        Context {
            now: c.now,
            time_of_day: c.time_of_day,
            day: c.day.unwrap_or(DayKind::of_weekday(c.now.weekday())),
            device: c.device,
        }
    }
}

impl Context {
    pub fn new(now: DateTime<FixedOffset>, device: Device) -> Context {
        Context {
            now,
            time_of_day: TimeOfDay::from_hour(now.hour()),
            day: DayKind::of_weekday(now.weekday()),
            device,
        }
    }

    /// The weekday's name in words ("Tuesday").
    pub fn weekday_name(&self) -> String {
        self.now.format("%A").to_string()
    }

    /// The default "now" of a catalog: 20:00 UTC on its as-of day.
    pub fn default_now(as_of: NaiveDate) -> DateTime<FixedOffset> {
        let utc = FixedOffset::east_opt(0).expect("zero offset");
        as_of
            .and_hms_opt(20, 0, 0)
            .expect("valid time")
            .and_utc()
            .with_timezone(&utc)
    }

    pub fn now_unix(&self) -> i64 {
        self.now.timestamp()
    }

    pub fn now_string(&self) -> String {
        self.now.to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    /// The same context moved to another part of the same day.
    pub fn at_time_of_day(&self, tod: TimeOfDay) -> Context {
        let now = self
            .now
            .with_hour(tod.typical_hour())
            .and_then(|t| t.with_minute(0))
            .unwrap_or(self.now);
        Context::new(now, self.device)
    }

    /// The same context moved back to the latest day of `day`'s kind (now
    /// itself when it is one), at the same local time: a weekend context on
    /// a Tuesday is the Sunday before. Never later than now, so nothing
    /// newer than the catalog's day is shown as released.
    pub fn on_day(&self, day: DayKind) -> Context {
        let mut now = self.now;
        while DayKind::of_weekday(now.weekday()) != day {
            now -= Duration::days(1);
        }
        Context::new(now, self.device)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_of_day_uses_the_local_hour_of_now() {
        let now = DateTime::parse_from_rfc3339("2026-11-22T07:30:00+09:00").unwrap();
        assert_eq!(
            Context::new(now, Device::Tv).time_of_day,
            TimeOfDay::Morning
        );
        let now = DateTime::parse_from_rfc3339("2026-11-22T23:30:00Z").unwrap();
        assert_eq!(Context::new(now, Device::Tv).time_of_day, TimeOfDay::Night);
        assert_eq!(
            TimeOfDay::of_event(now.timestamp(), 540),
            TimeOfDay::Morning
        );
    }

    #[test]
    fn context_round_trips_through_json() {
        let now = DateTime::parse_from_rfc3339("2026-11-22T20:00:00Z").unwrap();
        let c = Context::new(now, Device::Mobile);
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(
            json,
            r#"{"now":"2026-11-22T20:00:00Z","time_of_day":"evening","day":"weekend","device":"mobile"}"#
        );
        assert_eq!(serde_json::from_str::<Context>(&json).unwrap(), c);
        // Saved before the day was recorded: read from now.
        let old = r#"{"now":"2026-11-24T20:00:00Z","time_of_day":"evening","device":"tv"}"#;
        assert_eq!(
            serde_json::from_str::<Context>(old).unwrap().day,
            DayKind::Weekday
        );
    }

    #[test]
    fn the_kind_of_day_is_the_local_weekday_of_now_and_of_an_event() {
        // 2026-11-21 is a Saturday; 23:30 UTC on the Friday is already Saturday in Tokyo.
        let fri = DateTime::parse_from_rfc3339("2026-11-20T23:30:00Z").unwrap();
        assert_eq!(Context::new(fri, Device::Tv).day, DayKind::Weekday);
        let tokyo = DateTime::parse_from_rfc3339("2026-11-21T08:30:00+09:00").unwrap();
        assert_eq!(Context::new(tokyo, Device::Tv).day, DayKind::Weekend);
        assert_eq!(DayKind::of_event(fri.timestamp(), 0), DayKind::Weekday);
        assert_eq!(DayKind::of_event(fri.timestamp(), 540), DayKind::Weekend);
        let mon = DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z").unwrap();
        assert_eq!(DayKind::of_event(mon.timestamp(), 0), DayKind::Weekday);
        let sun = DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap();
        assert_eq!(DayKind::of_event(sun.timestamp(), 0), DayKind::Weekend);
    }

    #[test]
    fn moving_to_a_kind_of_day_goes_back_to_the_latest_such_day() {
        let tue = DateTime::parse_from_rfc3339("2026-11-24T20:00:00Z").unwrap();
        let c = Context::new(tue, Device::Tv);
        assert_eq!(c.on_day(DayKind::Weekday), c);
        let weekend = c.on_day(DayKind::Weekend);
        assert_eq!(weekend.now_string(), "2026-11-22T20:00:00Z");
        assert_eq!(weekend.weekday_name(), "Sunday");
        assert_eq!(weekend.time_of_day, TimeOfDay::Evening);
        let sat = Context::new(
            DateTime::parse_from_rfc3339("2026-11-21T09:00:00Z").unwrap(),
            Device::Web,
        );
        assert_eq!(sat.on_day(DayKind::Weekday).weekday_name(), "Friday");
    }
}
