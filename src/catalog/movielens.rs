//! Reading the MovieLens data sets into Marquee's catalog: ml-100k
//! (`u.data`, `u.item`), ml-1m (`ratings.dat`, `movies.dat`, `::`-separated,
//! Latin-1) and ml-latest / ml-latest-small (`ratings.csv`, `movies.csv`,
//! quoted CSV). Pure: files in, a catalog file and ratings out; the store
//! writes them in one transaction. Every error names the file, the line and
//! the field.
//!
//! MovieLens has no synopses, runtimes, maturity ratings, languages or
//! artwork. What Marquee shows for them is derived and says so: a synopsis
//! naming the genres and year, 100 minutes, a maturity guessed from the
//! genres (children's → G, horror → R, else PG-13), English / US, and
//! artwork variants whose themes follow the genres.

use super::{Artwork, ArtworkTheme, CatalogError, CatalogFile, Genre, Maturity, Title, TitleKind};
use chrono::{DateTime, NaiveDate};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The three layouts Marquee recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Ml100k,
    Ml1m,
    Latest,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Layout::Ml100k => "ml-100k",
            Layout::Ml1m => "ml-1m",
            Layout::Latest => "ml-latest",
        }
    }

    fn files(self) -> (&'static str, &'static str) {
        match self {
            Layout::Ml100k => ("u.item", "u.data"),
            Layout::Ml1m => ("movies.dat", "ratings.dat"),
            Layout::Latest => ("movies.csv", "ratings.csv"),
        }
    }
}

/// One rating as MovieLens gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rating {
    /// Index into [`MovieLens::users`].
    pub user: u32,
    /// Index into the catalog's titles.
    pub title: u32,
    pub stars: f32,
    pub at: i64,
}

#[derive(Debug, Clone)]
pub struct MovieLens {
    pub layout: Layout,
    pub catalog: CatalogFile,
    /// MovieLens user ids, in ascending order.
    pub users: Vec<String>,
    pub ratings: Vec<Rating>,
}

/// Which layout `dir` holds, by the files present.
pub fn detect(dir: &Path) -> Result<Layout, CatalogError> {
    for layout in [Layout::Ml100k, Layout::Ml1m, Layout::Latest] {
        let (movies, ratings) = layout.files();
        if dir.join(movies).is_file() && dir.join(ratings).is_file() {
            return Ok(layout);
        }
    }
    Err(CatalogError::new(
        &dir.display().to_string(),
        "",
        "not a MovieLens folder: expected u.data + u.item (ml-100k), ratings.dat + movies.dat (ml-1m) or ratings.csv + movies.csv (ml-latest)",
    ))
}

/// Read a MovieLens folder completely, or fail naming the file, line and field.
pub fn read(dir: &Path) -> Result<MovieLens, CatalogError> {
    let layout = detect(dir)?;
    let (movies_name, ratings_name) = layout.files();
    let movies_path = dir.join(movies_name);
    let ratings_path = dir.join(ratings_name);
    let movies_text = read_text(&movies_path, layout != Layout::Latest)?;
    let (movies, index) =
        merge_duplicates(parse_movies(layout, &label(&movies_path), &movies_text)?);
    drop(movies_text);
    let (users, ratings) = read_ratings(layout, &ratings_path, &index)?;
    if ratings.is_empty() {
        return Err(CatalogError::new(&label(&ratings_path), "", "no ratings"));
    }
    let first_seen = first_rating_dates(&ratings, movies.len());
    let last = ratings.iter().map(|r| r.at).max().unwrap_or(0);
    let as_of = date_of(last);
    let titles = movies
        .into_iter()
        .zip(first_seen)
        .map(|(m, seen)| m.into_title(seen.unwrap_or(as_of)))
        .collect();
    let catalog = CatalogFile {
        format: super::file::CATALOG_FORMAT.to_string(),
        name: Some(format!("MovieLens ({})", layout.name())),
        as_of: Some(as_of),
        genres: genres(),
        tags: vec![],
        titles,
    };
    Ok(MovieLens {
        layout,
        catalog,
        users,
        ratings,
    })
}

