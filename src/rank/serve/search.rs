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
    let words = query_words(query);
    (0..model.titles.len())
        .into_par_iter()
        .filter_map(|t| title_hit(model, &matcher, t, query, &words))
        .collect()
}

/// A query's words, lowercased, as the typo matchers compare them: made
/// once per search, not once per title.
fn query_words(query: &str) -> Vec<Vec<char>> {
    query
        .split_whitespace()
        .map(|w| w.to_lowercase().chars().collect())
        .collect()
}

/// The best match of `query` (whose words are `words`) in title `t`'s fields, if any.
fn title_hit(
    model: &Model,
    matcher: &SkimMatcherV2,
    t: usize,
    query: &str,
    words: &[Vec<char>],
) -> Option<TextHit> {
    let title = &model.titles[t];
    let mut best: Option<TextHit> = None;
    // The matched text is copied only for a match that is kept.
    let mut keep = |quality: i64, field: MatchField, matched: &str, positions: Vec<usize>| {
        if best.as_ref().is_none_or(|b| quality > b.quality) {
            best = Some(TextHit {
                title: t,
                quality,
                field,
                matched: matched.to_string(),
                positions,
            });
        }
    };
    let mut fields: Vec<(MatchField, &str, i64)> = vec![(MatchField::Title, &title.name, 0)];
    for p in title.cast.iter().chain(&title.directors) {
        fields.push((MatchField::Person, p, 10));
    }
    for g in &title.genres {
        let name = model.genres.get(g).map_or(g.as_str(), |x| x.name.as_str());
        fields.push((MatchField::Genre, name, 20));
    }
    for tag in &title.tags {
        let label = model
            .tags
            .get(tag)
            .and_then(|x| x.label.as_deref().or(x.suffix.as_deref()))
            .unwrap_or(tag);
        fields.push((MatchField::Tag, label, 25));
    }
    for &(field, text, penalty) in &fields {
        if let Some((q, pos)) = matcher.fuzzy_indices(text, query) {
            keep(q - penalty, field, text, pos);
        }
    }
    // Several words may sit in several fields: "british mystery" is a tag and a genre.
    if let Some((q, matched, pos)) = words_across_fields(&fields, words) {
        keep(q, MatchField::Fields, &matched, pos);
    }
    // A typo defeats subsequence matching; the title may still be meant.
    if let Some((q, pos)) = typo_match(&title.name, words) {
        keep(q, MatchField::Title, &title.name, pos);
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
fn typo_match(name: &str, query: &[Vec<char>]) -> Option<(i64, Vec<usize>)> {
    let words = Words::of([name]);
    let mut positions = vec![];
    let (mut matched_letters, mut edits) = (0i64, 0i64);
    for q in query {
        let allowed = match q.len() {
            0..=2 => 0,
            3..=5 => 1,
            _ => 2,
        };
        let best = words
            .iter()
            .map(|(_, start, w)| {
                let d = if q.len() <= 2 {
                    if w.starts_with(q) {
                        0
                    } else {
                        usize::MAX
                    }
                } else {
                    osa_within(q, w, allowed).unwrap_or(usize::MAX)
                };
                (d, start, w.len())
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
    fields: &[(MatchField, &str, i64)],
    words: &[Vec<char>],
) -> Option<(i64, String, Vec<usize>)> {
    if words.len() < 2 {
        return None;
    }
    let split = Words::of(fields.iter().map(|f| f.1));
    // For each query word: the field, the start and length of the word it matched, its edits.
    let mut used: Vec<(usize, usize, usize, usize)> = vec![];
    for q in words {
        let allowed = if q.len() >= 4 { 1 } else { 0 };
        let best = split
            .iter()
            .filter_map(|(f, start, w)| {
                let d = if w.starts_with(q) {
                    0
                } else if q.len() >= 4 {
                    osa_within(q, w, allowed).unwrap_or(usize::MAX)
                } else {
                    usize::MAX
                };
                (d <= allowed).then_some((d, fields[f].2, f, start, q.len().min(w.len())))
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
        matched.push_str(fields[f].1);
    }
    positions.sort();
    positions.dedup();
    let letters: i64 = words.iter().map(|w| w.len() as i64).sum();
    let edits: i64 = used.iter().map(|u| u.3 as i64).sum();
    let penalty: i64 = order.iter().map(|&f| fields[f].2).sum();
    Some((letters * 12 - edits * 15 - penalty, matched, positions))
}

/// The words of some texts, lowercased, their letters in one buffer (a
/// search splits every field of 59,000 titles, and a list per word was most
/// of its time).
struct Words {
    letters: Vec<char>,
    /// Per word: which text, the char position in it where the word starts,
    /// and where its letters are in `letters`.
    words: Vec<(usize, usize, std::ops::Range<usize>)>,
}

impl Words {
    fn of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Words {
        let mut out = Words {
            letters: vec![],
            words: vec![],
        };
        for (text, s) in texts.into_iter().enumerate() {
            let mut current: Option<(usize, usize)> = None;
            for (i, c) in s.chars().enumerate() {
                if c.is_alphanumeric() {
                    current.get_or_insert((i, out.letters.len()));
                    out.letters.extend(c.to_lowercase());
                } else if let Some((start, from)) = current.take() {
                    out.words.push((text, start, from..out.letters.len()));
                }
            }
            if let Some((start, from)) = current {
                out.words.push((text, start, from..out.letters.len()));
            }
        }
        out
    }

    /// Each word: its text, where it starts there, and its letters.
    fn iter(&self) -> impl Iterator<Item = (usize, usize, &[char])> + '_ {
        self.words
            .iter()
            .map(|(text, start, at)| (*text, *start, &self.letters[at.clone()]))
    }
}

/// The optimal-string-alignment distance of `a` and `b` (insertions,
/// deletions, substitutions and swaps of two neighbouring letters each cost
/// one) when it is at most `most`. Words whose lengths differ by more are
/// never measured: a search compares the query with every word of 59,000
/// titles, and most differ in length.
fn osa_within(a: &[char], b: &[char], most: usize) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > most {
        return None;
    }
    // Row i of the table at d[i * w..], one row per letter of `a`.
    let w = m + 1;
    let mut d = vec![0usize; (n + 1) * w];
    for i in 0..=n {
        d[i * w] = i;
    }
    for (j, cell) in d[..w].iter_mut().enumerate() {
        *cell = j;
    }
    let mut above_was_over = false;
    for i in 1..=n {
        let mut row_least = i;
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = best;
            row_least = row_least.min(best);
        }
        // Every later cell comes from this row or the one above it (a swap
        // reaches back two): when both are over the bound, so is the end.
        let over = row_least > most;
        if over && above_was_over {
            return None;
        }
        above_was_over = over;
    }
    Some(d[n * w + m]).filter(|&x| x <= most)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_swapped_and_a_dropped_letter_still_find_the_title() {
        let typo = |name: &str, query: &str| typo_match(name, &query_words(query));
        assert!(typo("The Drowned Parish", "th dorwned parish").is_some());
        assert!(typo("The Drowned Parish", "drownd").is_some());
        assert!(typo("The Drowned Parish", "harbour").is_none());
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
        let d = |a: &str, b: &str, most: usize| {
            osa_within(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
                most,
            )
        };
        assert_eq!(d("dorwned", "drowned", 1), Some(1));
        assert_eq!(d("parish", "parish", 0), Some(0));
        assert_eq!(d("kitten", "sitting", 3), Some(3));
        // Beyond the bound there is no distance, measured or not.
        assert_eq!(d("kitten", "sitting", 2), None);
        assert_eq!(d("drownd", "drowned", 1), Some(1));
        assert_eq!(d("parish", "parishioners", 2), None);
    }
}
