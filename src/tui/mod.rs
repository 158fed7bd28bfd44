//! The terminal UI: `marquee` with no arguments. State (`app`), actions and
//! effects (`action`), the key map (`keys`), the one place state changes
//! (`update`), geometry (`layout`), drawing (`view`), colours (`theme`) and
//! the loop that ties them to a terminal and a Session (`runtime`, here).

pub mod app;
pub mod complete;
pub mod experiment;
pub mod impressions;
pub mod keys;
pub mod layout;
pub mod msg;
pub mod runtime;
pub mod stable;
pub mod theme;
pub mod update;
pub mod view;

use crate::rank::RankerConfig;
use crate::session::Session;
use crate::store::{FirstRun, Store};
use crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyCode, KeyEventKind, KeyModifiers,
    MouseEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use msg::Msg;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// How often the loop ticks when no input arrives (marks fade on ticks).
pub const TICK: Duration = Duration::from_millis(250);
/// How often the loop looks for the experiment's reports while it runs.
const EXPERIMENT_POLL: Duration = Duration::from_millis(100);

/// Put the terminal back: raw mode off, main screen, mouse off, cursor shown.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// Restore the terminal before any panic message, and leave the details in a log.
fn install_panic_hook(log: PathBuf) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        let details = format!("{info}\n{}", std::backtrace::Backtrace::force_capture());
        let saved = std::fs::write(&log, details).is_ok();
        // The hook before ours (the default prints the panic) still runs, on a restored terminal.
        previous(info);
        eprintln!("Marquee crashed.");
        if saved {
            eprintln!("The details are in {}. Nothing you saved was lost: feedback is written before it is shown.", log.display());
        }
    }));
}

/// Open the database (building the sample on first run) and the session, off the UI thread.
fn open_in_background(
    db: PathBuf,
    config: RankerConfig,
    profile: Option<String>,
    progress: mpsc::Sender<Result<String, String>>,
) -> std::thread::JoinHandle<Option<Session>> {
    std::thread::spawn(move || {
        let run = || -> anyhow::Result<Session> {
            let store = Store::open_with_sample(&db, |step| {
                let said = match step {
                    FirstRun::Waiting => format!(
                        "Waiting for another Marquee process to finish building {} …",
                        db.display()
                    ),
                    FirstRun::Building => format!(
                        "Building the sample catalog and its 5,000 viewers in {} …",
                        db.display()
                    ),
                    FirstRun::Built(..) => return,
                };
                let _ = progress.send(Ok(said));
            })?;
            let mut store = store;
            let _ = progress.send(Ok("Loading the ranker …".into()));
            let report = |s: crate::rank::TrainStep| {
                let _ = progress.send(Ok(format!(
                    "Training the ranker (the data changed): {} {}/{} …",
                    s.stage, s.done, s.of
                )));
            };
            let model = crate::rank::Model::load_reporting(
                &mut store,
                &config,
                false,
                crate::rank::Progress::to(&report),
            )?;
            Ok(Session::with_model(
                store,
                model,
                config,
                profile.as_deref(),
                None,
                crate::rank::DEFAULT_SEED,
            )?)
        };
        match run() {
            Ok(s) => Some(s),
            Err(e) => {
                let _ = progress.send(Err(format!("{e:#}")));
                None
            }
        }
    })
}

/// What the TUI opens: the database, the configs and the profile.
pub struct Launch {
    pub db: PathBuf,
    /// `db` is a throw-away copy (`--sandbox`).
    pub sandbox: bool,
    pub config: RankerConfig,
    /// The file `config` came from, watched for saves (`--config`).
    pub config_path: Option<PathBuf>,
    /// Config B for the split view (`--compare`).
    pub compare: Option<RankerConfig>,
    pub profile: Option<String>,
}

/// Run the TUI until the viewer quits; a panic's details go to `log`.
pub fn run(launch: Launch, log: PathBuf) -> anyhow::Result<()> {
    install_panic_hook(log);
    enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        crossterm::cursor::Hide
    )?;
    let result = run_loop(launch);
    restore_terminal();
    result
}

