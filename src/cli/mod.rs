//! Command-line arguments and dispatch. Each command opens the store, asks
//! the library, and prints text or JSON; no ranking logic lives here.

mod abtest;
mod commands;
mod compare;
mod eval;
mod export;
mod impressions;
mod movielens;
mod print;
mod ranker;
mod replay;
mod retention;
mod scratch;
mod snapshot;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "marquee",
    version,
    about = "A terminal catalog browser that shows how a streaming recommender behaves"
)]
pub struct Cli {
    /// The database file [default: the per-user data directory, e.g. ~/.local/share/marquee/marquee.db]
    #[arg(long, global = true, env = "MARQUEE_DB")]
    pub db: Option<PathBuf>,
    /// A ranker config file (JSON) [default: the bundled sample-catalog/ranker.json]
    #[arg(long, global = true, env = "MARQUEE_CONFIG")]
    pub config: Option<PathBuf>,
    /// The profile the TUI opens on [default: the first profile]
    #[arg(long)]
    pub profile: Option<String>,
    /// Run the TUI on a throw-away copy of the database: feedback, new profiles
    /// and onboarding leave the real one untouched (for demos)
    #[arg(long)]
    pub sandbox: bool,
    /// Open the TUI comparing against B: a config file, `default`, `ranker:COMMAND` or `ranker-file:FILE` (A, the current, left; B right)
    #[arg(long, value_name = "B")]
    pub compare: Option<String>,
    /// Take page scores from an external ranker: 'COMMAND ARGS' (split like a shell would, never run by one) or http://HOST:PORT/PATH (docs/ranker-protocol.md)
    #[arg(
        long,
        global = true,
        env = "MARQUEE_RANKER",
        value_name = "COMMAND|URL"
    )]
    pub ranker: Option<String>,
    /// Take page scores from a precomputed scores file: user,title,score[,row] as .csv, .jsonl or .parquet
    #[arg(long, global = true, value_name = "FILE")]
    pub ranker_file: Option<PathBuf>,
    /// How long an external ranker may take for one page, in milliseconds, before the page falls back to Marquee's own ranker
    #[arg(long, global = true, default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub ranker_timeout: u64,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options that fix the page context.
