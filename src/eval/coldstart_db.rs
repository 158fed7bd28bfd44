//! The cold-start protocol on the database: held-out members are left out
//! of training whole, then each becomes a new profile that picked its first
//! k positives at onboarding (exactly what `Session::pick` records: one
//! thumbs-up each, at the context's "now"), and its page and lists are
//! scored on its other positives.

use super::coldstart::{
    enough_positives, pick_order, summarize, ColdStartReport, MemberLists, Options, Recommender,
    PICK_COUNTS, READ_DEPTH,
};
use super::first_month::{self, MONTH_MEMBERS};
use super::onboarding_set::{score_sets, NEW_MEMBERS};
use super::protocol::{first_play, positives_by_member};
use crate::catalog::{Action, Device, Event, MemberKind, NewEvent};
use crate::rank::features::Feature;
use crate::rank::{
    title_features, Context, Model, PageRequest, PageScorer, ProfileState, Progress, RankerConfig,
};
use crate::store::{Member, Store, StoreError};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// A new profile for `member` that picked `picks` at onboarding: one
/// thumbs-up each at the context's "now", as `Session::pick` records them.
pub fn onboarded_profile(
    member: &Member,
    picks: &[usize],
    model: &Model,
    ctx: &Context,
) -> ProfileState {
    let mut state = ProfileState::from_events(member, &[], model);
    for &t in picks {
        let pick = NewEvent {
            title_id: model.titles[t].id.clone(),
            at: ctx.now_unix(),
            offset_min: ctx.now.offset().local_minus_utc() / 60,
            action: Action::Up,
            progress: 0.0,
            season: None,
            episode: None,
            device: ctx.device,
            artwork_id: None,
        };
        state.apply(&pick.stored(0, member.id), model);
    }
    state
}

/// Every recommender's list, and the home page's time to first play, for a
/// new profile with `picks`, scored against `test`.
pub fn onboarded_lists(
    model: &Model,
    config: &RankerConfig,
    member: &Member,
    picks: &[usize],
    test: &BTreeSet<usize>,
    ctx: &Context,
    seed: u64,
) -> MemberLists<i64, usize> {
    let state = onboarded_profile(member, picks, model, ctx);
    let request = PageRequest {
        model,
        profile: &state,
        ctx,
        config,
        seed,
    };
    let scorer = PageScorer::new(model, &state, ctx, config, seed);
    let x = title_features(model, &state, ctx);
    let pool = || (0..model.titles.len()).filter(|&t| scorer.recommendable(t));
    let popularity = &model.trained.signals.popularity;
    let x = &x;
    let feature = |f: Feature| move |t: usize| x[t][f.index()] as f64;
    let lists = BTreeMap::from([
        (
            Recommender::Ranker,
            scorer.top_by(pool(), |t| scorer.score(t), READ_DEPTH),
        ),
        (
            Recommender::Popularity,
            scorer.top_by(pool(), |t| popularity[t] as f64, READ_DEPTH),
        ),
        (
            Recommender::ItemModel,
            scorer.top_by(pool(), feature(Feature::SimilarToRecent), READ_DEPTH),
        ),
        (
            Recommender::Content,
            scorer.top_by(pool(), feature(Feature::ContentAffinity), READ_DEPTH),
        ),
    ]);
    let page = request.page();
    let page_first_play = first_play(&page, |id| {
        model.title_index(id).is_some_and(|t| test.contains(&t))
    });
    MemberLists {
        member: member.id,
        picks: picks.iter().copied().collect(),
        test: test.clone(),
        lists,
        page_first_play: Some(page_first_play),
    }
}

/// Does the database hold the bundled sample population (whose generator
/// the simulations draw new members from)?
pub fn has_sample_population(members: &[Member]) -> bool {
    members
        .iter()
        .any(|m| m.kind == MemberKind::Viewer && m.name == "v00001")
}

