//! Typed file paths (the `B` prompt): `~` expansion and Tab completion from
//! the file system. Only the runtime calls these (update never reads files).

use std::path::{Path, PathBuf};

/// `~` and `~/…` become the home directory (`HOME`); anything else is as typed.
pub fn expand_home(typed: &str) -> PathBuf {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
    match (typed, home) {
        ("~", Some(h)) => PathBuf::from(h),
        (t, Some(h)) if t.starts_with("~/") => Path::new(&h).join(&t[2..]),
        (t, _) => PathBuf::from(t),
    }
}

/// Complete `typed` as far as the names in its folder agree: the completed
/// text (a folder gets its `/`) and, when several names still fit, their
/// names (sorted) so the prompt can list them. Nothing fits: as typed, none listed.
pub fn complete_path(typed: &str) -> (String, Vec<String>) {
    let (dir_part, stem) = match typed.rfind('/') {
        Some(i) => (&typed[..=i], &typed[i + 1..]),
        None => ("", typed),
    };
    let dir = if dir_part.is_empty() {
        PathBuf::from(".")
    } else {
        expand_home(dir_part)
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (typed.to_string(), vec![]);
    };
    let mut names: Vec<(String, bool)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir())
                || (e.file_type().is_ok_and(|t| t.is_symlink()) && e.path().is_dir());
            (name.starts_with(stem) && (!name.starts_with('.') || stem.starts_with('.')))
                .then_some((name, is_dir))
        })
        .collect();
    names.sort();
    match names.as_slice() {
        [] => (typed.to_string(), vec![]),
        [(name, is_dir)] => (
            format!("{dir_part}{name}{}", if *is_dir { "/" } else { "" }),
            vec![],
        ),
        many => {
            let prefix = many.iter().fold(many[0].0.as_str(), |acc, (name, _)| {
                let len: usize = acc
                    .chars()
                    .zip(name.chars())
                    .take_while(|(a, b)| a == b)
                    .map(|(a, _)| a.len_utf8())
                    .sum();
                &acc[..len]
            });
            (
                format!("{dir_part}{prefix}"),
                many.iter()
                    .map(|(n, d)| format!("{n}{}", if *d { "/" } else { "" }))
                    .collect(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_completes_a_unique_name_and_stops_where_names_differ() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ranker-b.json"), "{}").unwrap();
        std::fs::write(dir.path().join("ranker-c.json"), "{}").unwrap();
        std::fs::create_dir(dir.path().join("configs")).unwrap();
        let base = format!("{}/", dir.path().display());
        assert_eq!(
            complete_path(&format!("{base}co")),
            (format!("{base}configs/"), vec![])
        );
        let (text, listed) = complete_path(&format!("{base}r"));
        assert_eq!(text, format!("{base}ranker-"));
        assert_eq!(listed, ["ranker-b.json", "ranker-c.json"]);
        assert_eq!(
            complete_path(&format!("{base}zzz")),
            (format!("{base}zzz"), vec![])
        );
    }

    #[test]
    fn a_tilde_is_the_home_directory() {
        let home = std::env::var("HOME").unwrap_or_default();
        if home.is_empty() {
            eprintln!("skipping: HOME is not set");
            return;
        }
        assert_eq!(expand_home("~/b.json"), Path::new(&home).join("b.json"));
        assert_eq!(expand_home("/tmp/b.json"), PathBuf::from("/tmp/b.json"));
    }
}
