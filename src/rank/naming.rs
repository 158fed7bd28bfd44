//! Human names for rows: regions ("the UK") and micro-genres built from tag
//! combinations ("Dark British Mysteries").

use crate::catalog::{Genre, Tag, TagKind};

pub fn region_name(code: &str) -> String {
    let name = match code {
        "GB" => "the UK",
        "US" => "the US",
        "FR" => "France",
        "DE" => "Germany",
        "ES" => "Spain",
        "IT" => "Italy",
        "SE" => "Sweden",
        "DK" => "Denmark",
        "NO" => "Norway",
        "JP" => "Japan",
        "KR" => "South Korea",
        "IN" => "India",
        "BR" => "Brazil",
        "MX" => "Mexico",
        "AU" => "Australia",
        "IE" => "Ireland",
        "CA" => "Canada",
        _ => return code.to_string(),
    };
    name.to_string()
}

/// "Dark British Mysteries", "Crime Dramas with a Strong Female Lead":
/// moods, then settings, then themes and styles before the genre's plural;
/// suffix-only tags after it.
pub fn micro_genre_name(tags: &[&Tag], genre: &Genre) -> String {
    let order = |k: TagKind| match k {
        TagKind::Mood => 0,
        TagKind::Audience => 1,
        TagKind::Style => 2,
        TagKind::Setting => 3,
        TagKind::Theme => 4,
    };
    let mut sorted: Vec<&&Tag> = tags.iter().collect();
    sorted.sort_by_key(|t| (order(t.kind), t.id.clone()));
    let mut words: Vec<&str> = sorted.iter().filter_map(|t| t.label.as_deref()).collect();
    words.push(&genre.plural);
    let suffixes: Vec<&str> = sorted
        .iter()
        .filter(|t| t.label.is_none())
        .filter_map(|t| t.suffix.as_deref())
        .collect();
    words.extend(suffixes);
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(id: &str, kind: TagKind, label: Option<&str>, suffix: Option<&str>) -> Tag {
        Tag {
            id: id.into(),
            kind,
            label: label.map(Into::into),
            suffix: suffix.map(Into::into),
        }
    }

    #[test]
    fn names_read_like_a_streaming_service_row() {
        let g = Genre {
            id: "mystery".into(),
            name: "Mystery".into(),
            plural: "Mysteries".into(),
        };
        let british = tag("british", TagKind::Setting, Some("British"), None);
        let dark = tag("dark", TagKind::Mood, Some("Dark"), None);
        assert_eq!(
            micro_genre_name(&[&british, &dark], &g),
            "Dark British Mysteries"
        );
        let lead = tag(
            "female-lead",
            TagKind::Style,
            None,
            Some("with a Strong Female Lead"),
        );
        assert_eq!(
            micro_genre_name(&[&lead, &dark], &g),
            "Dark Mysteries with a Strong Female Lead"
        );
    }
}
