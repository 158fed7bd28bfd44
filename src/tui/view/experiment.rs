//! The experiment screen (`e`): the weekly retention experiment's progress
//! as a bar, both arms' retention curves as a chart while they fill in, and
//! at the end the headline numbers with their 95 % intervals. The arms are
//! told apart by their marks and labels, not by colour alone.

use super::super::app::{App, ExperimentState};
use super::super::layout::centred;
use super::super::theme::Theme;
use super::{fit, panel};
use crate::eval::abtest::Difference;
use crate::eval::retention_report::{Metric as ReportMetric, RetentionArm, RetentionReport};
use crate::text::sanitize;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, Gauge, GraphType, LegendPosition, Paragraph, Widget};

/// Each arm's mark on the chart (A, B): they differ without colour.
pub const MARKS: [(Marker, &str); 2] = [(Marker::Dot, "•"), (Marker::Block, "█")];

/// The results table's lines: a header, six metrics, the note on intervals.
const RESULT_LINES: u16 = 8;

pub fn draw(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let Some(e) = &app.experiment else { return };
    let rect = centred(area, 120, area.height.saturating_sub(2).min(40));
    let inner = panel(
        buf,
        rect,
        "Experiment: the share still a member, week by week",
        theme,
    );
    if inner.height < 6 {
        return;
    }
    let w = inner.width as usize;
    let line = |y: u16| Rect::new(inner.x + 1, inner.y + y, inner.width.saturating_sub(2), 1);
    let spec = &e.spec;
    let what = format!(
        "A: {} vs B: {} · {} members × {} weeks · seed {}",
        sanitize(&e.arms.0),
        sanitize(&e.arms.1),
        spec.members,
        spec.weeks,
        spec.seed
    );
    Paragraph::new(Span::styled(fit(&what, w.saturating_sub(2)), theme.title()))
        .render(line(0), buf);
    progress(buf, line(1), e, theme);
    let keys = if e.running() {
        "Esc cancel and back"
    } else {
        "Esc back · e on the home page runs it again"
    };
    let bottom = inner.height - 1;
    Paragraph::new(Span::styled(fit(keys, w.saturating_sub(2)), theme.dim()))
        .render(line(bottom), buf);
    let results = if e.report.is_some() { RESULT_LINES } else { 0 };
    let chart_h = bottom.saturating_sub(2 + results);
    let chart_area = Rect::new(
        inner.x + 1,
        inner.y + 2,
        inner.width.saturating_sub(2),
        chart_h,
    );
    if let Some(err) = &e.error {
        let text = super::wrap::para(&sanitize(err), w.saturating_sub(2), theme.warn());
        Paragraph::new(text).render(chart_area, buf);
        return;
    }
    let curves = match (&e.report, &e.partial) {
        (Some(r), _) => Some((r.a.retention.as_slice(), r.b.retention.as_slice())),
        (None, Some(p)) => Some((p.retention_a.as_slice(), p.retention_b.as_slice())),
        (None, None) => None,
    };
    if chart_h >= 5 {
        chart(buf, chart_area, e, curves, theme);
    }
    if let Some(r) = &e.report {
        let table = Rect::new(
            inner.x + 1,
            inner.y + 2 + chart_h,
            inner.width.saturating_sub(2),
            results.min(bottom.saturating_sub(2 + chart_h)),
        );
        Paragraph::new(result_lines(r, table.width as usize, theme)).render(table, buf);
    }
}

/// The bar: members simulated of the members asked for; before the first
/// chunk, what the run is doing.
fn progress(buf: &mut Buffer, area: Rect, e: &ExperimentState, theme: &Theme) {
    let (done, total) = e.done();
    let label = match (&e.report, &e.partial, &e.error) {
        (_, _, Some(_)) => format!("stopped: {done} of {total} members"),
        (Some(_), _, _) => format!("done: {total} members"),
        (None, Some(_), _) => format!("{done} of {total} members"),
        (None, None, _) => sanitize(&e.stage),
    };
    let ratio = if total == 0 {
        0.0
    } else {
        (done as f64 / total as f64).clamp(0.0, 1.0)
    };
    Gauge::default()
        .ratio(ratio)
        .label(Span::styled(label, theme.title()))
        .gauge_style(theme.brand_ink())
        .use_unicode(true)
        .render(area, buf);
}

/// The share still a member after each week, week 0 (everyone) first.
fn points(curve: &[f64]) -> Vec<(f64, f64)> {
    std::iter::once((0.0, 1.0))
        .chain(curve.iter().enumerate().map(|(w, &v)| ((w + 1) as f64, v)))
        .collect()
}

