//! The admins' deflection dashboard: figures, charts, CSV downloads and the content-gap report.
//!
//! Every number comes from `deflection::stats::deflection_figures` (the page, the CSV files,
//! `/api/admin/stats` and `answerdesk stats` show the same figures); this module only parses
//! the filter and renders.

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::HttpError;
use super::charts;
use super::staff::render_staff_page;
use super::staff_session::StaffSession;
use crate::accounts::StaffArea;
use crate::app::AppState;
use crate::deflection::channel::{ChannelFigures, channel_figures};
use crate::deflection::content_gaps::{ContentGap, content_gaps};
use crate::deflection::stats::{
    DashboardFilter, DeflectionFigures, PeriodError, VISITORS_STANDARD_ERROR, backlog_statuses,
    deflection_figures, priorities,
};
use crate::display::optional_duration;
use crate::storage::dashboard::DAY_MILLIS;
use crate::storage::now_millis;
use crate::tickets::{TicketPriority, TicketStatus};

/// Templates of this area, by the name pages use.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "admin_dashboard.html",
        include_str!("../../templates/admin_dashboard.html"),
    ),
    (
        "admin_dashboard_filter.html",
        include_str!("../../templates/admin_dashboard_filter.html"),
    ),
    (
        "admin_content_gaps.html",
        include_str!("../../templates/admin_content_gaps.html"),
    ),
    (
        "admin_charts.html",
        include_str!("../../templates/admin_charts.html"),
    ),
];

/// Every route of this area (pages and `/api/admin/…`). The router puts the staff guard in
/// front of them, so handlers may take [`super::staff_session::StaffSession`] for granted.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(dashboard_page))
        .route("/admin/content-gaps", get(content_gaps_page))
        .route("/admin/export/{file}", get(export_csv))
        .route("/api/admin/stats", get(stats_api))
        .route("/admin/tickets/{id}/delete", post(delete_ticket))
}

/// The privacy deletion form: the ticket's reference typed again, so it is never one click.
#[derive(Debug, Default, Deserialize)]
pub struct DeleteTicketForm {
    #[serde(default)]
    confirm: String,
}

/// `POST /admin/tickets/{id}/delete`: deletes everything stored of a ticket (a customer's
/// privacy request), its files too; the audit log keeps who did it and the reference.
async fn delete_ticket(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<DeleteTicketForm>,
) -> Result<Response, HttpError> {
    let reference = crate::tickets::filing::reference_of(id);
    if !form.confirm.trim().eq_ignore_ascii_case(&reference) {
        return Err(HttpError::Invalid {
            message: format!("Type {reference} to confirm the deletion."),
            fields: [("confirm", format!("Type {reference} to confirm."))].into(),
        });
    }
    let deleted = crate::attachments::delete_ticket_data(&state.db, &state.files, id)
        .await
        .map_err(|error| HttpError::internal_or_unavailable(&error))?;
    if !deleted {
        return Err(HttpError::NotFound);
    }
    crate::accounts::record_audit(
        &state.db,
        Some(&session.user),
        "ticket.delete",
        &reference,
        "deleted the ticket's data and files (privacy request)",
    )
    .await?;
    Ok(axum::response::Redirect::to("/agent?deleted=1").into_response())
}

/// The dashboard's filter as it arrives in the query string.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DashboardQuery {
    /// `7`, `30`, `90` (days) or `custom`.
    #[serde(default)]
    range: Option<String>,
    /// First day of a custom range (`YYYY-MM-DD`).
    #[serde(default)]
    from: Option<String>,
    /// Last day of a custom range, included.
    #[serde(default)]
    to: Option<String>,
    /// A language code; empty for all.
    #[serde(default)]
    lang: Option<String>,
}

/// The ranges offered as one click.
const PRESET_DAYS: [u32; 4] = [7, 30, 90, 365];
const DEFAULT_DAYS: u32 = 30;

/// A parsed filter plus what the form should show.
struct ResolvedFilter {
    filter: DashboardFilter,
    /// `7`, `30`, `90`, `365` or `custom`.
    range: String,
    from: String,
    to: String,
}

