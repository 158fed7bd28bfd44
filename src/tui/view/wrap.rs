//! Word wrapping by display width, done before drawing so an overlay knows
//! how many lines it has (to scroll, and to keep its key line in view).

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// `text` broken at spaces into lines of at most `width` columns (a word
/// longer than the width is cut into pieces). Empty text gives no lines.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = vec![];
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        loop {
            let sep = usize::from(!line.is_empty());
            if line.width() + sep + word.width() <= width {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word wider than the line: cut it.
            let head = cut(&word, width);
            word = word[head.len()..].to_string();
            lines.push(head);
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The longest start of `word` within `width` columns (at least one character).
fn cut(word: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut w = 0;
    for c in word.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > width && !out.is_empty() {
            break;
        }
        out.push(c);
        w += cw;
    }
    out
}

/// A label and its text, wrapped to `width`: the label starts the first line.
pub fn labelled(
    label: &str,
    text: &str,
    width: usize,
    label_style: Style,
    text_style: Style,
) -> Vec<Line<'static>> {
    let indent = label.width();
    let first_w = width.saturating_sub(indent).max(8);
    let mut out = vec![];
    let lines = wrap(text, first_w);
    for (i, l) in lines.iter().enumerate() {
        let lead = if i == 0 {
            Span::styled(label.to_string(), label_style)
        } else {
            Span::raw(" ".repeat(indent))
        };
        out.push(Line::from(vec![lead, Span::styled(l.clone(), text_style)]));
    }
    if out.is_empty() {
        out.push(Line::from(Span::styled(label.to_string(), label_style)));
    }
    out
}

/// Plain text in one style, wrapped to `width`.
pub fn para(text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    wrap(text, width)
        .into_iter()
        .map(|l| Line::from(Span::styled(l, style)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_within_the_width() {
        let lines = wrap("a quiet village begins investigating the lighthouse", 16);
        assert!(lines.iter().all(|l| l.width() <= 16), "{lines:?}");
        assert_eq!(
            lines.join(" "),
            "a quiet village begins investigating the lighthouse"
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert!(wrap("", 10).is_empty());
    }
}
