//! The editors' area: article list, editing with live preview, revisions, publishing.
//!
//! Handlers parse the form, call [`crate::articles::editing`], index what changed, render.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::HttpError;
use super::staff::render_staff_page;
use super::staff_session::StaffSession;
use crate::accounts::StaffArea;
use crate::app::AppState;
use crate::articles::editing::{
    self, ArticleForm, ArticleListQuery, ArticleLookup, EditAction, EditError, FieldErrors, Saved,
};
use crate::articles::{Article, reader_notes};

/// Templates of this area, by the name pages use.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "editor_list.html",
        include_str!("../../templates/editor_list.html"),
    ),
    (
        "editor_form.html",
        include_str!("../../templates/editor_form.html"),
    ),
    (
        "editor_reader_notes.html",
        include_str!("../../templates/editor_reader_notes.html"),
    ),
    (
        "editor_learned_phrasings.html",
        include_str!("../../templates/editor_learned_phrasings.html"),
    ),
    (
        "editor_conflict.html",
        include_str!("../../templates/editor_conflict.html"),
    ),
    (
        "editor_diff.html",
        include_str!("../../templates/editor_diff.html"),
    ),
    (
        "editor_revisions.html",
        include_str!("../../templates/editor_revisions.html"),
    ),
];

/// Every route of this area (pages and `/api/editor/…`). The router puts the staff guard in
/// front of them, so handlers may take [`super::staff_session::StaffSession`] for granted.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/editor", get(list_page))
        .route("/editor/articles/new", get(new_article_page))
        .route("/editor/articles", post(create_article))
        .route(
            "/editor/articles/{slug}/edit",
            get(edit_article_page).post(update_article),
        )
        .route("/editor/articles/{slug}/revisions", get(revisions_page))
        .route(
            "/editor/articles/{slug}/revisions/{revision}/restore",
            post(restore_revision),
        )
        .route(
            "/editor/articles/{slug}/images",
            post(super::article_images::upload),
        )
        .route(
            "/api/editor/articles/{slug}/images",
            post(super::article_images::upload),
        )
        .route(
            "/editor/articles/{slug}/learned/block",
            post(block_learned_phrasing),
        )
        .route(
            "/editor/articles/{slug}/learned/promote",
            post(promote_learned_phrasing),
        )
        .route("/editor/articles/{slug}/learning", post(switch_learning))
        .route("/api/editor/preview", post(api_preview))
}

impl From<EditError> for HttpError {
    fn from(error: EditError) -> Self {
        match error {
            EditError::NotFound => HttpError::NotFound,
            EditError::NotAllowed(message) => HttpError::BadRequest(message),
            EditError::Invalid(errors) => HttpError::Invalid {
                message: errors.0.values().cloned().collect::<Vec<_>>().join(" "),
                fields: errors.0,
            },
            EditError::Conflict { .. } => HttpError::Conflict(error.to_string()),
            EditError::Storage(error) => HttpError::Internal(error.to_string()),
        }
    }
}

/// Makes a changed article searchable before the editor sees the result.
async fn index(state: &AppState, saved: &Saved) -> Result<(), HttpError> {
    if !saved.changed {
        return Ok(());
    }
    state
        .index_article_changes()
        .await
        .map_err(|error| HttpError::Internal(format!("indexing {}: {error}", saved.slug)))
}

// ---------------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------------

/// `GET /editor` parameters.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ListParameters {
    #[serde(default)]
    status: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    q: String,
    /// `1` (or any non-empty value) shows only articles that need attention.
    #[serde(default)]
    attention: String,
    /// The column to order by (see [`editing::SORT_COLUMNS`]); empty: the last change.
    #[serde(default)]
    sort: String,
    /// `asc` or `desc`; empty: the column's usual direction.
    #[serde(default)]
    order: String,
    #[serde(default)]
    page: Option<String>,
}