impl DashboardQuery {
    fn resolve(&self) -> Result<ResolvedFilter, PeriodError> {
        let lang = DashboardFilter::language(self.lang.as_deref())?;
        let from = self.from.as_deref().map(str::trim).unwrap_or("");
        let to = self.to.as_deref().map(str::trim).unwrap_or("");
        let range = self.range.as_deref().map(str::trim).unwrap_or("");
        let custom =
            range == "custom" || (range.is_empty() && (!from.is_empty() || !to.is_empty()));
        let filter = if custom {
            if from.is_empty() || to.is_empty() {
                return Err(PeriodError::BadDate(
                    "a custom range needs both a start and an end date".to_owned(),
                ));
            }
            DashboardFilter::between_dates(from, to, lang)?
        } else {
            let days = match range {
                "" => DEFAULT_DAYS,
                text => text
                    .parse::<u32>()
                    .ok()
                    .filter(|days| PRESET_DAYS.contains(days))
                    .ok_or_else(|| PeriodError::BadDate(format!("range {text}")))?,
            };
            DashboardFilter::last_days(days, now_millis(), lang)
        };
        let day = |millis: i64| crate::deflection::stats::day_label(millis.div_euclid(DAY_MILLIS));
        Ok(ResolvedFilter {
            range: if custom {
                "custom".to_owned()
            } else {
                ((filter.until - filter.since) / DAY_MILLIS).to_string()
            },
            from: day(filter.since),
            to: day(filter.until - 1),
            filter,
        })
    }
}

impl ResolvedFilter {
    /// The query string that reproduces this filter (for CSV links and the gap report).
    fn query_string(&self) -> String {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        serializer.append_pair("range", &self.range);
        if self.range == "custom" {
            serializer.append_pair("from", &self.from);
            serializer.append_pair("to", &self.to);
        }
        if let Some(lang) = &self.filter.lang {
            serializer.append_pair("lang", lang);
        }
        serializer.finish()
    }
}

fn bad_filter(error: PeriodError) -> HttpError {
    HttpError::BadRequest(format!("Cannot show that period: {error}."))
}

/// One headline figure with its one-line definition.
#[derive(Serialize)]
struct FigureView {
    name: &'static str,
    value: String,
    definition: &'static str,
}

/// The headline figures, in the order the page, the CSV and the CLI show them.
fn summary(figures: &DeflectionFigures) -> Vec<FigureView> {
    let count = |n: i64| n.to_string();
    let percent = |rate: Option<f64>| match rate {
        Some(rate) => format!("{:.1}%", rate * 100.0),
        None => "–".to_owned(),
    };
    let backlog: i64 = figures.backlog.iter().map(|b| b.tickets).sum();
    vec![
        FigureView {
            name: "Requests started",
            value: count(figures.requests_started),
            definition: "Request forms in which a customer typed something.",
        },
        FigureView {
            name: "Deflected",
            value: count(figures.deflected),
            definition: "Customers who clicked \u{201c}this solved my problem\u{201d} instead of sending the request.",
        },
        FigureView {
            name: "Tickets filed",
            value: count(figures.tickets_filed),
            definition: "Tickets filed through the request form or the API.",
        },
        FigureView {
            name: "Deflection rate",
            value: percent(figures.deflection_rate),
            definition: "Deflected ÷ (deflected + tickets filed).",
        },
        FigureView {
            name: "Implicit deflections",
            value: count(figures.implicit_deflections),
            definition: "Requests abandoned after opening a suggested article; never counted in the rate.",
        },
        if figures.help_centre_visitors_estimated {
            FigureView {
                name: "Help-centre visitors",
                value: format!(
                    "≈ {} (±{:.1}%)",
                    figures.help_centre_visitors,
                    VISITORS_STANDARD_ERROR * 100.0
                ),
                definition: "Distinct anonymous visitors (browser sessions) who searched, read or asked for help. \
                             Estimated for this long period from daily counts: within the stated margin about two times in three, within twice it almost always.",
            }
        } else {
            FigureView {
                name: "Help-centre visitors",
                value: count(figures.help_centre_visitors),
                definition: "Distinct anonymous visitors (browser sessions) who searched, read or asked for help.",
            }
        },
        FigureView {
            name: "Self-service score",
            value: figures
                .self_service_score
                .map(|score| format!("{score:.1}"))
                .unwrap_or_else(|| "–".to_owned()),
            definition: "Help-centre visitors ÷ tickets filed.",
        },
        FigureView {
            name: "Searches",
            value: count(figures.searches),
            definition: "Searches on the results page and through the search API (not each keystroke).",
        },
        FigureView {
            name: "Zero-result rate",
            value: percent(figures.zero_result_rate),
            definition: "Share of searches that found no article.",
        },
        FigureView {
            name: "Searches that ended in a ticket",
            value: count(figures.searches_ending_in_ticket),
            definition: "Searches followed within an hour by a ticket from the same visitor.",
        },
        FigureView {
            name: "First-response SLA breaches",
            value: count(figures.first_response_breaches),
            definition: "Tickets filed in the period answered after the due time, or unanswered past it.",
        },
        FigureView {
            name: "Resolution SLA breaches",
            value: count(figures.resolution_breaches),
            definition: "Tickets filed in the period resolved after the due time, or unresolved past it.",
        },
        FigureView {
            name: "Satisfaction",
            value: format!(
                "{} good / {} bad",
                figures.satisfaction_good, figures.satisfaction_bad
            ),
            definition: "Customers' ratings of tickets filed in the period.",
        },
        FigureView {
            name: "Backlog now",
            value: count(backlog),
            definition: "Tickets not resolved or closed at this moment, whenever they were filed.",
        },
    ]
}

