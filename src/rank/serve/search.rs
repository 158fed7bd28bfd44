//! Personalized search: fuzzy matching (skim's algorithm, via fuzzy-matcher)
//! over titles, people, genres and tags, ordered by match quality blended
//! with the profile's own score. Maturity limits hold here as everywhere.
//! A title the profile rated down is kept off its page but not out of
//! search: finding it is how a viewer changes that rating.

use super::page::round6;
use super::score::PageScorer;
use crate::rank::Model;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use serde::Serialize;

/// What a result matched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MatchField {
    Title,
    Person,
    Genre,
    Tag,
    /// Several words, each in another field ("british mystery": a tag and a genre).
    Fields,
}

impl MatchField {
    fn as_str(self) -> &'static str {
        match self {
            MatchField::Title => "title",
            MatchField::Person => "person",
            MatchField::Genre => "genre",
            MatchField::Tag => "tag",
            MatchField::Fields => "fields",
        }
    }
}

/// One search result, resolved for showing: what the TUI lists and what
/// `marquee search` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    pub title_id: String,
    pub name: String,
    pub year: i32,
    /// What matched: title, person, genre, tag, or fields (each word of the
    /// query in one of the title's fields).
    pub field: &'static str,
    /// The text that matched (the title's name, or the person, genre or tag;
    /// for fields, the fields that held the words, joined by " · ").
    pub matched: String,
    /// Character positions in `matched` that the query matched.
    #[serde(skip)]
    pub positions: Vec<usize>,
    /// Blended: 0.7 × normalised match quality + 0.3 × calibrated personal
    /// probability (0 for a title rated down).
    pub score: f64,
    pub match_pct: u8,
    /// The profile rated this title down (it is not on the page for that reason).
    pub rated_down: bool,
}

/// A title that matched a query's text, before any profile is involved.
#[derive(Debug, Clone)]
pub struct TextHit {
    title: usize,
    quality: i64,
    field: MatchField,
    matched: String,
    positions: Vec<usize>,
}

/// Search the catalog for `query`; at most `limit` hits, best first.
pub fn search(s: &PageScorer, query: &str, limit: usize) -> Vec<SearchResult> {
    rank_hits(s, &text_hits(s.model, query), limit)
}

/// Every title whose text matches `query`, at every maturity (ranking
/// applies the profile's limit). It depends on the query and the catalog
/// only, so one query searched for many profiles is matched once. Titles are
/// matched on both cores: a 60,000-title catalog is searched on every key.
pub fn text_hits(model: &Model, query: &str) -> Vec<TextHit> {
    use rayon::prelude::*;
    let query = query.trim();
    if query.is_empty() {
        return vec![];
    }
    let matcher = SkimMatcherV2::default().ignore_case();
    (0..model.titles.len())
        .into_par_iter()
        .filter_map(|t| title_hit(model, &matcher, t, query))
        .collect()
}

/// The best match of `query` in title `t`'s fields, if any.
fn title_hit(model: &Model, matcher: &SkimMatcherV2, t: usize, query: &str) -> Option<TextHit> {
    let title = &model.titles[t];
    let mut best: Option<TextHit> = None;
    let mut keep = |quality: i64, field: MatchField, matched: String, positions: Vec<usize>| {
        if best.as_ref().is_none_or(|b| quality > b.quality) {
            best = Some(TextHit {
                title: t,
                quality,
                field,
                matched,
                positions,
            });
        }
    };
    let mut fields: Vec<(MatchField, String, i64)> =
        vec![(MatchField::Title, title.name.clone(), 0)];
    for p in title.cast.iter().chain(&title.directors) {
        fields.push((MatchField::Person, p.clone(), 10));
    }
    for g in &title.genres {
        let name = model.genres.get(g).map_or(g.as_str(), |x| x.name.as_str());
        fields.push((MatchField::Genre, name.to_string(), 20));
    }
    for tag in &title.tags {
        let label = model
            .tags
            .get(tag)
            .and_then(|x| x.label.clone().or(x.suffix.clone()))
            .unwrap_or_else(|| tag.clone());
        fields.push((MatchField::Tag, label, 25));
    }
    for (field, text, penalty) in &fields {
        if let Some((q, pos)) = matcher.fuzzy_indices(text, query) {
            keep(q - penalty, *field, text.clone(), pos);
        }
    }
    // Several words may sit in several fields: "british mystery" is a tag and a genre.
    if let Some((q, matched, pos)) = words_across_fields(&fields, query) {
        keep(q, MatchField::Fields, matched, pos);
    }
    // A typo defeats subsequence matching; the title may still be meant.
    if let Some((q, pos)) = typo_match(&title.name, query) {
        keep(q, MatchField::Title, title.name.clone(), pos);
    }
    best
}

