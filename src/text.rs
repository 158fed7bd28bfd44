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

/// Truncate to `width` display columns, with an ellipsis when cut.
pub fn fit(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `text` as a column of exactly `width` display columns: cut by [`fit`],
/// then padded with spaces, so wide (e.g. CJK) and long names stay aligned.
pub fn column(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let cut = fit(text, width);
    let pad = width.saturating_sub(cut.width());
    cut + &" ".repeat(pad)
}

/// Pretty JSON whose strings escape, as `\u` escapes of four hex digits, every character that
/// [`is_inert_unsafe`] flags, not only the C0 controls JSON requires: the
/// same text, but nothing in it can act on a terminal that shows the JSON.
pub fn to_json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        InertFormatter(serde_json::ser::PrettyFormatter::new()),
    );
    value.serialize(&mut ser)?;
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

struct InertFormatter<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for InertFormatter<'_> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_inert_unsafe(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(w, "\\u{u:04x}")?;
                }
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
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

    #[test]
    fn fit_counts_display_columns() {
        assert_eq!(fit("The Salt Road", 20), "The Salt Road");
        assert_eq!(fit("The Salt Road", 8), "The Sal…");
        assert_eq!(fit("東京の夜", 5), "東京…");
    }

    #[test]
    fn a_column_is_exactly_its_width_in_display_columns() {
        assert_eq!(column("Heat", 6), "Heat  ");
        assert_eq!(column("The Salt Road", 8), "The Sal…");
        // Two columns per CJK character: 東京の夜 is 8 wide, padded to 10.
        assert_eq!(column("東京の夜", 10), "東京の夜  ");
    }
}
