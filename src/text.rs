//! Making text safe to show: every string Marquee prints, whatever its source
//! (catalog, config, journey, snapshot, error message, file name), reaches a
//! terminal only through this module — `sanitize` for one line, the
//! `outln!`/`errln!` macros and the [`Inert`] writer for whole outputs, and
//! [`to_json_pretty`] for JSON — so no input can send escape sequences.

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
            '\u{061C}' // Arabic letter mark (a bidi mark)
            | '\u{180E}' // Mongolian vowel separator (invisible)
            | '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM, RLM
            | '\u{2028}'..='\u{202E}' // line/paragraph separators, bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{FEFF}' // zero-width no-break space
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation controls
            | '\u{E0000}'..='\u{E007F}' // tag characters (invisible)
        )
}

/// Like [`sanitize`], for text of several lines: newlines (and tabs) stay,
/// every other unsafe character (carriage returns included) goes.
pub fn sanitize_block(text: &str) -> String {
    text.chars()
        .filter(|&c| c == '\n' || c == '\t' || !is_inert_unsafe(c))
        .collect()
}

/// A writer that passes text on through [`sanitize_block`]: what a command
/// prints to stdout or stderr goes through one of these. Bytes that are not
/// UTF-8 become U+FFFD; a character split across two writes is kept whole.
pub struct Inert<W: std::io::Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: std::io::Write> Inert<W> {
    pub fn new(inner: W) -> Inert<W> {
        Inert {
            inner,
            pending: vec![],
        }
    }

    /// Write out what is complete; with `all`, also an unfinished tail (as U+FFFD).
    fn drain(&mut self, all: bool) -> std::io::Result<()> {
        let mut clean = String::new();
        let mut rest: &[u8] = &self.pending;
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    clean.push_str(&sanitize_block(s));
                    rest = &[];
                    break;
                }
                Err(e) => {
                    let (ok, after) = rest.split_at(e.valid_up_to());
                    clean.push_str(&sanitize_block(
                        std::str::from_utf8(ok).expect("checked as UTF-8"),
                    ));
                    match e.error_len() {
                        Some(n) => {
                            clean.push('\u{FFFD}');
                            rest = &after[n..];
                        }
                        None if all => {
                            clean.push('\u{FFFD}');
                            rest = &[];
                            break;
                        }
                        None => {
                            rest = after;
                            break;
                        }
                    }
                }
            }
        }
        let keep = rest.to_vec();
        self.pending = keep;
        self.inner.write_all(clean.as_bytes())
    }
}

impl<W: std::io::Write> std::io::Write for Inert<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        self.drain(false)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.drain(true)?;
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for Inert<W> {
    fn drop(&mut self) {
        let _ = std::io::Write::flush(self);
    }
}

/// Standard output through the sanitizer.
pub fn stdout() -> Inert<std::io::StdoutLock<'static>> {
    Inert::new(std::io::stdout().lock())
}

/// Standard error through the sanitizer.
pub fn stderr() -> Inert<std::io::StderrLock<'static>> {
    Inert::new(std::io::stderr().lock())
}

/// What `outln!` and `out!` call: sanitized, then written like `print!`
/// (which also panics if stdout cannot be written).
#[doc(hidden)]
pub fn print_out(args: std::fmt::Arguments) {
    use std::io::Write;
    let mut out = stdout();
    if let Err(e) = out.write_fmt(args).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            // The reader went away (`| head`): end as a tool killed by SIGPIPE would.
            std::process::exit(141);
        }
        panic!("failed printing to stdout: {e}");
    }
}

/// What `errln!` and `err!` call: sanitized, then written like `eprint!`.
#[doc(hidden)]
pub fn print_err(args: std::fmt::Arguments) {
    use std::io::Write;
    let mut out = stderr();
    let _ = out.write_fmt(args).and_then(|_| out.flush());
}

/// `println!` through the sanitizer: the only way the CLI prints a line.
#[macro_export]
macro_rules! outln {
    () => { $crate::text::print_out(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::text::print_out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `print!` through the sanitizer.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::text::print_out(format_args!($($arg)*)) };
}

/// `eprintln!` through the sanitizer: the only way the CLI writes to stderr.
#[macro_export]
macro_rules! errln {
    () => { $crate::text::print_err(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::text::print_err(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprint!` through the sanitizer.
#[macro_export]
macro_rules! err {
    ($($arg:tt)*) => { $crate::text::print_err(format_args!($($arg)*)) };
}

/// A count with its noun, singular for one: "1 profile", "3 profiles".
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
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
    fn strips_the_arabic_letter_mark_and_other_invisible_format_characters() {
        let hostile = "a\u{061C}b\u{180E}c\u{FFF9}d\u{E0041}e";
        assert_eq!(sanitize(hostile), "abcde");
        let json = to_json_pretty(&hostile).unwrap();
        assert!(json.contains("\\u061c"), "{json}");
        assert!(!json.chars().any(is_inert_unsafe), "{json:?}");
    }

    #[test]
    fn the_inert_writer_keeps_lines_and_drops_escapes_even_split_across_writes() {
        use std::io::Write;
        let mut buf = vec![];
        {
            let mut w = Inert::new(&mut buf);
            let text = "row\u{1b}]52;c;aGk=\u{7}\n\u{9b}2J東京\r\n";
            let bytes = text.as_bytes();
            // One byte at a time: every multi-byte character is split.
            for b in bytes {
                w.write_all(std::slice::from_ref(b)).unwrap();
            }
            w.write_all(b"\xff!").unwrap();
        }
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "row]52;c;aGk=\n2J東京\n\u{FFFD}!"
        );
    }

    #[test]
    fn a_count_of_one_is_singular() {
        assert_eq!(count(1u32, "profile", "profiles"), "1 profile");
        assert_eq!(count(0u32, "profile", "profiles"), "0 profiles");
        assert_eq!(count(2u32, "series", "series"), "2 series");
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
