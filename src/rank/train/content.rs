//! Content vectors: genres, micro-genre tags, people, language and era as a
//! sparse, L2-normalised vector per title. They carry similarity for titles
//! no one has watched yet and for profiles with little history.

use super::interactions::Engagement;
use crate::catalog::Title;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Sparse vectors over a shared feature vocabulary.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ContentIndex {
    /// Feature names, e.g. `g:mystery`, `t:dark`, `p:Ines Calloway`, `l:en`, `e:1990s`.
    pub features: Vec<String>,
    /// Per title: (feature index, weight), sorted by feature index, unit length.
    #[serde(with = "super::packed::pairs")]
    pub vectors: Vec<Vec<(u32, f32)>>,
    /// Per feature: (title, weight), by title. Made on first use: a
    /// profile's page asks for one anchor's closeness to every title many
    /// times, and only the titles sharing a feature with the anchor add to it.
    #[serde(skip)]
    postings: OnceLock<Vec<Vec<(u32, f32)>>>,
}

impl ContentIndex {
    pub fn build(titles: &[Title]) -> ContentIndex {
        let mut ids: BTreeMap<String, u32> = BTreeMap::new();
        let raw: Vec<Vec<(String, f32)>> = titles.iter().map(raw_features).collect();
        for f in raw.iter().flatten() {
            let n = ids.len() as u32;
            ids.entry(f.0.clone()).or_insert(n);
        }
        let vectors = raw
            .into_iter()
            .map(|fs| {
                let mut v: Vec<(u32, f32)> = fs.into_iter().map(|(f, w)| (ids[&f], w)).collect();
                v.sort_by_key(|x| x.0);
                v.dedup_by_key(|x| x.0);
                let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt().max(1e-9);
                v.iter_mut().for_each(|x| x.1 /= norm);
                v
            })
            .collect();
        let mut features = vec![String::new(); ids.len()];
        for (f, i) in ids {
            features[i as usize] = f;
        }
        ContentIndex {
            features,
            vectors,
            postings: OnceLock::new(),
        }
    }

    /// Cosine similarity of two titles' content (0 to 1).
    pub fn similarity(&self, a: usize, b: usize) -> f32 {
        sparse_dot(&self.vectors[a], &self.vectors[b])
    }

    /// [`Self::similarity`] of `anchor` to every title, in one pass.
    /// The anchor's features are visited in index order, so each title's sum
    /// adds the same products in the same order as [`Self::similarity`].
    pub fn similarities_to(&self, anchor: usize) -> Vec<f32> {
        let mut row = vec![0.0f32; self.vectors.len()];
        self.similarities_into(anchor, &mut row);
        row
    }

    /// [`ContentIndex::similarities_to`] written into `row` (one per title),
    /// for callers that make many rows.
    pub fn similarities_into(&self, anchor: usize, row: &mut [f32]) {
        let postings = self.postings.get_or_init(|| {
            let mut by_feature = vec![vec![]; self.features.len()];
            for (t, v) in self.vectors.iter().enumerate() {
                for &(f, w) in v {
                    by_feature[f as usize].push((t as u32, w));
                }
            }
            by_feature
        });
        row.fill(0.0);
        for &(f, w) in &self.vectors[anchor] {
            for &(t, wt) in &postings[f as usize] {
                row[t as usize] += w * wt;
            }
        }
    }

    /// A profile's content preferences: liked titles pull (more if loved and
    /// recent), thumbed-down and abandoned ones push; unit length.
    pub fn preferences(&self, engagement: &BTreeMap<u32, Engagement>, now: i64) -> Vec<f32> {
        const DAY: f32 = crate::catalog::DAY_SECONDS as f32;
        let mut prefs = vec![0.0f32; self.features.len()];
        for (&t, g) in engagement {
            let recency = (-((now - g.last_at).max(0) as f32) / (120.0 * DAY)).exp();
            let w = if g.down {
                -1.5
            } else if g.love {
                2.0
            } else if g.up {
                1.5
            } else if g.is_positive() {
                1.0
            } else if g.watched < 0.25 {
                -0.4
            } else {
                0.2
            } * (0.4 + 0.6 * recency);
            for &(f, x) in &self.vectors[t as usize] {
                prefs[f as usize] += w * x;
            }
        }
        let norm = prefs.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            prefs.iter_mut().for_each(|x| *x /= norm);
        }
        prefs
    }

    /// Dot product of a dense preference vector with a title's content.
    pub fn affinity(&self, prefs: &[f32], title: usize) -> f32 {
        self.vectors[title]
            .iter()
            .map(|&(f, w)| prefs.get(f as usize).copied().unwrap_or(0.0) * w)
            .sum()
    }
}

fn raw_features(t: &Title) -> Vec<(String, f32)> {
    let mut f = vec![];
    for (i, g) in t.genres.iter().enumerate() {
        f.push((format!("g:{g}"), if i == 0 { 1.0 } else { 0.7 }));
    }
    for tag in &t.tags {
        f.push((format!("t:{tag}"), 0.6));
    }
    for p in t.directors.iter().chain(t.cast.iter().take(4)) {
        f.push((format!("p:{p}"), 0.35));
    }
    f.push((format!("l:{}", t.language), 0.3));
    f.push((format!("e:{}s", t.year / 10 * 10), 0.2));
    f
}

pub fn sparse_dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_anchors_row_of_closeness_is_each_pairs_similarity_exactly() {
        let store = crate::testkit::tiny_store();
        let index = ContentIndex::build(&store.titles().unwrap());
        let n = index.vectors.len();
        assert!(n > 3);
        let mut shared = 0;
        for a in 0..n {
            let row = index.similarities_to(a);
            assert_eq!(row.len(), n);
            for (b, &s) in row.iter().enumerate() {
                assert_eq!(s, index.similarity(a, b), "titles {a} and {b}");
                shared += usize::from(a != b && s > 0.0);
            }
        }
        assert!(shared > 0, "some titles share a feature");
    }
}