/// A sortable column heading of the list: the query string of its link and, for the column
/// the list is ordered by, which way (`ascending`/`descending`, as `aria-sort` says it).
#[derive(Debug, Serialize)]
struct SortHeading {
    query: String,
    sorted: Option<&'static str>,
}

async fn list_page(
    State(state): State<AppState>,
    session: StaffSession,
    Query(parameters): Query<ListParameters>,
) -> Result<Html<String>, HttpError> {
    let page = match parameters.page.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=100_000).contains(p))
            .ok_or_else(|| HttpError::BadRequest(format!("invalid page {text:?}")))?,
    };
    let sort =
        editing::parse_sort(&parameters.sort, &parameters.order).map_err(HttpError::BadRequest)?;
    let query = ArticleListQuery {
        status: parameters.status.clone(),
        lang: parameters.lang.clone(),
        category: parameters.category.clone(),
        text: parameters.q.clone(),
        needs_attention: !parameters.attention.trim().is_empty(),
        sort,
        page,
    };
    let list = editing::article_list(&state.db, &query).await?;
    let categories = state.db.all_article_categories().await?;
    let languages = state.db.all_article_languages().await?;
    // The filters without the order and the page, for the column headings' links …
    let mut only_filters = form_urlencoded::Serializer::new(String::new());
    only_filters
        .append_pair("status", &parameters.status)
        .append_pair("lang", &parameters.lang)
        .append_pair("category", &parameters.category)
        .append_pair("q", &parameters.q)
        .append_pair("attention", &parameters.attention);
    let only_filters = only_filters.finish();
    // … and with the order, for the pager's.
    let order_name = if sort.descending { "desc" } else { "asc" };
    let filters = format!(
        "{only_filters}&sort={}&order={order_name}",
        editing::sort_name(sort.column)
    );
    let headings: std::collections::BTreeMap<&str, SortHeading> = editing::SORT_COLUMNS
        .iter()
        .map(|(name, column, descending_first)| {
            let current = *column == sort.column;
            // A click on the current column turns it round; on another, its usual direction.
            let descending = if current {
                !sort.descending
            } else {
                *descending_first
            };
            let order = if descending { "desc" } else { "asc" };
            let heading = SortHeading {
                query: format!("{only_filters}&sort={name}&order={order}"),
                sorted: current.then_some(if sort.descending {
                    "descending"
                } else {
                    "ascending"
                }),
            };
            (*name, heading)
        })
        .collect();
    let items: Vec<_> = list
        .items
        .iter()
        .map(|item| {
            context! { item => item, modified => crate::display::timestamp(item.modified_at) }
        })
        .collect();
    render_staff_page(
        &state,
        &session,
        Some(StaffArea::Editor),
        "editor_list.html",
        "Articles",
        context! {
            items, list, filters, parameters, headings,
            categories, languages,
            statuses => ["published", "draft", "archived"],
        },
    )
}

// ---------------------------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------------------------

/// The edit form as posted.
#[derive(Debug, Default, Deserialize)]
pub struct ArticleFormFields {
    #[serde(default)]
    title: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    category: String,
    /// The new category's name, with `category` = [`editing::NEW_CATEGORY_CHOICE`].
    #[serde(default)]
    new_category: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    aliases: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    translation_of: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    base_revision: String,
    #[serde(default)]
    from_ticket: String,
    /// Which button: `preview`, `save`, `publish`, `unpublish`, `archive`.
    #[serde(default)]
    action: String,
}

impl ArticleFormFields {
    fn into_form(self) -> (ArticleForm, String) {
        let form = ArticleForm {
            title: self.title,
            slug: self.slug,
            category: self.category,
            new_category: self.new_category,
            section: self.section,
            tags: self.tags,
            aliases: self.aliases,
            lang: self.lang,
            translation_of: self.translation_of,
            body: self.body,
            base_revision: self.base_revision.trim().parse().ok(),
            from_ticket: self.from_ticket.trim().parse().ok(),
        };
        (form, self.action)
    }
}

