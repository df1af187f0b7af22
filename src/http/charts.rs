//! Charts drawn on the server as inline SVG: no scripts, readable by screen readers (each
//! has a `<title>` and `<desc>`, and the page shows the same numbers as a table beside it).
//!
//! This module computes only the geometry and the numbers: pure functions from the figures
//! to small view structs. The markup lives in `templates/admin_charts.html` (the macros
//! `rate_line_chart`, `bar_chart` and `stacked_bar_chart`), where minijinja's autoescape
//! escapes every text. Colours are presentation attributes, which the
//! Content-Security-Policy allows (inline `style` would not be).

use serde::{Serialize, Serializer};

/// Drawing area of every chart, in whole viewBox units (the SVG scales to its container).
const WIDTH: u16 = 640;
const HEIGHT: u16 = 240;
const LEFT: u16 = 48;
const RIGHT: u16 = 12;
const TOP: u16 = 12;
const BOTTOM: u16 = 28;
/// Baseline of the texts under the plot: the first and last labels, the legend.
const UNDER_PLOT: u16 = HEIGHT - 8;

/// The stacked bar chart's column of category labels, its legend and the room for totals.
const CATEGORY_LABELS_WIDTH: u16 = 90;
const LEGEND_HEIGHT: u16 = 24;
const TOTALS_WIDTH: u16 = 40;
const SWATCH_SIZE: u16 = 10;

/// Colours for series, distinguishable with common colour-vision deficiencies.
const PALETTE: [&str; 6] = [
    "#1f5fa8", "#e08a00", "#2e8540", "#b8336a", "#6b4fa0", "#5f6b7a",
];

fn units(value: u16) -> f64 {
    f64::from(value)
}

/// A computed length, position or percentage; the markup writes it with one decimal
/// (`12.0`).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct OneDecimal(pub f64);

impl Serialize for OneDecimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{:.1}", self.0))
    }
}

/// A point of the plot.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Position {
    pub x: OneDecimal,
    pub y: OneDecimal,
}

/// The axes of the line and bar charts: a vertical and a horizontal line along the plot's
/// edges, the values at the top and bottom of the vertical one.
#[derive(Debug, PartialEq, Serialize)]
pub struct Axes {
    pub left: u16,
    pub top: u16,
    pub right: u16,
    pub bottom: u16,
    /// Where the value labels end (they are right-aligned left of the vertical axis).
    pub value_label_x: u16,
    pub top_label_y: u16,
    pub top_label: String,
    pub bottom_label: String,
}

impl Axes {
    fn new(top_label: String, bottom_label: &str) -> Axes {
        Axes {
            left: LEFT,
            top: TOP,
            right: WIDTH - RIGHT,
            bottom: HEIGHT - BOTTOM,
            value_label_x: LEFT - 4,
            top_label_y: TOP + 8,
            top_label,
            bottom_label: bottom_label.to_owned(),
        }
    }
}

/// The labels of the first and last point, under the two ends of the horizontal axis.
#[derive(Debug, PartialEq, Serialize)]
pub struct EndLabels {
    pub first: String,
    pub first_x: u16,
    pub last: String,
    pub last_x: u16,
    pub y: u16,
}

impl EndLabels {
    fn of<T>(points: &[(String, T)]) -> Option<EndLabels> {
        let (first, last) = (points.first()?, points.last()?);
        Some(EndLabels {
            first: first.0.clone(),
            first_x: LEFT,
            last: last.0.clone(),
            last_x: WIDTH - RIGHT,
            y: UNDER_PLOT,
        })
    }
}