/// MovieLens lists a few films twice under two ids (ml-100k has 18, e.g.
/// "Chasing Amy (1997)"). One film is one title: the second id's ratings go
/// to the first. Returns the kept movies and every id's title index.
fn merge_duplicates(movies: Vec<Movie>) -> (Vec<Movie>, HashMap<String, u32>) {
    let mut first_of: BTreeMap<(String, Option<i32>), u32> = BTreeMap::new();
    // Looked up once per rating (25 million times in ML-25M): hashed, not ordered.
    let mut index = HashMap::new();
    let mut kept = Vec::with_capacity(movies.len());
    for m in movies {
        let key = (m.name.clone(), m.year);
        let i = *first_of.entry(key).or_insert(kept.len() as u32);
        index.insert(m.id.clone(), i);
        if i as usize == kept.len() {
            kept.push(m);
        }
    }
    (kept, index)
}

fn label(p: &Path) -> String {
    p.display().to_string()
}

/// The file as text: UTF-8, or Latin-1 for the older data sets (every byte is a character).
fn read_text(path: &PathBuf, latin1: bool) -> Result<String, CatalogError> {
    let bytes = std::fs::read(path)
        .map_err(|e| CatalogError::new(&label(path), "", format!("cannot read: {e}")))?;
    if latin1 {
        return Ok(bytes.iter().map(|&b| b as char).collect());
    }
    String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        CatalogError::new(&label(path), format!("line {line}"), "is not valid UTF-8")
    })
}

struct Movie {
    id: String,
    name: String,
    year: Option<i32>,
    genres: Vec<&'static str>,
}

fn parse_movies(layout: Layout, file: &str, text: &str) -> Result<Vec<Movie>, CatalogError> {
    let mut out = vec![];
    let mut seen = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let at = |field: &str| format!("line {}, field {field}", n + 1);
        if line.trim().is_empty()
            || (layout == Layout::Latest && n == 0 && line.starts_with("movieId"))
        {
            continue;
        }
        let fields: Vec<String> = match layout {
            Layout::Ml100k => line.split('|').map(String::from).collect(),
            Layout::Ml1m => line.split("::").map(String::from).collect(),
            Layout::Latest => split_csv(line).ok_or_else(|| {
                CatalogError::new(file, at("title"), "an opening quote is never closed")
            })?,
        };
        let (id, title, genre_text) = match layout {
            Layout::Ml100k if fields.len() >= 24 => (&fields[0], &fields[1], None),
            Layout::Ml1m | Layout::Latest if fields.len() == 3 => {
                (&fields[0], &fields[1], Some(fields[2].as_str()))
            }
            _ => {
                return Err(CatalogError::new(
                    file,
                    format!("line {}", n + 1),
                    format!(
                        "expected {} fields, found {}",
                        expected_movie_fields(layout),
                        fields.len()
                    ),
                ))
            }
        };
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
            return Err(CatalogError::new(
                file,
                at("movie id"),
                format!("{id:?} is not a movie id"),
            ));
        }
        if let Some(first) = seen.insert(id.clone(), n + 1) {
            return Err(CatalogError::new(
                file,
                at("movie id"),
                format!("movie {id} is listed twice (first on line {first})"),
            ));
        }
        let genres: Vec<&'static str> = match genre_text {
            Some(g) => g.split('|').filter_map(map_genre).collect(),
            None => {
                let flags = &fields[fields.len() - 19..];
                GENRES_100K
                    .iter()
                    .zip(flags)
                    .filter(|(_, f)| f.trim() == "1")
                    .filter_map(|(g, _)| map_genre(g))
                    .collect()
            }
        };
        let (name, mut year) = split_year(title.trim());
        if year.is_none() && layout == Layout::Ml100k {
            year = fields[2].rsplit('-').next().and_then(|y| y.parse().ok());
        }
        out.push(Movie {
            id: id.clone(),
            name,
            year,
            genres,
        });
    }
    if out.is_empty() {
        return Err(CatalogError::new(file, "", "no movies"));
    }
    Ok(out)
}