#[derive(Serialize)]
struct PriorityView {
    priority: String,
    tickets_filed: i64,
    responded: i64,
    resolved: i64,
    first_response_median: String,
    first_response_p90: String,
    resolution_median: String,
    resolution_p90: String,
    first_response_breaches: i64,
    resolution_breaches: i64,
}

#[derive(Serialize)]
struct DayView {
    date: String,
    deflected: i64,
    tickets_filed: i64,
    rate: String,
}

#[derive(Serialize)]
struct BacklogRowView {
    status: &'static str,
    counts: Vec<i64>,
    total: i64,
}

fn backlog_matrix(figures: &DeflectionFigures) -> Vec<Vec<i64>> {
    backlog_statuses()
        .map(|status| {
            priorities()
                .map(|priority| {
                    figures
                        .backlog
                        .iter()
                        .find(|b| b.status == status && b.priority == priority)
                        .map(|b| b.tickets)
                        .unwrap_or(0)
                })
                .collect()
        })
        .collect()
}

async fn dashboard_page(
    State(state): State<AppState>,
    session: StaffSession,
    Query(query): Query<DashboardQuery>,
) -> Result<Html<String>, HttpError> {
    let resolved = query.resolve().map_err(bad_filter)?;
    let figures = deflection_figures(&state.db, &resolved.filter).await?;

    let rate_points: Vec<(String, Option<f64>)> = figures
        .days
        .iter()
        .map(|day| (day.date.clone(), day.deflection_rate))
        .collect();
    let volume: Vec<(String, i64)> = figures
        .days
        .iter()
        .map(|day| (day.date.clone(), day.tickets_filed))
        .collect();
    let matrix = backlog_matrix(&figures);
    let rate_chart = charts::rate_line_chart(
        "chart-deflection-rate",
        "Deflection rate per day",
        "Deflected ÷ (deflected + tickets filed) for each UTC day; gaps are days with neither. The table beside it has the numbers.",
        &rate_points,
    );
    let volume_chart = charts::bar_chart(
        "chart-ticket-volume",
        "Tickets filed per day",
        "Tickets filed each UTC day of the period. The table beside it has the numbers.",
        &volume,
    )
    .with_unit("tickets");
    let priority_names: Vec<&str> = priorities().map(TicketPriority::as_str).collect();
    let backlog_chart = charts::stacked_bar_chart(
        "chart-backlog",
        "Backlog by status and priority",
        "Open tickets now: one bar per status, split by priority. The table beside it has the numbers.",
        &backlog_statuses()
            .map(TicketStatus::as_str)
            .collect::<Vec<_>>(),
        &priority_names,
        &matrix,
    );
    let days: Vec<DayView> = figures
        .days
        .iter()
        .rev()
        .map(|day| DayView {
            date: day.date.clone(),
            deflected: day.deflected,
            tickets_filed: day.tickets_filed,
            rate: day
                .deflection_rate
                .map(|rate| format!("{:.1}%", rate * 100.0))
                .unwrap_or_else(|| "–".to_owned()),
        })
        .collect();
    let backlog_rows: Vec<BacklogRowView> = backlog_statuses()
        .zip(&matrix)
        .map(|(status, counts)| BacklogRowView {
            status: status.as_str(),
            total: counts.iter().sum(),
            counts: counts.clone(),
        })
        .collect();
    let priorities: Vec<PriorityView> = figures
        .priorities
        .iter()
        .map(|p| PriorityView {
            priority: p.priority.as_str().to_owned(),
            tickets_filed: p.tickets_filed,
            responded: p.responded,
            resolved: p.resolved,
            first_response_median: optional_duration(p.first_response_median_ms),
            first_response_p90: optional_duration(p.first_response_p90_ms),
            resolution_median: optional_duration(p.resolution_median_ms),
            resolution_p90: optional_duration(p.resolution_p90_ms),
            first_response_breaches: p.first_response_breaches,
            resolution_breaches: p.resolution_breaches,
        })
        .collect();
    render_staff_page(
        &state,
        &session,
        Some(StaffArea::Admin),
        "admin_dashboard.html",
        "Deflection dashboard",
        context! {
            summary => summary(&figures),
            figures => &figures,
            days => days,
            backlog_rows => backlog_rows,
            backlog_priorities => priority_names,
            priorities => priorities,
            rate_chart => rate_chart,
            volume_chart => volume_chart,
            backlog_chart => backlog_chart,
            channels => channel_rows(&channel_figures(&state.db, &resolved.filter).await?),
            filter => filter_view(&state, &resolved),
        },
    )
}

