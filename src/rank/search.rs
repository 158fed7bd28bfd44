//! Personalized search: fuzzy matching (skim's algorithm, via fuzzy-matcher)
//! over titles, people, genres and tags, ordered by match quality blended
//! with the profile's own score. Maturity limits hold here as everywhere.

use super::score::PageScorer;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

/// What a result matched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchField {
    Title,
    Person,
    Genre,
    Tag,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub title: usize,
    pub field: MatchField,
    /// The text that matched (the title's name, or the person, genre or tag).
    pub matched: String,
    /// Character positions in `matched` that the query matched.
    pub positions: Vec<usize>,
    /// Blended: 0.7 × normalised match quality + 0.3 × calibrated personal probability.
    pub score: f64,
}

/// Search the catalog for `query`; at most `limit` hits, best first.
pub fn search(s: &PageScorer, query: &str, limit: usize) -> Vec<SearchHit> {
    let query = query.trim();
    if query.is_empty() {
        return vec![];
    }
    let matcher = SkimMatcherV2::default().ignore_case();
    let model = s.model;
    let mut hits: Vec<(i64, SearchHit)> = vec![];
    for (t, title) in model.titles.iter().enumerate() {
        if !s.eligible(t) {
            continue;
        }
        let mut best: Option<(i64, MatchField, String, Vec<usize>)> = None;
        let mut consider = |field: MatchField, text: &str, penalty: i64| {
            if let Some((q, pos)) = matcher.fuzzy_indices(text, query) {
                let q = q - penalty;
                if best.as_ref().is_none_or(|b| q > b.0) {
                    best = Some((q, field, text.to_string(), pos));
                }
            }
        };
        consider(MatchField::Title, &title.name, 0);
        for p in title.cast.iter().chain(&title.directors) {
            consider(MatchField::Person, p, 10);
        }
        for g in &title.genres {
            let name = model.genres.get(g).map_or(g.as_str(), |x| x.name.as_str());
            consider(MatchField::Genre, name, 20);
        }
        for tag in &title.tags {
            let label = model.tags.get(tag).and_then(|x| x.label.clone().or(x.suffix.clone())).unwrap_or_else(|| tag.clone());
            consider(MatchField::Tag, &label, 25);
        }
        if let Some((q, field, matched, positions)) = best {
            hits.push((q, SearchHit { title: t, field, matched, positions, score: 0.0 }));
        }
    }
    let top = hits.iter().map(|h| h.0).max().unwrap_or(1).max(1) as f64;
    let cal = &model.trained.calibration;
    for (q, h) in &mut hits {
        h.score = 0.7 * (*q as f64 / top) + 0.3 * cal.probability(s.score(h.title));
    }
    hits.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then_with(|| model.titles[a.1.title].id.cmp(&model.titles[b.1.title].id)));
    hits.into_iter().take(limit).map(|h| h.1).collect()
}