fn expected_movie_fields(layout: Layout) -> &'static str {
    match layout {
        Layout::Ml100k => "24 |-separated",
        Layout::Ml1m => "3 ::-separated",
        Layout::Latest => "3 comma-separated",
    }
}

/// Read the ratings file line by line (it is the big one: 25 million lines
/// in ML-25M), keeping 24 bytes per rating. Returns the MovieLens user ids in
/// ascending order and the ratings with indexes into them.
fn read_ratings(
    layout: Layout,
    path: &PathBuf,
    movies: &HashMap<String, u32>,
) -> Result<(Vec<String>, Vec<Rating>), CatalogError> {
    use std::io::BufRead;
    let file = label(path);
    let cannot = |e: std::io::Error| CatalogError::new(&file, "", format!("cannot read: {e}"));
    let mut reader =
        std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(path).map_err(cannot)?);
    // Users get an index in order of first appearance, renumbered by id at the end.
    let mut first_seen: HashMap<u64, u32> = HashMap::new();
    // Files list a user's ratings together, so most lines repeat the last user.
    let mut last_user: Option<(u64, u32)> = None;
    let mut ratings = Vec::new();
    let mut bytes = Vec::with_capacity(128);
    let mut n = 0usize;
    loop {
        bytes.clear();
        if reader.read_until(b'\n', &mut bytes).map_err(cannot)? == 0 {
            break;
        }
        n += 1;
        let line = std::str::from_utf8(&bytes)
            .map_err(|_| CatalogError::new(&file, format!("line {n}"), "is not valid UTF-8"))?
            .trim_end_matches(['\n', '\r']);
        let Some((user, title, stars, at)) = parse_rating(layout, &file, n, line, movies)? else {
            continue;
        };
        let user = match last_user {
            Some((id, index)) if id == user => index,
            _ => {
                let next = first_seen.len() as u32;
                let index = *first_seen.entry(user).or_insert(next);
                last_user = Some((user, index));
                index
            }
        };
        ratings.push(Rating {
            user,
            title,
            stars,
            at,
        });
    }
    let mut ids: Vec<(u64, u32)> = first_seen.into_iter().collect();
    ids.sort_unstable();
    let mut renumber = vec![0u32; ids.len()];
    for (sorted, &(_, seen)) in ids.iter().enumerate() {
        renumber[seen as usize] = sorted as u32;
    }
    for r in &mut ratings {
        r.user = renumber[r.user as usize];
    }
    let users = ids.into_iter().map(|(id, _)| id.to_string()).collect();
    Ok((users, ratings))
}

/// One rating line as (user id, title index, stars, unix time); `None` for a
/// blank line or the header.
fn parse_rating(
    layout: Layout,
    file: &str,
    n: usize,
    line: &str,
    movies: &HashMap<String, u32>,
) -> Result<Option<(u64, u32, f32, i64)>, CatalogError> {
    if line.trim().is_empty() || (layout == Layout::Latest && n == 1 && line.starts_with("userId"))
    {
        return Ok(None);
    }
    let at = |field: &str| format!("line {n}, field {field}");
    // A one-character separator splits on a char: searching for a
    // one-byte string costs a general substring search on every line.
    let (fields, count) = match layout {
        Layout::Ml100k => first_four(line.split('\t')),
        Layout::Ml1m => first_four(line.split("::")),
        Layout::Latest => first_four(line.split(',')),
    };
    if count != 4 {
        return Err(CatalogError::new(
            file,
            format!("line {n}"),
            format!("expected 4 fields (user, movie, rating, timestamp), found {count}"),
        ));
    }
    let user = fields[0].trim();
    let user_id = (!user.is_empty() && user.chars().all(|c| c.is_ascii_digit()))
        .then(|| user.parse::<u64>().ok())
        .flatten()
        .ok_or_else(|| CatalogError::new(file, at("user"), format!("{user:?} is not a user id")))?;
    let title = *movies.get(fields[1].trim()).ok_or_else(|| {
        CatalogError::new(
            file,
            at("movie"),
            format!("movie {:?} is not in the movie list", fields[1].trim()),
        )
    })?;
    let stars: f32 = fields[2].trim().parse().map_err(|_| {
        CatalogError::new(
            file,
            at("rating"),
            format!("{:?} is not a number", fields[2].trim()),
        )
    })?;
    if !(0.5..=5.0).contains(&stars) {
        return Err(CatalogError::new(
            file,
            at("rating"),
            format!("{stars} is not between 0.5 and 5"),
        ));
    }
    let ts: i64 = fields[3].trim().parse().map_err(|_| {
        CatalogError::new(
            file,
            at("timestamp"),
            format!("{:?} is not a Unix time", fields[3].trim()),
        )
    })?;
    if !(0..=4_102_444_800).contains(&ts) {
        return Err(CatalogError::new(
            file,
            at("timestamp"),
            format!("{ts} is not a Unix time before 2100"),
        ));
    }
    Ok(Some((user_id, title, stars, ts)))
}