/// Everything the form page shows besides the form itself.
#[derive(Default)]
struct FormPage<'a> {
    article: Option<&'a Article>,
    errors: FieldErrors,
    preview_html: Option<String>,
    notice: Option<String>,
    error: Option<String>,
    old_slugs: Vec<String>,
    /// What readers said the article lacked (newest first) and how many notes it has.
    reader_notes: (Vec<ReaderNoteView>, i64),
    /// How customers describe the article: its learned phrasings, and whether it learns.
    learned: Vec<LearnedPhrasingView>,
    learning_enabled: bool,
}

/// A learned phrasing as the editor sees it.
#[derive(Debug, Serialize)]
struct LearnedPhrasingView {
    text: String,
    key: String,
    lang: String,
    visitors: usize,
    score: String,
}

async fn learned_of(
    state: &AppState,
    article: &Article,
) -> Result<(Vec<LearnedPhrasingView>, bool), HttpError> {
    let phrasings = state.db.learned_phrasings(article.id).await?;
    let switch = state.db.article_learning(article.id).await?;
    let views = phrasings
        .into_iter()
        .map(|p| LearnedPhrasingView {
            text: p.text,
            key: p.key,
            lang: p.lang,
            visitors: p.visitors,
            score: format!("{:.1}", p.score),
        })
        .collect();
    Ok((views, switch.enabled))
}

/// A reader's note as the editor lists it.
#[derive(Debug, Serialize)]
struct ReaderNoteView {
    note: String,
    lang: &'static str,
    written: String,
}

async fn reader_notes_of(
    state: &AppState,
    article: &Article,
) -> Result<(Vec<ReaderNoteView>, i64), HttpError> {
    let (notes, total) = reader_notes::notes_for_editors(&state.db, article.id).await?;
    let views = notes
        .into_iter()
        .map(|n| ReaderNoteView {
            note: n.note,
            lang: n.lang.code(),
            written: crate::display::timestamp(n.created_at),
        })
        .collect();
    Ok((views, total))
}

/// The category field: the categories of each language (the select shows the form's
/// language's; the script swaps them when the language changes), and whether the form stands
/// for a new category (chosen so, or a name its language does not use, as after a conflict).
#[derive(Debug, Serialize)]
struct CategoryField {
    choices: Vec<String>,
    by_language: std::collections::BTreeMap<String, Vec<String>>,
    new_choice: &'static str,
    is_new: bool,
    new_name: String,
}

async fn category_field(state: &AppState, form: &ArticleForm) -> Result<CategoryField, HttpError> {
    let mut by_language: std::collections::BTreeMap<String, Vec<String>> =
        std::collections::BTreeMap::new();
    for (lang, name) in state.db.article_categories_by_language().await? {
        by_language.entry(lang).or_default().push(name);
    }
    let lang = form.lang.trim();
    let choices = by_language.get(lang).cloned().unwrap_or_default();
    let chosen_new = form.category == editing::NEW_CATEGORY_CHOICE;
    let unknown = !chosen_new
        && !form.category.trim().is_empty()
        && !choices.iter().any(|c| c == form.category.trim());
    Ok(CategoryField {
        choices,
        by_language,
        new_choice: editing::NEW_CATEGORY_CHOICE,
        is_new: chosen_new || unknown,
        new_name: if unknown {
            form.category.trim().to_owned()
        } else {
            form.new_category.clone()
        },
    })
}

