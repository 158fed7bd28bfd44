//! The one error type for bad catalog and profile input: it always names the
//! file, the place in it (JSON path and/or line) and the problem.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CatalogError {
    /// The file as the user named it (or `<sample>/…` for embedded files).
    pub file: String,
    /// A JSON path such as `$.titles[14].year`, or a line, or empty.
    pub location: String,
    pub problem: String,
}

impl CatalogError {
    pub fn new(file: &str, location: impl Into<String>, problem: impl Into<String>) -> Self {
        // Messages quote the input (keys, values, file names): made inert
        // here too, for the TUI, which shows them on screen.
        use crate::text::sanitize;
        CatalogError {
            file: sanitize(file),
            location: sanitize(&location.into()),
            problem: shorten(sanitize(&problem.into())),
        }
    }
}

/// Problems quote the offending value; a megabyte-long value is cut so the
/// message stays one readable line.
fn shorten(problem: String) -> String {
    const KEEP: usize = 240;
    let n = problem.chars().count();
    if n <= KEEP + 40 {
        return problem;
    }
    let head: String = problem.chars().take(KEEP).collect();
    format!("{head}… ({} more characters)", n - KEEP)
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}: {}", self.file, self.problem)
        } else {
            write!(f, "{}: {}: {}", self.file, self.location, self.problem)
        }
    }
}