/// The split by channel as the dashboard's table shows it.
fn channel_rows(figures: &[ChannelFigures]) -> Vec<minijinja::Value> {
    figures
        .iter()
        .map(|f| {
            context! {
                label => f.label(), channel => f.channel, requests_started => f.requests_started,
                deflected => f.deflected, abandoned => f.abandoned, tickets_filed => f.tickets_filed,
                rate => f.deflection_rate.map(|r| format!("{:.1} %", r * 100.0)),
            }
        })
        .collect()
}

#[derive(Serialize)]
struct FilterView {
    range: String,
    from: String,
    to: String,
    lang: String,
    languages: Vec<String>,
    presets: [u32; 4],
    query: String,
}

fn filter_view(state: &AppState, resolved: &ResolvedFilter) -> FilterView {
    let mut languages = state.languages();
    languages.sort();
    FilterView {
        range: resolved.range.clone(),
        from: resolved.from.clone(),
        to: resolved.to.clone(),
        lang: resolved.filter.lang.clone().unwrap_or_default(),
        languages,
        presets: PRESET_DAYS,
        query: resolved.query_string(),
    }
}

#[derive(Serialize)]
struct GapView {
    gap: ContentGap,
    write_article_path: String,
}

/// Where an editor starts a new article with a title filled in.
fn write_article_path(title: &str) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    serializer.append_pair("title", title);
    format!("/editor/articles/new?{}", serializer.finish())
}

async fn content_gaps_page(
    State(state): State<AppState>,
    session: StaffSession,
    Query(query): Query<DashboardQuery>,
) -> Result<Html<String>, HttpError> {
    let resolved = query.resolve().map_err(bad_filter)?;
    let gaps: Vec<GapView> = content_gaps(&state.db, &resolved.filter)
        .await?
        .into_iter()
        .map(|gap| GapView {
            write_article_path: write_article_path(&gap.suggested_title),
            gap,
        })
        .collect();
    render_staff_page(
        &state,
        &session,
        Some(StaffArea::Admin),
        "admin_content_gaps.html",
        "Content gaps",
        context! { gaps => gaps, filter => filter_view(&state, &resolved) },
    )
}

/// `GET /api/admin/stats`: the dashboard's figures, with the split by channel.
#[derive(Serialize)]
struct StatsAnswer {
    #[serde(flatten)]
    figures: DeflectionFigures,
    channels: Vec<ChannelFigures>,
}

