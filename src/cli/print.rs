//! Text output for people. Every catalog string goes through
//! `text::sanitize` so a title cannot send escape sequences to the terminal.

use marquee::catalog::{ProfileSummary, Title, TitleKind};
use marquee::rank::search::SearchResult;
use marquee::rank::TrainReport;
use marquee::rank::{shown_match, Page, TitleExplanation};
use marquee::store::Stats;
use marquee::text::{column, count, sanitize};
use std::io::{IsTerminal, Write};
use unicode_width::UnicodeWidthStr;

pub fn page_text(page: &Page, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "Home for {} · {} {} · {} · {} · config {} ({})",
        sanitize(&page.profile),
        page.context.day,
        page.context.time_of_day,
        page.context.device,
        page.context.now_string(),
        sanitize(&page.config.name),
        page.config.hash
    )?;
    if let Some(r) = &page.ranker {
        writeln!(out, "{}", sanitize(&r.line()))?;
    }
    for row in &page.rows {
        writeln!(out)?;
        writeln!(out, "{}", sanitize(&row.title))?;
        for (i, item) in row.items.iter().enumerate() {
            let m = shown_match(item.match_pct).map_or(String::new(), |p| format!("{p}% match"));
            let extra = item
                .explanation
                .resume
                .as_deref()
                .map(|r| format!("  [{r}]"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {:>2}. {} {:>10}{}  {}",
                i + 1,
                column(&sanitize(&item.name), 44),
                m,
                extra,
                item.title_id
            )?;
        }
    }
    Ok(())
}

pub fn stats_text(s: &Stats) {
    outln!(
        "{} ({} series, {}), {}, {}, {}, {}\n{}, {}, {}",
        count(s.titles, "title", "titles"),
        s.series,
        count(s.episodes, "episode", "episodes"),
        count(s.genres, "genre", "genres"),
        count(s.tags, "tag", "tags"),
        count(s.artwork, "artwork variant", "artwork variants"),
        count(s.people, "person", "people"),
        count(s.profiles, "profile", "profiles"),
        count(s.viewers, "viewer", "viewers"),
        count(s.events, "event", "events")
    );
}

/// A profile as `marquee profiles` lists it: the summary and its churn risk.
#[derive(serde::Serialize)]
pub struct ProfileWithRisk {
    #[serde(flatten)]
    pub profile: ProfileSummary,
    pub churn_risk: marquee::eval::churn_risk::ChurnRisk,
}

pub fn profiles_text(profiles: &[ProfileWithRisk]) {
    // As wide as the longest display name (within reason), so the counts line up.
    let name_w = profiles
        .iter()
        .map(|p| sanitize(&p.profile.display_name).width())
        .max()
        .unwrap_or(0)
        .clamp(20, 40);
    for ProfileWithRisk {
        profile: p,
        churn_risk: r,
    } in profiles
    {
        outln!(
            "{:<16} {} {:>6} events  {:<6} {:<3} churn risk {:<6} ({})",
            sanitize(&p.name),
            column(&sanitize(&p.display_name), name_w),
            p.events,
            p.maturity.as_str(),
            p.region,
            r.level,
            r.reasons.join("; ")
        );
    }
}

/// "For you this week": the headline, then each line with its reason and artwork.
pub fn digest_text(d: &marquee::rank::digest::Digest) {
    outln!("{} ({})", sanitize(&d.headline), d.date);
    if d.lines.is_empty() {
        outln!("  nothing new this week");
    }
    for l in &d.lines {
        outln!(
            "  {} ({}) — {}  [artwork {}]",
            sanitize(&l.name),
            l.title_id,
            sanitize(&l.reason),
            sanitize(&l.artwork_id)
        );
    }
}

pub fn title_text(t: &Title) {
    outln!(
        "{} ({}) — {} · {} · {} · {}/{}",
        sanitize(&t.name),
        t.id,
        t.year,
        t.maturity,
        t.kind.as_str(),
        t.language,
        t.country
    );
    match t.kind {
        TitleKind::Movie => outln!("{} min", t.runtime_min),
        TitleKind::Series => outln!(
            "{}, {} of ~{} min",
            count(t.seasons.len() as u64, "season", "seasons"),
            count(t.episode_count() as u64, "episode", "episodes"),
            t.runtime_min
        ),
    }
    outln!("Genres: {}", sanitize(&t.genres.join(", ")));
    outln!("Tags: {}", sanitize(&t.tags.join(", ")));
    outln!("Cast: {}", sanitize(&t.cast.join(", ")));
    outln!("Directed by: {}", sanitize(&t.directors.join(", ")));
    outln!("\n{}\n", sanitize(&t.synopsis));
    for a in &t.artwork {
        outln!(
            "artwork {}: {} ({}, {}) “{}”",
            a.id,
            a.theme.as_str(),
            sanitize(&a.motif),
            sanitize(&a.palette),
            sanitize(&a.caption)
        );
    }
}

pub fn titles_text(titles: &[Title]) {
    for t in titles {
        outln!(
            "{:<8} {} {} {:<6} {:<6} {}",
            t.id,
            column(&sanitize(&t.name), 44),
            t.year,
            t.maturity.as_str(),
            t.kind.as_str(),
            sanitize(&t.genres.join(","))
        );
    }
}

