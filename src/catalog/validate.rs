//! Checks that need more than one field: ids are well formed and unique,
//! references resolve (against the database and the rest of the batch), and
//! sizes stay within what the screen and the ranker can hold. Pure: the
//! caller loads the [`Vocabulary`] from the store and writes only if this passes.

use super::{Action, HistoryEvent, Maturity};
use super::{ArtworkTheme, CatalogError, CatalogFile, ImportFile, ProfileFile, Title, TitleKind};
use crate::assets;
use std::collections::{BTreeMap, BTreeSet};

/// Limits that keep absurd input out of the database and off the screen.
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_SYNOPSIS_CHARS: usize = 4_000;
pub const MAX_CAPTION_CHARS: usize = 60;
pub const MAX_GENRES: usize = 5;
pub const MAX_TAGS: usize = 12;
pub const MAX_PEOPLE: usize = 50;
pub const MAX_SEASONS: usize = 100;
pub const MAX_EPISODES: usize = 500;
pub const MAX_ARTWORK: usize = 12;
pub const MAX_HISTORY: usize = 200_000;

/// What already exists: the ids a new file may refer to.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    pub genres: BTreeSet<String>,
    pub tags: BTreeSet<String>,
    /// title id → its artwork ids.
    pub titles: BTreeMap<String, BTreeSet<String>>,
    /// artwork id → owning title id.
    pub artwork_owner: BTreeMap<String, String>,
    /// title id → its maturity rating.
    pub rating: BTreeMap<String, Maturity>,
    /// The catalog's as-of date, when one was given.
    pub as_of: Option<chrono::NaiveDate>,
    /// The newest title's `added` date (the as-of date when none was given).
    pub latest_added: Option<chrono::NaiveDate>,
}

/// How far past the catalog's as-of date an event may be dated (clocks and
/// time zones differ; a log from the future would move the training cutoff).
pub const FUTURE_SLACK_DAYS: i64 = 7;