async fn render_form(
    state: &AppState,
    session: &StaffSession,
    form: &ArticleForm,
    page: FormPage<'_>,
) -> Result<Html<String>, HttpError> {
    let category = category_field(state, form).await?;
    let section_choices = state.db.article_sections().await?;
    let title = match page.article {
        Some(article) => format!("Edit: {}", article.title),
        None => "New article".to_owned(),
    };
    let action_url = match page.article {
        Some(article) => format!("/editor/articles/{}/edit", article.slug),
        None => "/editor/articles".to_owned(),
    };
    let has_errors = !page.errors.is_empty();
    let error = page.error.or_else(|| {
        has_errors.then(|| {
            "The article was not saved: please correct the fields marked below.".to_owned()
        })
    });
    render_staff_page(
        state,
        session,
        Some(StaffArea::Editor),
        "editor_form.html",
        &title,
        context! {
            form => form,
            article => page.article,
            errors => page.errors.0,
            preview_html => page.preview_html,
            notice => page.notice,
            error => error,
            action_url => action_url,
            old_slugs => page.old_slugs,
            reader_notes => page.reader_notes.0,
            reader_notes_total => page.reader_notes.1,
            learned => page.learned,
            learning_enabled => page.learning_enabled,
            is_new => page.article.is_none(),
            category => category,
            section_choices => section_choices,
        },
    )
}

/// `GET /editor/articles/new` parameters: a title from the content-gap report, or a
/// resolved ticket to turn into an article.
#[derive(Debug, Default, Deserialize)]
pub struct NewArticleParameters {
    #[serde(default)]
    title: String,
    #[serde(default)]
    from_ticket: String,
}

async fn new_article_page(
    State(state): State<AppState>,
    session: StaffSession,
    Query(parameters): Query<NewArticleParameters>,
) -> Result<Response, HttpError> {
    let default_language = state.config.default_language.clone();
    let mut form = ArticleForm::blank(&default_language);
    let mut notice = None;
    if !parameters.from_ticket.trim().is_empty() {
        let ticket_id = parse_ticket_id(&parameters.from_ticket)?;
        form = editing::draft_from_ticket(&state.db, ticket_id, &default_language).await?;
        notice = Some(
            "Started from the ticket's question and the agents' public replies. Rewrite it for \
             every customer and remove personal details before publishing."
                .to_owned(),
        );
    }
    if !parameters.title.trim().is_empty() {
        form.title = parameters.title.trim().to_owned();
    }
    let page = render_form(
        &state,
        &session,
        &form,
        FormPage {
            notice,
            ..FormPage::default()
        },
    )
    .await?;
    Ok(page.into_response())
}

/// Accepts `123` or a reference such as `AD-000123`.
fn parse_ticket_id(text: &str) -> Result<i64, HttpError> {
    let digits = text.trim();
    let digits = digits
        .strip_prefix("AD-")
        .or_else(|| digits.strip_prefix("ad-"))
        .unwrap_or(digits);
    digits
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| HttpError::BadRequest(format!("invalid ticket {text:?}")))
}

async fn edit_article_page(
    State(state): State<AppState>,
    session: StaffSession,
    Path(slug): Path<String>,
    Query(parameters): Query<DoneParameter>,
) -> Result<Response, HttpError> {
    let article = match editing::find_for_editing(&state.db, &slug).await? {
        ArticleLookup::Found(article) => article,
        ArticleLookup::Moved(current) => {
            return Ok(Redirect::to(&format!("/editor/articles/{current}/edit")).into_response());
        }
        ArticleLookup::Missing => return Err(HttpError::NotFound),
    };
    let form = ArticleForm::from_article(&article);
    let old_slugs = editing::old_slugs(&state.db, &article).await?;
    let reader_notes = reader_notes_of(&state, &article).await?;
    let (learned, learning_enabled) = learned_of(&state, &article).await?;
    let page = render_form(
        &state,
        &session,
        &form,
        FormPage {
            article: Some(&article),
            notice: parameters.notice(),
            old_slugs,
            reader_notes,
            learned,
            learning_enabled,
            ..FormPage::default()
        },
    )
    .await?;
    Ok(page.into_response())
}

/// `?done=…` after a successful change.
#[derive(Debug, Default, Deserialize)]
pub struct DoneParameter {
    #[serde(default)]
    done: String,
    /// The Markdown of an image just uploaded without the editor's script, to paste.
    #[serde(default)]
    image: String,
}

