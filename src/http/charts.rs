//! Charts drawn on the server as inline SVG: no scripts, readable by screen readers (each
//! has a `<title>` and `<desc>`, and the page shows the same numbers as a table beside it).
//!
//! This module computes only the geometry and the numbers: pure functions from the figures
//! to small view structs: values with gridlines and their unit on the vertical axis, a few
//! dates under the horizontal one, and one day alone drawn as a bar, not a lone dot. The
//! markup lives in `templates/admin_charts.html` (the macros `rate_line_chart`, `bar_chart`
//! and `stacked_bar_chart`), where minijinja's autoescape escapes every text. Colours are presentation attributes, which the
//! Content-Security-Policy allows (inline `style` would not be).

use serde::{Serialize, Serializer};

/// Drawing area of every chart, in whole viewBox units (the SVG scales to its container).
const WIDTH: u16 = 640;
const HEIGHT: u16 = 240;
const LEFT: u16 = 48;
const RIGHT: u16 = 12;
/// The line and bar charts' plot: room above it for the unit, below it for the dates.
const PLOT_TOP: u16 = 20;
const PLOT_BOTTOM: u16 = HEIGHT - 20;
/// Baseline of the dates under the plot.
const DATE_LABELS_Y: u16 = HEIGHT - 6;
/// Baseline of the unit, above the values of the vertical axis.
const UNIT_LABEL_Y: u16 = 11;
/// At most this many dates under the horizontal axis (each about 60 units wide).
const MAX_DATE_TICKS: usize = 5;
/// At most this many steps between values on the vertical axis.
const MAX_VALUE_STEPS: i64 = 5;
/// Bars are at most this wide: one day alone is a bar, not a slab across the plot.
const MAX_BAR_WIDTH: f64 = 80.0;
/// Up to this many bars, each shows its value above it.
const MAX_BARS_WITH_VALUES: usize = 14;

/// The stacked bar chart's top margin and the baseline of its legend.
const TOP: u16 = 12;
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

fn plot_width() -> f64 {
    units(WIDTH - LEFT - RIGHT)
}

fn plot_height() -> f64 {
    units(PLOT_BOTTOM - PLOT_TOP)
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

/// A value on the vertical axis: its label left of the axis and a gridline across the plot.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValueTick {
    pub y: OneDecimal,
    /// Baseline of the label, level with the gridline.
    pub label_y: OneDecimal,
    pub label: String,
}

/// A date under the horizontal axis, with a short tick mark above it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DateTick {
    pub x: OneDecimal,
    pub label: String,
    /// `start`, `middle` or `end`: the first and last dates stay inside the chart.
    pub anchor: &'static str,
}

/// The axes of the line and bar charts: a vertical and a horizontal line along the plot's
/// edges, values with gridlines, a few dates, and the unit of the values.
#[derive(Debug, PartialEq, Serialize)]
pub struct Axes {
    pub left: u16,
    pub top: u16,
    pub right: u16,
    pub bottom: u16,
    /// Where the value labels end (they are right-aligned left of the vertical axis).
    pub value_label_x: u16,
    pub value_ticks: Vec<ValueTick>,
    pub date_ticks: Vec<DateTick>,
    pub date_label_y: u16,
    /// What the values count, e.g. `tickets` or `%`, written above the vertical axis.
    pub unit: String,
    pub unit_y: u16,
}

impl Axes {
    fn new(value_ticks: Vec<ValueTick>, date_ticks: Vec<DateTick>, unit: &str) -> Axes {
        Axes {
            left: LEFT,
            top: PLOT_TOP,
            right: WIDTH - RIGHT,
            bottom: PLOT_BOTTOM,
            value_label_x: LEFT - 6,
            value_ticks,
            date_ticks,
            date_label_y: DATE_LABELS_Y,
            unit: unit.to_owned(),
            unit_y: UNIT_LABEL_Y,
        }
    }
}

/// The y of a value between 0 and `top` (clamped to the plot).
fn value_y(value: f64, top: f64) -> f64 {
    let share = if top > 0.0 {
        (value / top).clamp(0.0, 1.0)
    } else {
        0.0
    };
    units(PLOT_TOP) + plot_height() * (1.0 - share)
}