/// Validate a batch of files in order; each file may use what earlier files define.
/// On success `vocab` includes everything the batch adds.
pub fn validate_batch(files: &[ImportFile], vocab: &mut Vocabulary) -> Result<(), CatalogError> {
    let had_titles = !vocab.titles.is_empty();
    let mut batch_titles = 0;
    for f in files {
        match f {
            ImportFile::Catalog { label, file } => {
                validate_catalog(label, file, vocab)?;
                batch_titles += file.titles.len();
            }
            ImportFile::Profile { label, file } => validate_profile(label, file, vocab)?,
        }
    }
    if !had_titles && batch_titles == 0 {
        if let Some(ImportFile::Catalog { label, .. }) = files
            .iter()
            .find(|f| matches!(f, ImportFile::Catalog { .. }))
        {
            return Err(CatalogError::new(
                label,
                "$.titles",
                "empty catalog: there are no titles to import",
            ));
        }
    }
    Ok(())
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn is_code(s: &str, upper: bool) -> bool {
    s.len() == 2
        && s.chars().all(|c| {
            if upper {
                c.is_ascii_uppercase()
            } else {
                c.is_ascii_lowercase()
            }
        })
}

fn check_text(
    label: &str,
    path: &str,
    text: &str,
    max: usize,
    required: bool,
) -> Result<(), CatalogError> {
    if required && text.trim().is_empty() {
        return Err(CatalogError::new(label, path, "must not be empty"));
    }
    let n = text.chars().count();
    if n > max {
        return Err(CatalogError::new(
            label,
            path,
            format!("is {n} characters long; the limit is {max}"),
        ));
    }
    Ok(())
}

fn check_count(
    label: &str,
    path: &str,
    n: usize,
    min: usize,
    max: usize,
) -> Result<(), CatalogError> {
    if n < min || n > max {
        let want = if min == 0 {
            format!("at most {max}")
        } else {
            format!("{min} to {max}")
        };
        return Err(CatalogError::new(
            label,
            path,
            format!("has {n} entries; expected {want}"),
        ));
    }
    Ok(())
}

fn validate_catalog(
    label: &str,
    file: &CatalogFile,
    vocab: &mut Vocabulary,
) -> Result<(), CatalogError> {
    let mut seen = BTreeMap::new();
    for (i, g) in file.genres.iter().enumerate() {
        let p = format!("$.genres[{i}]");
        if !is_slug(&g.id) {
            return Err(CatalogError::new(
                label,
                format!("{p}.id"),
                format!("{:?} is not a lowercase slug", g.id),
            ));
        }
        if let Some(first) = seen.insert(g.id.clone(), i) {
            return Err(CatalogError::new(
                label,
                format!("{p}.id"),
                format!("duplicate genre id {:?} (first at $.genres[{first}])", g.id),
            ));
        }
        check_text(label, &format!("{p}.name"), &g.name, 64, true)?;
        check_text(label, &format!("{p}.plural"), &g.plural, 64, true)?;
    }
    vocab
        .genres
        .extend(file.genres.iter().map(|g| g.id.clone()));

    let mut seen = BTreeMap::new();
    for (i, t) in file.tags.iter().enumerate() {
        let p = format!("$.tags[{i}]");
        if !is_slug(&t.id) {
            return Err(CatalogError::new(
                label,
                format!("{p}.id"),
                format!("{:?} is not a lowercase slug", t.id),
            ));
        }
        if let Some(first) = seen.insert(t.id.clone(), i) {
            return Err(CatalogError::new(
                label,
                format!("{p}.id"),
                format!("duplicate tag id {:?} (first at $.tags[{first}])", t.id),
            ));
        }
        if t.label.is_none() && t.suffix.is_none() {
            return Err(CatalogError::new(
                label,
                &p,
                "a tag needs a `label` or a `suffix`",
            ));
        }
        for (field, text) in [("label", &t.label), ("suffix", &t.suffix)] {
            if let Some(text) = text {
                check_text(label, &format!("{p}.{field}"), text, 64, true)?;
            }
        }
    }
    vocab.tags.extend(file.tags.iter().map(|t| t.id.clone()));

    let mut seen_titles = BTreeMap::new();
    let mut seen_art = BTreeMap::new();
    for (i, t) in file.titles.iter().enumerate() {
        let p = format!("$.titles[{i}]");
        if let Some(first) = seen_titles.insert(t.id.clone(), i) {
            return Err(CatalogError::new(
                label,
                format!("{p}.id"),
                format!("duplicate title id {:?} (first at $.titles[{first}])", t.id),
            ));
        }
        validate_title(label, &p, t, vocab)?;
        for (j, a) in t.artwork.iter().enumerate() {
            if let Some((ti, aj)) = seen_art.insert(a.id.clone(), (i, j)) {
                return Err(CatalogError::new(
                    label,
                    format!("{p}.artwork[{j}].id"),
                    format!(
                        "duplicate artwork id {:?} (first at $.titles[{ti}].artwork[{aj}])",
                        a.id
                    ),
                ));
            }
            if let Some(owner) = vocab.artwork_owner.get(&a.id) {
                if owner != &t.id {
                    return Err(CatalogError::new(
                        label,
                        format!("{p}.artwork[{j}].id"),
                        format!("artwork id {:?} already belongs to title {owner:?}", a.id),
                    ));
                }
            }
        }
    }
    for t in &file.titles {
        let arts: BTreeSet<String> = t.artwork.iter().map(|a| a.id.clone()).collect();
        for a in &arts {
            vocab.artwork_owner.insert(a.clone(), t.id.clone());
        }
        vocab.titles.insert(t.id.clone(), arts);
        vocab.rating.insert(t.id.clone(), t.maturity);
        vocab.latest_added = vocab.latest_added.max(Some(t.added));
    }
    if file.as_of.is_some() {
        vocab.as_of = file.as_of;
    }
    Ok(())
}

fn validate_title(label: &str, p: &str, t: &Title, vocab: &Vocabulary) -> Result<(), CatalogError> {
    if !is_id(&t.id) {
        return Err(CatalogError::new(
            label,
            format!("{p}.id"),
            format!(
                "{:?} is not a valid id (letters, digits, '-', '_'; up to 64)",
                t.id
            ),
        ));
    }
    check_text(label, &format!("{p}.name"), &t.name, MAX_NAME_CHARS, true)?;
    check_text(
        label,
        &format!("{p}.synopsis"),
        &t.synopsis,
        MAX_SYNOPSIS_CHARS,
        true,
    )?;
    if !(1900..=2100).contains(&t.year) {
        return Err(CatalogError::new(
            label,
            format!("{p}.year"),
            format!("{} is not a year between 1900 and 2100", t.year),
        ));
    }
    if !(1..=600).contains(&t.runtime_min) {
        return Err(CatalogError::new(
            label,
            format!("{p}.runtime_min"),
            format!(
                "{} is not a runtime between 1 and 600 minutes",
                t.runtime_min
            ),
        ));
    }
    if !is_code(&t.language, false) {
        return Err(CatalogError::new(
            label,
            format!("{p}.language"),
            format!(
                "{:?} is not a two-letter lowercase language code",
                t.language
            ),
        ));
    }
    if !is_code(&t.country, true) {
        return Err(CatalogError::new(
            label,
            format!("{p}.country"),
            format!("{:?} is not a two-letter uppercase country code", t.country),
        ));
    }
    check_count(label, &format!("{p}.genres"), t.genres.len(), 1, MAX_GENRES)?;
    for (field, list) in [("genres", &t.genres), ("tags", &t.tags)] {
        for (j, g) in list.iter().enumerate() {
            if let Some(first) = list[..j].iter().position(|x| x == g) {
                return Err(CatalogError::new(
                    label,
                    format!("{p}.{field}[{j}]"),
                    format!("{g:?} is listed twice (first at {p}.{field}[{first}])"),
                ));
            }
        }
    }
    for (j, g) in t.genres.iter().enumerate() {
        if !vocab.genres.contains(g) {
            return Err(CatalogError::new(
                label,
                format!("{p}.genres[{j}]"),
                format!("unknown genre {g:?}"),
            ));
        }
    }
    check_count(label, &format!("{p}.tags"), t.tags.len(), 0, MAX_TAGS)?;
    for (j, g) in t.tags.iter().enumerate() {
        if !vocab.tags.contains(g) {
            return Err(CatalogError::new(
                label,
                format!("{p}.tags[{j}]"),
                format!("unknown tag {g:?}"),
            ));
        }
    }
    for (field, people) in [("cast", &t.cast), ("directors", &t.directors)] {
        check_count(label, &format!("{p}.{field}"), people.len(), 0, MAX_PEOPLE)?;
        for (j, name) in people.iter().enumerate() {
            check_text(label, &format!("{p}.{field}[{j}]"), name, 100, true)?;
        }
    }
    match t.kind {
        TitleKind::Series => check_count(
            label,
            &format!("{p}.seasons"),
            t.seasons.len(),
            1,
            MAX_SEASONS,
        )?,
        TitleKind::Movie if !t.seasons.is_empty() => {
            return Err(CatalogError::new(
                label,
                format!("{p}.seasons"),
                "a movie has no seasons (kind is \"movie\")",
            ));
        }
        TitleKind::Movie => {}
    }
    let mut numbers = BTreeSet::new();
    for (j, s) in t.seasons.iter().enumerate() {
        if s.number == 0 || !numbers.insert(s.number) {
            return Err(CatalogError::new(
                label,
                format!("{p}.seasons[{j}].number"),
                format!("season number {} is zero or repeated", s.number),
            ));
        }
        check_count(
            label,
            &format!("{p}.seasons[{j}].episodes"),
            s.episodes.len(),
            1,
            MAX_EPISODES,
        )?;
        for (k, e) in s.episodes.iter().enumerate() {
            check_text(
                label,
                &format!("{p}.seasons[{j}].episodes[{k}]"),
                e,
                MAX_NAME_CHARS,
                true,
            )?;
        }
    }
    check_count(
        label,
        &format!("{p}.artwork"),
        t.artwork.len(),
        1,
        MAX_ARTWORK,
    )?;
    let mut themes: BTreeMap<ArtworkTheme, usize> = BTreeMap::new();
    for (j, a) in t.artwork.iter().enumerate() {
        let ap = format!("{p}.artwork[{j}]");
        if !is_id(&a.id) {
            return Err(CatalogError::new(
                label,
                format!("{ap}.id"),
                format!("{:?} is not a valid id", a.id),
            ));
        }
        if !assets::motifs().contains_key(&a.motif) {
            return Err(CatalogError::new(
                label,
                format!("{ap}.motif"),
                format!("unknown motif {:?} (see assets/motifs.json)", a.motif),
            ));
        }
        if !assets::palettes().contains_key(&a.palette) {
            return Err(CatalogError::new(
                label,
                format!("{ap}.palette"),
                format!("unknown palette {:?} (see assets/palettes.json)", a.palette),
            ));
        }
        check_text(
            label,
            &format!("{ap}.caption"),
            &a.caption,
            MAX_CAPTION_CHARS,
            false,
        )?;
        if let Some(first) = themes.insert(a.theme, j) {
            return Err(CatalogError::new(label, format!("{ap}.theme"),
                format!("theme {:?} is used twice (first at {p}.artwork[{first}]); variants need different themes", a.theme.as_str())));
        }
    }
    Ok(())
}

fn validate_profile(
    label: &str,
    file: &ProfileFile,
    vocab: &Vocabulary,
) -> Result<(), CatalogError> {
    if !is_slug(&file.name) || file.name.len() > 32 {
        return Err(CatalogError::new(
            label,
            "$.name",
            format!(
                "{:?} is not a profile name (lowercase letters, digits, '-', '_'; 1–32)",
                file.name
            ),
        ));
    }
    if let Some(d) = &file.display_name {
        check_text(label, "$.display_name", d, 40, true)?;
    }
    if let Some(r) = &file.region {
        if !is_code(r, true) {
            return Err(CatalogError::new(
                label,
                "$.region",
                format!("{r:?} is not a two-letter uppercase country code"),
            ));
        }
    }
    check_count(label, "$.history", file.history.len(), 0, MAX_HISTORY)?;
    let limit = file.maturity.unwrap_or(Maturity::PROFILE_DEFAULT);
    for (i, e) in file.history.iter().enumerate() {
        let p = format!("$.history[{i}]");
        validate_event(label, &p, e, vocab)?;
        // A title the profile may never be shown cannot be in its history:
        // it would name that title on the page ("Because You Watched …").
        if let Some(&rating) = vocab.rating.get(&e.title) {
            if !limit.allows(rating) {
                return Err(CatalogError::new(
                    label,
                    format!("{p}.title"),
                    format!(
                        "{:?} is rated {rating}, above this profile's maturity limit {limit}; remove the event or raise $.maturity",
                        e.title
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn validate_event(
    label: &str,
    p: &str,
    e: &HistoryEvent,
    vocab: &Vocabulary,
) -> Result<(), CatalogError> {
    if let Some(as_of) = vocab.as_of.or(vocab.latest_added) {
        let limit = as_of + chrono::Duration::days(FUTURE_SLACK_DAYS + 1);
        if e.at.naive_utc().date() >= limit {
            return Err(CatalogError::new(
                label,
                format!("{p}.at"),
                format!(
                    "{} is after the catalog's as-of date {as_of} by more than {FUTURE_SLACK_DAYS} days; an event cannot come from the future",
                    e.at.to_rfc3339()
                ),
            ));
        }
    }
    let Some(arts) = vocab.titles.get(&e.title) else {
        return Err(CatalogError::new(
            label,
            format!("{p}.title"),
            format!("unknown title id {:?}", e.title),
        ));
    };
    if let Some(a) = &e.artwork {
        if !arts.contains(a) {
            return Err(CatalogError::new(
                label,
                format!("{p}.artwork"),
                format!("unknown artwork {a:?} for title {:?}", e.title),
            ));
        }
    }
    match (e.action, e.progress) {
        (Action::Play, None) => {
            return Err(CatalogError::new(
                label,
                format!("{p}.progress"),
                "a play needs `progress` (0.0 to 1.0)",
            ))
        }
        (Action::Play, Some(x)) if !(0.0..=1.0).contains(&x) => {
            return Err(CatalogError::new(
                label,
                format!("{p}.progress"),
                format!("{x} is not between 0.0 and 1.0"),
            ));
        }
        (Action::Play, Some(_)) => {}
        (other, Some(_)) => {
            return Err(CatalogError::new(
                label,
                format!("{p}.progress"),
                format!("only a play has progress, not {:?}", other.as_str()),
            ));
        }
        (_, None) => {}
    }
    if e.season.is_some() != e.episode.is_some() {
        return Err(CatalogError::new(
            label,
            p,
            "`season` and `episode` go together",
        ));
    }
    if e.season.is_some() && e.action != Action::Play {
        return Err(CatalogError::new(
            label,
            format!("{p}.season"),
            "only a play names an episode",
        ));
    }
    Ok(())
}