/// The text hits within the profile's maturity limit, ordered by match
/// quality blended with its own score; at most `limit`, resolved.
pub fn rank_hits(s: &PageScorer, hits: &[TextHit], limit: usize) -> Vec<SearchResult> {
    let model = s.model;
    let allowed: Vec<&TextHit> = hits
        .iter()
        .filter(|h| s.profile.maturity.allows(model.titles[h.title].maturity))
        .collect();
    let top = allowed.iter().map(|h| h.quality).max().unwrap_or(1).max(1) as f64;
    let cal = &model.trained.calibration;
    let mut ranked: Vec<(f64, bool, &TextHit)> = allowed
        .into_iter()
        .map(|h| {
            // A title rated down has told us its personal part: none. It is still
            // found by name, but sinks below every other match of the same quality.
            let rated_down = s.profile.thumbed_down(h.title);
            let personal = if rated_down {
                0.0
            } else {
                cal.probability(s.score(h.title))
            };
            (
                0.7 * (h.quality as f64 / top) + 0.3 * personal,
                rated_down,
                h,
            )
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| model.by_id(a.2.title, b.2.title))
    });
    ranked
        .into_iter()
        .take(limit)
        .map(|(score, rated_down, h)| {
            let t = &model.titles[h.title];
            SearchResult {
                title_id: t.id.clone(),
                name: t.name.clone(),
                year: t.year,
                field: h.field.as_str(),
                matched: h.matched.clone(),
                positions: h.positions.clone(),
                score: round6(score),
                match_pct: s.scored[h.title].match_pct,
                rated_down,
            }
        })
        .collect()
}

/// A title found despite typos: every query word of three or more letters is
/// within a small edit distance of some word of the title (a dropped, added,
/// changed or swapped letter), and shorter words are prefixes of one.
/// Returns a quality on the fuzzy matcher's scale and the matched positions.
fn typo_match(name: &str, query: &str) -> Option<(i64, Vec<usize>)> {
    let words: Vec<(usize, Vec<char>)> = split_words(name);
    let mut positions = vec![];
    let (mut matched_letters, mut edits) = (0i64, 0i64);
    for q in query.split_whitespace() {
        let q: Vec<char> = q.to_lowercase().chars().collect();
        let allowed = match q.len() {
            0..=2 => 0,
            3..=5 => 1,
            _ => 2,
        };
        let best = words
            .iter()
            .map(|(start, w)| {
                let d = if q.len() <= 2 {
                    if w.starts_with(&q) {
                        0
                    } else {
                        usize::MAX
                    }
                } else {
                    osa_distance(&q, w)
                };
                (d, *start, w.len())
            })
            .min_by_key(|x| (x.0, x.1))?;
        if best.0 > allowed {
            return None;
        }
        positions.extend(best.1..best.1 + best.2.min(q.len().max(1)));
        matched_letters += q.len() as i64;
        edits += best.0 as i64;
    }
    (matched_letters > 0).then(|| (matched_letters * 12 - edits * 15, positions))
}

