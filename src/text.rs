//! Making catalog text safe to show: anything a catalog file says reaches a
//! terminal only through `sanitize`, so a title cannot send escape sequences.

/// Remove characters that could change the terminal's state or reorder text:
/// C0 and C1 controls (ESC included), DEL, bidi overrides and isolates, and
/// zero-width characters. Tabs and newlines become spaces.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' | '\n' | '\r' => out.push(' '),
            c if is_inert_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// True for characters that must never reach a terminal as they are.
pub fn is_inert_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM, RLM
            | '\u{2028}'..='\u{202E}' // line/paragraph separators, bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{FEFF}' // zero-width no-break space
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escape_sequences_and_bidi_overrides() {
        let hostile = "Evil\u{1b}[2J\u{1b}]0;pwned\u{7}Title\u{202E}txt\u{200B}\u{9b}31m";
        let clean = sanitize(hostile);
        assert_eq!(clean, "Evil[2J]0;pwnedTitletxt31m");
        assert!(!clean.chars().any(is_inert_unsafe));
    }

    #[test]
    fn keeps_ordinary_unicode() {
        assert_eq!(sanitize("Amélie — 東京\tStory"), "Amélie — 東京 Story");
    }
}