/// The first four fields of a split line, and how many fields it had.
fn first_four<'a>(split: impl Iterator<Item = &'a str>) -> ([&'a str; 4], usize) {
    let mut fields = [""; 4];
    let mut count = 0;
    for f in split {
        if count < 4 {
            fields[count] = f;
        }
        count += 1;
    }
    (fields, count)
}

/// Split one CSV line with RFC 4180 quoting ("a, b" and doubled quotes).
pub(crate) fn split_csv(line: &str) -> Option<Vec<String>> {
    let mut out = vec![];
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', false) if field.is_empty() => quoted = true,
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            (',', false) => out.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return None;
    }
    out.push(field);
    Some(out)
}

/// "Toy Story (1995)" → ("Toy Story", 1995); "American President, The (1995)" → "The American President".
fn split_year(title: &str) -> (String, Option<i32>) {
    let (name, year) = match title.rfind('(') {
        Some(open) if title.ends_with(')') => {
            let inner = &title[open + 1..title.len() - 1];
            match inner.get(..4).and_then(|y| y.parse::<i32>().ok()) {
                Some(y) if inner.len() == 4 || inner.len() >= 9 => (title[..open].trim(), Some(y)),
                _ => (title, None),
            }
        }
        _ => (title, None),
    };
    for article in ["The", "A", "An"] {
        if let Some(stem) = name.strip_suffix(&format!(", {article}")) {
            return (format!("{article} {stem}"), year);
        }
    }
    (name.to_string(), year)
}

/// ml-100k's genre flag columns, in order.
const GENRES_100K: [&str; 19] = [
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
];

/// A MovieLens genre as a Marquee genre id (None for "unknown", "IMAX", "(no genres listed)").
fn map_genre(g: &str) -> Option<&'static str> {
    Some(match g.trim() {
        "Action" => "action",
        "Adventure" => "adventure",
        "Animation" => "animation",
        "Children" | "Children's" => "family",
        "Comedy" => "comedy",
        "Crime" | "Film-Noir" => "crime",
        "Documentary" => "documentary",
        "Drama" => "drama",
        "Fantasy" => "fantasy",
        "Horror" => "horror",
        "Musical" => "music",
        "Mystery" => "mystery",
        "Romance" => "romance",
        "Sci-Fi" => "scifi",
        "Thriller" => "thriller",
        "War" => "war",
        "Western" => "western",
        _ => return None,
    })
}

/// The Marquee genres a MovieLens catalog can use: id, name, plural (for
/// rows), and the word captions and synopses use for it.
const GENRE_TABLE: [(&str, &str, &str, &str); 17] = [
    ("action", "Action", "Action Movies", "Action"),
    ("adventure", "Adventure", "Adventures", "Adventure"),
    ("animation", "Animation", "Animated Films", "Animation"),
    ("comedy", "Comedy", "Comedies", "Comedy"),
    ("crime", "Crime", "Crime Films", "Crime"),
    ("documentary", "Documentary", "Documentaries", "Documentary"),
    ("drama", "Drama", "Dramas", "Drama"),
    ("family", "Family", "Family Films", "Family"),
    ("fantasy", "Fantasy", "Fantasy", "Fantasy"),
    ("horror", "Horror", "Horror", "Horror"),
    ("music", "Music", "Musicals", "Musical"),
    ("mystery", "Mystery", "Mysteries", "Mystery"),
    ("romance", "Romance", "Romances", "Romance"),
    ("scifi", "Sci-Fi", "Sci-Fi", "Sci-Fi"),
    ("thriller", "Thriller", "Thrillers", "Thriller"),
    ("war", "War", "War Films", "War"),
    ("western", "Western", "Westerns", "Western"),
];