/// A query of two or more words where every word starts a word of some
/// field of the title (or is within a typo of one, for words of four or
/// more letters), and the words are not all in one field (one field is the
/// plain match's job). Returns a quality on the fuzzy matcher's scale (each
/// word counts as in `typo_match`, less the penalties of the fields used),
/// the fields used joined by " · " and the matched positions in that text.
fn words_across_fields(
    fields: &[(MatchField, String, i64)],
    query: &str,
) -> Option<(i64, String, Vec<usize>)> {
    let words: Vec<Vec<char>> = query
        .split_whitespace()
        .map(|w| w.to_lowercase().chars().collect())
        .collect();
    if words.len() < 2 {
        return None;
    }
    let split: Vec<Vec<(usize, Vec<char>)>> = fields.iter().map(|f| split_words(&f.1)).collect();
    // For each query word: the field, the start and length of the word it matched, its edits.
    let mut used: Vec<(usize, usize, usize, usize)> = vec![];
    for q in &words {
        let allowed = if q.len() >= 4 { 1 } else { 0 };
        let best = split
            .iter()
            .enumerate()
            .flat_map(|(f, ws)| {
                ws.iter().filter_map(move |(start, w)| {
                    let d = if w.starts_with(q) {
                        0
                    } else if q.len() >= 4 {
                        osa_distance(q, w)
                    } else {
                        usize::MAX
                    };
                    (d <= allowed).then_some((d, fields[f].2, f, *start, q.len().min(w.len())))
                })
            })
            .min_by_key(|&(d, penalty, f, start, _)| (d, penalty, f, start))?;
        used.push((best.2, best.3, best.4, best.0));
    }
    let mut order: Vec<usize> = used.iter().map(|u| u.0).collect();
    order.sort();
    order.dedup();
    if order.len() < 2 {
        return None;
    }
    let mut matched = String::new();
    let mut positions = vec![];
    for &f in &order {
        if !matched.is_empty() {
            matched.push_str(" · ");
        }
        let offset = matched.chars().count();
        for &(_, start, len, _) in used.iter().filter(|u| u.0 == f) {
            positions.extend(offset + start..offset + start + len);
        }
        matched.push_str(&fields[f].1);
    }
    positions.sort();
    positions.dedup();
    let letters: i64 = words.iter().map(|w| w.len() as i64).sum();
    let edits: i64 = used.iter().map(|u| u.3 as i64).sum();
    let penalty: i64 = order.iter().map(|&f| fields[f].2).sum();
    Some((letters * 12 - edits * 15 - penalty, matched, positions))
}

/// The words of `text`, lowercased, with the char position where each starts.
fn split_words(text: &str) -> Vec<(usize, Vec<char>)> {
    let mut out = vec![];
    let mut current: Option<(usize, Vec<char>)> = None;
    for (i, c) in text.chars().enumerate() {
        if c.is_alphanumeric() {
            current
                .get_or_insert((i, vec![]))
                .1
                .extend(c.to_lowercase());
        } else if let Some(w) = current.take() {
            out.push(w);
        }
    }
    out.extend(current);
    out
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions
/// and swaps of two neighbouring letters each cost one.
fn osa_distance(a: &[char], b: &[char]) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[n][m]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_swapped_and_a_dropped_letter_still_find_the_title() {
        assert!(typo_match("The Drowned Parish", "th dorwned parish").is_some());
        assert!(typo_match("The Drowned Parish", "drownd").is_some());
        assert!(typo_match("The Drowned Parish", "harbour").is_none());
    }

    #[test]
    fn several_words_match_across_fields_of_a_title() {
        // The tiny world: m1 and m2 are British mysteries, m3 a mystery that is not British.
        let session = crate::testkit::tiny_session("mia");
        let results = search(&session.scorer(), "british mystery", 20);
        let ids: Vec<&str> = results.iter().map(|r| r.title_id.as_str()).collect();
        assert!(ids.contains(&"m1") && ids.contains(&"m2"), "{ids:?}");
        assert!(!ids.contains(&"m3"), "m3 is not British: {ids:?}");
        let m1 = results.iter().find(|r| r.title_id == "m1").unwrap();
        assert_eq!(m1.field, "fields");
        assert!(
            m1.matched.contains("Mystery") && m1.matched.contains("British"),
            "{}",
            m1.matched
        );
        // Each position points at a letter of a matched word.
        let chars: Vec<char> = m1.matched.chars().collect();
        assert!(m1.positions.iter().all(|&p| chars[p].is_alphabetic()));
        // One word alone is the plain match's job.
        assert!(search(&session.scorer(), "british", 20)
            .iter()
            .all(|r| r.field != "fields"));
    }

    #[test]
    fn swaps_cost_one_edit() {
        let d = |a: &str, b: &str| {
            osa_distance(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(d("dorwned", "drowned"), 1);
        assert_eq!(d("parish", "parish"), 0);
        assert_eq!(d("kitten", "sitting"), 3);
    }
}
