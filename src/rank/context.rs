//! The page context: "now", the time of day it falls in, and the device.
//! "Now" is always given, never read from a clock, so pages are reproducible.

use crate::catalog::Device;
use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Timelike};
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    #[serde(with = "rfc3339")]
    pub now: DateTime<FixedOffset>,
    pub time_of_day: TimeOfDay,
    pub device: Device,
}

impl Context {
    pub fn new(now: DateTime<FixedOffset>, device: Device) -> Context {
        Context {
            now,
            time_of_day: TimeOfDay::from_hour(now.hour()),
            device,
        }
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
            r#"{"now":"2026-11-22T20:00:00Z","time_of_day":"evening","device":"mobile"}"#
        );
        assert_eq!(serde_json::from_str::<Context>(&json).unwrap(), c);
    }
}