fn genres() -> Vec<Genre> {
    GENRE_TABLE
        .iter()
        .map(|(id, name, plural, _)| Genre {
            id: id.to_string(),
            name: name.to_string(),
            plural: plural.to_string(),
        })
        .collect()
}

/// (theme, motif, palette) for a title of this genre.
fn artwork_style(genre: &str) -> (ArtworkTheme, &'static str, &'static str) {
    match genre {
        "action" => (ArtworkTheme::Action, "explosion", "ember"),
        "adventure" => (ArtworkTheme::Landscape, "mountains", "desert"),
        "animation" | "family" => (ArtworkTheme::Creature, "paw", "candy"),
        "comedy" => (ArtworkTheme::Faces, "face", "sunset"),
        "crime" | "mystery" => (ArtworkTheme::Silhouette, "magnifier", "noir"),
        "documentary" => (ArtworkTheme::Object, "camera", "slate"),
        "drama" => (ArtworkTheme::Ensemble, "two-faces", "midnight"),
        "fantasy" => (ArtworkTheme::Typographic, "dragon", "lavender"),
        "horror" => (ArtworkTheme::Cityscape, "ghost", "crimson"),
        "music" => (ArtworkTheme::Typographic, "music", "gold"),
        "romance" => (ArtworkTheme::Romance, "heart", "blush"),
        "scifi" => (ArtworkTheme::Object, "rocket", "neon"),
        "thriller" => (ArtworkTheme::Silhouette, "eye", "slate"),
        "war" => (ArtworkTheme::Action, "sword", "forest"),
        _ => (ArtworkTheme::Landscape, "sun", "desert"),
    }
}

impl Movie {
    fn into_title(self, first_rated: NaiveDate) -> Title {
        let id = format!("ml{}", self.id);
        let genres: Vec<String> = {
            let mut g: Vec<String> = vec![];
            for x in &self.genres {
                if !g.iter().any(|y| y == x) && g.len() < 5 {
                    g.push(x.to_string());
                }
            }
            if g.is_empty() {
                g.push("drama".into());
            }
            g
        };
        let year = self
            .year
            .unwrap_or(first_rated.format("%Y").to_string().parse().unwrap_or(2000))
            .clamp(1900, 2100);
        let maturity = if genres.iter().any(|g| g == "family") {
            Maturity::G
        } else if genres.iter().any(|g| g == "horror") {
            Maturity::R
        } else {
            Maturity::Pg13
        };
        let names: Vec<&str> = genres.iter().map(|g| genre_name(g)).collect();
        let caption: String = names.join(" · ").chars().take(40).collect();
        let mut artwork: Vec<Artwork> = vec![];
        for g in genres.iter().map(String::as_str).chain(["", "drama"]) {
            let (theme, motif, palette) = artwork_style(g);
            if artwork.len() < 3 && !artwork.iter().any(|a| a.theme == theme) {
                artwork.push(Artwork {
                    id: format!("{id}-a{}", artwork.len() + 1),
                    theme,
                    motif: motif.into(),
                    palette: palette.into(),
                    caption: caption.clone(),
                });
            }
        }
        Title {
            synopsis: format!(
                "A {year} {} film from the MovieLens catalog (MovieLens has no synopses).",
                names.join(", ").to_lowercase()
            ),
            id,
            name: if self.name.is_empty() {
                format!("Movie {}", self.id)
            } else {
                self.name
            },
            kind: TitleKind::Movie,
            year,
            maturity,
            genres,
            tags: vec![],
            language: "en".into(),
            country: "US".into(),
            runtime_min: 100,
            cast: vec![],
            directors: vec![],
            added: first_rated,
            seasons: vec![],
            artwork,
        }
    }
}