fn value_tick(value: f64, top: f64, label: String) -> ValueTick {
    let y = value_y(value, top);
    ValueTick {
        y: OneDecimal(y),
        label_y: OneDecimal(y + 4.0),
        label,
    }
}

/// A round top for counts up to `max` and the step between labelled values: 1, 2 or 5 times
/// a power of ten, at most [`MAX_VALUE_STEPS`] steps (`max` 7 → 0, 2, 4, 6, 8).
pub fn count_scale(max: i64) -> (i64, i64) {
    let max = max.max(1);
    let mut magnitude = 1_i64;
    loop {
        for factor in [1, 2, 5] {
            let step = factor * magnitude;
            let steps = (max + step - 1) / step;
            if steps <= MAX_VALUE_STEPS {
                return (steps * step, step);
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

/// Which of `count` points get a date under the axis: the first, the last and evenly
/// spaced ones between, at most [`MAX_DATE_TICKS`].
fn date_tick_indices(count: usize) -> Vec<usize> {
    match count {
        0 => Vec::new(),
        1 => vec![0],
        _ => {
            let ticks = count.min(MAX_DATE_TICKS);
            let mut indices: Vec<usize> = (0..ticks)
                .map(|i| (i * (count - 1) + (ticks - 1) / 2) / (ticks - 1))
                .collect();
            indices.dedup();
            indices
        }
    }
}

/// The dates under the axis for labelled points, the point at `index` drawn at `x(index)`.
fn date_ticks<T>(points: &[(String, T)], x: impl Fn(usize) -> f64) -> Vec<DateTick> {
    let indices = date_tick_indices(points.len());
    let last = indices.len().saturating_sub(1);
    indices
        .iter()
        .enumerate()
        .map(|(position, &index)| DateTick {
            x: OneDecimal(x(index)),
            label: points[index].0.clone(),
            anchor: match (indices.len(), position) {
                (1, _) => "middle",
                (_, 0) => "start",
                (_, p) if p == last => "end",
                _ => "middle",
            },
        })
        .collect()
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
    /// A dot per point with a rate (when there are two points or more).
    pub points: Vec<RatePoint>,
    /// A period of one day is one bar with its value above it, not a lone dot.
    pub single_bar: Option<Bar>,
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
    let step = if points.len() > 1 {
        plot_width() / (points.len() - 1) as f64
    } else {
        0.0
    };
    let x_of = |index: usize| {
        if points.len() > 1 {
            units(LEFT) + step * index as f64
        } else {
            units(LEFT) + plot_width() / 2.0
        }
    };
    let value_ticks = (0..=4)
        .map(|quarter| {
            let rate = f64::from(quarter) / 4.0;
            value_tick(rate, 1.0, format!("{}%", quarter * 25))
        })
        .collect();
    let axes = Axes::new(value_ticks, date_ticks(points, x_of), "%");
    if let [(label, rate)] = points {
        let single_bar = rate.map(|rate| {
            let y = value_y(rate, 1.0);
            let percent = rate * 100.0;
            Bar {
                x: OneDecimal(x_of(0) - MAX_BAR_WIDTH / 2.0),
                y: OneDecimal(y),
                width: OneDecimal(MAX_BAR_WIDTH),
                height: OneDecimal(units(PLOT_BOTTOM) - y),
                label: label.clone(),
                value_text: format!("{percent:.1}%"),
                value_label: Some(Position {
                    x: OneDecimal(x_of(0)),
                    y: OneDecimal(y - 5.0),
                }),
            }
        });
        return RateLineChart {
            id: id.to_owned(),
            title: title.to_owned(),
            description: description.to_owned(),
            width: WIDTH,
            height: HEIGHT,
            axes,
            colour: PALETTE[0],
            path_segments: Vec::new(),
            points: Vec::new(),
            single_bar,
        };
    }
    let positions: Vec<Option<Position>> = points
        .iter()
        .enumerate()
        .map(|(index, (_, rate))| {
            let rate = (*rate)?;
            Some(Position {
                x: OneDecimal(x_of(index)),
                y: OneDecimal(value_y(rate, 1.0)),
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
        axes,
        colour: PALETTE[0],
        path_segments,
        points: dots,
        single_bar: None,
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
}

impl BarChart {
    /// Names what the bars count (e.g. `tickets`), written above the values.
    pub fn with_unit(mut self, unit: &str) -> BarChart {
        unit.clone_into(&mut self.axes.unit);
        self
    }
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Bar {
    pub x: OneDecimal,
    pub y: OneDecimal,
    pub width: OneDecimal,
    pub height: OneDecimal,
    pub label: String,
    /// The value as written in the bar's title and above it.
    pub value_text: String,
    /// Where the value is written above the bar, when there are few enough bars.
    pub value_label: Option<Position>,
}

/// The bar chart of labelled counts on a round scale (negative counts are drawn as zero).
pub fn bar_chart(id: &str, title: &str, description: &str, bars: &[(String, i64)]) -> BarChart {
    let max = bars.iter().map(|(_, value)| *value).max().unwrap_or(0);
    let (top, step) = count_scale(max);
    let slot = plot_width() / bars.len().max(1) as f64;
    let bar_width = (slot * 0.8).clamp(0.5, MAX_BAR_WIDTH);
    let centre = |index: usize| units(LEFT) + slot * index as f64 + slot / 2.0;
    let with_values = bars.len() <= MAX_BARS_WITH_VALUES;
    let drawn = bars
        .iter()
        .enumerate()
        .map(|(index, (label, value))| {
            let y = value_y((*value).max(0) as f64, top as f64);
            Bar {
                x: OneDecimal(centre(index) - bar_width / 2.0),
                y: OneDecimal(y),
                width: OneDecimal(bar_width),
                height: OneDecimal(units(PLOT_BOTTOM) - y),
                label: label.clone(),
                value_text: value.to_string(),
                value_label: with_values.then(|| Position {
                    x: OneDecimal(centre(index)),
                    y: OneDecimal(y - 5.0),
                }),
            }
        })
        .collect();
    let value_ticks = (0..=top / step)
        .map(|n| value_tick((n * step) as f64, top as f64, (n * step).to_string()))
        .collect();
    BarChart {
        id: id.to_owned(),
        title: title.to_owned(),
        description: description.to_owned(),
        width: WIDTH,
        height: HEIGHT,
        axes: Axes::new(value_ticks, date_ticks(bars, centre), ""),
        colour: PALETTE[1],
        bars: drawn,
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
        // The plot is 640 - 48 - 12 = 580 wide in 4 steps of 145, 200 high from y 20 to 220.
        assert_eq!(
            chart.path_segments,
            vec![
                vec![at(48.0, 120.0), at(193.0, 170.0)],
                vec![at(483.0, 20.0), at(628.0, 20.0)],
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
                ("2024-03-01", at(48.0, 120.0), OneDecimal(50.0)),
                ("2024-03-02", at(193.0, 170.0), OneDecimal(25.0)),
                ("2024-03-04", at(483.0, 20.0), OneDecimal(100.0)),
                ("2024-03-05", at(628.0, 20.0), OneDecimal(150.0)),
            ]
        );
        assert!(chart.single_bar.is_none());
        let values: Vec<(&str, f64)> = chart
            .axes
            .value_ticks
            .iter()
            .map(|tick| (tick.label.as_str(), tick.y.0))
            .collect();
        assert_eq!(
            values,
            vec![
                ("0%", 220.0),
                ("25%", 170.0),
                ("50%", 120.0),
                ("75%", 70.0),
                ("100%", 20.0)
            ]
        );
        assert_eq!(chart.axes.unit, "%");
        let dates: Vec<(&str, f64, &str)> = chart
            .axes
            .date_ticks
            .iter()
            .map(|tick| (tick.label.as_str(), tick.x.0, tick.anchor))
            .collect();
        assert_eq!(
            dates,
            vec![
                ("2024-03-01", 48.0, "start"),
                ("2024-03-02", 193.0, "middle"),
                ("2024-03-03", 338.0, "middle"),
                ("2024-03-04", 483.0, "middle"),
                ("2024-03-05", 628.0, "end"),
            ],
            "a day without a rate still has its date"
        );
    }

    #[test]
    fn a_month_gets_five_dates_under_its_axis_first_and_last_included() {
        let points: Vec<(String, Option<f64>)> = (1..=30)
            .map(|day| (format!("2024-04-{day:02}"), Some(0.5)))
            .collect();
        let chart = rate_line_chart("r", "t", "d", &points);
        let dates: Vec<&str> = chart
            .axes
            .date_ticks
            .iter()
            .map(|tick| tick.label.as_str())
            .collect();
        assert_eq!(
            dates,
            [
                "2024-04-01",
                "2024-04-08",
                "2024-04-16",
                "2024-04-23",
                "2024-04-30"
            ]
        );
        let two = rate_line_chart("r", "t", "d", &points[..2]);
        assert_eq!(two.axes.date_ticks.len(), 2);
    }

    #[test]
    fn one_day_is_a_bar_with_its_value_and_a_day_without_a_rate_draws_nothing() {
        let one = rate_line_chart("r", "t", "d", &[("2024-03-01".to_owned(), Some(0.5))]);
        assert!(
            one.path_segments.is_empty() && one.points.is_empty(),
            "no lone dot"
        );
        let bar = one.single_bar.expect("one bar");
        let geometry = [bar.x, bar.y, bar.width, bar.height].map(written);
        assert_eq!(
            geometry,
            ["298.0", "120.0", "80.0", "100.0"].map(str::to_owned)
        );
        assert_eq!(bar.value_text, "50.0%");
        assert_eq!(
            bar.value_label,
            Some(at(338.0, 115.0)),
            "written above the bar"
        );
        assert_eq!(one.axes.date_ticks.len(), 1);
        assert_eq!(one.axes.date_ticks[0].anchor, "middle");
        let none = rate_line_chart("r", "t", "d", &[("2024-03-01".to_owned(), None)]);
        assert!(none.path_segments.is_empty() && none.points.is_empty());
        assert!(none.single_bar.is_none());
        assert_eq!(none.axes.date_ticks.len(), 1, "the day is still labelled");
        assert!(
            rate_line_chart("r", "t", "d", &[])
                .axes
                .date_ticks
                .is_empty()
        );
    }

    #[test]
    fn counts_get_a_round_scale_of_at_most_five_steps() {
        assert_eq!(count_scale(0), (1, 1), "an empty chart still has a scale");
        assert_eq!(count_scale(1), (1, 1));
        assert_eq!(count_scale(5), (5, 1));
        assert_eq!(count_scale(7), (8, 2));
        assert_eq!(count_scale(23), (25, 5));
        assert_eq!(count_scale(123), (150, 50));
        assert_eq!(count_scale(1000), (1000, 200));
    }

    #[test]
    fn bars_scale_to_a_round_top_and_stay_narrow() {
        let bars = vec![
            ("a".to_owned(), 2),
            ("b".to_owned(), 4),
            ("c".to_owned(), 0),
            ("d".to_owned(), 5),
            ("e".to_owned(), -1),
        ];
        let chart = bar_chart("volume", "Tickets", "Per day", &bars);
        // Five slots of 580 / 5 = 116, bars at most 80 wide, 200 high for the top (5).
        let geometry: Vec<[String; 4]> = chart
            .bars
            .iter()
            .map(|bar| [bar.x, bar.y, bar.width, bar.height].map(written))
            .collect();
        assert_eq!(
            geometry,
            [
                ["66.0", "140.0", "80.0", "80.0"],
                ["182.0", "60.0", "80.0", "160.0"],
                ["298.0", "220.0", "80.0", "0.0"],
                ["414.0", "20.0", "80.0", "200.0"],
                ["530.0", "220.0", "80.0", "0.0"],
            ]
            .map(|row| row.map(str::to_owned))
        );
        assert_eq!(chart.bars[3].label, "d");
        assert_eq!(
            chart.bars[4].value_text, "-1",
            "the title keeps the real count"
        );
        let values: Vec<&str> = chart
            .axes
            .value_ticks
            .iter()
            .map(|tick| tick.label.as_str())
            .collect();
        assert_eq!(values, ["0", "1", "2", "3", "4", "5"]);
        let dates: Vec<f64> = chart.axes.date_ticks.iter().map(|t| t.x.0).collect();
        assert_eq!(
            dates,
            [106.0, 222.0, 338.0, 454.0, 570.0],
            "under the bars' middles"
        );
        let empty = bar_chart("empty", "t", "d", &[]);
        assert!(empty.bars.is_empty() && empty.axes.date_ticks.is_empty());
        assert_eq!(empty.axes.value_ticks.len(), 2, "0 and 1");
        let one_day = bar_chart("one", "t", "d", &[("2024-03-01".to_owned(), 3)]);
        let bar = &one_day.bars[0];
        assert_eq!(
            [bar.x, bar.width].map(written),
            ["298.0", "80.0"].map(str::to_owned),
            "one day is one bar in the middle, not a slab across the plot"
        );
        let month: Vec<(String, i64)> = (1..=30).map(|d| (format!("d{d}"), d)).collect();
        let month = bar_chart("m", "t", "d", &month);
        assert!(
            month.bars.iter().all(|bar| bar.value_label.is_none()),
            "thirty values would not fit above their bars"
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
        assert!(svg.contains(" d=\"M48.0,120.0 M628.0,20.0\" "), "{svg}");
        assert_eq!(svg.matches("<circle ").count(), 2);
        assert!(svg.contains("<title>2024-03-01: 50.0%</title>"));
        assert!(svg.contains("<title>&lt;b&gt;&amp;: 100.0%</title>"));
        assert!(svg.contains(" fill=\"#1f5fa8\""));
        for (value, y) in [("0%", "224.0"), ("50%", "124.0"), ("100%", "24.0")] {
            assert!(
                svg.contains(&format!(
                    "<text x=\"42\" y=\"{y}\" text-anchor=\"end\">{value}</text>"
                )),
                "the value {value} left of the axis: {svg}"
            );
        }
        assert_eq!(
            svg.matches(" stroke=\"#e1e5ea\"/>").count(),
            5,
            "a gridline per value"
        );
        assert!(svg.contains("<text x=\"4\" y=\"11\">%</text>"), "the unit");
        assert!(svg.contains("<text x=\"48.0\" y=\"234\" text-anchor=\"start\">2024-03-01</text>"));
        assert!(
            svg.contains("<text x=\"338.0\" y=\"234\" text-anchor=\"middle\">2024-03-02</text>"),
            "the middle date"
        );
        assert!(
            svg.contains(" y=\"234\" text-anchor=\"end\">&lt;b&gt;&amp;</text>"),
            "the last day's label is under the end of the axis"
        );
        let no_rates = rate_line_chart("r", "t", "d", &[("a".to_owned(), None)]);
        assert!(!render("rate_line_chart", &no_rates).contains("<path"));
    }

    #[test]
    fn the_template_draws_one_day_of_rates_as_a_labelled_bar() {
        let chart = rate_line_chart(
            "one",
            "Rate",
            "One day",
            &[("2024-03-01".to_owned(), Some(0.25))],
        );
        let svg = render("rate_line_chart", &chart);
        assert_accessible_svg(&svg, "one");
        assert!(!svg.contains("<circle"), "no lone dot: {svg}");
        assert!(!svg.contains("<path"));
        assert!(svg.contains(
            "<rect x=\"298.0\" y=\"170.0\" width=\"80.0\" height=\"50.0\" fill=\"#1f5fa8\"><title>2024-03-01: 25.0%</title></rect>"
        ), "{svg}");
        assert!(svg.contains(
            "<text x=\"338.0\" y=\"165.0\" text-anchor=\"middle\" font-size=\"11\" fill=\"#333\" aria-hidden=\"true\">25.0%</text>"
        ));
        assert!(
            svg.contains("text-anchor=\"middle\">2024-03-01</text>"),
            "its date"
        );
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
            bar_chart("volume", "Tickets <filed> & counted", "Per day", &bars).with_unit("tickets"),
        );
        assert_accessible_svg(&svg, "volume");
        assert!(svg.contains(">Tickets &lt;filed&gt; &amp; counted</title>"));
        assert_eq!(svg.matches("<rect ").count(), 3);
        assert_eq!(svg.matches("<title>").count(), 3);
        assert!(svg.contains("<title>b: 4 tickets</title>"));
        assert!(
            svg.contains(" height=\"200.0\" "),
            "the largest bar spans the plot"
        );
        assert!(svg.contains(" height=\"100.0\" "));
        assert!(svg.contains(" fill=\"#e08a00\""));
        assert!(
            svg.contains("<text x=\"4\" y=\"11\">tickets</text>"),
            "the unit"
        );
        for value in ["0", "1", "2", "3", "4"] {
            assert!(
                svg.contains(&format!("text-anchor=\"end\">{value}</text>")),
                "the value {value}: {svg}"
            );
        }
        assert!(
            svg.contains("aria-hidden=\"true\">4</text>"),
            "the value above its bar"
        );
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
