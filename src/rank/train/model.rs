//! The in-memory model a page is built from: the catalog indexed by
//! position, content vectors, micro-genre groups and everything trained.
//! Loading reuses the trained part cached in the store while the training
//! data and training parameters are unchanged.

use super::content::ContentIndex;
use super::fit::{train, TrainInput, Trained};
use super::micro::{micro_groups, MicroGroup};
use crate::catalog::{Event, Genre, Tag, Title};
use crate::rank::config::RankerConfig;
use crate::store::{Member, Store, StoreError};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Bump when the trained model's layout or meaning changes, so old caches are ignored.
const MODEL_VERSION: &str = "model-v3";

pub struct Model {
    pub titles: Vec<Title>,
    pub index: BTreeMap<String, usize>,
    pub genres: BTreeMap<String, Genre>,
    pub tags: BTreeMap<String, Tag>,
    pub as_of: NaiveDate,
    pub content: ContentIndex,
    /// Unix time each title was added.
    pub added: Vec<i64>,
    pub micro: Vec<MicroGroup>,
    pub trained: Trained,
    /// The confidence scale the model was trained with (used again for fold-in).
    pub alpha: f32,
    /// Whether this load trained (false: reused the cache).
    pub freshly_trained: bool,
}

impl Model {
    /// Load the catalog and the trained model, training (and caching) it if needed.
    pub fn load(store: &mut Store, config: &RankerConfig) -> Result<Model, StoreError> {
        Model::load_with(store, config, false)
    }

    /// Like [`Model::load`], but always retrain.
    pub fn retrain(store: &mut Store, config: &RankerConfig) -> Result<Model, StoreError> {
        Model::load_with(store, config, true)
    }

    fn load_with(
        store: &mut Store,
        config: &RankerConfig,
        force: bool,
    ) -> Result<Model, StoreError> {
        let titles = store.titles()?;
        let content = ContentIndex::build(&titles);
        let as_of = store.as_of()?;
        let fingerprint = format!(
            "{MODEL_VERSION};{};{}",
            store.training_fingerprint()?,
            config.training_hash()
        );
        let cached = if force {
            None
        } else {
            store
                .cached("model", &fingerprint)?
                .and_then(|b| bincode::deserialize::<Trained>(&b).ok())
        };
        let (trained, fresh) = match cached {
            Some(t) => (t, false),
            None => {
                let t = train_log(
                    &titles,
                    &content,
                    &store.members()?,
                    &store.training_events()?,
                    as_of,
                    config,
                );
                let bytes = bincode::serialize(&t).expect("the trained model serialises");
                store.put_cached("model", &fingerprint, &bytes)?;
                (t, true)
            }
        };
        let mut model = Model::from_parts(
            titles,
            content,
            store.genres()?,
            store.tags()?,
            as_of,
            trained,
            config.training.alpha,
        );
        model.freshly_trained = fresh;
        Ok(model)
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
        let index = titles
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
        let added = titles.iter().map(Title::added_at).collect();
        let micro = micro_groups(&titles, &tags);
        Model {
            genres: genres.into_iter().map(|g| (g.id.clone(), g)).collect(),
            tags,
            index,
            added,
            micro,
            content,
            titles,
            as_of,
            trained,
            alpha,
            freshly_trained: true,
        }
    }

    pub fn title_index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
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
) -> Trained {
    let active: std::collections::BTreeSet<i64> = events.iter().map(|e| e.member_id).collect();
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
        },
        &config.training,
    )
}