/// The word captions and synopses use for a genre id ("Drama" for any other).
fn genre_name(id: &str) -> &'static str {
    GENRE_TABLE
        .iter()
        .find(|g| g.0 == id)
        .map_or("Drama", |g| g.3)
}

fn date_of(ts: i64) -> NaiveDate {
    DateTime::from_timestamp(ts, 0)
        .unwrap_or_default()
        .date_naive()
}

/// The day each title was first rated: when the service "added" it.
fn first_rating_dates(ratings: &[Rating], n: usize) -> Vec<Option<NaiveDate>> {
    let mut first = vec![None::<i64>; n];
    for r in ratings {
        let f = &mut first[r.title as usize];
        *f = Some(f.map_or(r.at, |x| x.min(r.at)));
    }
    first.into_iter().map(|f| f.map(date_of)).collect()
}

/// Choose `n` users with different tastes to become browsable profiles: for
/// each genre in order of how many users favour it, its most active fan.
pub fn choose_profiles(ml: &MovieLens, n: usize) -> Vec<(u32, String)> {
    let mut counts: Vec<BTreeMap<&str, u32>> = vec![BTreeMap::new(); ml.users.len()];
    let mut activity = vec![0u32; ml.users.len()];
    for r in ml.ratings.iter().filter(|r| r.stars >= 4.0) {
        activity[r.user as usize] += 1;
        let per_user = &mut counts[r.user as usize];
        for g in &ml.catalog.titles[r.title as usize].genres {
            *per_user.entry(g.as_str()).or_default() += 1;
        }
    }
    // Each user's favourite genre, ignoring the ubiquitous drama and comedy unless nothing else.
    let mut fans: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (u, c) in counts.iter().enumerate() {
        let u = u as u32;
        let best = c
            .iter()
            .filter(|(g, _)| !matches!(**g, "drama" | "comedy"))
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .or_else(|| c.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))));
        if let Some((g, _)) = best {
            fans.entry(g).or_default().push(u);
        }
    }
    let mut genres: Vec<(&str, Vec<u32>)> = fans.into_iter().collect();
    genres.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    for (_, users) in &mut genres {
        users.sort_by(|&a, &b| {
            activity[b as usize]
                .cmp(&activity[a as usize])
                .then(a.cmp(&b))
        });
    }
    let mut chosen = vec![];
    for round in 0.. {
        if chosen.len() >= n || genres.iter().all(|(_, u)| u.len() <= round) {
            break;
        }
        for (g, users) in &genres {
            if chosen.len() < n {
                if let Some(&u) = users.get(round) {
                    chosen.push((u, genre_name(g).to_string()));
                }
            }
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_lose_their_year_and_get_their_article_back() {
        assert_eq!(
            split_year("Toy Story (1995)"),
            ("Toy Story".into(), Some(1995))
        );
        assert_eq!(
            split_year("American President, The (1995)"),
            ("The American President".into(), Some(1995))
        );
        assert_eq!(split_year("Babylon 5"), ("Babylon 5".into(), None));
        assert_eq!(
            split_year("Big Bang Theory (2007-2019)"),
            ("Big Bang Theory".into(), Some(2007))
        );
    }

    #[test]
    fn csv_fields_keep_quoted_commas_and_doubled_quotes() {
        assert_eq!(
            split_csv(r#"11,"American President, The (1995)",Comedy|Drama|Romance"#).unwrap(),
            vec![
                "11",
                "American President, The (1995)",
                "Comedy|Drama|Romance"
            ]
        );
        assert_eq!(
            split_csv(r#"1,"Say ""Hi"" (2001)",Drama"#).unwrap()[1],
            r#"Say "Hi" (2001)"#
        );
        assert!(split_csv(r#"1,"never closed,Drama"#).is_none());
    }
}
