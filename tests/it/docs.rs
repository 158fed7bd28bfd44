//! The documentation keeps up with the code: README's command table lists
//! exactly the commands clap knows (and only flags they accept), its key
//! table lists exactly the keys `KEYMAP` binds, and no link in README.md,
//! CONTRIBUTING.md or docs/ points outside the repository or at nothing.
//!
//! The command side reads the built binary's `--help`, because the clap
//! definition lives in the binary (`src/cli/`), not in the library.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use marquee::tui::app::Mode;
use marquee::tui::keys::{resolve, KEYMAP};
use marquee::tui::msg::Msg;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    let path = root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The rows of the first table under the heading `## {heading}`, as cells
/// (header and separator rows left out).
fn table_under(markdown: &str, heading: &str) -> Vec<Vec<String>> {
    let want = format!("## {heading}");
    let mut lines = markdown.lines().skip_while(|l| l.trim() != want);
    assert!(lines.next().is_some(), "README.md has no `{want}` section");
    let rows: Vec<Vec<String>> = lines
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    assert!(!rows.is_empty(), "README.md: `{want}` has no table");
    rows
}

/// The `code spans` of a table cell.
fn code_spans(cell: &str) -> Vec<String> {
    cell.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect()
}

fn help(path: &[String]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_marquee"))
        .args(path)
        .arg("--help")
        .env_remove("MARQUEE_DB")
        .env_remove("MARQUEE_CONFIG")
        .output()
        .expect("the marquee binary runs");
    assert!(out.status.success(), "marquee {path:?} --help failed");
    String::from_utf8(out.stdout).expect("utf-8 help")
}

/// The subcommand names a help text lists under `Commands:` (without `help`).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim() != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|name| name != "help")
        .collect()
}