async fn stats_api(
    State(state): State<AppState>,
    Query(query): Query<DashboardQuery>,
) -> Result<Json<StatsAnswer>, HttpError> {
    let resolved = query
        .resolve()
        .map_err(|error| HttpError::BadRequest(format!("Cannot show that period: {error}.")))?;
    Ok(Json(StatsAnswer {
        figures: deflection_figures(&state.db, &resolved.filter).await?,
        channels: channel_figures(&state.db, &resolved.filter).await?,
    }))
}

/// The tables that can be downloaded, by file name (without `.csv`).
pub const CSV_TABLES: [&str; 11] = [
    "summary",
    "channels",
    "days",
    "top-searches",
    "zero-result-searches",
    "searches-ending-in-ticket",
    "articles",
    "backlog",
    "priorities",
    "agents",
    "content-gaps",
];

/// Spreadsheets run cells starting with these as formulas; customers' search text must not.
fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn optional<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

async fn export_csv(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, HttpError> {
    let table = file
        .strip_suffix(".csv")
        .filter(|name| CSV_TABLES.contains(name))
        .ok_or(HttpError::NotFound)?;
    let resolved = query.resolve().map_err(bad_filter)?;
    let figures = deflection_figures(&state.db, &resolved.filter).await?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    match table {
        "summary" => {
            rows.push(vec!["figure".into(), "value".into(), "definition".into()]);
            for figure in summary(&figures) {
                rows.push(vec![
                    figure.name.into(),
                    figure.value,
                    figure.definition.into(),
                ]);
            }
        }
        "days" => {
            rows.push(vec![
                "date".into(),
                "deflected".into(),
                "tickets_filed".into(),
                "deflection_rate".into(),
            ]);
            for day in &figures.days {
                rows.push(vec![
                    day.date.clone(),
                    day.deflected.to_string(),
                    day.tickets_filed.to_string(),
                    optional(day.deflection_rate),
                ]);
            }
        }
        "top-searches" | "zero-result-searches" | "searches-ending-in-ticket" => {
            let list = match table {
                "top-searches" => &figures.top_searches,
                "zero-result-searches" => &figures.top_zero_result_searches,
                _ => &figures.top_searches_ending_in_ticket,
            };
            rows.push(vec!["query".into(), "searches".into()]);
            for entry in list {
                rows.push(vec![
                    spreadsheet_safe(&entry.query),
                    entry.count.to_string(),
                ]);
            }
        }
        "articles" => {
            rows.push(
                [
                    "slug",
                    "title",
                    "views",
                    "views_from_search",
                    "views_from_suggestions",
                    "views_from_browsing",
                    "views_direct",
                    "helpful_yes",
                    "helpful_no",
                    "deflections",
                    "tickets_after_viewing",
                ]
                .map(String::from)
                .to_vec(),
            );
            for a in &figures.articles {
                rows.push(vec![
                    spreadsheet_safe(&a.slug),
                    spreadsheet_safe(&a.title),
                    a.views.to_string(),
                    a.views_from_search.to_string(),
                    a.views_from_suggestions.to_string(),
                    a.views_from_browsing.to_string(),
                    a.views_direct.to_string(),
                    a.helpful_yes.to_string(),
                    a.helpful_no.to_string(),
                    a.deflections.to_string(),
                    a.tickets_after_viewing.to_string(),
                ]);
            }
        }
        "backlog" => {
            rows.push(vec!["status".into(), "priority".into(), "tickets".into()]);
            for b in &figures.backlog {
                rows.push(vec![
                    b.status.as_str().to_owned(),
                    b.priority.as_str().to_owned(),
                    b.tickets.to_string(),
                ]);
            }
        }
        "priorities" => {
            rows.push(
                [
                    "priority",
                    "tickets_filed",
                    "responded",
                    "resolved",
                    "first_response_median_ms",
                    "first_response_p90_ms",
                    "resolution_median_ms",
                    "resolution_p90_ms",
                    "first_response_breaches",
                    "resolution_breaches",
                ]
                .map(String::from)
                .to_vec(),
            );
            for p in &figures.priorities {
                rows.push(vec![
                    p.priority.as_str().to_owned(),
                    p.tickets_filed.to_string(),
                    p.responded.to_string(),
                    p.resolved.to_string(),
                    optional(p.first_response_median_ms),
                    optional(p.first_response_p90_ms),
                    optional(p.resolution_median_ms),
                    optional(p.resolution_p90_ms),
                    p.first_response_breaches.to_string(),
                    p.resolution_breaches.to_string(),
                ]);
            }
        }
        "channels" => {
            rows.push(
                [
                    "channel",
                    "requests_started",
                    "deflected",
                    "abandoned",
                    "tickets_filed",
                    "deflection_rate",
                ]
                .map(String::from)
                .to_vec(),
            );
            for channel in channel_figures(&state.db, &resolved.filter).await? {
                rows.push(vec![
                    channel.channel.as_str().to_owned(),
                    channel.requests_started.to_string(),
                    channel.deflected.to_string(),
                    channel.abandoned.to_string(),
                    channel.tickets_filed.to_string(),
                    optional(channel.deflection_rate),
                ]);
            }
        }
        "agents" => {
            rows.push(vec![
                "user_id".into(),
                "name".into(),
                "replies".into(),
                "resolutions".into(),
            ]);
            for agent in &figures.agents {
                rows.push(vec![
                    agent.user_id.to_string(),
                    spreadsheet_safe(&agent.name),
                    agent.replies.to_string(),
                    agent.resolutions.to_string(),
                ]);
            }
        }
        _ => {
            rows.push(vec![
                "wording".into(),
                "zero_result_searches".into(),
                "searches_ending_in_ticket".into(),
                "suggested_title".into(),
                "examples".into(),
            ]);
            for gap in content_gaps(&state.db, &resolved.filter).await? {
                let examples: Vec<&str> = gap.wordings.iter().map(|w| w.query.as_str()).collect();
                rows.push(vec![
                    spreadsheet_safe(&gap.key),
                    gap.zero_result_searches.to_string(),
                    gap.searches_ending_in_ticket.to_string(),
                    spreadsheet_safe(&gap.suggested_title),
                    spreadsheet_safe(&examples.join(" | ")),
                ]);
            }
        }
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in &rows {
        writer
            .write_record(row)
            .map_err(|error| HttpError::Internal(error.to_string()))?;
    }
    let body = writer
        .into_inner()
        .map_err(|error| HttpError::Internal(error.to_string()))?;
    let file_name = format!(
        "answerdesk-{table}-{}-to-{}{}.csv",
        resolved.from,
        resolved.to,
        resolved
            .filter
            .lang
            .as_deref()
            .map(|lang| format!("-{lang}"))
            .unwrap_or_default()
    );
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .map_err(|error| HttpError::Internal(error.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_custom_range_needs_two_valid_dates() {
        let query = |range: &str, from: &str, to: &str| DashboardQuery {
            range: Some(range.to_owned()),
            from: Some(from.to_owned()),
            to: Some(to.to_owned()),
            lang: None,
        };
        assert!(query("custom", "2024-01-01", "").resolve().is_err());
        assert!(
            query("custom", "2024-02-30", "2024-03-01")
                .resolve()
                .is_err()
        );
        assert!(
            query("custom", "2024-03-02", "2024-03-01")
                .resolve()
                .is_err()
        );
        assert!(query("14", "", "").resolve().is_err());
        let resolved = query("custom", "2024-03-01", "2024-03-03")
            .resolve()
            .unwrap();
        assert_eq!(resolved.range, "custom");
        assert_eq!(
            resolved.filter.until - resolved.filter.since,
            3 * DAY_MILLIS
        );
        assert_eq!(
            resolved.query_string(),
            "range=custom&from=2024-03-01&to=2024-03-03"
        );
        let preset = query("7", "", "").resolve().unwrap();
        assert_eq!(preset.range, "7");
    }

    #[test]
    fn formula_like_cells_are_defused_and_titles_encoded() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(spreadsheet_safe("dark mode"), "dark mode");
        assert_eq!(
            write_article_path("Dark mode & more"),
            "/editor/articles/new?title=Dark+mode+%26+more"
        );
    }
}