/// `marquee eval --onboarding` on the database.
pub fn evaluate_onboarding(
    store: &Store,
    config: &RankerConfig,
    options: Options,
) -> Result<ColdStartReport, StoreError> {
    let Options { k, seed, .. } = options;
    let started = Instant::now();
    let titles = store.titles()?;
    let title_index: BTreeMap<&str, usize> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let events = store.training_events()?;
    let members = store.members()?;
    let positives = positives_by_member(&events, &title_index);
    let eligible: Vec<i64> = positives
        .iter()
        .filter(|(_, p)| enough_positives(p.len()))
        .map(|(&m, _)| m)
        .collect();
    let (left_out, held) = options.draw(&eligible);
    let left_out: BTreeSet<i64> = left_out.into_iter().collect();
    let held: BTreeSet<i64> = held.into_iter().collect();
    let train_events: Vec<Event> = events
        .iter()
        .filter(|e| !held.contains(&e.member_id) && !left_out.contains(&e.member_id))
        .cloned()
        .collect();
    let model = Model::train_on(store, config, &members, &train_events, Progress::NONE)?;
    let ctx = Context::new(Context::default_now(model.as_of), Device::Tv);
    let train: BTreeMap<i64, BTreeSet<usize>> = positives
        .iter()
        .filter(|(m, _)| !held.contains(m) && !left_out.contains(m))
        .map(|(&m, p)| (m, p.iter().map(|x| x.1).collect()))
        .collect();
    let held_members: Vec<&Member> = members.iter().filter(|m| held.contains(&m.id)).collect();
    let results = PICK_COUNTS
        .iter()
        .map(|&n| {
            let lists: Vec<MemberLists<i64, usize>> = held_members
                .par_iter()
                .map(|m| {
                    let timed: Vec<(Option<i64>, usize)> = positives[&m.id]
                        .iter()
                        .map(|&(at, t)| (Some(at), t))
                        .collect();
                    let order = pick_order(&timed, seed, m.id as u64);
                    let test = order[n..].iter().copied().collect();
                    onboarded_lists(&model, config, m, &order[..n], &test, &ctx, seed)
                })
                .collect();
            summarize(n, &lists, &train, k, seed)
        })
        .collect();
    let simulate = options.simulate && has_sample_population(&members);
    Ok(ColdStartReport {
        mode: "database".into(),
        k,
        seed,
        validation_seed: options.validation,
        config: config.name.clone(),
        eligible_members: eligible.len(),
        held_out_members: held.len(),
        results,
        onboarding_set: simulate.then(|| score_sets(&model, NEW_MEMBERS, seed, seed)),
        first_month: simulate.then(|| first_month::simulate(&model, config, MONTH_MEMBERS, seed)),
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{tiny_model, tiny_session, tiny_store};

    #[test]
    fn the_evaluated_profile_is_the_one_pick_records() {
        let mut s = tiny_session("new");
        let offered = s.onboarding();
        let picks: Vec<usize> = offered[..3].to_vec();
        let ids: Vec<String> = picks
            .iter()
            .map(|&t| s.model().titles[t].id.clone())
            .collect();
        let member = s.store().profile("new").unwrap();
        let evaluated = onboarded_profile(&member, &picks, s.model(), s.ctx());
        let page = |state: &ProfileState| {
            PageRequest {
                model: s.model(),
                profile: state,
                ctx: s.ctx(),
                config: s.config(),
                seed: s.seed(),
            }
            .page()
        };
        let before = page(&evaluated);
        s.pick(&ids).unwrap();
        assert_eq!(s.profile().titles, evaluated.titles);
        assert_eq!(
            serde_json::to_string(&s.page()).unwrap(),
            serde_json::to_string(&before).unwrap(),
            "the same page, byte for byte"
        );
    }

    #[test]
    fn lists_leave_out_the_picks_and_the_page_finds_a_liked_title() {
        let store = tiny_store();
        let model = tiny_model(&store);
        let ctx = crate::testkit::tiny_context(&model);
        let member = store.profile("new").unwrap();
        let t = |id: &str| model.title_index(id).unwrap();
        let picks = [t("m1"), t("m4")];
        let test: BTreeSet<usize> = [t("m2")].into();
        let config = RankerConfig::default();
        let got = onboarded_lists(&model, &config, &member, &picks, &test, &ctx, 1);
        let mine: Vec<Recommender> = got.lists.keys().copied().collect();
        assert_eq!(
            mine,
            [
                Recommender::Ranker,
                Recommender::Popularity,
                Recommender::ItemModel,
                Recommender::Content
            ]
        );
        for (r, list) in &got.lists {
            assert!(
                !list.contains(&picks[0]) && !list.contains(&picks[1]),
                "{r:?}: {list:?}"
            );
            assert!(
                list.contains(&t("m2")),
                "{r:?} ranks every fresh title: {list:?}"
            );
        }
        assert!(
            got.page_first_play.unwrap().is_some(),
            "a mystery on a mystery fan's page"
        );
    }
}