/// The long flags a help text lists under `Options:` (and `Arguments:` none).
fn long_flags(help: &str) -> BTreeSet<String> {
    help.lines()
        .filter(|l| l.trim_start().starts_with('-'))
        .flat_map(|l| {
            l.split(|c: char| c.is_whitespace() || c == ',')
                .filter(|w| w.starts_with("--") && w.len() > 2)
                .map(|w| w.split('=').next().unwrap_or(w).to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every command path clap knows ([] is `marquee` itself, the TUI), each with its help.
fn clap_commands() -> Vec<(Vec<String>, String)> {
    let mut found = vec![];
    let mut queue = vec![vec![]];
    while let Some(path) = queue.pop() {
        let text = help(&path);
        for sub in subcommands(&text) {
            let mut child = path.clone();
            child.push(sub);
            queue.push(child);
        }
        found.push((path, text));
    }
    found.sort();
    found
}

/// One documented invocation: its command path and the long flags it shows.
struct Documented {
    span: String,
    path: Vec<String>,
    flags: Vec<String>,
}

fn documented_commands(readme: &str) -> Vec<Documented> {
    let mut out = vec![];
    for row in table_under(readme, "Commands") {
        let spans = code_spans(&row[0]);
        assert!(
            !spans.is_empty(),
            "README.md, command table: the row {row:?} names no `marquee …` command"
        );
        for span in spans {
            let mut words = span.split_whitespace();
            assert_eq!(
                words.next(),
                Some("marquee"),
                "README.md, command table: `{span}` does not start with `marquee`"
            );
            let rest: Vec<&str> = words.collect();
            let path: Vec<String> = rest
                .iter()
                .take_while(|w| {
                    w.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                        && !w.starts_with('-')
                })
                .map(|w| w.to_string())
                .collect();
            let flags = rest
                .iter()
                .flat_map(|w| w.split(['[', ']', '|', '=', '\\']))
                .filter(|w| w.starts_with("--") && w.len() > 2)
                .map(|w| w.trim_end_matches(['…', ',']).to_string())
                .collect();
            out.push(Documented { span, path, flags });
        }
    }
    out
}

#[test]
fn the_readme_command_table_lists_exactly_the_commands_clap_knows() {
    let readme = read("README.md");
    let clap = clap_commands();
    let documented = documented_commands(&readme);
    let shown = |p: &[String]| p.iter().map(|w| format!(" {w}")).collect::<String>();

    let known: BTreeSet<&Vec<String>> = clap.iter().map(|(p, _)| p).collect();
    let parents: BTreeSet<Vec<String>> = clap
        .iter()
        .filter(|(p, _)| !p.is_empty())
        .map(|(p, _)| p[..p.len() - 1].to_vec())
        .collect();
    let listed: BTreeSet<&Vec<String>> = documented.iter().map(|d| &d.path).collect();

    let mut problems = vec![];
    for (path, _) in &clap {
        // A command that only groups others (`profile`, `snapshot`) is
        // documented by its subcommands' rows; the root runs the TUI.
        if parents.contains(path) && !path.is_empty() {
            continue;
        }
        if !listed.contains(path) {
            problems.push(format!(
                "`marquee{}` exists but README's command table does not list it",
                shown(path)
            ));
        }
    }
    for d in &documented {
        let Some((_, text)) = clap.iter().find(|(p, _)| *p == d.path) else {
            problems.push(format!(
                "README's command table lists `{}`, but clap knows no `marquee{}`",
                d.span,
                shown(&d.path)
            ));
            continue;
        };
        let accepted = long_flags(text);
        for flag in &d.flags {
            if !accepted.contains(flag) {
                problems.push(format!(
                    "README's command table shows `{flag}` in `{}`, which `marquee{} --help` does not accept",
                    d.span,
                    shown(&d.path)
                ));
            }
        }
    }
    assert!(
        known.len() > 10,
        "clap's help listed too few commands to be read right: {known:?}"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// How README's key table writes a key.
fn key_name(code: KeyCode) -> String {
    match code {
        KeyCode::Char(' ') => "Space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Backspace => "Backspace".into(),
        other => format!("{other:?}"),
    }
}

#[test]
fn the_readme_key_table_lists_exactly_the_keys_the_keymap_binds() {
    let readme = read("README.md");
    let table: BTreeSet<String> = table_under(&readme, "Keys")
        .iter()
        .flat_map(|row| code_spans(&row[0]))
        .collect();

    let mut problems = vec![];
    let mut bound = BTreeSet::new();
    for binding in KEYMAP {
        for &code in binding.keys {
            let name = key_name(code);
            if !table.contains(&name) {
                problems.push(format!(
                    "KEYMAP binds `{name}` ({}: {:?}) but README's key table does not list it",
                    binding.help, binding.action
                ));
            }
            bound.insert(name);
        }
    }
    // Ctrl-C is not in KEYMAP: `resolve` quits on it in every mode.
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    if resolve(Mode::Home, ctrl_c) == Some(Msg::Quit) {
        bound.insert("Ctrl-C".to_string());
    }
    for name in &table {
        if !bound.contains(name) {
            problems.push(format!(
                "README's key table lists `{name}`, which KEYMAP does not bind"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// GitHub's anchor for a heading: lowercase, spaces to '-', punctuation dropped.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c.to_lowercase().next().unwrap_or(c)),
            _ => None,
        })
        .collect()
}

/// The markdown lines outside fenced code blocks.
fn prose(markdown: &str) -> Vec<&str> {
    let mut fenced = false;
    markdown
        .lines()
        .filter(|l| {
            if l.trim_start().starts_with("```") {
                fenced = !fenced;
                return false;
            }
            !fenced
        })
        .collect()
}

fn anchors(markdown: &str) -> BTreeSet<String> {
    prose(markdown)
        .into_iter()
        .filter(|l| l.starts_with('#'))
        .map(|l| slug(l.trim_start_matches('#')))
        .collect()
}

/// The targets of `[text](target)` links.
fn links(markdown: &str) -> Vec<String> {
    let mut out = vec![];
    for line in prose(markdown) {
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    out
}

fn documentation_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md"), root().join("CONTRIBUTING.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .map(|e| e.expect("docs/ is readable").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

#[test]
fn every_documentation_link_stays_inside_the_repository_and_resolves() {
    let repo = root().canonicalize().unwrap();
    let mut problems = vec![];
    let mut checked = 0;
    for file in documentation_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.strip_prefix(root()).unwrap().display().to_string();
        for link in links(&text) {
            checked += 1;
            if link.contains("://") || link.starts_with("mailto:") {
                problems.push(format!("{name}: `{link}` leaves the repository"));
                continue;
            }
            let (path, anchor) = match link.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (link.as_str(), None),
            };
            let target = if path.is_empty() {
                file.clone()
            } else {
                file.parent().unwrap().join(path)
            };
            let Ok(target) = target.canonicalize() else {
                problems.push(format!("{name}: `{link}` points at nothing"));
                continue;
            };
            if !target.starts_with(&repo) {
                problems.push(format!("{name}: `{link}` leaves the repository"));
                continue;
            }
            if let Some(anchor) = anchor {
                let body = std::fs::read_to_string(&target).unwrap_or_default();
                if !anchors(&body).contains(anchor) {
                    problems.push(format!(
                        "{name}: `{link}`: no heading with the anchor #{anchor}"
                    ));
                }
            }
        }
    }
    assert!(checked > 0, "no links found: the link reader is broken");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
