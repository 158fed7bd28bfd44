//! The in-memory model a page is built from: the catalog indexed by
//! position, content vectors, micro-genre groups and everything trained.
//! Loading reuses the trained part cached in the store while the training
//! data and training parameters are unchanged.

use super::content::ContentIndex;
use super::fit::{train, TrainInput, Trained};
use super::mapped::{self, Numbers};
use super::micro::{micro_groups, MicroGroup};
use super::progress::Progress;
use crate::catalog::{Event, Genre, Maturity, Tag, Title};
use crate::rank::config::RankerConfig;
use crate::rank::nearest::NearestMemo;
use crate::store::{Member, Store, StoreError};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Bump when the trained model's layout or meaning changes, so old caches are
/// ignored (v5: the item model is EASE or the graph filter; v6: the resume model;
/// v7: big arrays as packed bytes, `packed.rs`; v8: the report times each stage;
/// v9: a file of its own beside the database, mapped, `mapped.rs`; v10: the
/// titles in bincode).
const MODEL_VERSION: &str = "model-v10";

pub struct Model {
    pub titles: Vec<Title>,
    pub index: BTreeMap<String, usize>,
    /// Per title, the place of its id among all ids in order: ties between
    /// titles break by id, and a page breaks thousands of them.
    id_rank: Vec<u32>,
    pub genres: BTreeMap<String, Genre>,
    /// The titles each genre leads (is first among their genres), by
    /// position: exploration draws a genre and looks only at its titles.
    pub led_by: BTreeMap<String, Vec<usize>>,
    pub tags: BTreeMap<String, Tag>,
    pub as_of: NaiveDate,
    pub content: ContentIndex,
    /// Unix time each title was added.
    pub added: Vec<i64>,
    /// Each title's maturity rating, in one place: every page checks them all.
    pub maturity: Vec<Maturity>,
    pub micro: Vec<MicroGroup>,
    pub trained: Trained,
    /// The confidence scale the model was trained with (used again for fold-in).
    pub alpha: f32,
    /// Whether this load trained (false: reused the cache).
    pub freshly_trained: bool,
    /// The closeness of every title to a profile's anchors, kept between
    /// its pages (the same pages, made faster).
    pub nearest: NearestMemo,
}

impl Model {
    /// Load the catalog and the trained model, training (and caching) it if needed.
    pub fn load(store: &mut Store, config: &RankerConfig) -> Result<Model, StoreError> {
        Model::load_reporting(store, config, false, Progress::NONE)
    }

    /// Like [`Model::load`], but always retrain.
    pub fn retrain(store: &mut Store, config: &RankerConfig) -> Result<Model, StoreError> {
        Model::load_reporting(store, config, true, Progress::NONE)
    }

    /// Load (or, with `force`, always retrain), reporting each training stage.
    pub fn load_reporting(
        store: &mut Store,
        config: &RankerConfig,
        force: bool,
        progress: Progress,
    ) -> Result<Model, StoreError> {
        let fingerprint = format!(
            "{MODEL_VERSION};{};{}",
            store.training_fingerprint()?,
            config.training_hash()
        );
        let cached = if force {
            None
        } else {
            store
                .cached_model(&fingerprint)?
                .and_then(|(path, id)| mapped::read::<Cached>(&path, id))
                .and_then(Cached::into_model)
        };
        if let Some(mut model) = cached {
            model.freshly_trained = false;
            return Ok(model);
        }
        let (members, events) = (store.members()?, store.training_events()?);
        let model = Model::train_on(store, config, &members, &events, progress)?;
        store.put_cached_model(&fingerprint, |file, id| Cached::write(&model, file, id))?;
        Ok(model)
    }

    /// A model trained on `events` only (of `members`), over the store's
    /// catalog, not cached: the cold-start evaluation trains one on a log
    /// with its held-out members taken out.
    pub fn train_on(
        store: &Store,
        config: &RankerConfig,
        members: &[Member],
        events: &[Event],
        progress: Progress,
    ) -> Result<Model, StoreError> {
        let titles = store.titles()?;
        let content = ContentIndex::build(&titles);
        let as_of = store.as_of()?;
        let trained = train_log(&titles, &content, members, events, as_of, config, progress);
        Ok(Model::from_parts(
            titles,
            content,
            store.genres()?,
            store.tags()?,
            as_of,
            trained,
            config.training.alpha,
        ))
    }