fn run_loop(launch: Launch) -> anyhow::Result<()> {
    let Launch {
        db,
        sandbox,
        config,
        config_path,
        compare,
        profile,
    } = launch;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let theme = theme::Theme::new(theme::ColorMode::detect());
    let (tx, rx) = mpsc::channel();
    let worker = open_in_background(db, config, profile, tx);
    // Loading: draw progress until the session is ready; Ctrl-C or q leaves.
    let mut loading = app::App::new(Default::default());
    loading.loading = "Opening the database …".into();
    while !worker.is_finished() {
        for msg in rx.try_iter() {
            match msg {
                Ok(m) => loading.loading = m,
                Err(e) => anyhow::bail!(e),
            }
        }
        terminal.draw(|f| view::draw(f, &loading, &theme))?;
        if event::poll(Duration::from_millis(100))? {
            if let Event::Key(k) = event::read()? {
                if k.code == KeyCode::Char('q')
                    || (k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL))
                {
                    return Ok(());
                }
            }
        }
    }
    if let Some(Err(e)) = rx.try_iter().find(|m| m.is_err()) {
        anyhow::bail!(e);
    }
    let session = worker
        .join()
        .map_err(|_| anyhow::anyhow!("the loading thread panicked"))?
        .ok_or_else(|| anyhow::anyhow!("could not open the session"))?;
    let mut rt = runtime::Runtime::new(session, None);
    rt.app.sandbox = sandbox;
    rt.config_path = config_path.clone();
    if let Some(b) = compare {
        if let Err(e) = rt.set_compare(b) {
            rt.dispatch(Msg::Failed(e));
        }
    }
    // Saving the config file reloads it (the watcher is dropped with the loop).
    let (saved_tx, saved_rx) = mpsc::channel();
    let _watcher = config_path
        .as_deref()
        .and_then(|p| watch_config(p, saved_tx));
    let size = terminal.size()?;
    rt.dispatch(Msg::Resize(size.width, size.height));
    let panic_for_test = std::env::var("MARQUEE_PANIC_AFTER_DRAW").is_ok_and(|v| v == "1");
    let mut last_tick = std::time::Instant::now();
    loop {
        terminal.draw(|f| view::draw(f, &rt.app, &theme))?;
        if panic_for_test {
            panic!("MARQUEE_PANIC_AFTER_DRAW=1: a deliberate panic to test terminal restoration");
        }
        if rt.app.quit {
            return Ok(());
        }
        if saved_rx.try_iter().count() > 0 {
            rt.dispatch(Msg::ReloadConfig);
        }
        if rt.poll_experiment() {
            continue;
        }
        // While the experiment runs, its reports are looked for more often than ticks come.
        let wait = if rt.experiment_running() {
            EXPERIMENT_POLL
        } else {
            TICK
        };
        if !event::poll(wait)? {
            if last_tick.elapsed() >= TICK {
                last_tick = std::time::Instant::now();
                rt.dispatch(Msg::Tick);
            }
            continue;
        }
        match event::read()? {
            Event::Key(k) if k.kind != KeyEventKind::Release => {
                // More keys already typed: search once, after the last of them.
                rt.defer_search = event::poll(Duration::ZERO)?;
                rt.press(k);
            }
            Event::Mouse(m) => match m.kind {
                MouseEventKind::ScrollUp => rt.dispatch(Msg::ScrollUp),
                MouseEventKind::ScrollDown => rt.dispatch(Msg::ScrollDown),
                MouseEventKind::Down(_) => rt.dispatch(Msg::Click {
                    column: m.column,
                    row: m.row,
                }),
                _ => {}
            },
            Event::Resize(w, h) => rt.dispatch(Msg::Resize(w, h)),
            _ => {}
        }
        if !event::poll(Duration::ZERO)? {
            rt.run_pending_search();
        }
    }
}

/// Watch the config file's folder (editors replace files when saving) and
/// send a message when the file itself changes. None if watching is not possible.
fn watch_config(path: &Path, saved: mpsc::Sender<()>) -> Option<notify::RecommendedWatcher> {
    use notify::{EventKind, RecursiveMode, Watcher};
    let file = path.file_name()?.to_owned();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(e) = event {
            let relevant = matches!(e.kind, EventKind::Modify(_) | EventKind::Create(_));
            if relevant
                && e.paths
                    .iter()
                    .any(|p| p.file_name() == Some(file.as_os_str()))
            {
                let _ = saved.send(());
            }
        }
    })
    .ok()?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    watcher.watch(dir, RecursiveMode::NonRecursive).ok()?;
    Some(watcher)
}
