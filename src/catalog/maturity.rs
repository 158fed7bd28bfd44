//! Maturity ratings and the levels that limits are checked against.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A content rating. Ordering between ratings goes through [`Maturity::level`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Maturity {
    #[serde(rename = "TV-Y")]
    TvY,
    #[serde(rename = "TV-Y7")]
    TvY7,
    #[serde(rename = "G")]
    G,
    #[serde(rename = "TV-G")]
    TvG,
    #[serde(rename = "PG")]
    Pg,
    #[serde(rename = "TV-PG")]
    TvPg,
    #[serde(rename = "PG-13")]
    Pg13,
    #[serde(rename = "TV-14")]
    Tv14,
    #[serde(rename = "R")]
    R,
    #[serde(rename = "TV-MA")]
    TvMa,
    #[serde(rename = "NC-17")]
    Nc17,
}

impl Maturity {
    pub const ALL: [Maturity; 11] = [
        Maturity::TvY,
        Maturity::TvY7,
        Maturity::G,
        Maturity::TvG,
        Maturity::Pg,
        Maturity::TvPg,
        Maturity::Pg13,
        Maturity::Tv14,
        Maturity::R,
        Maturity::TvMa,
        Maturity::Nc17,
    ];

    /// 0 (pre-school) to 5 (adults only); 0 and 1 are the kids range.
    /// A profile file's limit when it names none.
    pub const PROFILE_DEFAULT: Maturity = Maturity::TvMa;

    pub fn level(self) -> u8 {
        match self {
            Maturity::TvY => 0,
            Maturity::TvY7 | Maturity::G | Maturity::TvG => 1,
            Maturity::Pg | Maturity::TvPg => 2,
            Maturity::Pg13 | Maturity::Tv14 => 3,
            Maturity::R | Maturity::TvMa => 4,
            Maturity::Nc17 => 5,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Maturity::TvY => "TV-Y",
            Maturity::TvY7 => "TV-Y7",
            Maturity::G => "G",
            Maturity::TvG => "TV-G",
            Maturity::Pg => "PG",
            Maturity::TvPg => "TV-PG",
            Maturity::Pg13 => "PG-13",
            Maturity::Tv14 => "TV-14",
            Maturity::R => "R",
            Maturity::TvMa => "TV-MA",
            Maturity::Nc17 => "NC-17",
        }
    }

    pub fn parse(s: &str) -> Option<Maturity> {
        Maturity::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Whether a profile limited to `self` may see a title rated `title`.
    pub fn allows(self, title: Maturity) -> bool {
        title.level() <= self.level()
    }

    pub fn is_kids(self) -> bool {
        self.level() <= 1
    }

    pub fn names() -> String {
        Maturity::ALL.map(|m| m.as_str()).join(", ")
    }
}

impl fmt::Display for Maturity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kids_limit_excludes_teen_and_adult_ratings() {
        let kids = Maturity::TvY7;
        assert!(kids.allows(Maturity::TvY));
        assert!(kids.allows(Maturity::G));
        assert!(!kids.allows(Maturity::Pg));
        assert!(!kids.allows(Maturity::TvMa));
    }

    #[test]
    fn every_rating_round_trips_through_its_name() {
        for m in Maturity::ALL {
            assert_eq!(Maturity::parse(m.as_str()), Some(m));
        }
        assert_eq!(Maturity::parse("X"), None);
    }
}