    /// A model from a catalog (with its content index) and a trained part.
    /// Offline evaluation builds one from a split of the log, in memory.
    pub fn from_parts(
        titles: Vec<Title>,
        content: ContentIndex,
        genres: Vec<Genre>,
        tags: Vec<Tag>,
        as_of: NaiveDate,
        trained: Trained,
        alpha: f32,
    ) -> Model {
        let tags: BTreeMap<String, Tag> = tags.into_iter().map(|t| (t.id.clone(), t)).collect();
        let micro = micro_groups(&titles, &tags);
        Model::finish(
            (titles, genres, tags),
            content,
            as_of,
            micro,
            trained,
            alpha,
        )
    }

    /// The model around its parts, with the lookups derived from them.
    fn finish(
        (titles, genres, tags): (Vec<Title>, Vec<Genre>, BTreeMap<String, Tag>),
        content: ContentIndex,
        as_of: NaiveDate,
        micro: Vec<MicroGroup>,
        trained: Trained,
        alpha: f32,
    ) -> Model {
        let index: BTreeMap<String, usize> = titles
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
        let mut id_rank = vec![0; titles.len()];
        for (rank, &t) in index.values().enumerate() {
            id_rank[t] = rank as u32;
        }
        let added = titles.iter().map(Title::added_at).collect();
        let maturity = titles.iter().map(|t| t.maturity).collect();
        let mut led_by: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (t, title) in titles.iter().enumerate() {
            let Some(g) = title.genres.first() else {
                continue;
            };
            // A genre's name is copied once, not once per title.
            match led_by.get_mut(g) {
                Some(titles) => titles.push(t),
                None => {
                    led_by.insert(g.clone(), vec![t]);
                }
            }
        }
        Model {
            led_by,
            genres: genres.into_iter().map(|g| (g.id.clone(), g)).collect(),
            tags,
            index,
            id_rank,
            added,
            maturity,
            micro,
            content,
            titles,
            as_of,
            trained,
            alpha,
            freshly_trained: true,
            nearest: NearestMemo::default(),
        }
    }

    pub fn title_index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Titles `a` and `b` in the order of their ids.
    pub fn by_id(&self, a: usize, b: usize) -> std::cmp::Ordering {
        self.id_rank[a].cmp(&self.id_rank[b])
    }
}

/// Train every stage on a log. Only members with events in it take part, so
/// creating a profile or giving feedback (which is not in the training log)
/// never changes the model; its "now" is the end of the log.
pub fn train_log(
    titles: &[Title],
    content: &ContentIndex,
    members: &[Member],
    events: &[Event],
    as_of: NaiveDate,
    config: &RankerConfig,
    progress: Progress,
) -> Trained {
    // One insert per run of a member's events (the store gives the log by
    // member; any order gives the same set).
    let mut active = std::collections::BTreeSet::new();
    let mut last = None;
    for e in events {
        if last != Some(e.member_id) {
            active.insert(e.member_id);
            last = Some(e.member_id);
        }
    }
    let members: Vec<Member> = members
        .iter()
        .filter(|m| active.contains(&m.id))
        .cloned()
        .collect();
    let end = crate::rank::Context::default_now(as_of)
        .timestamp()
        .max(events.iter().map(|e| e.at + 1).max().unwrap_or(0));
    train(
        &TrainInput {
            titles,
            content,
            members: &members,
            events,
            end,
            progress,
        },
        &config.training,
    )
}

/// What a warm start reads: the whole model in one file, the catalog with its
/// derived indexes beside the trained part, so a page never reloads the
/// catalog row by row or rebuilds its indexes. The titles are kept in chunks
/// of [`TITLES_PER_CHUNK`], each its own bincode run, which a warm start reads
/// on every core: reading the titles is most of a large catalog's start.
/// (The catalog's types never skip a field when serialised, which bincode
/// could not read back.)
#[derive(serde::Serialize, serde::Deserialize)]
struct Cached {
    titles: Vec<Numbers<u8>>,
    genres_and_tags: Numbers<u8>,
    as_of: NaiveDate,
    content: ContentIndex,
    micro: Vec<MicroGroup>,
    trained: Trained,
    alpha: f32,
}

const TITLES_PER_CHUNK: usize = 4096;

fn encoded<T: serde::Serialize + ?Sized>(value: &T) -> Numbers<u8> {
    bincode::serialize(value)
        .expect("the catalog serialises")
        .into()
}

