//! One function per command: open the store, call the library, print.

use super::{print, Cli, Command, ConfigCommand, ContextArgs, ProfileCommand};
use anyhow::{anyhow, bail, Result};
use marquee::catalog::{parse_file, Action, Device, Maturity};
use marquee::eval::churn_risk::churn_risk;
use marquee::rank::search::search;
use marquee::rank::{
    Context, DayKind, Model, Page, Progress, RankerConfig, DEFAULT_SEED, MIN_PICKS,
};
use marquee::session::{record_feedback, Session};
use marquee::store::{FirstRun, Store};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub fn run(cli: Cli) -> Result<()> {
    let db = db_path(cli.db)?;
    let config = match &cli.config {
        Some(p) => RankerConfig::load(p)?,
        None => RankerConfig::default(),
    };
    let reach = super::ranker::Reach {
        timeout: std::time::Duration::from_millis(cli.ranker_timeout),
        db: &db,
    };
    let config = super::ranker::attach(
        config,
        cli.ranker.as_deref(),
        cli.ranker_file.as_deref(),
        &reach,
    )?;
    let terminal = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    if cli.command.is_none() && !terminal && (cli.compare.is_some() || cli.sandbox) {
        let flag = if cli.compare.is_some() {
            "--compare"
        } else {
            "--sandbox"
        };
        bail!("{flag} opens the TUI, which needs a terminal on stdin and stdout; for text, use `marquee compare --a A.json --b B.json`");
    }
    match cli.command {
        None if terminal => {
            let log = db.with_file_name("marquee-crash.log");
            let compare = cli
                .compare
                .as_deref()
                .map(|b| super::ranker::side(b, &reach))
                .transpose()?;
            // The sandbox runs on a throw-away copy, removed when `copy` drops.
            let copy = cli
                .sandbox
                .then(|| super::scratch::ScratchCopy::of(&open_with_sample(&db)?, "sandbox"))
                .transpose()?;
            marquee::tui::run(
                marquee::tui::Launch {
                    db: copy
                        .as_ref()
                        .map_or(db.as_path(), |c| c.path())
                        .to_path_buf(),
                    sandbox: copy.is_some(),
                    config,
                    config_path: cli.config.clone(),
                    compare,
                    profile: cli.profile,
                },
                log,
            )?;
        }
        None => {
            // Not a terminal: print the home page as text instead.
            let store = open_with_sample(&db)?;
            let name = match cli.profile {
                Some(p) => p,
                None => {
                    store
                        .profiles()?
                        .into_iter()
                        .next()
                        .ok_or_else(|| anyhow!("the database has no profiles"))?
                        .name
                }
            };
            let page = page_for(
                store,
                &config,
                &name,
                &ContextArgs {
                    now: None,
                    device: "tv".into(),
                    day: None,
                },
                DEFAULT_SEED,
            )?;
            print::page_text(&page, &mut marquee::text::stdout())?;
        }
        Some(Command::Stats { json }) => {
            let stats = open_with_sample(&db)?.stats()?;
            print::json_or(json, &stats, |v| {
                print::stats_text(v);
                Ok(())
            })?;
        }
        Some(Command::Profiles { json }) => {
            let store = open_with_sample(&db)?;
            let now = Context::default_now(store.as_of()?).timestamp();
            let profiles = store
                .profiles()?
                .into_iter()
                .map(|p| {
                    let risk = churn_risk(&store.events_of(p.id)?, now);
                    Ok(print::ProfileWithRisk {
                        profile: p,
                        churn_risk: risk,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            print::json_or(json, &profiles, |v| {
                print::profiles_text(v);
                Ok(())
            })?;
        }
        Some(Command::Digest {
            profile,
            context,
            seed,
            json,
        }) => {
            let store = open_with_sample(&db)?;
            let session = profile_view(store, &config, &profile, &context, seed)?;
            let digest =
                marquee::rank::digest::compose(session.model(), session.profile(), &session.page());
            print::json_or(json, &digest, |v| {
                print::digest_text(v);
                Ok(())
            })?;
        }
        Some(Command::Profile {
            command:
                ProfileCommand::Add {
                    name,
                    maturity,
                    region,
                },
        }) => {
            let maturity = Maturity::parse(&maturity).ok_or_else(|| {
                anyhow!(
                    "unknown maturity rating {maturity:?}; expected one of {}",
                    Maturity::names()
                )
            })?;
            // A name people read ("Zoë Kid") is kept for display; the handle for
            // --profile is made from it ("zoe-kid"), and said.
            let handle = marquee::catalog::profile_handle(&name).map_err(|e| anyhow!(e))?;
            let mut store = open_with_sample(&db)?;
            let p = store.add_profile_named(&handle, &name, maturity, &region)?;
            let shown = if p.display_name == p.name {
                String::new()
            } else {
                format!(", shown as “{}”", marquee::text::sanitize(&p.display_name))
            };
            outln!(
                "Created profile {}{shown} (maturity {}, region {}); use --profile {} to open it.",
                p.name,
                p.maturity,
                p.region,
                p.name
            );
        }
        Some(Command::Rows {
            profile,
            context,
            seed,
            json,
        }) => {
            let store = open_with_sample(&db)?;
            let page = page_for(store, &config, &profile, &context, seed)?;
            print::json_or(json, &page, |p| {
                Ok(print::page_text(p, &mut marquee::text::stdout())?)
            })?;
        }
        Some(Command::Feedback {
            profile,
            title,
            action,
            context,
        }) => {
            let store = open_with_sample(&db)?;
            feedback(store, &profile, &title, &action, &context)?;
        }
        Some(Command::Explain {
            profile,
            title,
            context,
            seed,
            json,
        }) => {
            let store = open_with_sample(&db)?;
            let session = profile_view(store, &config, &profile, &context, seed)?;
            let e = session.explain(&title)?;
            print::json_or(json, &e, |v| {
                Ok(print::explanation_text(v, &mut marquee::text::stdout())?)
            })?;
        }
        Some(Command::Search {
            profile,
            query,
            context,
            limit,
            json,
        }) => {
            let store = open_with_sample(&db)?;
            // Search makes no random choice; the seed only fixes artwork, which it does not show.
            let session = profile_view(store, &config, &profile, &context, DEFAULT_SEED)?;
            let results = search(&session.scorer(), &query, limit);
            print::json_or(json, &print::ranked(&results), |_| {
                print::search_text(&query, &session.profile().display_name, &results);
                Ok(())
            })?;
        }
        Some(Command::Onboarding {
            profile,
            picks,
            context,
            seed,
            json,
        }) => {
            let store = open_with_sample(&db)?;
            onboarding(store, &config, &profile, picks, &context, seed, json)?;
        }
        Some(Command::Train { json }) => {
            let mut store = open_with_sample(&db)?;
            let started = Instant::now();
            let model = model_with_progress(&mut store, &config, true)?;
            let report = &model.trained.report;
            print::json_or(json, report, |r| {
                print::train_text(r, started.elapsed().as_secs_f64());
                Ok(())
            })?;
        }
        Some(Command::Title { id, json }) => {
            let t = open_with_sample(&db)?.title(&id)?;
            print::json_or(json, &t, |v| {
                print::title_text(v);
                Ok(())
            })?;
        }
        Some(Command::Titles { json }) => {
            let titles = open_with_sample(&db)?.titles()?;
            print::json_or(json, &titles, |v| {
                print::titles_text(v);
                Ok(())
            })?;
        }
        Some(Command::Eval {
            train: Some(train),
            test: Some(test),
            k,
            no_availability,
            seed,
            json,
            onboarding: true,
            validation_seed,
            ..
        }) => {
            super::eval::onboarding_external(
                &train,
                &test,
                &config,
                !no_availability,
                super::eval::cold_options(k.into(), seed, validation_seed),
                json,
            )?;
        }
        Some(Command::Eval {
            seed,
            json,
            impressions: true,
            viewers,
            ..
        }) => {
            let mut store = open_with_sample(&db)?;
            let model = model_with_progress(&mut store, &config, false)?;
            super::impressions::run(&store, &model, &config, viewers as usize, seed, json)?;
        }
        Some(Command::Eval {
            k,
            seed,
            json,
            onboarding: true,
            validation_seed,
            ..
        }) => {
            let store = open_with_sample(&db)?;
            let options = super::eval::cold_options(k.into(), seed, validation_seed);
            super::eval::onboarding_database(&store, &config, options, json)?;
        }
        Some(Command::Eval {
            train: Some(train),
            test: Some(test),
            k,
            recs_out,
            no_availability,
            json,
            csv,
            ..
        }) => {
            super::eval::external(
                &train,
                &test,
                k.into(),
                recs_out.as_deref(),
                &config,
                !no_availability,
                super::eval::Format::of(json, csv),
            )?;
        }
        Some(Command::Eval {
            k, seed, json, csv, ..
        }) => {
            let mut store = open_with_sample(&db)?;
            super::eval::database(
                &mut store,
                &config,
                k.into(),
                seed,
                super::eval::Format::of(json, csv),
            )?;
        }
        Some(Command::Compare {
            a,
            b,
            profile,
            context,
            seed,
            json,
            ..
        }) => {
            let mut store = open_with_sample(&db)?;
            let ctx = parse_context(&store, &context)?;
            let (a, b) = (
                super::ranker::side(&a, &reach)?,
                super::ranker::side(&b, &reach)?,
            );
            super::compare::run(&mut store, a, b, profile.as_deref(), &ctx, seed, json)?;
        }
        Some(Command::Abtest {
            a,
            b,
            viewers,
            sessions,
            weeks,
            seed,
            json,
        }) => {
            let mut store = open_with_sample(&db)?;
            let (a, b) = (
                super::ranker::side(&a, &reach)?,
                super::ranker::side(&b, &reach)?,
            );
            if let Some(weeks) = weeks {
                return super::retention::run(
                    &mut store,
                    a,
                    b,
                    viewers as usize,
                    weeks.into(),
                    seed,
                    json,
                );
            }
            super::abtest::run(
                &mut store,
                a,
                b,
                viewers as usize,
                sessions.into(),
                seed,
                json,
            )?;
        }
        Some(Command::Replay { file, json }) => {
            let store = open_with_sample(&db)?;
            super::replay::run(&store, &file, config.external.as_ref(), json)?;
        }
        Some(Command::Snapshot { command }) => {
            let mut store = open_with_sample(&db)?;
            let model = load_model(&mut store, &config)?;
            super::snapshot::run(&store, &model, &config, command)?;
        }
        Some(Command::Config {
            command: ConfigCommand::Show,
        }) => {
            // No database needed: the config alone.
            outln!("{}", marquee::text::to_json_pretty(&config)?);
        }
        Some(Command::ImportMovielens { dir, profiles }) => {
            super::movielens::import(&db, &dir, profiles)?;
        }
        Some(Command::Export {
            what,
            format,
            out,
            with_feedback,
        }) => {
            let store = open_with_sample(&db)?;
            super::export::run(&store, &what, &format, out.as_deref(), with_feedback)?;
        }
        Some(Command::Import { files }) => {
            let mut store = Store::open(&db)?;
            let mut parsed = vec![];
            for f in &files {
                let bytes = marquee::catalog::input::read_regular(
                    f,
                    marquee::catalog::input::MAX_DATA_BYTES,
                )?;
                parsed.push(parse_file(&f.display().to_string(), &bytes)?);
            }
            let s = store.import(&parsed)?;
            use marquee::text::count;
            outln!(
                "Imported {}, {}, {}, {} with {} into {}.",
                count(s.titles as u64, "title", "titles"),
                count(s.genres as u64, "genre", "genres"),
                count(s.tags as u64, "tag", "tags"),
                count(s.profiles.len() as u64, "profile", "profiles"),
                count(s.events as u64, "event", "events"),
                db.display()
            );
        }
    }
    Ok(())
}

/// `--db`, else the per-user data directory (XDG_DATA_HOME on Linux).
fn db_path(db: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(p) = db {
        return Ok(p);
    }
    let dirs = directories::ProjectDirs::from("", "", "marquee")
        .ok_or_else(|| anyhow!("cannot find a home directory for the database; pass --db PATH"))?;
    Ok(dirs.data_dir().join("marquee.db"))
}

/// Open the database; where there is none, one is built from the bundled
/// sample catalog first (once, even when several runs start together). An
/// existing Marquee database that is still empty gets the sample too.
/// Open the database, building the bundled sample on a first run, saying so on stderr.
pub fn open_with_sample(path: &Path) -> Result<Store> {
    Ok(Store::open_with_sample(path, |step| match step {
        FirstRun::Waiting => errln!(
            "Waiting for another Marquee process to finish building {} …",
            path.display()
        ),
        FirstRun::Building => err!("Building the sample catalog in {} … ", path.display()),
        FirstRun::Built(s, seconds) => errln!(
            "{} titles, {} viewers, {} events in {seconds:.2} s.",
            s.titles,
            s.viewers,
            s.events
        ),
    })?)
}

pub fn parse_context(store: &Store, args: &ContextArgs) -> Result<Context> {
    let device =
        Device::parse(&args.device).ok_or_else(|| anyhow!("unknown device {:?}", args.device))?;
    let now = match &args.now {
        Some(s) => chrono::DateTime::parse_from_rfc3339(s).map_err(|e| {
            anyhow!("--now {s:?} is not an RFC 3339 time such as 2026-11-22T20:00:00Z ({e})")
        })?,
        None => Context::default_now(store.as_of()?),
    };
    let ctx = Context::new(now, device);
    Ok(match args.day.as_deref() {
        Some("weekend") => ctx.on_day(DayKind::Weekend),
        Some("weekday") => ctx.on_day(DayKind::Weekday),
        Some(other) => return Err(anyhow!("unknown --day {other:?}: weekday or weekend")),
        None => ctx,
    })
}

/// Load the model, saying so on stderr when it has to be trained first.
pub fn load_model(store: &mut Store, config: &RankerConfig) -> Result<Model> {
    model_with_progress(store, config, false)
}

/// Load (or, with `retrain`, always train) the model with a bar per training
/// stage on stderr, and say how long training took.
fn model_with_progress(store: &mut Store, config: &RankerConfig, retrain: bool) -> Result<Model> {
    let started = Instant::now();
    // Shown only if training happens: a warm start reports nothing.
    let bar = print::Progress::new(0, "Training the ranker: {msg:16} {bar:30} {pos}/{len}");
    let report = |s: marquee::rank::TrainStep| bar.stage(s.stage, s.done, s.of);
    let model = Model::load_reporting(store, config, retrain, Progress::to(&report));
    bar.finish();
    let model = model?;
    // `train` reports its own time.
    if model.freshly_trained && !retrain {
        errln!(
            "Trained the ranker in {:.2} s (cached for next time).",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(model)
}

/// What a page, an explanation or a search for one profile starts from: a
/// session on the profile in the context the arguments give.
fn profile_view(
    store: Store,
    config: &RankerConfig,
    profile: &str,
    args: &ContextArgs,
    seed: u64,
) -> Result<Session> {
    store.profile(profile)?;
    let ctx = parse_context(&store, args)?;
    open_session(store, config, profile, ctx, seed)
}

/// A session, saying so on stderr when the model had to be trained first.
fn open_session(
    mut store: Store,
    config: &RankerConfig,
    profile: &str,
    ctx: Context,
    seed: u64,
) -> Result<Session> {
    let model = load_model(&mut store, config)?;
    Ok(Session::with_model(
        store,
        model,
        config.clone(),
        Some(profile),
        Some(ctx),
        seed,
    )?)
}

fn page_for(
    store: Store,
    config: &RankerConfig,
    profile: &str,
    args: &ContextArgs,
    seed: u64,
) -> Result<Page> {
    Ok(profile_view(store, config, profile, args, seed)?.page())
}

fn onboarding(
    store: Store,
    config: &RankerConfig,
    profile: &str,
    picks: Option<Vec<String>>,
    args: &ContextArgs,
    seed: u64,
    json: bool,
) -> Result<()> {
    store.profile(profile)?;
    let ctx = parse_context(&store, args)?;
    let mut session = open_session(store, config, profile, ctx, seed)?;
    let Some(picks) = picks else {
        let offered = session.onboarding();
        let titles: Vec<&marquee::catalog::Title> = offered
            .iter()
            .map(|&t| &session.model().titles[t])
            .collect();
        if json {
            let list: Vec<serde_json::Value> = titles
                .iter()
                .map(|t| serde_json::json!({"title_id": t.id, "name": t.name, "year": t.year, "genres": t.genres, "maturity": t.maturity}))
                .collect();
            outln!(
                "{}",
                marquee::text::to_json_pretty(
                    &serde_json::json!({"profile": profile, "min_picks": MIN_PICKS, "titles": list})
                )?
            );
        } else {
            outln!("Pick at least {MIN_PICKS} titles {profile} likes (marquee onboarding --profile {profile} --picks ID,ID,ID):");
            for t in titles {
                outln!(
                    "  {:<8} {} {}  {}",
                    t.id,
                    marquee::text::column(&marquee::text::sanitize(&t.name), 44),
                    t.year,
                    marquee::text::sanitize(&t.genres.join(", "))
                );
            }
        }
        return Ok(());
    };
    let n = session.pick(&picks)?;
    outln!(
        "Recorded {} for {profile}; their home page is now personalized (marquee rows --profile {profile}).",
        marquee::text::count(n as u64, "pick", "picks")
    );
    Ok(())
}

fn feedback(
    mut store: Store,
    profile: &str,
    title_id: &str,
    action: &str,
    args: &ContextArgs,
) -> Result<()> {
    store.profile(profile)?;
    let title = store.title(title_id)?;
    let (action, progress) = match action.split_once(':') {
        Some(("play", pct)) => {
            let pct: f32 = pct.parse().map_err(|_| anyhow!("--action play:PCT needs a number from 0 to 100, not {pct:?}"))?;
            if !(0.0..=100.0).contains(&pct) {
                bail!("--action play:PCT needs a number from 0 to 100, not {pct}");
            }
            (Action::Play, pct / 100.0)
        }
        _ => match Action::parse(action) {
            Some(Action::Play) => bail!("--action play needs a progress: play:PCT (e.g. play:100)"),
            Some(a) => (a, 0.0),
            None => bail!("unknown action {action:?}; expected up, down, love, play:PCT, list-add or list-remove"),
        },
    };
    let ctx = parse_context(&store, args)?;
    // Straight into the store: feedback never waits on training.
    let r = record_feedback(&mut store, profile, title_id, action, progress, &ctx)?;
    outln!(
        "Recorded for {profile}: {} “{}” — {} (event {}).",
        r.title_id,
        marquee::text::sanitize(&title.name),
        r.description,
        r.event_id
    );
    Ok(())
}