#[derive(Debug, Clone, clap::Args)]
pub struct ContextArgs {
    /// "Now" as RFC 3339, e.g. 2026-11-22T20:00:00Z [default: 20:00 UTC on the catalog's as-of day]
    #[arg(long)]
    pub now: Option<String>,
    /// The device the page is for
    #[arg(long, default_value = "tv", value_parser = ["tv", "mobile", "tablet", "web"])]
    pub device: String,
    /// Weekday or weekend: "now" moves back to the latest such day, at the same time [default: the day of "now"]
    #[arg(long, value_parser = ["weekday", "weekend"])]
    pub day: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Count what the database holds
    Stats {
        /// Print JSON for scripts instead of text
        #[arg(long)]
        json: bool,
    },
    /// List the profiles
    Profiles {
        /// Print JSON for scripts instead of text
        #[arg(long)]
        json: bool,
    },
    /// A profile's "For you this week": new episodes of series it loved or finished a season of, new titles in its micro-genres, because-you-watched picks
    Digest {
        /// The profile, by id (see `marquee profiles`)
        #[arg(long)]
        profile: String,
        #[command(flatten)]
        context: ContextArgs,
        /// Seed for every random choice on the page the digest is made from
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Print JSON for scripts instead of text
        #[arg(long)]
        json: bool,
    },
    /// Manage profiles
    Profile {
        #[command(subcommand)]
        command: ProfileCommand,
    },
    /// Print a profile's home page
    Rows {
        /// The profile, by id (see `marquee profiles`)
        #[arg(long)]
        profile: String,
        #[command(flatten)]
        context: ContextArgs,
        /// Seed for every random choice on the page
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Print JSON for scripts instead of text
        #[arg(long)]
        json: bool,
    },
    /// Record feedback for a profile (committed before this returns)
    Feedback {
        /// The profile, by id (see `marquee profiles`)
        #[arg(long)]
        profile: String,
        /// The title, by id (e.g. t0022; see `marquee titles`)
        #[arg(long)]
        title: String,
        /// up | down | love | play:PCT | list-add | list-remove
        #[arg(long)]
        action: String,
        #[command(flatten)]
        context: ContextArgs,
    },
    /// Explain why a title is where it is on a profile's page, or why it is not there
    Explain {
        /// The profile, by id (see `marquee profiles`)
        #[arg(long)]
        profile: String,
        /// The title, by id (e.g. t0022; see `marquee titles`)
        #[arg(long)]
        title: String,
        #[command(flatten)]
        context: ContextArgs,
        /// Seed for every random choice on the page
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Print JSON for scripts instead of text
        #[arg(long)]
        json: bool,
    },
    /// Search titles, people, genres and tags as a profile: ranked by match and by its taste (`/` in the TUI)
    Search {
        /// The profile, by id (see `marquee profiles`)
        #[arg(long)]
        profile: String,
        /// What to look for (typos are forgiven)
        query: String,
        #[command(flatten)]
        context: ContextArgs,
        /// At most this many results
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Print JSON for scripts instead of text
        #[arg(long)]
        json: bool,
    },
    /// Cold start: list the titles a profile can pick from, or record its picks
    Onboarding {
        /// The profile, by id (see `marquee profiles`)
        #[arg(long)]
        profile: String,
        /// Comma-separated title ids from the offered set (at least 3)
        #[arg(long, value_delimiter = ',')]
        picks: Option<Vec<String>>,
        #[command(flatten)]
        context: ContextArgs,
        /// Seed for every random choice on the page
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Print JSON for scripts instead of text
        #[arg(long)]
        json: bool,
    },
    /// Retrain every stage now and report the learned weights and held-out metrics
    Train {
        /// Print JSON for scripts instead of text
        #[arg(long)]
        json: bool,
    },
    /// Show one title's full record
    Title {
        /// The title id (e.g. t0022)
        id: String,
        /// Print JSON for scripts instead of text
        #[arg(long)]
        json: bool,
    },
    /// List every title
    Titles {
        /// Print JSON for scripts instead of text
        #[arg(long)]
        json: bool,
    },
    /// Evaluate the ranker offline. With --train and --test: the external mode
    /// on split.py's TSV files (writes --recs-out and prints the metrics).
    /// With --onboarding: the cold-start protocol, in either mode.
    Eval {
        /// Training positives: user_id<TAB>item_id<TAB>rating<TAB>timestamp (header line)
        #[arg(long, requires = "test")]
        train: Option<PathBuf>,
        /// Test positives, same format
        #[arg(long, requires = "train")]
        test: Option<PathBuf>,
        /// Cut-off of every metric (1–1000)
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=1000))]
        k: u16,
        /// Where to write each test user's top-k: user_id item_id rank score
        #[arg(long)]
        recs_out: Option<PathBuf>,
        /// External mode: rank by score alone. By default, a title that nobody in
        /// TRAIN took up until over a day after the user's last positive ranks last
        #[arg(long, requires = "train")]
        no_availability: bool,
        /// Seed of the holdout splits (database mode)
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// The cold-start protocol: members held out whole, given their first
        /// 1, 3, 5 or 10 positives as onboarding picks, scored on the rest
        #[arg(long, conflicts_with_all = ["csv", "recs_out"])]
        onboarding: bool,
        /// With --onboarding: leave out the members --seed holds out (the test
        /// members) and hold out others, drawn with this seed, to choose settings on
        #[arg(long, requires = "onboarding")]
        validation_seed: Option<u64>,
        /// Impressions: take fractions (plays per impression) per row kind and
        /// artwork theme, stored and simulated, and the artwork policy replayed
        /// on a simulated log with randomized artwork
        #[arg(long, conflicts_with_all = ["csv", "recs_out", "onboarding", "train"])]
        impressions: bool,
        /// With --impressions: simulated viewers (one session each)
        #[arg(long, default_value_t = 2000, requires = "impressions", value_parser = clap::value_parser!(u64).range(1..=100_000))]
        viewers: u64,
        /// Print JSON for scripts instead of the table
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV for spreadsheets instead of the table
        #[arg(long)]
        csv: bool,
    },
    /// Import a MovieLens folder (ml-100k, ml-1m or ml-latest[-small]) into a new database
    #[command(name = "import-movielens")]
    ImportMovielens {
        /// The folder holding u.data + u.item, ratings.dat + movies.dat, or ratings.csv + movies.csv
        dir: PathBuf,
        /// Turn this many real users, with different tastes, into browsable profiles
        #[arg(long, default_value_t = 6)]
        profiles: usize,
    },
    /// Compare two rankers page by page: what moved, the page-level numbers, and why
    Compare {
        /// A (the baseline): a config file, `default`, `ranker:COMMAND` or `ranker-file:FILE`
        #[arg(long)]
        a: String,
        /// B (the change), the same kinds as A
        #[arg(long)]
        b: String,
        /// One profile [default: every profile]
        #[arg(long, conflicts_with = "all_profiles")]
        profile: Option<String>,
        /// Every profile (the default when --profile is not given)
        #[arg(long)]
        all_profiles: bool,
        #[command(flatten)]
        context: ContextArgs,
        /// Seed for every random choice on the page
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Print JSON for scripts instead of text
        #[arg(long)]
        json: bool,
    },
    /// A simulated A/B test: population viewers see config A or B and react from their true tastes
    Abtest {
        /// A (the control): a config file, `default`, `ranker:COMMAND` or `ranker-file:FILE`
        #[arg(long)]
        a: String,
        /// B (the treatment), the same kinds as A
        #[arg(long)]
        b: String,
        /// How many population viewers take part (at least 2; at most the population's size)
        #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(2..))]
        viewers: u32,
        /// Sessions per viewer (1–100)
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=100))]
        sessions: u16,
        /// Weekly retention instead: each member lives this many weeks (1–52) of their own habit, patience and chance to cancel
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=52), conflicts_with = "sessions")]
        weeks: Option<u16>,
        /// Seed for the assignment and every simulated reaction
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Print JSON for scripts instead of text
        #[arg(long)]
        json: bool,
    },
    /// Replay a saved journey (J in the TUI) on a throw-away copy of the database: every page, checked
    Replay {
        /// A journey file saved with J in the TUI
        file: PathBuf,
        /// Print every page as JSON instead of the check
        #[arg(long)]
        json: bool,
    },
    /// Golden page snapshots: write every profile's page in the documented contexts, or check them
    Snapshot {
        #[command(subcommand)]
        command: SnapshotCommand,
    },
    /// Ranker configs: `config show` prints the built-in one, to start a new config from
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Export the event log or the catalog for a ranker trained elsewhere (users are profile names, titles are title ids)
    Export {
        /// What to export
        #[arg(value_parser = ["events", "catalog"])]
        what: String,
        /// The file format
        #[arg(long, default_value = "csv", value_parser = ["csv", "jsonl", "parquet"])]
        format: String,
        /// Where to write it [default: standard output; Parquet needs a file]
        #[arg(long)]
        out: Option<PathBuf>,
        /// Events: also the feedback given in Marquee (by default, the training log only)
        #[arg(long)]
        with_feedback: bool,
    },
    /// Import catalog or profile files (all of them, or none)
    Import {
        /// Catalog or profile JSON files
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// Write each profile's page per context, with the config and model fingerprint
    Write {
        /// The snapshot folder (created if missing)
        dir: PathBuf,
    },
    /// Regenerate the pages and report unchanged / improved / worse / changed (non-zero exit on a change)
    Check {
        /// The snapshot folder written by `snapshot write`
        dir: PathBuf,
        /// Re-approve: write the regenerated pages over the snapshot
        #[arg(long)]
        update: bool,
        /// How far utility and rank correlation may move and still count as unchanged
        #[arg(long, default_value_t = 0.01)]
        tolerance: f64,
        /// Print JSON for scripts instead of text
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the config in force as JSON (the built-in one, or --config FILE's),
    /// every setting spelled out: `marquee config show > b.json` starts a new config
    Show,
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Create a profile
    Add {
        /// The profile's id: lowercase letters, digits, '-' and '_' (1–32)
        name: String,
        /// Highest rating the profile may see (e.g. TV-Y7 for a kids profile)
        #[arg(long, default_value = "TV-MA")]
        maturity: String,
        /// Two-letter region code
        #[arg(long, default_value = "US")]
        region: String,
    },
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    commands::run(cli)
}