impl DoneParameter {
    fn notice(&self) -> Option<String> {
        // Only the Markdown of an uploaded image is shown, so a crafted link cannot put other
        // words on the page.
        let is_image_markdown = self.image.len() <= 400
            && self.image.starts_with("![")
            && self.image.ends_with(')')
            && !self.image.contains(['\n', '<', '>'])
            && crate::articles::images::exported_body(&self.image).1.len() == 1;
        if is_image_markdown {
            return Some(format!(
                "Image uploaded. Paste this into the body where it belongs: {}",
                self.image
            ));
        }
        let text = match self.done.as_str() {
            "created" => "Draft saved. Customers do not see it until it is published.",
            "saved" => "Saved.",
            "published" => "Published: customers can find it now.",
            "unpublished" => "Unpublished: it is a draft again and no longer visible to customers.",
            "archived" => "Archived: customers no longer see it; its history is kept.",
            "restored" => "Restored as a new revision.",
            "unchanged" => "Nothing had changed: no new revision was made.",
            "blocked" => "Blocked: that phrasing is no longer learned for this article.",
            "promoted" => "Added as an alias in a new revision.",
            "learning" => "Saved: the article's learning switch changed.",
            _ => return None,
        };
        Some(text.to_owned())
    }
}

fn done_word(saved: &Saved, action: EditAction, created: bool) -> &'static str {
    if !saved.changed {
        return "unchanged";
    }
    match action {
        EditAction::Publish => "published",
        EditAction::Unpublish => "unpublished",
        EditAction::Archive => "archived",
        EditAction::Save if created => "created",
        EditAction::Save => "saved",
    }
}

/// Renders the form again with the preview, saving nothing (the form works without scripts).
async fn preview_response(
    state: &AppState,
    session: &StaffSession,
    form: &ArticleForm,
    article: Option<&Article>,
) -> Result<Response, HttpError> {
    let rendered = editing::render_for_customers(&form.body, &form.lang, &form.slug);
    let page = render_form(
        state,
        session,
        form,
        FormPage {
            article,
            preview_html: Some(rendered.html),
            notice: Some("Preview only: nothing was saved yet.".to_owned()),
            ..FormPage::default()
        },
    )
    .await?;
    Ok(page.into_response())
}

fn parse_action(action: &str) -> Result<Option<EditAction>, HttpError> {
    if action == "preview" {
        return Ok(None);
    }
    EditAction::parse(action)
        .map(Some)
        .ok_or_else(|| HttpError::BadRequest(format!("unknown action {action:?}")))
}