/// A line of rates (0 to 1) over labelled points, e.g. the deflection rate per day.
#[derive(Debug, Serialize)]
pub struct RateLineChart {
    pub id: String,
    pub title: String,
    pub description: String,
    pub width: u16,
    pub height: u16,
    pub axes: Axes,
    pub colour: &'static str,
    /// Runs of consecutive points with a rate, each drawn as one piece of line: a point
    /// without a rate is a gap, not a zero.
    pub path_segments: Vec<Vec<Position>>,
    /// A dot per point with a rate.
    pub points: Vec<RatePoint>,
    pub end_labels: Option<EndLabels>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct RatePoint {
    pub x: OneDecimal,
    pub y: OneDecimal,
    pub label: String,
    /// The rate in percent (not clamped, unlike the position).
    pub percent: OneDecimal,
}

/// The rate line chart of labelled points. Points without a value (`None`: nothing to
/// divide) break the line instead of showing zero.
pub fn rate_line_chart(
    id: &str,
    title: &str,
    description: &str,
    points: &[(String, Option<f64>)],
) -> RateLineChart {
    let plot_width = units(WIDTH - LEFT - RIGHT);
    let plot_height = units(HEIGHT - TOP - BOTTOM);
    let step = if points.len() > 1 {
        plot_width / (points.len() - 1) as f64
    } else {
        0.0
    };
    let positions: Vec<Option<Position>> = points
        .iter()
        .enumerate()
        .map(|(index, (_, rate))| {
            let rate = (*rate)?;
            let x = if points.len() > 1 {
                units(LEFT) + step * index as f64
            } else {
                units(LEFT) + plot_width / 2.0
            };
            let y = units(TOP) + plot_height * (1.0 - rate.clamp(0.0, 1.0));
            Some(Position {
                x: OneDecimal(x),
                y: OneDecimal(y),
            })
        })
        .collect();
    let path_segments = positions
        .split(Option::is_none)
        .filter(|run| !run.is_empty())
        .map(|run| run.iter().flatten().copied().collect())
        .collect();
    let dots = points
        .iter()
        .zip(&positions)
        .filter_map(|((label, rate), position)| {
            Some(RatePoint {
                x: position.as_ref()?.x,
                y: position.as_ref()?.y,
                label: label.clone(),
                percent: OneDecimal((*rate)? * 100.0),
            })
        })
        .collect();
    RateLineChart {
        id: id.to_owned(),
        title: title.to_owned(),
        description: description.to_owned(),
        width: WIDTH,
        height: HEIGHT,
        axes: Axes::new("100%".to_owned(), "0%"),
        colour: PALETTE[0],
        path_segments,
        points: dots,
        end_labels: EndLabels::of(points),
    }
}

/// Vertical bars of counts over labelled points, e.g. tickets filed per day.
#[derive(Debug, Serialize)]
pub struct BarChart {
    pub id: String,
    pub title: String,
    pub description: String,
    pub width: u16,
    pub height: u16,
    pub axes: Axes,
    pub colour: &'static str,
    pub bars: Vec<Bar>,
    pub end_labels: Option<EndLabels>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Bar {
    pub x: OneDecimal,
    pub y: OneDecimal,
    pub width: OneDecimal,
    pub height: OneDecimal,
    pub label: String,
    pub value: i64,
}

/// The bar chart of labelled counts: the largest spans the plot's height (negative counts
/// are drawn as zero).
pub fn bar_chart(id: &str, title: &str, description: &str, bars: &[(String, i64)]) -> BarChart {
    let max = bars
        .iter()
        .map(|(_, value)| *value)
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_width = units(WIDTH - LEFT - RIGHT);
    let plot_height = units(HEIGHT - TOP - BOTTOM);
    let slot = plot_width / bars.len().max(1) as f64;
    let bar_width = (slot * 0.8).max(0.5);
    let drawn = bars
        .iter()
        .enumerate()
        .map(|(index, (label, value))| {
            let height = plot_height * (*value).max(0) as f64 / max as f64;
            Bar {
                x: OneDecimal(units(LEFT) + slot * index as f64 + (slot - bar_width) / 2.0),
                y: OneDecimal(units(TOP) + plot_height - height),
                width: OneDecimal(bar_width),
                height: OneDecimal(height),
                label: label.clone(),
                value: *value,
            }
        })
        .collect();
    BarChart {
        id: id.to_owned(),
        title: title.to_owned(),
        description: description.to_owned(),
        width: WIDTH,
        height: HEIGHT,
        axes: Axes::new(max.to_string(), "0"),
        colour: PALETTE[1],
        bars: drawn,
        end_labels: EndLabels::of(bars),
    }
}

/// Horizontal stacked bars: one bar per category (e.g. status), one segment per series
/// (e.g. priority), with a legend.
#[derive(Debug, Serialize)]
pub struct StackedBarChart {
    pub id: String,
    pub title: String,
    pub description: String,
    pub width: u16,
    pub height: u16,
    pub rows: Vec<StackedRow>,
    pub legend: Vec<LegendEntry>,
}

/// One category: its label, its segments left to right, and its total after them.
#[derive(Debug, PartialEq, Serialize)]
pub struct StackedRow {
    pub label: String,
    pub label_x: OneDecimal,
    /// Baseline of the label and of the total, level with the middle of the bar.
    pub text_y: OneDecimal,
    /// Only the series with a positive count: a zero segment is not drawn.
    pub segments: Vec<Segment>,
    pub total: i64,
    pub total_x: OneDecimal,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Segment {
    pub x: OneDecimal,
    pub y: OneDecimal,
    pub width: OneDecimal,
    pub height: OneDecimal,
    pub colour: &'static str,
    pub series: String,
    pub value: i64,
}

/// A series' colour swatch and name under the bars.
#[derive(Debug, PartialEq, Serialize)]
pub struct LegendEntry {
    pub swatch_x: OneDecimal,
    pub swatch_y: OneDecimal,
    pub swatch_size: u16,
    pub text_x: OneDecimal,
    pub text_y: OneDecimal,
    pub colour: &'static str,
    pub name: String,
}

/// The stacked bar chart of `values[category][series]`; the longest row spans the plot.
pub fn stacked_bar_chart(
    id: &str,
    title: &str,
    description: &str,
    categories: &[&str],
    series: &[&str],
    values: &[Vec<i64>],
) -> StackedBarChart {
    let totals: Vec<i64> = values.iter().map(|row| row.iter().sum()).collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    let label_width = units(CATEGORY_LABELS_WIDTH);
    let plot_width = units(WIDTH - CATEGORY_LABELS_WIDTH - RIGHT - TOTALS_WIDTH);
    let row_height = units(HEIGHT - TOP - LEGEND_HEIGHT) / categories.len().max(1) as f64;
    let bar_height = (row_height * 0.7).max(1.0);
    let rows = categories
        .iter()
        .enumerate()
        .map(|(row, category)| {
            let y = units(TOP) + row_height * row as f64 + (row_height - bar_height) / 2.0;
            let mut x = label_width;
            let mut segments = Vec::new();
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
                segments.push(Segment {
                    x: OneDecimal(x),
                    y: OneDecimal(y),
                    width: OneDecimal(width),
                    height: OneDecimal(bar_height),
                    colour: PALETTE[index % PALETTE.len()],
                    series: (*name).to_owned(),
                    value,
                });
                x += width;
            }
            StackedRow {
                label: (*category).to_owned(),
                label_x: OneDecimal(label_width - 6.0),
                text_y: OneDecimal(y + bar_height / 2.0 + 4.0),
                segments,
                total: totals.get(row).copied().unwrap_or(0),
                total_x: OneDecimal(x + 4.0),
            }
        })
        .collect();
    let legend_y = units(UNDER_PLOT);
    let mut x = label_width;
    let legend = series
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let entry = LegendEntry {
                swatch_x: OneDecimal(x),
                swatch_y: OneDecimal(legend_y - 9.0),
                swatch_size: SWATCH_SIZE,
                text_x: OneDecimal(x + 14.0),
                text_y: OneDecimal(legend_y),
                colour: PALETTE[index % PALETTE.len()],
                name: (*name).to_owned(),
            };
            x += 24.0 + 7.0 * name.chars().count() as f64;
            entry
        })
        .collect();
    StackedBarChart {
        id: id.to_owned(),
        title: title.to_owned(),
        description: description.to_owned(),
        width: WIDTH,
        height: HEIGHT,
        rows,
        legend,
    }
}