impl Cached {
    /// Write `m` as a model file under `id`.
    fn write(m: &Model, file: std::fs::File, id: u64) -> std::io::Result<()> {
        // Borrowed, field for field the layout of `Cached`: no copy of the model.
        #[derive(serde::Serialize)]
        struct CachedRef<'a> {
            titles: Vec<Numbers<u8>>,
            genres_and_tags: Numbers<u8>,
            as_of: NaiveDate,
            content: &'a ContentIndex,
            micro: &'a [MicroGroup],
            trained: &'a Trained,
            alpha: f32,
        }
        let cached = CachedRef {
            titles: m.titles.chunks(TITLES_PER_CHUNK).map(encoded).collect(),
            genres_and_tags: encoded(&(
                m.genres.values().collect::<Vec<_>>(),
                m.tags.values().collect::<Vec<_>>(),
            )),
            as_of: m.as_of,
            content: &m.content,
            micro: &m.micro,
            trained: &m.trained,
            alpha: m.alpha,
        };
        mapped::write(file, id, &cached)
    }

    /// The model, or `None` if the catalog does not read back (the caller
    /// trains again).
    fn into_model(self) -> Option<Model> {
        use rayon::prelude::*;
        let chunks: Vec<Vec<Title>> = self
            .titles
            .par_iter()
            .map(|c| bincode::deserialize(c).ok())
            .collect::<Option<_>>()?;
        let (genres, tags): (Vec<Genre>, Vec<Tag>) =
            bincode::deserialize(&self.genres_and_tags).ok()?;
        let tags = tags.into_iter().map(|t| (t.id.clone(), t)).collect();
        Some(Model::finish(
            (chunks.into_iter().flatten().collect(), genres, tags),
            self.content,
            self.as_of,
            self.micro,
            self.trained,
            self.alpha,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{tiny_model, tiny_store};

    #[test]
    fn a_cached_model_reads_back_as_the_model_it_was() {
        let m = tiny_model(&tiny_store());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model");
        Cached::write(&m, std::fs::File::create(&path).unwrap(), 5).unwrap();
        let back = mapped::read::<Cached>(&path, 5)
            .unwrap()
            .into_model()
            .unwrap();
        assert_eq!(back.titles, m.titles);
        assert_eq!(back.index, m.index);
        assert_eq!(back.added, m.added);
        assert_eq!(back.micro, m.micro);
        assert_eq!(back.content.vectors, m.content.vectors);
        assert_eq!(back.genres, m.genres);
        assert_eq!(back.tags, m.tags);
        assert_eq!(back.as_of, m.as_of);
        assert_eq!(
            bincode::serialize(&back.trained).unwrap(),
            bincode::serialize(&m.trained).unwrap()
        );
    }

    #[test]
    fn training_on_a_tiny_log_is_deterministic_and_reports_every_stage() {
        let store = tiny_store();
        let titles = store.titles().unwrap();
        let content = ContentIndex::build(&titles);
        let members = store.members().unwrap();
        let events = store.training_events().unwrap();
        let as_of = store.as_of().unwrap();
        let config = RankerConfig::default();
        let stages = std::sync::Mutex::new(Vec::new());
        let steps = std::sync::Mutex::new(Vec::new());
        let sink = |s: super::super::progress::Step| {
            stages.lock().unwrap().push(s.stage);
            steps.lock().unwrap().push(s);
        };
        let train = |progress| {
            train_log(
                &titles, &content, &members, &events, as_of, &config, progress,
            )
        };
        let a = train(Progress::to(&sink));
        let b = train(Progress::NONE);
        // Everything but the report's wall-clock seconds.
        let bytes =
            |t: &Trained| bincode::serialize(&(&t.signals, &t.weights, &t.calibration)).unwrap();
        assert!(
            bytes(&a) == bytes(&b),
            "same log, same seed: the same model"
        );
        // Only titles someone played in the last 90 days are popular.
        let played = ["m1", "m2", "c1", "k1"];
        for (t, title) in titles.iter().enumerate() {
            let p = a.signals.popularity[t];
            assert!(p.is_finite());
            assert_eq!(
                p > 0.0,
                played.contains(&title.id.as_str()),
                "{}: {p}",
                title.id
            );
        }
        assert!(a.weights.named().values().all(|w| w.is_finite()));
        let stages = stages.into_inner().unwrap();
        for stage in [
            "reading the log",
            "taste factors",
            "item model",
            "ranking layer",
            "serving pass",
        ] {
            assert!(stages.contains(&stage), "{stage} is reported: {stages:?}");
        }
        let last = *steps.lock().unwrap().last().unwrap();
        assert_eq!(
            last.done, last.of,
            "training ends on a finished stage: {last:?}"
        );
    }

    #[test]
    fn a_file_of_another_layout_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model");
        std::fs::write(&path, b"not a model").unwrap();
        assert!(mapped::read::<Cached>(&path, 5).is_none());
    }
}
