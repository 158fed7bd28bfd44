//! The ranking layer's features, named once: each one's wire name (configs,
//! the Page's contributions, reports), its group (for ablation), a label in
//! plain words (for people) and the reason a tile shows when it is the
//! feature that lifts the title most. A leaf module: it depends on nothing
//! in the ranker, so config, training and serving can all name features.

use std::fmt;

/// How many features a feature vector holds.
pub const NF: usize = 11;

/// One feature of the learned layer; its discriminant is its index in every feature vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feature {
    CfScore,
    SimilarToRecent,
    ContentAffinity,
    Popularity,
    Trending,
    Freshness,
    Completion,
    TimeOfDayMatch,
    DeviceMatch,
    NegativeFeedback,
    DayOfWeekMatch,
}

/// Features that belong together, for ablation in evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FeatureGroup {
    Collaborative,
    Content,
    Popularity,
    Completion,
    Context,
    Negative,
}

impl Feature {
    /// Every feature, in the order of every feature vector.
    pub const ALL: [Feature; NF] = [
        Feature::CfScore,
        Feature::SimilarToRecent,
        Feature::ContentAffinity,
        Feature::Popularity,
        Feature::Trending,
        Feature::Freshness,
        Feature::Completion,
        Feature::TimeOfDayMatch,
        Feature::DeviceMatch,
        Feature::NegativeFeedback,
        Feature::DayOfWeekMatch,
    ];

    /// Position in a feature vector.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name configs, pages and reports use; stable.
    pub fn name(self) -> &'static str {
        match self {
            Feature::CfScore => "cf_score",
            Feature::SimilarToRecent => "similar_to_recent",
            Feature::ContentAffinity => "content_affinity",
            Feature::Popularity => "popularity",
            Feature::Trending => "trending",
            Feature::Freshness => "freshness",
            Feature::Completion => "completion",
            Feature::TimeOfDayMatch => "time_of_day_match",
            Feature::DeviceMatch => "device_match",
            Feature::NegativeFeedback => "negative_feedback",
            Feature::DayOfWeekMatch => "day_of_week_match",
        }
    }

    pub fn from_name(name: &str) -> Option<Feature> {
        Feature::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Every name, comma-separated, for error messages.
    pub fn known_names() -> String {
        Feature::ALL.map(Feature::name).join(", ")
    }

    pub fn group(self) -> FeatureGroup {
        match self {
            Feature::CfScore | Feature::SimilarToRecent => FeatureGroup::Collaborative,
            Feature::ContentAffinity => FeatureGroup::Content,
            Feature::Popularity | Feature::Trending | Feature::Freshness => {
                FeatureGroup::Popularity
            }
            Feature::Completion => FeatureGroup::Completion,
            Feature::TimeOfDayMatch | Feature::DeviceMatch | Feature::DayOfWeekMatch => {
                FeatureGroup::Context
            }
            Feature::NegativeFeedback => FeatureGroup::Negative,
        }
    }

    /// About this profile's taste, rather than lifting a title for everyone.
    pub fn is_personal(self) -> bool {
        matches!(
            self.group(),
            FeatureGroup::Collaborative | FeatureGroup::Content
        )
    }

    /// What the feature measures, in plain words.
    pub fn label(self) -> &'static str {
        match self {
            Feature::CfScore => "Liked by viewers with your taste",
            Feature::SimilarToRecent => "Similar to what you watched recently",
            Feature::ContentAffinity => "Genres and moods you watch",
            Feature::Popularity => "Popular with everyone",
            Feature::Trending => "Trending in your region",
            Feature::Freshness => "New on Marquee",
            Feature::Completion => "Viewers tend to finish it",
            Feature::TimeOfDayMatch => "Suits this time of day",
            Feature::DeviceMatch => "Suits this device",
            Feature::NegativeFeedback => "Close to something you rated down",
            Feature::DayOfWeekMatch => "Suits this day of the week",
        }
    }

    /// The reason a tile gives when this feature lifts it most; `None` for a
    /// feature that never recommends (closeness to a thumbs-down).
    pub fn reason(
        self,
        time_of_day: impl fmt::Display,
        day: impl fmt::Display,
        device: impl fmt::Display,
    ) -> Option<String> {
        Some(match self {
            Feature::CfScore => "Viewers with your taste enjoy it".into(),
            Feature::SimilarToRecent => "Like titles you enjoyed recently".into(),
            Feature::ContentAffinity => "Matches the genres and moods you watch".into(),
            Feature::Popularity => "Popular with everyone right now".into(),
            Feature::Trending => "Trending where you are".into(),
            Feature::Freshness => "New on Marquee".into(),
            Feature::Completion => "Viewers tend to finish it".into(),
            Feature::TimeOfDayMatch => format!("Often watched in the {time_of_day}"),
            Feature::DeviceMatch => format!("Suits watching on {device}"),
            Feature::DayOfWeekMatch => format!("Often watched on a {day}"),
            Feature::NegativeFeedback => return None,
        })
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FeatureGroup {
    pub const ALL: [FeatureGroup; 6] = [
        FeatureGroup::Collaborative,
        FeatureGroup::Content,
        FeatureGroup::Popularity,
        FeatureGroup::Completion,
        FeatureGroup::Context,
        FeatureGroup::Negative,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FeatureGroup::Collaborative => "collaborative",
            FeatureGroup::Content => "content",
            FeatureGroup::Popularity => "popularity",
            FeatureGroup::Completion => "completion",
            FeatureGroup::Context => "context",
            FeatureGroup::Negative => "negative",
        }
    }

    pub fn members(self) -> impl Iterator<Item = Feature> {
        Feature::ALL.into_iter().filter(move |f| f.group() == self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_position_in_all_and_names_round_trip() {
        for (i, f) in Feature::ALL.into_iter().enumerate() {
            assert_eq!(f.index(), i);
            assert_eq!(Feature::from_name(f.name()), Some(f));
        }
        assert_eq!(Feature::from_name("cf"), None);
    }

    #[test]
    fn every_feature_is_in_exactly_one_group() {
        let grouped: usize = FeatureGroup::ALL.map(|g| g.members().count()).iter().sum();
        assert_eq!(grouped, NF);
    }

    #[test]
    fn personal_features_are_the_taste_ones() {
        let personal: Vec<&str> = Feature::ALL
            .into_iter()
            .filter(|f| f.is_personal())
            .map(Feature::name)
            .collect();
        assert_eq!(
            personal,
            ["cf_score", "similar_to_recent", "content_affinity"]
        );
    }
}