fn chart(
    buf: &mut Buffer,
    area: Rect,
    e: &ExperimentState,
    curves: Option<(&[f64], &[f64])>,
    theme: &Theme,
) {
    let weeks = e.spec.weeks.max(1);
    let (a, b) = curves.unwrap_or((&[], &[]));
    let low = a
        .iter()
        .chain(b)
        .copied()
        .filter(|v| v.is_finite())
        .fold(1.0_f64, f64::min)
        .clamp(0.0, 1.0);
    // The axis starts at the 10 % step below the lowest point (as the text
    // chart's does); 50 % until the first chunk is in.
    let floor = if a.is_empty() && b.is_empty() {
        0.5
    } else {
        ((low * 10.0).floor() / 10.0).min(0.9)
    };
    let (pa, pb) = (points(a), points(b));
    let names = [&e.arms.0, &e.arms.1];
    // B first, so where the curves meet A's marks stay on top and both show.
    let datasets: Vec<Dataset> = [(&pb, 1usize), (&pa, 0)]
        .into_iter()
        .filter(|(p, _)| p.len() > 1)
        .map(|(p, i)| {
            Dataset::default()
                .name(format!(
                    "{} {}: {}",
                    MARKS[i].1,
                    ["A", "B"][i],
                    sanitize(names[i])
                ))
                .marker(MARKS[i].0)
                .graph_type(GraphType::Line)
                .style(theme.arm(i == 1))
                .data(p)
        })
        .collect();
    let pct = |v: f64| format!("{:.0}%", v * 100.0);
    let x_labels: Vec<Span> = [0, weeks / 2, weeks]
        .iter()
        .map(|w| Span::styled(w.to_string(), theme.dim()))
        .collect();
    let y_labels: Vec<Span> = [floor, (floor + 1.0) / 2.0, 1.0]
        .iter()
        .map(|&v| Span::styled(pct(v), theme.dim()))
        .collect();
    Chart::new(datasets)
        .x_axis(
            Axis::default()
                .title(Span::styled("week", theme.dim()))
                .bounds([0.0, weeks as f64])
                .labels(x_labels)
                .style(theme.dim()),
        )
        .y_axis(
            Axis::default()
                .bounds([floor, 1.0])
                .labels(y_labels)
                .style(theme.dim()),
        )
        // The curves fall from the top left, so the bottom left is free.
        .legend_position(Some(LegendPosition::BottomLeft))
        .hidden_legend_constraints((Constraint::Percentage(60), Constraint::Percentage(60)))
        // The panel's ground under the plot too (the chart's canvas takes its background from here).
        .style(theme.panel())
        .render(area, buf);
}

/// One metric of the report: its label, each arm's figure, its difference.
struct Metric {
    label: String,
    a: f64,
    b: f64,
    /// A share (shown in % and its difference in points) or a plain number.
    share: bool,
    difference: Option<Difference>,
}

/// The headline numbers: per arm, B − A and its 95 % interval, a line each.
fn result_lines(r: &RetentionReport, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let retained = |a: &RetentionArm| a.retention.last().copied().unwrap_or(1.0);
    let mut metrics = vec![Metric {
        label: format!("still a member after week {}", r.weeks),
        a: retained(&r.a),
        b: retained(&r.b),
        share: true,
        difference: r.retention_difference.last().cloned(),
    }];
    metrics.extend(ReportMetric::ALL.map(|m| Metric {
        label: m.label().into(),
        a: m.value(&r.a),
        b: m.value(&r.b),
        share: m.is_share(),
        difference: r.difference(m).cloned(),
    }));
    let label_w = width.saturating_sub(9 * 3 + 2 + 17).clamp(12, 30);
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{:<label_w$}{:>9}{:>9}{:>9}  95 % interval",
            "", "A", "B", "B − A"
        ),
        theme.title(),
    ))];
    for m in &metrics {
        let (a, b) = (m.a, m.b);
        // Shares in % (differences in points), small numbers with two decimals, others with one.
        let number = |v: f64, signed: bool| {
            let v = if m.share { 100.0 * v } else { v };
            match (signed, m.share || v.abs() >= 10.0) {
                (false, true) => format!("{v:.1}"),
                (false, false) => format!("{v:.2}"),
                (true, true) => format!("{v:+.1}"),
                (true, false) => format!("{v:+.2}"),
            }
        };
        let unit = if m.share { " %" } else { "" };
        let mut spans = vec![
            Span::styled(
                format!("{:<label_w$}", fit(&m.label, label_w)),
                theme.text(),
            ),
            Span::styled(format!("{:>9}", number(a, false) + unit), theme.arm(false)),
            Span::styled(format!("{:>9}", number(b, false) + unit), theme.arm(true)),
        ];
        if let Some(d) = &m.difference {
            let points = if m.share { " pt" } else { "" };
            let (lo, hi) = d.ci95;
            let includes_zero = lo <= 0.0 && hi >= 0.0;
            spans.push(Span::styled(
                format!("{:>9}", number(d.b_minus_a, true) + points),
                theme.title(),
            ));
            spans.push(Span::styled(
                format!(
                    "  [{}, {}]{}",
                    number(lo, true),
                    number(hi, true),
                    if includes_zero { " *" } else { "" }
                ),
                if includes_zero {
                    theme.dim()
                } else {
                    theme.text()
                },
            ));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::from(Span::styled(
        fit(
            &format!(
                "* the interval includes 0 · pt: percentage points · {}",
                r.intervals
            ),
            width,
        ),
        theme.dim(),
    )));
    lines
}
