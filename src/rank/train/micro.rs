//! Micro-genres: a genre with one or two mood, setting, theme or style tags
//! ("Dark British Mysteries"), grouped once per catalog so a page only has
//! to score the groups.

use crate::catalog::{Genre, Tag, TagKind, Title};
use crate::rank::naming::micro_genre_name;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MicroGroup {
    pub genre: String,
    pub tags: Vec<String>,
    /// Title indices in the group.
    pub titles: Vec<usize>,
}

impl MicroGroup {
    pub fn id(&self) -> String {
        format!("micro_genre:{}+{}", self.genre, self.tags.join("+"))
    }

    pub fn name(
        &self,
        genres: &BTreeMap<String, Genre>,
        tags: &BTreeMap<String, Tag>,
    ) -> Option<String> {
        let g = genres.get(&self.genre)?;
        let t: Option<Vec<&Tag>> = self.tags.iter().map(|id| tags.get(id)).collect();
        Some(micro_genre_name(&t?, g))
    }
}

/// Groups with enough titles to fill a row: ≥ 5 for two tags, ≥ 8 for one.
pub fn micro_groups(titles: &[Title], tags: &BTreeMap<String, Tag>) -> Vec<MicroGroup> {
    let usable = |id: &String| {
        tags.get(id).is_some_and(|t| {
            matches!(
                t.kind,
                TagKind::Mood | TagKind::Setting | TagKind::Style | TagKind::Theme
            )
        })
    };
    let mut groups: BTreeMap<(String, Vec<String>), Vec<usize>> = BTreeMap::new();
    for (i, t) in titles.iter().enumerate() {
        let Some(genre) = t.genres.first() else {
            continue;
        };
        let ts: Vec<&String> = t.tags.iter().filter(|id| usable(id)).collect();
        for (a, x) in ts.iter().enumerate() {
            groups
                .entry((genre.clone(), vec![(*x).clone()]))
                .or_default()
                .push(i);
            for y in &ts[a + 1..] {
                let mut pair = vec![(*x).clone(), (*y).clone()];
                pair.sort();
                groups.entry((genre.clone(), pair)).or_default().push(i);
            }
        }
    }
    groups
        .into_iter()
        .filter(|((_, t), v)| v.len() >= if t.len() == 2 { 5 } else { 8 })
        .filter(|((genre, t), _)| !t.iter().any(|id| echoes_genre(tags.get(id), genre)))
        .map(|((genre, tags), titles)| MicroGroup {
            genre,
            tags,
            titles,
        })
        .collect()
}

/// A tag that only repeats its genre ("Romantic Romances", "Scary Horror")
/// names no micro-genre: the first five letters of label and genre agree.
fn echoes_genre(tag: Option<&Tag>, genre: &str) -> bool {
    let stem = |s: &str| s.to_lowercase().chars().take(5).collect::<String>();
    tag.and_then(|t| t.label.as_deref())
        .is_some_and(|label| stem(label) == stem(genre))
}
