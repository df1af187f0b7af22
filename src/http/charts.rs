//! Charts drawn on the server as inline SVG: no scripts, readable by screen readers (each
//! has a `<title>` and `<desc>`, and the page shows the same numbers as a table beside it).
//!
//! Pure functions from numbers to markup; every text is escaped. Colours are presentation
//! attributes, which the Content-Security-Policy allows (inline `style` would not be).

use std::fmt::Write;

/// Drawing area of every chart (viewBox units; the SVG scales to its container).
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// Colours for series, distinguishable with common colour-vision deficiencies.
const PALETTE: [&str; 6] = [
    "#1f5fa8", "#e08a00", "#2e8540", "#b8336a", "#6b4fa0", "#5f6b7a",
];

/// Escapes text for SVG (XML) content and attributes.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

fn open_svg(id: &str, title: &str, description: &str) -> String {
    let id = escape(id);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" preserveAspectRatio=\"xMidYMid meet\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(description)
    )
}

fn axes(svg: &mut String, top_label: &str, bottom_label: &str) {
    let bottom = HEIGHT - BOTTOM;
    let _ = write!(
        svg,
        "<g class=\"chart-axes\" aria-hidden=\"true\" font-size=\"11\" fill=\"#555\">\
         <line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{bottom}\" stroke=\"#999\"/>\
         <line x1=\"{LEFT}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\" stroke=\"#999\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
         <text x=\"{}\" y=\"{bottom}\" text-anchor=\"end\">{}</text></g>",
        WIDTH - RIGHT,
        LEFT - 4.0,
        TOP + 8.0,
        escape(top_label),
        LEFT - 4.0,
        escape(bottom_label)
    );
}

fn x_labels(svg: &mut String, first: &str, last: &str) {
    let y = HEIGHT - 8.0;
    let _ = write!(
        svg,
        "<g aria-hidden=\"true\" font-size=\"11\" fill=\"#555\">\
         <text x=\"{LEFT}\" y=\"{y}\">{}</text><text x=\"{}\" y=\"{y}\" text-anchor=\"end\">{}</text></g>",
        escape(first),
        WIDTH - RIGHT,
        escape(last)
    );
}

