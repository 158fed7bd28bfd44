//! Catalog and profile types. The same structs are read from catalog files
//! and written back by `marquee title --json`, so the formats stay one.

use super::Maturity;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genre {
    pub id: String,
    pub name: String,
    pub plural: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TagKind {
    Mood,
    Setting,
    Theme,
    Style,
    Audience,
}

impl TagKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TagKind::Mood => "mood",
            TagKind::Setting => "setting",
            TagKind::Theme => "theme",
            TagKind::Style => "style",
            TagKind::Audience => "audience",
        }
    }

    pub fn parse(s: &str) -> Option<TagKind> {
        [
            TagKind::Mood,
            TagKind::Setting,
            TagKind::Theme,
            TagKind::Style,
            TagKind::Audience,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A micro-genre tag: "dark", "british", "heist". `label` goes before the
/// genre in a row name, `suffix` after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    pub id: String,
    pub kind: TagKind,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub suffix: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TitleKind {
    Movie,
    Series,
}

impl TitleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TitleKind::Movie => "movie",
            TitleKind::Series => "series",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArtworkTheme {
    Faces,
    Action,
    Romance,
    Landscape,
    Ensemble,
    Silhouette,
    Object,
    Creature,
    Cityscape,
    Typographic,
}

impl ArtworkTheme {
    pub const ALL: [ArtworkTheme; 10] = [
        ArtworkTheme::Faces,
        ArtworkTheme::Action,
        ArtworkTheme::Romance,
        ArtworkTheme::Landscape,
        ArtworkTheme::Ensemble,
        ArtworkTheme::Silhouette,
        ArtworkTheme::Object,
        ArtworkTheme::Creature,
        ArtworkTheme::Cityscape,
        ArtworkTheme::Typographic,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ArtworkTheme::Faces => "faces",
            ArtworkTheme::Action => "action",
            ArtworkTheme::Romance => "romance",
            ArtworkTheme::Landscape => "landscape",
            ArtworkTheme::Ensemble => "ensemble",
            ArtworkTheme::Silhouette => "silhouette",
            ArtworkTheme::Object => "object",
            ArtworkTheme::Creature => "creature",
            ArtworkTheme::Cityscape => "cityscape",
            ArtworkTheme::Typographic => "typographic",
        }
    }

    pub fn parse(s: &str) -> Option<ArtworkTheme> {
        ArtworkTheme::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Artwork {
    pub id: String,
    pub theme: ArtworkTheme,
    pub motif: String,
    pub palette: String,
    pub caption: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Season {
    pub number: u32,
    pub episodes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Title {
    pub id: String,
    pub name: String,
    pub kind: TitleKind,
    pub year: i32,
    pub maturity: Maturity,
    pub genres: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub language: String,
    pub country: String,
    pub runtime_min: u32,
    pub synopsis: String,
    #[serde(default)]
    pub cast: Vec<String>,
    #[serde(default)]
    pub directors: Vec<String>,
    pub added: NaiveDate,
    #[serde(default)]
    pub seasons: Vec<Season>,
    pub artwork: Vec<Artwork>,
}

impl Title {
    /// When the title was added to the catalog: midnight UTC of `added`, in seconds.
    pub fn added_at(&self) -> i64 {
        self.added
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc()
            .timestamp()
    }

    pub fn episode_count(&self) -> usize {
        self.seasons.iter().map(|s| s.episodes.len()).sum()
    }

    /// The (season, episode) after the given one, if the series goes on.
    pub fn next_episode(&self, season: u32, episode: u32) -> Option<(u32, u32)> {
        let pos = self.seasons.iter().position(|s| s.number == season)?;
        if (episode as usize) < self.seasons[pos].episodes.len() {
            return Some((season, episode + 1));
        }
        self.seasons.get(pos + 1).map(|s| (s.number, 1))
    }

    pub fn first_episode(&self) -> Option<(u32, u32)> {
        self.seasons.first().map(|s| (s.number, 1))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Device {
    Tv,
    Mobile,
    Tablet,
    Web,
}

impl Device {
    pub const ALL: [Device; 4] = [Device::Tv, Device::Mobile, Device::Tablet, Device::Web];

    pub fn as_str(self) -> &'static str {
        match self {
            Device::Tv => "tv",
            Device::Mobile => "mobile",
            Device::Tablet => "tablet",
            Device::Web => "web",
        }
    }

    pub fn parse(s: &str) -> Option<Device> {
        Device::ALL.into_iter().find(|d| d.as_str() == s)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a viewer did with a title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Play,
    Up,
    Down,
    Love,
    ListAdd,
    ListRemove,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::Play,
        Action::Up,
        Action::Down,
        Action::Love,
        Action::ListAdd,
        Action::ListRemove,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Play => "play",
            Action::Up => "up",
            Action::Down => "down",
            Action::Love => "love",
            Action::ListAdd => "list-add",
            Action::ListRemove => "list-remove",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// One event as written in a profile file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryEvent {
    pub at: DateTime<FixedOffset>,
    pub title: String,
    pub action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub season: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub episode: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Device>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artwork: Option<String>,
}

/// Whether a stored member is a browsable profile or a simulated/imported viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MemberKind {
    Profile,
    Viewer,
}

/// A stored event, as the ranker reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: i64,
    pub member_id: i64,
    pub title_id: String,
    /// Unix seconds.
    pub at: i64,
    /// The local offset of `at` in minutes, for time of day.
    pub offset_min: i32,
    pub action: Action,
    pub progress: f32,
    pub season: Option<u32>,
    pub episode: Option<u32>,
    pub device: Device,
    pub artwork_id: Option<String>,
}

/// A profile as listed by `marquee profiles`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileSummary {
    #[serde(skip)]
    pub id: i64,
    pub name: String,
    pub display_name: String,
    pub events: u64,
    pub maturity: Maturity,
    pub region: String,
}