#[cfg(test)]
mod tests {
    use minijinja::{Environment, context};

    use super::*;

    fn at(x: f64, y: f64) -> Position {
        Position {
            x: OneDecimal(x),
            y: OneDecimal(y),
        }
    }

    fn written(number: OneDecimal) -> String {
        serde_json::to_value(number)
            .expect("JSON")
            .as_str()
            .expect("a string")
            .to_owned()
    }

    /// Renders a chart through the macro of the template the dashboard imports.
    fn render(chart_macro: &str, chart: impl Serialize) -> String {
        let (_, source) = super::super::admin::TEMPLATES
            .iter()
            .find(|(name, _)| *name == "admin_charts.html")
            .expect("the chart template is registered with the admin templates");
        let mut environment = Environment::new();
        environment
            .add_template("admin_charts.html", source)
            .expect("the chart template compiles");
        environment
            .add_template(
                "page.html",
                r#"{% import "admin_charts.html" as charts %}{{ charts[chart_macro](chart) }}"#,
            )
            .expect("the page compiles");
        let page = environment.get_template("page.html").expect("page");
        page.render(context! { chart_macro, chart })
            .expect("the chart renders")
            .trim()
            .to_owned()
    }

    /// One `<svg>` with the accessible name and description of `id`, nothing else around it.
    fn assert_accessible_svg(svg: &str, id: &str) {
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.ends_with("</svg>"), "{svg}");
        assert_eq!(svg.matches("<svg").count(), 1);
        assert!(svg.contains(" role=\"img\" "));
        assert!(svg.contains(&format!(" aria-labelledby=\"{id}-title {id}-desc\" ")));
        assert!(svg.contains(&format!("<title id=\"{id}-title\">")));
        assert!(svg.contains(&format!("<desc id=\"{id}-desc\">")));
        assert!(!svg.contains("<script"), "no scripts");
        assert!(
            !svg.contains("style="),
            "no inline style: the CSP forbids it"
        );
    }

    #[test]
    fn a_rate_chart_breaks_its_line_on_missing_days_and_puts_a_rate_of_one_at_the_top() {
        let points = vec![
            ("2024-03-01".to_owned(), Some(0.5)),
            ("2024-03-02".to_owned(), Some(0.25)),
            ("2024-03-03".to_owned(), None),
            ("2024-03-04".to_owned(), Some(1.0)),
            ("2024-03-05".to_owned(), Some(1.5)),
        ];
        let chart = rate_line_chart("rate", "Deflection rate", "Per day", &points);
        // The plot is 640 - 48 - 12 = 580 wide in 4 steps of 145, 240 - 12 - 28 = 200 high.
        assert_eq!(
            chart.path_segments,
            vec![
                vec![at(48.0, 112.0), at(193.0, 162.0)],
                vec![at(483.0, 12.0), at(628.0, 12.0)],
            ],
            "the missing day is a gap, not a zero; a rate above 1 stays at the top"
        );
        let dots: Vec<(&str, Position, OneDecimal)> = chart
            .points
            .iter()
            .map(|point| {
                (
                    point.label.as_str(),
                    Position {
                        x: point.x,
                        y: point.y,
                    },
                    point.percent,
                )
            })
            .collect();
        assert_eq!(
            dots,
            vec![
                ("2024-03-01", at(48.0, 112.0), OneDecimal(50.0)),
                ("2024-03-02", at(193.0, 162.0), OneDecimal(25.0)),
                ("2024-03-04", at(483.0, 12.0), OneDecimal(100.0)),
                ("2024-03-05", at(628.0, 12.0), OneDecimal(150.0)),
            ]
        );
        assert_eq!(chart.axes, Axes::new("100%".to_owned(), "0%"));
        let labels = chart.end_labels.expect("labels under the axis");
        assert_eq!((labels.first.as_str(), labels.first_x), ("2024-03-01", 48));
        assert_eq!((labels.last.as_str(), labels.last_x), ("2024-03-05", 628));
    }

    #[test]
    fn a_rate_chart_of_one_day_puts_it_in_the_middle_and_one_of_no_rates_draws_no_line() {
        let one = rate_line_chart("r", "t", "d", &[("2024-03-01".to_owned(), Some(0.0))]);
        assert_eq!(one.path_segments, vec![vec![at(338.0, 212.0)]]);
        let none = rate_line_chart("r", "t", "d", &[("2024-03-01".to_owned(), None)]);
        assert!(none.path_segments.is_empty() && none.points.is_empty());
        assert!(none.end_labels.is_some(), "the day is still labelled");
        assert!(rate_line_chart("r", "t", "d", &[]).end_labels.is_none());
    }

    #[test]
    fn bars_scale_so_the_largest_spans_the_plot_height() {
        let bars = vec![
            ("a".to_owned(), 2),
            ("b".to_owned(), 4),
            ("c".to_owned(), 0),
            ("d".to_owned(), 5),
            ("e".to_owned(), -1),
        ];
        let chart = bar_chart("volume", "Tickets", "Per day", &bars);
        // Five slots of 580 / 5 = 116, bars 80% of a slot wide, 200 high for the largest.
        let geometry: Vec<[String; 4]> = chart
            .bars
            .iter()
            .map(|bar| [bar.x, bar.y, bar.width, bar.height].map(written))
            .collect();
        assert_eq!(
            geometry,
            [
                ["59.6", "132.0", "92.8", "80.0"],
                ["175.6", "52.0", "92.8", "160.0"],
                ["291.6", "212.0", "92.8", "0.0"],
                ["407.6", "12.0", "92.8", "200.0"],
                ["523.6", "212.0", "92.8", "0.0"],
            ]
            .map(|row| row.map(str::to_owned))
        );
        assert_eq!(chart.bars[3].label, "d");
        assert_eq!(chart.bars[4].value, -1, "the title keeps the real count");
        assert_eq!(chart.axes.top_label, "5");
        assert_eq!(chart.axes.bottom_label, "0");
        let empty = bar_chart("empty", "t", "d", &[]);
        assert!(empty.bars.is_empty() && empty.end_labels.is_none());
        assert_eq!(
            empty.axes.top_label, "1",
            "an empty chart still has a scale"
        );
    }

    #[test]
    fn stacked_bars_draw_a_segment_per_positive_value_with_row_totals_and_a_legend() {
        let chart = stacked_bar_chart(
            "backlog",
            "Backlog",
            "By status and priority",
            &["new", "open"],
            &["urgent", "low"],
            &[vec![1, 3], vec![0, 2]],
        );
        // The plot is 640 - 90 - 12 - 40 = 498 wide for the largest total, 4; two rows of
        // (240 - 12 - 24) / 2 = 102 with bars 71.4 high.
        let rows: Vec<(&str, i64, String, String)> = chart
            .rows
            .iter()
            .map(|row| {
                let (x, y) = (written(row.total_x), written(row.text_y));
                (row.label.as_str(), row.total, x, y)
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                ("new", 4, "592.0".to_owned(), "67.0".to_owned()),
                ("open", 2, "343.0".to_owned(), "169.0".to_owned()),
            ]
        );
        let bars: Vec<[String; 2]> = chart
            .rows
            .iter()
            .flat_map(|row| &row.segments)
            .map(|s| [s.y, s.height].map(written))
            .collect();
        assert_eq!(
            bars,
            [["27.3", "71.4"], ["27.3", "71.4"], ["129.3", "71.4"]].map(|r| r.map(str::to_owned))
        );
        let segments: Vec<(&str, i64, f64, f64, &str)> = chart
            .rows
            .iter()
            .flat_map(|row| &row.segments)
            .map(|s| (s.series.as_str(), s.value, s.x.0, s.width.0, s.colour))
            .collect();
        assert_eq!(
            segments,
            vec![
                ("urgent", 1, 90.0, 124.5, PALETTE[0]),
                ("low", 3, 214.5, 373.5, PALETTE[1]),
                ("low", 2, 90.0, 249.0, PALETTE[1]),
            ],
            "the zero segment (open, urgent) is not drawn"
        );
        let legend: Vec<(&str, f64, f64, &str)> = chart
            .legend
            .iter()
            .map(|e| (e.name.as_str(), e.swatch_x.0, e.text_x.0, e.colour))
            .collect();
        assert_eq!(
            legend,
            vec![
                ("urgent", 90.0, 104.0, PALETTE[0]),
                ("low", 156.0, 170.0, PALETTE[1]),
            ]
        );
    }

    #[test]
    fn numbers_are_written_with_one_decimal() {
        let written = serde_json::to_string(&at(48.0, 112.25)).expect("JSON");
        assert_eq!(written, r#"{"x":"48.0","y":"112.2"}"#);
    }

    #[test]
    fn the_template_draws_an_accessible_rate_chart_with_a_gap_and_escaped_texts() {
        let points = vec![
            ("2024-03-01".to_owned(), Some(0.5)),
            ("2024-03-02".to_owned(), None),
            ("<b>&".to_owned(), Some(1.0)),
        ];
        let chart = rate_line_chart("rate", "Rate <per> day & more", "Per day <UTC>", &points);
        let svg = render("rate_line_chart", &chart);
        assert_accessible_svg(&svg, "rate");
        assert!(
            svg.contains(">Rate &lt;per&gt; day &amp; more</title>"),
            "{svg}"
        );
        assert!(svg.contains(">Per day &lt;UTC&gt;</desc>"));
        assert!(!svg.contains("<b>") && !svg.contains("<UTC>"));
        assert!(svg.contains("viewBox=\"0 0 640 240\""));
        assert_eq!(svg.matches("<path ").count(), 1);
        assert!(svg.contains(" d=\"M48.0,112.0 M628.0,12.0\" "), "{svg}");
        assert_eq!(svg.matches("<circle ").count(), 2);
        assert!(svg.contains("<title>2024-03-01: 50.0%</title>"));
        assert!(svg.contains("<title>&lt;b&gt;&amp;: 100.0%</title>"));
        assert!(svg.contains(" fill=\"#1f5fa8\""));
        assert!(svg.contains("<text x=\"44\" y=\"20\" text-anchor=\"end\">100%</text>"));
        assert!(
            svg.contains(" y=\"232\" text-anchor=\"end\">&lt;b&gt;&amp;</text>"),
            "the last day's label is under the end of the axis"
        );
        let no_rates = rate_line_chart("r", "t", "d", &[("a".to_owned(), None)]);
        assert!(!render("rate_line_chart", &no_rates).contains("<path"));
    }

    #[test]
    fn the_template_draws_an_accessible_bar_chart_with_a_titled_bar_per_count() {
        let bars = vec![
            ("a".to_owned(), 2),
            ("b".to_owned(), 4),
            ("c".to_owned(), 0),
        ];
        let svg = render(
            "bar_chart",
            bar_chart("volume", "Tickets <filed> & counted", "Per day", &bars),
        );
        assert_accessible_svg(&svg, "volume");
        assert!(svg.contains(">Tickets &lt;filed&gt; &amp; counted</title>"));
        assert_eq!(svg.matches("<rect ").count(), 3);
        assert_eq!(svg.matches("<title>").count(), 3);
        assert!(svg.contains("<title>b: 4</title>"));
        assert!(
            svg.contains(" height=\"200.0\" "),
            "the largest bar spans the plot"
        );
        assert!(svg.contains(" height=\"100.0\" "));
        assert!(svg.contains(" fill=\"#e08a00\""));
        let empty = render("bar_chart", bar_chart("empty", "t", "d", &[]));
        assert_accessible_svg(&empty, "empty");
        assert!(!empty.contains("<rect"));
    }

    #[test]
    fn the_template_draws_an_accessible_stacked_bar_chart_with_segments_totals_and_legend() {
        let chart = stacked_bar_chart(
            "backlog",
            "Backlog <now> & then",
            "By status and priority",
            &["new", "open"],
            &["urgent", "low"],
            &[vec![1, 3], vec![0, 2]],
        );
        let svg = render("stacked_bar_chart", &chart);
        assert_accessible_svg(&svg, "backlog");
        assert!(svg.contains(">Backlog &lt;now&gt; &amp; then</title>"));
        // 3 segments, each with its title, plus 2 legend swatches.
        assert_eq!(svg.matches("<rect ").count(), 5);
        assert_eq!(svg.matches("<title>").count(), 3);
        assert!(svg.contains("<title>new, low: 3</title>"));
        assert!(!svg.contains("open, urgent"), "zero segments are not drawn");
        assert!(
            svg.contains(" font-size=\"12\" fill=\"#333\">4</text>"),
            "row totals"
        );
        assert!(svg.contains(" font-size=\"12\" fill=\"#333\">2</text>"));
        assert!(svg.contains(
            "<rect x=\"156.0\" y=\"223.0\" width=\"10\" height=\"10\" fill=\"#e08a00\"/>"
        ));
        assert!(svg.contains(">low</text>"), "the legend names the series");
    }
}