pub fn explanation_text(e: &TitleExplanation, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{} “{}” — score {:.3}, {}% match",
        e.title_id,
        sanitize(&e.name),
        e.score,
        e.match_pct
    )?;
    if let Some(r) = &e.ranker {
        writeln!(out, "{}", sanitize(&r.line()))?;
    }
    for p in &e.placements {
        writeln!(
            out,
            "On the page: row {} “{}”, position {}.",
            p.row_position,
            sanitize(&p.row_title),
            p.item_position
        )?;
        writeln!(out, "  Row: {}", sanitize(&p.row_reason))?;
        writeln!(out, "  Item: {}", sanitize(&p.item.explanation.reason))?;
        writeln!(
            out,
            "  Artwork {}: {}",
            p.item.artwork_id,
            sanitize(&p.item.explanation.artwork_reason)
        )?;
        if p.item.explanation.exploration {
            writeln!(out, "  (an exploratory placement)")?;
        }
    }
    if let Some(why) = &e.not_shown {
        writeln!(out, "Not on the page: {why}.")?;
    }
    if let Some(r) = e.rank {
        writeln!(out, "Rank among {} candidates: {r}.", e.candidates)?;
    }
    writeln!(out, "Score = sum of contributions:")?;
    for c in &e.contributions {
        writeln!(out, "  {:<20} {:+.3}", c.feature, c.value)?;
    }
    Ok(())
}

pub fn train_text(r: &TrainReport, seconds: f64) {
    outln!(
        "Trained in {seconds:.2} s (cutoff {}; layer fitted on {} members, {} examples).",
        r.cutoff,
        r.fit_members,
        r.fit_examples
    );
    outln!(
        "Learned weights (per standard deviation of each feature), bias {:+.3}:",
        r.bias
    );
    for (f, w) in &r.learned_weights {
        outln!("  {f:<20} {w:+.3}");
    }
    outln!(
        "Held-out NDCG@10 over {} members: ranker {:.4}, collaborative part {:.4}, popularity {:.4}.",
        r.eval_members, r.ndcg10_ranker, r.ndcg10_collaborative, r.ndcg10_popularity
    );
    outln!("% Match calibration (predicted vs observed share of plays enjoyed):");
    for (pred, obs, n) in &r.calibration {
        outln!("  {pred:>5.1}% predicted  {obs:>5.1}% observed  ({n} plays)");
    }
    outln!(
        "Resume likelihood (Continue Watching): fitted on {} titles in progress, {:.0}% resumed; weights:",
        r.resume_examples,
        r.resume_rate * 100.0
    );
    for (f, w) in &r.resume_weights {
        outln!("  {f:<20} {w:+.3}");
    }
    outln!("Time per stage, in the order they ran (the cutoff pass fits the layer, the serving pass serves pages):");
    for s in &r.stages {
        outln!("  {:<8} {:<20} {:>8.2} s", s.pass, s.stage, s.seconds);
    }
}

/// A count of tiles, or "–" when there is none.
pub fn tiles(x: Option<f64>) -> String {
    x.map_or("–".to_string(), |v| format!("{v:.0}"))
}

/// Print `value` as pretty JSON (`--json`, for scripts) or, for people, in
/// words with `text`: the one place a command makes that choice.
pub fn json_or<T: serde::Serialize + ?Sized>(
    json: bool,
    value: &T,
    text: impl FnOnce(&T) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    if json {
        outln!("{}", marquee::text::to_json_pretty(value)?);
        Ok(())
    } else {
        text(value)
    }
}

/// A progress bar on stderr when it is a terminal; nothing when piped.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// `template` is indicatif's, e.g. `"Simulating {bar:40} {pos}/{len} viewers"`.
    pub fn new(len: usize, template: &str) -> Progress {
        Progress(std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(len as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(template).expect("a valid template"),
            );
            bar
        }))
    }

    pub fn set_message(&self, message: String) {
        if let Some(b) = &self.0 {
            b.set_message(message);
        }
    }

    pub fn set(&self, done: usize) {
        if let Some(b) = &self.0 {
            b.set_position(done as u64);
        }
    }

    /// Show a stage of `of` steps with `done` finished (training's stages differ in length).
    pub fn stage(&self, message: &str, done: usize, of: usize) {
        if let Some(b) = &self.0 {
            if b.message() != message {
                b.set_message(message.to_string());
            }
            b.set_length(of as u64);
            b.set_position(done as u64);
        }
    }

    /// Remove the bar before the summary is printed.
    pub fn finish(self) {
        if let Some(b) = self.0 {
            b.finish_and_clear();
        }
    }
}

/// A search result with its rank, as `marquee search --json` prints it.
#[derive(serde::Serialize)]
pub struct RankedResult<'a> {
    pub rank: usize,
    #[serde(flatten)]
    pub result: &'a SearchResult,
}

pub fn ranked(results: &[SearchResult]) -> Vec<RankedResult<'_>> {
    results
        .iter()
        .enumerate()
        .map(|(i, result)| RankedResult {
            rank: i + 1,
            result,
        })
        .collect()
}

pub fn search_text(query: &str, profile: &str, results: &[SearchResult]) {
    outln!("Search {:?} for {}", sanitize(query), sanitize(profile));
    if results.is_empty() {
        outln!("No matches.");
    }
    for (i, r) in results.iter().enumerate() {
        let how = if r.field == "title" {
            String::new()
        } else {
            format!("  ({}: {})", r.field, sanitize(&r.matched))
        };
        let taste = if r.rated_down {
            "rated down".to_string()
        } else {
            shown_match(r.match_pct).map_or(String::new(), |p| format!("{p}% match"))
        };
        outln!(
            "  {:>2}. {} {} {:>10}  {}{how}",
            i + 1,
            column(&sanitize(&r.name), 44),
            r.year,
            taste,
            r.title_id
        );
    }
}