async fn create_article(
    State(state): State<AppState>,
    session: StaffSession,
    Form(fields): Form<ArticleFormFields>,
) -> Result<Response, HttpError> {
    let (form, action) = fields.into_form();
    let Some(action) = parse_action(&action)? else {
        return preview_response(&state, &session, &form, None).await;
    };
    match editing::create_article(&state.db, &session.user, &form, action).await {
        Ok(saved) => {
            index(&state, &saved).await?;
            let done = done_word(&saved, action, true);
            Ok(
                Redirect::to(&format!("/editor/articles/{}/edit?done={done}", saved.slug))
                    .into_response(),
            )
        }
        Err(EditError::Invalid(errors)) => {
            let page = render_form(
                &state,
                &session,
                &form,
                FormPage {
                    errors,
                    ..FormPage::default()
                },
            )
            .await?;
            // An invalid form is 422 everywhere.
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

async fn update_article(
    State(state): State<AppState>,
    session: StaffSession,
    Path(slug): Path<String>,
    Form(fields): Form<ArticleFormFields>,
) -> Result<Response, HttpError> {
    let (form, action) = fields.into_form();
    let stored = state
        .db
        .find_article_by_slug(&slug)
        .await?
        .ok_or(HttpError::NotFound)?;
    let Some(action) = parse_action(&action)? else {
        return preview_response(&state, &session, &form, Some(&stored)).await;
    };
    if form.base_revision.is_none() {
        return Err(HttpError::BadRequest(
            "The form does not say which revision it was based on; reload the page.".into(),
        ));
    }
    match editing::update_article(&state.db, &session.user, &slug, &form, action).await {
        Ok(saved) => {
            index(&state, &saved).await?;
            let done = done_word(&saved, action, false);
            Ok(
                Redirect::to(&format!("/editor/articles/{}/edit?done={done}", saved.slug))
                    .into_response(),
            )
        }
        Err(EditError::Invalid(errors)) => {
            let old_slugs = editing::old_slugs(&state.db, &stored).await?;
            let page = render_form(
                &state,
                &session,
                &form,
                FormPage {
                    article: Some(&stored),
                    errors,
                    old_slugs,
                    ..FormPage::default()
                },
            )
            .await?;
            // An invalid form is 422 everywhere.
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(EditError::Conflict { stored, theirs }) => {
            conflict_response(&state, &session, &form, &stored, &theirs)
        }
        Err(error) => Err(error.into()),
    }
}

/// `409`: the article changed since this editor opened it. Shows their version, the stored
/// one and the difference; nothing was written.
fn conflict_response(
    state: &AppState,
    session: &StaffSession,
    submitted: &ArticleForm,
    stored: &Article,
    theirs: &crate::articles::ArticleSource,
) -> Result<Response, HttpError> {
    let stored_document = editing::document_of(stored);
    let their_document = editing::document_of_source(theirs);
    let diff = editing::diff_documents(&stored_document, &their_document);
    let retry = editing::form_over_current(theirs, stored);
    let page = render_staff_page(
        state,
        session,
        Some(StaffArea::Editor),
        "editor_conflict.html",
        &format!("Changed meanwhile: {}", stored.title),
        context! {
            stored => stored,
            based_on => submitted.base_revision,
            stored_document, their_document, diff,
            their_body => &submitted.body,
            retry => retry,
            error => format!(
                "Someone else saved this article (now revision {}) after you opened revision {}. \
                 Your changes were not saved and nothing was overwritten.",
                stored.revision,
                submitted.base_revision.unwrap_or_default()
            ),
        },
    )?;
    Ok((StatusCode::CONFLICT, page).into_response())
}

// ---------------------------------------------------------------------------------------------
// Revisions
// ---------------------------------------------------------------------------------------------

/// `GET /editor/articles/{slug}/revisions` parameters: the two revisions to compare.
#[derive(Debug, Default, Deserialize)]
pub struct RevisionParameters {
    from: Option<String>,
    to: Option<String>,
    #[serde(default)]
    done: String,
}

async fn revisions_page(
    State(state): State<AppState>,
    session: StaffSession,
    Path(slug): Path<String>,
    Query(parameters): Query<RevisionParameters>,
) -> Result<Response, HttpError> {
    let article = match editing::find_for_editing(&state.db, &slug).await? {
        ArticleLookup::Found(article) => article,
        ArticleLookup::Moved(current) => {
            return Ok(
                Redirect::to(&format!("/editor/articles/{current}/revisions")).into_response(),
            );
        }
        ArticleLookup::Missing => return Err(HttpError::NotFound),
    };
    let revisions = editing::revision_history(&state.db, &article.slug).await?;
    let parse = |value: &Option<String>, name: &str| -> Result<Option<i64>, HttpError> {
        match value.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|_| HttpError::BadRequest(format!("invalid {name} revision {text:?}"))),
        }
    };
    let latest = revisions
        .first()
        .map(|r| r.revision)
        .unwrap_or(article.revision);
    let to = parse(&parameters.to, "to")?.unwrap_or(latest);
    let from = parse(&parameters.from, "from")?.unwrap_or((to - 1).max(1));
    let find = |number: i64| revisions.iter().find(|r| r.revision == number);
    let (Some(from_revision), Some(to_revision)) = (find(from), find(to)) else {
        return Err(HttpError::NotFound);
    };
    let diff = editing::diff_documents(&from_revision.document, &to_revision.document);
    let rows: Vec<_> = revisions
        .iter()
        .map(|r| {
            context! {
                revision => r.revision, author => &r.author, action => &r.action,
                created => crate::display::timestamp(r.created_at),
            }
        })
        .collect();
    let notice = DoneParameter {
        done: parameters.done.clone(),
        image: String::new(),
    }
    .notice();
    let page = render_staff_page(
        &state,
        &session,
        Some(StaffArea::Editor),
        "editor_revisions.html",
        &format!("History: {}", article.title),
        context! {
            article => article.as_ref(), rows, diff, from, to, notice,
            same => from == to,
        },
    )?;
    Ok(page.into_response())
}

/// The restore button's form.
#[derive(Debug, Default, Deserialize)]
pub struct RestoreForm {
    #[serde(default)]
    base_revision: String,
}

async fn restore_revision(
    State(state): State<AppState>,
    session: StaffSession,
    Path((slug, revision)): Path<(String, i64)>,
    Form(form): Form<RestoreForm>,
) -> Result<Response, HttpError> {
    let base_revision: i64 = form.base_revision.trim().parse().map_err(|_| {
        HttpError::BadRequest("The form does not say which revision it was based on.".into())
    })?;
    match editing::restore_revision(&state.db, &session.user, &slug, revision, base_revision).await
    {
        Ok(saved) => {
            index(&state, &saved).await?;
            let done = if saved.changed {
                "restored"
            } else {
                "unchanged"
            };
            Ok(Redirect::to(&format!(
                "/editor/articles/{}/revisions?done={done}",
                saved.slug
            ))
            .into_response())
        }
        Err(EditError::Conflict { stored, .. }) => Err(HttpError::Conflict(format!(
            "The article changed (now revision {}) since you opened its history; nothing was \
             restored. Reload the history and try again.",
            stored.revision
        ))),
        Err(error) => Err(error.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// How customers describe the article
// ---------------------------------------------------------------------------------------------

/// `POST /editor/articles/{slug}/learned/block` form.
#[derive(Debug, Default, Deserialize)]
pub struct BlockForm {
    #[serde(default)]
    key: String,
}

/// The stored article an editor acts on by slug.
async fn article_by_slug(state: &AppState, slug: &str) -> Result<Article, HttpError> {
    match editing::find_for_editing(&state.db, slug).await? {
        ArticleLookup::Found(article) => Ok(*article),
        _ => Err(HttpError::NotFound),
    }
}

/// Tallies the article again now, so the editor's change shows (and reaches search) at once.
async fn retally_now(state: &AppState, article: &Article) -> Result<(), HttpError> {
    crate::deflection::learning_job::retally(
        &state.db,
        &[article.id],
        &crate::deflection::learning::LearningSettings::default(),
        crate::storage::now_millis(),
    )
    .await?;
    state
        .index_article_changes()
        .await
        .map_err(|error| HttpError::Internal(format!("indexing {}: {error}", article.slug)))
}

/// `POST /editor/articles/{slug}/learned/block`: this phrasing never comes back.
async fn block_learned_phrasing(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Form(form): Form<BlockForm>,
) -> Result<Response, HttpError> {
    let article = article_by_slug(&state, &slug).await?;
    let key = form.key.trim();
    if key.is_empty() || key.chars().count() > 400 {
        return Err(HttpError::BadRequest(
            "The form does not say which phrasing to block.".into(),
        ));
    }
    state.db.block_phrasing(article.id, key).await?;
    retally_now(&state, &article).await?;
    Ok(Redirect::to(&format!(
        "/editor/articles/{}/edit?done=blocked",
        article.slug
    ))
    .into_response())
}

/// `POST /editor/articles/{slug}/learned/promote` form.
#[derive(Debug, Default, Deserialize)]
pub struct PromoteForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    base_revision: String,
}

/// `POST /editor/articles/{slug}/learned/promote`: the phrasing becomes one of the article's
/// aliases through the usual edit (a new revision), and stops being learned beside it.
async fn promote_learned_phrasing(
    State(state): State<AppState>,
    session: StaffSession,
    Path(slug): Path<String>,
    Form(form): Form<PromoteForm>,
) -> Result<Response, HttpError> {
    let article = article_by_slug(&state, &slug).await?;
    let base_revision: i64 = form.base_revision.trim().parse().map_err(|_| {
        HttpError::BadRequest("The form does not say which revision it was based on.".into())
    })?;
    let phrasing = state
        .db
        .learned_phrasings(article.id)
        .await?
        .into_iter()
        .find(|p| p.key == form.key.trim())
        .ok_or_else(|| {
            HttpError::BadRequest(
                "That phrasing is not learned for this article (any more).".into(),
            )
        })?;
    let mut edit = ArticleForm::from_article(&article);
    edit.base_revision = Some(base_revision);
    if !edit.aliases.is_empty() {
        edit.aliases.push('\n');
    }
    edit.aliases.push_str(&phrasing.text);
    match editing::update_article(&state.db, &session.user, &slug, &edit, EditAction::Save).await {
        Ok(saved) => {
            index(&state, &saved).await?;
            state.db.block_phrasing(article.id, &phrasing.key).await?;
            retally_now(&state, &article).await?;
            Ok(Redirect::to(&format!(
                "/editor/articles/{}/edit?done=promoted",
                saved.slug
            ))
            .into_response())
        }
        Err(EditError::Conflict { stored, .. }) => Err(HttpError::Conflict(format!(
            "The article changed (now revision {}) since you opened it; nothing was changed. \
             Reload the page and try again.",
            stored.revision
        ))),
        Err(EditError::Invalid(errors)) => Err(HttpError::BadRequest(format!(
            "The phrasing cannot become an alias: {}",
            errors.0.values().cloned().collect::<Vec<_>>().join(" ")
        ))),
        Err(error) => Err(error.into()),
    }
}

/// `POST /editor/articles/{slug}/learning` form.
#[derive(Debug, Default, Deserialize)]
pub struct LearningForm {
    #[serde(default)]
    enabled: String,
}

/// `POST /editor/articles/{slug}/learning`: turns learning on or off for the article; off
/// drops what it learned.
async fn switch_learning(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Form(form): Form<LearningForm>,
) -> Result<Response, HttpError> {
    let article = article_by_slug(&state, &slug).await?;
    let enabled = match form.enabled.as_str() {
        "on" => true,
        "off" => false,
        _ => {
            return Err(HttpError::BadRequest(
                "Say whether learning is to be on or off.".into(),
            ));
        }
    };
    state.db.set_article_learning(article.id, enabled).await?;
    retally_now(&state, &article).await?;
    Ok(Redirect::to(&format!(
        "/editor/articles/{}/edit?done=learning",
        article.slug
    ))
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// The live preview
// ---------------------------------------------------------------------------------------------

/// `POST /api/editor/preview` body.
#[derive(Debug, Default, Deserialize)]
pub struct PreviewRequest {
    #[serde(default)]
    markdown: String,
    #[serde(default)]
    lang: String,
    #[serde(default)]
    slug: String,
}

/// `POST /api/editor/preview` answer.
#[derive(Debug, Serialize)]
pub struct PreviewResponse {
    /// Sanitised HTML, exactly what customers would see.
    html: String,
    headings: Vec<String>,
}

async fn api_preview(
    body: Result<Json<PreviewRequest>, JsonRejection>,
) -> Result<Json<PreviewResponse>, HttpError> {
    let Json(request) = body.map_err(|rejection| HttpError::from_json_rejection(&rejection))?;
    let rendered = editing::render_for_customers(&request.markdown, &request.lang, &request.slug);
    Ok(Json(PreviewResponse {
        html: rendered.html,
        headings: rendered.headings,
    }))
}
