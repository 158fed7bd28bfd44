//! Two retention curves as a plain-text chart (what `marquee abtest --weeks`
//! prints and the TUI's experiment screen shows): one column per week, one
//! line per step of the share still a member, arm A drawn `o`, arm B `x`,
//! both on one cell `*`. Plain characters only, so it reads the same
//! without colour, and it fits the width it is given (at least 24 columns).

/// Chart lines, `height` rows of plot plus the axis, the week labels and the legend.
/// `a` and `b` are the shares after week 1, 2, …; week 0 is everyone (100 %).
pub fn chart(
    a: &[f64],
    b: &[f64],
    names: (&str, &str),
    width: usize,
    height: usize,
) -> Vec<String> {
    let weeks = a.len().max(b.len());
    let height = height.max(3);
    let low = a
        .iter()
        .chain(b)
        .copied()
        .fold(1.0_f64, f64::min)
        .clamp(0.0, 1.0);
    // The axis starts at the 10 % step below the lowest point (at least 10 % of range).
    let floor = ((low * 10.0).floor() / 10.0).min(0.9);
    let label_w = 6; // "100% |"
    let step = ((width.saturating_sub(label_w + 1)) / (weeks + 1)).clamp(1, 6);
    let at = |v: f64| -> usize {
        let r = ((v - floor) / (1.0 - floor) * (height - 1) as f64).round();
        (r.max(0.0) as usize).min(height - 1)
    };
    let point = |curve: &[f64], w: usize| -> Option<f64> {
        if w == 0 {
            Some(1.0)
        } else {
            curve.get(w - 1).copied()
        }
    };
    let mut lines = vec![];
    for row in (0..height).rev() {
        let value = floor + (1.0 - floor) * row as f64 / (height - 1) as f64;
        let label = if row == height - 1 || row == 0 || row == (height - 1) / 2 {
            format!("{:>4.0}%", value * 100.0)
        } else {
            String::from("     ")
        };
        let mut cells = String::new();
        for w in 0..=weeks {
            let ha = point(a, w).is_some_and(|v| at(v) == row);
            let hb = point(b, w).is_some_and(|v| at(v) == row);
            let c = match (ha, hb) {
                (true, true) => '*',
                (true, false) => 'o',
                (false, true) => 'x',
                (false, false) => ' ',
            };
            cells.push(c);
            cells.extend(std::iter::repeat_n(' ', step - 1));
        }
        lines.push(format!("{label}|{}", cells.trim_end()));
    }
    lines.push(format!("     +{}", "-".repeat((weeks + 1) * step)));
    let mut labels = String::from("      ");
    for w in 0..=weeks {
        let l = w.to_string();
        if step > l.len() || w % 5 == 0 {
            labels.push_str(&format!("{l:<step$}"));
        } else {
            labels.push_str(&" ".repeat(step));
        }
    }
    lines.push(format!("{} week", labels.trim_end()));
    lines.push(format!(
        "      o A: {}   x B: {}   * both",
        names.0, names.1
    ));
    lines
        .into_iter()
        .map(|l| l.chars().take(width.max(24)).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_arm_is_drawn_at_its_share_and_a_shared_point_is_a_star() {
        let a = [0.9, 0.8];
        let b = [0.9, 0.6];
        let lines = chart(&a, &b, ("default", "popularity-only"), 80, 5);
        // Axis 60 % … 100 %, five rows: 100, 90, 80, 70, 60.
        assert_eq!(
            lines[0].trim_end(),
            " 100%|*",
            "week 0: everyone, both arms"
        );
        let col = |line: &str, w: usize| line.chars().nth(6 + w * 6).unwrap_or(' ');
        assert_eq!(col(&lines[1], 1), '*', "week 1: both at 90 %: {lines:#?}");
        assert_eq!(col(&lines[2], 2), 'o', "A at 80 % in week 2: {lines:#?}");
        assert_eq!(col(&lines[4], 2), 'x', "B at 60 % in week 2: {lines:#?}");
        assert!(lines.last().unwrap().contains("x B: popularity-only"));
    }

    #[test]
    fn the_chart_fits_its_width_and_never_panics_on_odd_input() {
        let a: Vec<f64> = (1..=26).map(|w| 1.0 - 0.02 * w as f64).collect();
        for width in [0, 24, 40, 80] {
            for line in chart(&a, &a, ("a", "b"), width, 8) {
                assert!(line.chars().count() <= width.max(24), "{line:?}");
            }
        }
        assert!(!chart(&[], &[], ("a", "b"), 80, 0).is_empty());
        assert!(!chart(&[f64::NAN], &[2.0], ("a", "b"), 80, 4).is_empty());
    }
}