/// A line of rates (0 to 1) over labelled points, e.g. the deflection rate per day. Points
/// without a value (`None`: nothing to divide) break the line instead of showing zero.
pub fn rate_line_chart(
    id: &str,
    title: &str,
    description: &str,
    points: &[(String, Option<f64>)],
) -> String {
    let mut svg = open_svg(id, title, description);
    axes(&mut svg, "100%", "0%");
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let step = if points.len() > 1 {
        plot_width / (points.len() - 1) as f64
    } else {
        0.0
    };
    let position = |index: usize, rate: f64| {
        let x = if points.len() > 1 {
            LEFT + step * index as f64
        } else {
            LEFT + plot_width / 2.0
        };
        (x, TOP + plot_height * (1.0 - rate.clamp(0.0, 1.0)))
    };
    let mut path = String::new();
    let mut pen_down = false;
    for (index, (_, rate)) in points.iter().enumerate() {
        match rate {
            Some(rate) => {
                let (x, y) = position(index, *rate);
                let _ = write!(path, "{}{x:.1},{y:.1} ", if pen_down { "L" } else { "M" });
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    if !path.is_empty() {
        let _ = write!(
            svg,
            "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
            path.trim_end(),
            PALETTE[0]
        );
    }
    for (index, (label, rate)) in points.iter().enumerate() {
        if let Some(rate) = rate {
            let (x, y) = position(index, *rate);
            let _ = write!(
                svg,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"{}\"><title>{}: {:.1}%</title></circle>",
                PALETTE[0],
                escape(label),
                rate * 100.0
            );
        }
    }
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        x_labels(&mut svg, &first.0, &last.0);
    }
    svg.push_str("</svg>");
    svg
}

/// Vertical bars of counts over labelled points, e.g. tickets filed per day.
pub fn bar_chart(id: &str, title: &str, description: &str, bars: &[(String, i64)]) -> String {
    let mut svg = open_svg(id, title, description);
    let max = bars
        .iter()
        .map(|(_, value)| *value)
        .max()
        .unwrap_or(0)
        .max(1);
    axes(&mut svg, &max.to_string(), "0");
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let slot = plot_width / bars.len().max(1) as f64;
    let bar_width = (slot * 0.8).max(0.5);
    for (index, (label, value)) in bars.iter().enumerate() {
        let height = plot_height * (*value).max(0) as f64 / max as f64;
        let x = LEFT + slot * index as f64 + (slot - bar_width) / 2.0;
        let y = TOP + plot_height - height;
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar_width:.1}\" height=\"{height:.1}\" fill=\"{}\">\
             <title>{}: {value}</title></rect>",
            PALETTE[1],
            escape(label)
        );
    }
    if let (Some(first), Some(last)) = (bars.first(), bars.last()) {
        x_labels(&mut svg, &first.0, &last.0);
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal stacked bars: one bar per category (e.g. status), one segment per series
/// (e.g. priority), with a legend. `values[category][series]`.
pub fn stacked_bar_chart(
    id: &str,
    title: &str,
    description: &str,
    categories: &[&str],
    series: &[&str],
    values: &[Vec<i64>],
) -> String {
    let mut svg = open_svg(id, title, description);
    let totals: Vec<i64> = values.iter().map(|row| row.iter().sum()).collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    let label_width = 90.0;
    let legend_height = 24.0;
    let plot_width = WIDTH - label_width - RIGHT - 40.0;
    let row_height = (HEIGHT - TOP - legend_height) / categories.len().max(1) as f64;
    let bar_height = (row_height * 0.7).max(1.0);
    for (row, category) in categories.iter().enumerate() {
        let y = TOP + row_height * row as f64 + (row_height - bar_height) / 2.0;
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\" fill=\"#333\">{}</text>",
            label_width - 6.0,
            y + bar_height / 2.0 + 4.0,
            escape(category)
        );
        let mut x = label_width;
        for (index, name) in series.iter().enumerate() {
            let value = values
                .get(row)
                .and_then(|r| r.get(index))
                .copied()
                .unwrap_or(0);
            if value <= 0 {
                continue;
            }
            let width = plot_width * value as f64 / max as f64;
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{bar_height:.1}\" fill=\"{}\">\
                 <title>{}, {}: {value}</title></rect>",
                PALETTE[index % PALETTE.len()],
                escape(category),
                escape(name)
            );
            x += width;
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#333\">{}</text>",
            x + 4.0,
            y + bar_height / 2.0 + 4.0,
            totals.get(row).copied().unwrap_or(0)
        );
    }
    let legend_y = HEIGHT - 8.0;
    let mut x = label_width;
    svg.push_str("<g font-size=\"11\" fill=\"#333\">");
    for (index, name) in series.iter().enumerate() {
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{legend_y:.1}\">{}</text>",
            legend_y - 9.0,
            PALETTE[index % PALETTE.len()],
            x + 14.0,
            escape(name)
        );
        x += 24.0 + 7.0 * name.chars().count() as f64;
    }
    svg.push_str("</g></svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_balanced(svg: &str) -> bool {
        svg.starts_with("<svg") && svg.ends_with("</svg>") && svg.matches("<svg").count() == 1
    }

    #[test]
    fn a_rate_chart_is_accessible_and_breaks_on_missing_days() {
        let points = vec![
            ("2024-03-01".to_owned(), Some(0.5)),
            ("2024-03-02".to_owned(), None),
            ("2024-03-03".to_owned(), Some(1.0)),
        ];
        let svg = rate_line_chart("rate", "Deflection rate", "Per day <UTC>", &points);
        assert!(is_balanced(&svg));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-labelledby=\"rate-title rate-desc\""));
        assert!(svg.contains("<title id=\"rate-title\">Deflection rate</title>"));
        assert!(svg.contains("Per day &lt;UTC&gt;"), "text is escaped");
        // Two separate pieces: the missing day is a gap, not a zero.
        assert_eq!(svg.matches('M').count() - svg.matches("Mid").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("2024-03-03: 100.0%"));
        assert!(svg.contains("y=\"12.0\""), "a rate of 1 is at the top");
    }

    #[test]
    fn bars_scale_to_the_largest_value() {
        let bars = vec![
            ("a".to_owned(), 2),
            ("b".to_owned(), 4),
            ("c".to_owned(), 0),
        ];
        let svg = bar_chart("volume", "Tickets", "Per day", &bars);
        assert!(is_balanced(&svg));
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("<title>b: 4</title>"));
        // The largest bar spans the whole plot height (240 - 12 - 28 = 200).
        assert!(svg.contains("height=\"200.0\""));
        assert!(svg.contains("height=\"100.0\""));
        assert!(bar_chart("empty", "t", "d", &[]).ends_with("</svg>"));
    }

    #[test]
    fn stacked_bars_have_a_segment_per_nonzero_value_and_a_legend() {
        let svg = stacked_bar_chart(
            "backlog",
            "Backlog",
            "By status and priority",
            &["new", "open"],
            &["urgent", "low"],
            &[vec![1, 3], vec![0, 2]],
        );
        assert!(is_balanced(&svg));
        assert!(svg.contains("<title>new, low: 3</title>"));
        assert!(!svg.contains("open, urgent"), "zero segments are not drawn");
        // 3 segments plus 2 legend swatches.
        assert_eq!(svg.matches("<rect").count(), 5);
        assert!(svg.contains(">4</text>"), "row totals are written");
    }
}
