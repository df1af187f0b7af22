//! Editing articles from the staff side: validating the editor's form, saving with optimistic
//! locking on the revision number, publishing, restoring, old-slug redirects and drafts started
//! from a ticket. [`revisions`] holds revision history and diffs; [`article_list`] the editors'
//! list with "needs attention".
//!
//! Knows nothing of HTTP or of the search index: when [`Saved::changed`], callers bring the
//! index up to the database (it follows changes by article id, so a rename needs nothing more).

use serde::Serialize;

use super::{
    Article, ArticleSource, ArticleStatus, LanguageCode, LinkContext, MAX_SECTION_CHARS,
    RenderedArticle, Slug, parse_article, render_markdown, write_article,
};
use crate::accounts::{StaffUser, record_audit};

mod article_list;
mod revisions;

use crate::storage::{Database, EditorWrite, GuardedUpdate, StorageError};
pub use article_list::{
    ATTENTION_MIN_TICKETS, ATTENTION_MIN_VOTES, ATTENTION_NO_PERCENT, ArticleListItem,
    ArticleListPage, ArticleListQuery, LIST_PAGE_SIZE, SORT_COLUMNS, article_list,
    attention_reasons, parse_sort, sort_name,
};
pub use revisions::{DiffHunk, DiffLine, diff_documents, revision_history};

const MAX_TITLE_CHARS: usize = 200;
const MAX_CATEGORY_CHARS: usize = 100;

/// The category field's value that means "a new category, named in `new_category`": a new
/// category is an explicit choice, so a typo cannot quietly add one to the home page.
pub const NEW_CATEGORY_CHOICE: &str = "+new";

/// Everything the editor typed, kept exactly as typed so a form with errors comes back intact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ArticleForm {
    pub title: String,
    /// Empty on a new article: made from the title.
    pub slug: String,
    /// One of the categories articles of the language already use, empty for none, or
    /// [`NEW_CATEGORY_CHOICE`].
    pub category: String,
    /// The name of the new category, when `category` is [`NEW_CATEGORY_CHOICE`].
    pub new_category: String,
    /// A group within the category (optional).
    pub section: String,
    /// Comma-separated.
    pub tags: String,
    /// One per line.
    pub aliases: String,
    pub lang: String,
    /// The slug of the original, when this article is a translation.
    pub translation_of: String,
    pub body: String,
    /// The revision the editor started from; `None` for a new article.
    pub base_revision: Option<i64>,
    /// The ticket this draft was started from, if any (for the audit log).
    pub from_ticket: Option<i64>,
}

impl ArticleForm {
    /// An empty form for a new article.
    pub fn blank(default_language: &str) -> ArticleForm {
        ArticleForm {
            lang: default_language.to_owned(),
            ..ArticleForm::default()
        }
    }

    /// The form filled with a stored article, based on its current revision.
    pub fn from_article(article: &Article) -> ArticleForm {
        ArticleForm {
            title: article.title.clone(),
            slug: article.slug.clone(),
            category: article.category.clone(),
            new_category: String::new(),
            section: article.section.clone(),
            tags: article.tags.join(", "),
            aliases: article.aliases.join("\n"),
            lang: article.lang.clone(),
            translation_of: article.translation_of.clone().unwrap_or_default(),
            body: article.body_markdown.clone(),
            base_revision: Some(article.revision),
            from_ticket: None,
        }
    }

    /// The form filled from a document (a stored revision), keeping `base_revision`.
    fn from_source(source: &ArticleSource, base_revision: Option<i64>) -> ArticleForm {
        ArticleForm {
            title: source.title.clone(),
            slug: source.slug.to_string(),
            category: source.category.clone(),
            new_category: String::new(),
            section: source.section.clone(),
            tags: source.tags.join(", "),
            aliases: source.aliases.join("\n"),
            lang: source.lang.to_string(),
            translation_of: source
                .translation_of
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_default(),
            body: source.body_markdown.clone(),
            base_revision,
            from_ticket: None,
        }
    }
}

/// Problems with the form, by field name (`title`, `slug`, `body`, …).
pub use crate::field_errors::FieldErrors;

/// What the editor asked for with the button they pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditAction {
    /// Save, keeping the status (a new article starts as a draft).
    Save,
    /// Save and make visible to customers.
    Publish,
    /// Save and take back to draft.
    Unpublish,
    /// Save and retire: kept with its history, never shown to customers.
    Archive,
}

impl EditAction {
    /// The form's `action` value.
    pub fn parse(value: &str) -> Option<EditAction> {
        match value {
            "save" | "save_draft" => Some(EditAction::Save),
            "publish" => Some(EditAction::Publish),
            "unpublish" => Some(EditAction::Unpublish),
            "archive" => Some(EditAction::Archive),
            _ => None,
        }
    }

    fn status_after(self, current: Option<ArticleStatus>) -> ArticleStatus {
        match self {
            EditAction::Save => current.unwrap_or(ArticleStatus::Draft),
            EditAction::Publish => ArticleStatus::Published,
            EditAction::Unpublish => ArticleStatus::Draft,
            EditAction::Archive => ArticleStatus::Archived,
        }
    }

    /// The word kept with the revision and, as `article.<word>`, in the audit log.
    fn verb(self, created: bool) -> &'static str {
        match (self, created) {
            (EditAction::Publish, _) => "publish",
            (EditAction::Unpublish, _) => "unpublish",
            (EditAction::Archive, _) => "archive",
            (EditAction::Save, true) => "create",
            (EditAction::Save, false) => "save",
        }
    }
}

/// Why an edit was not stored.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("the form has errors")]
    Invalid(FieldErrors),
    /// Someone saved the article after this editor loaded it: nothing was written.
    #[error("the article changed since you opened it (now revision {})", stored.revision)]
    Conflict {
        /// The article as stored now.
        stored: Box<Article>,
        /// What this editor tried to save, as a document.
        theirs: Box<ArticleSource>,
    },
    #[error("no such article")]
    NotFound,
    /// A request that cannot be done in this state (e.g. a ticket that is not resolved).
    #[error("{0}")]
    NotAllowed(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// What a successful edit did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub slug: String,
    /// The slug before this change, when it changed.
    pub previous_slug: Option<String>,
    pub revision: i64,
    pub status: ArticleStatus,
    /// `false` when the content was identical to what is stored (no new revision).
    pub changed: bool,
}

/// Renders Markdown exactly as customers will see it (the same function renders stored
/// articles), with relative links resolved from where the article's file would live.
pub fn render_for_customers(markdown: &str, lang: &str, slug: &str) -> RenderedArticle {
    let lang = LanguageCode::parse(lang)
        .map(|l| l.to_string())
        .unwrap_or_else(|_| "en".to_owned());
    let slug = Slug::parse(slug)
        .map(|s| s.to_string())
        .unwrap_or_else(|_| "article".to_owned());
    let source_path = format!("{lang}/{slug}.md");
    render_markdown(
        markdown,
        &LinkContext {
            source_path: &source_path,
            slugs_by_path: None,
        },
    )
}

fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// Checks the form and turns it into the document to store, in the canonical form an
/// export would write (so export → import changes nothing).
async fn validate(
    db: &Database,
    form: &ArticleForm,
    editing: Option<&Article>,
    status: ArticleStatus,
) -> Result<ArticleSource, EditError> {
    let mut errors = FieldErrors::default();
    let title = single_line(&form.title);
    if title.is_empty() {
        errors.add("title", "Give the article a title.");
    } else if title.chars().count() > MAX_TITLE_CHARS {
        errors.add(
            "title",
            format!("Keep the title under {MAX_TITLE_CHARS} characters."),
        );
    }
    let slug = if form.slug.trim().is_empty() && editing.is_none() {
        Some(Slug::from_title(&title))
    } else {
        match Slug::parse(&form.slug) {
            Ok(slug) => Some(slug),
            Err(message) => {
                errors.add("slug", message);
                None
            }
        }
    };
    let lang = match LanguageCode::parse(&form.lang) {
        Ok(lang) => Some(lang),
        Err(message) => {
            errors.add("lang", message);
            None
        }
    };
    let category = match &lang {
        Some(lang) => {
            let known = db.article_categories_by_language().await?;
            let known: Vec<&str> = known
                .iter()
                .filter(|(l, _)| l == lang.as_str())
                .map(|(_, name)| name.as_str())
                .collect();
            chosen_category(form, &known, lang.as_str(), &mut errors)
        }
        None => single_line(&form.category),
    };
    if category.chars().count() > MAX_CATEGORY_CHARS {
        errors.add(
            "category",
            format!("Keep the category under {MAX_CATEGORY_CHARS} characters."),
        );
    }
    let section = single_line(&form.section);
    if section.chars().count() > MAX_SECTION_CHARS {
        errors.add(
            "section",
            format!("Keep the section under {MAX_SECTION_CHARS} characters."),
        );
    } else if !section.is_empty() && category.is_empty() {
        errors.add(
            "section",
            "A section groups articles within a category: choose a category too, or leave the section empty.",
        );
    }
    let mut tags: Vec<String> = Vec::new();
    for tag in form.tags.split(',').map(|t| single_line(t).to_lowercase()) {
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let aliases: Vec<String> = form
        .aliases
        .lines()
        .map(single_line)
        .filter(|a| !a.is_empty())
        .collect();
    let translation_of = if form.translation_of.trim().is_empty() {
        None
    } else {
        match Slug::parse(&form.translation_of) {
            Err(message) => {
                errors.add("translation_of", message);
                None
            }
            Ok(original) if Some(&original) == slug.as_ref() => {
                errors.add(
                    "translation_of",
                    "An article cannot be a translation of itself.",
                );
                None
            }
            Ok(original) => {
                if db.find_article_by_slug(original.as_str()).await?.is_none() {
                    errors.add(
                        "translation_of",
                        format!("No article has the slug {:?}.", original.as_str()),
                    );
                }
                Some(original)
            }
        }
    };
    if status == ArticleStatus::Published && form.body.trim().is_empty() {
        errors.add("body", "Write the article before publishing it.");
    }
    if let Some(slug) = &slug {
        let taken = db
            .find_article_by_slug(slug.as_str())
            .await?
            .is_some_and(|other| editing.is_none_or(|this| this.id != other.id));
        if taken {
            errors.add(
                "slug",
                format!("Another article already uses the slug {:?}.", slug.as_str()),
            );
        }
    }
    let (Some(slug), Some(lang)) = (slug, lang) else {
        return Err(EditError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(EditError::Invalid(errors));
    }
    let source = ArticleSource {
        slug,
        title,
        category,
        section,
        tags,
        lang,
        aliases,
        status,
        translation_of,
        updated: editing.and_then(|a| a.editor_updated.as_deref()?.parse().ok()),
        body_markdown: form.body.clone(),
    };
    let mut source = canonical(&source)?;
    // The date customers see moves when the words change, not when only the status does.
    let words_changed =
        editing.is_none_or(|a| a.title != source.title || a.body_markdown != source.body_markdown);
    if words_changed {
        source.updated = Some(today());
    }
    Ok(source)
}

/// The category the form chose, given the categories articles of its language use
/// (`known`). A name the language does not use yet is taken only with the explicit "new
/// category" choice; otherwise it is an error on `category`. A name that matches a known
/// category but for case, spaces or accents (one category slug) is that category, spelled
/// as it already is.
fn chosen_category(
    form: &ArticleForm,
    known: &[&str],
    lang: &str,
    errors: &mut FieldErrors,
) -> String {
    let existing = |name: &str| {
        let slug = Slug::from_title(name);
        known
            .iter()
            .find(|k| Slug::from_title(k) == slug)
            .map(|k| (*k).to_owned())
    };
    let new_name = single_line(&form.new_category);
    if form.category == NEW_CATEGORY_CHOICE {
        if new_name.is_empty() {
            errors.add(
                "new_category",
                "Name the new category, or pick an existing one under Category.",
            );
            return String::new();
        }
        return existing(&new_name).unwrap_or(new_name);
    }
    let name = single_line(&form.category);
    if !new_name.is_empty() {
        errors.add(
            "new_category",
            format!(
                "To create the category {new_name:?}, choose \"New category…\" under Category."
            ),
        );
    }
    if name.is_empty() {
        return name;
    }
    match existing(&name) {
        Some(known) => known,
        None => {
            errors.add(
                "category",
                format!(
                    "Category: no {lang} article uses the category {name:?}. Pick one from the \
                     list, or choose \"New category…\" to create it."
                ),
            );
            name
        }
    }
}

/// The document as it reads back from its file form (body line endings and blank lines
/// normalised), so what is stored is exactly what an export writes.
fn canonical(source: &ArticleSource) -> Result<ArticleSource, EditError> {
    parse_article(
        &write_article(source),
        source.slug.as_str(),
        source.lang.as_str(),
    )
    .map_err(|error| {
        let mut errors = FieldErrors::default();
        errors.add("body", error.message);
        EditError::Invalid(errors)
    })
}

/// Creates an article from the form: a draft (`Save`) or published at once (`Publish`).
pub async fn create_article(
    db: &Database,
    user: &StaffUser,
    form: &ArticleForm,
    action: EditAction,
) -> Result<Saved, EditError> {
    let status = action.status_after(None);
    let source = validate(db, form, None, status).await?;
    let rendered = render_for_customers(
        &source.body_markdown,
        source.lang.as_str(),
        source.slug.as_str(),
    );
    let verb = action.verb(true);
    let write = EditorWrite {
        source: &source,
        rendered: &rendered,
        author: &user.email,
        action: if verb == "create" { "created" } else { verb },
    };
    if db.insert_new_article(&write).await?.is_none() {
        let mut errors = FieldErrors::default();
        errors.add(
            "slug",
            format!(
                "Another article already uses the slug {:?}.",
                source.slug.as_str()
            ),
        );
        return Err(EditError::Invalid(errors));
    }
    let mut details = format!("created as {}", status.as_str());
    if let Some(ticket) = form.from_ticket {
        details.push_str(&format!(
            " from ticket {}",
            crate::tickets::filing::reference_of(ticket)
        ));
    }
    record_audit(
        db,
        Some(user),
        &format!("article.{verb}"),
        source.slug.as_str(),
        &details,
    )
    .await?;
    Ok(Saved {
        slug: source.slug.to_string(),
        previous_slug: None,
        revision: 1,
        status,
        changed: true,
    })
}

/// Saves the form over the article now at `slug`, only if nobody saved since the revision
/// the form was based on; otherwise [`EditError::Conflict`] and nothing is written.
pub async fn update_article(
    db: &Database,
    user: &StaffUser,
    slug: &str,
    form: &ArticleForm,
    action: EditAction,
) -> Result<Saved, EditError> {
    let stored = db
        .find_article_by_slug(slug)
        .await?
        .ok_or(EditError::NotFound)?;
    let status = action.status_after(Some(stored.status));
    let source = validate(db, form, Some(&stored), status).await?;
    let base_revision = form.base_revision.unwrap_or(stored.revision);
    let verb = action.verb(false);
    let revision_action = match verb {
        "save" => "saved",
        "publish" => "published",
        "unpublish" => "unpublished",
        _ => "archived",
    };
    store_guarded(
        db,
        user,
        stored,
        source,
        base_revision,
        revision_action,
        &format!("article.{verb}"),
        String::new(),
    )
    .await
}

/// The shared tail of every change to an existing article: skip it when nothing changed,
/// else write it guarded by the revision, then audit.
#[allow(clippy::too_many_arguments)]
async fn store_guarded(
    db: &Database,
    user: &StaffUser,
    stored: Article,
    source: ArticleSource,
    base_revision: i64,
    revision_action: &str,
    audit_action: &str,
    extra_details: String,
) -> Result<Saved, EditError> {
    let unchanged = stored.to_source().is_ok_and(|current| current == source);
    if unchanged {
        return Ok(Saved {
            slug: stored.slug.clone(),
            previous_slug: None,
            revision: stored.revision,
            status: stored.status,
            changed: false,
        });
    }
    let rendered = render_for_customers(
        &source.body_markdown,
        source.lang.as_str(),
        source.slug.as_str(),
    );
    let write = EditorWrite {
        source: &source,
        rendered: &rendered,
        author: &user.email,
        action: revision_action,
    };
    let outcome = db
        .update_article_if_current(stored.id, base_revision, &stored.slug, &write)
        .await?;
    let revision = match outcome {
        GuardedUpdate::Updated { revision } => revision,
        GuardedUpdate::Stale => {
            // Show what is stored now (it may have changed again since `stored` was read).
            let current = db
                .find_article_by_slug(&stored.slug)
                .await?
                .or(db.find_article_by_slug(source.slug.as_str()).await?)
                .unwrap_or(stored);
            return Err(EditError::Conflict {
                stored: Box::new(current),
                theirs: Box::new(source),
            });
        }
        GuardedUpdate::SlugTaken => {
            let mut errors = FieldErrors::default();
            errors.add(
                "slug",
                format!(
                    "Another article already uses the slug {:?}.",
                    source.slug.as_str()
                ),
            );
            return Err(EditError::Invalid(errors));
        }
    };
    let renamed = stored.slug != source.slug.as_str();
    let mut details = format!("revision {revision}, {}", source.status.as_str());
    if !extra_details.is_empty() {
        details = format!("{extra_details}; {details}");
    }
    if renamed {
        details.push_str(&format!(
            "; slug {} → {} (old address redirects)",
            stored.slug, source.slug
        ));
    }
    record_audit(db, Some(user), audit_action, source.slug.as_str(), &details).await?;
    Ok(Saved {
        slug: source.slug.to_string(),
        previous_slug: renamed.then(|| stored.slug.clone()),
        revision,
        status: source.status,
        changed: true,
    })
}

/// Brings back the words and fields of an old revision as a new revision (history is never
/// rewritten). The article keeps its current slug and status.
pub async fn restore_revision(
    db: &Database,
    user: &StaffUser,
    slug: &str,
    revision: i64,
    base_revision: i64,
) -> Result<Saved, EditError> {
    let stored = db
        .find_article_by_slug(slug)
        .await?
        .ok_or(EditError::NotFound)?;
    let old = db
        .article_revisions(slug)
        .await?
        .into_iter()
        .find(|r| r.revision == revision)
        .ok_or(EditError::NotFound)?;
    let old_source = parse_article(&old.document, &stored.slug, &stored.lang).map_err(|error| {
        EditError::NotAllowed(format!("Revision {revision} cannot be read: {error}"))
    })?;
    let mut form = ArticleForm::from_source(&old_source, Some(base_revision));
    form.slug = stored.slug.clone();
    // The old revision's category comes back even when no article uses it any more.
    if !form.category.is_empty() {
        form.new_category = std::mem::replace(&mut form.category, NEW_CATEGORY_CHOICE.to_owned());
    }
    let source = validate(db, &form, Some(&stored), stored.status).await?;
    store_guarded(
        db,
        user,
        stored,
        source,
        base_revision,
        "restored",
        "article.restore",
        format!("restored revision {revision}"),
    )
    .await
}

/// What the edit page finds at a slug.
pub enum ArticleLookup {
    Found(Box<Article>),
    /// The slug was renamed: the article's current slug.
    Moved(String),
    Missing,
}

/// The article at `slug` in any status, or where an old slug leads.
pub async fn find_for_editing(db: &Database, slug: &str) -> Result<ArticleLookup, EditError> {
    if let Some(article) = db.find_article_by_slug(slug).await? {
        return Ok(ArticleLookup::Found(Box::new(article)));
    }
    Ok(match db.redirect_target(slug).await? {
        Some(current) => ArticleLookup::Moved(current),
        None => ArticleLookup::Missing,
    })
}

/// Where a customer asking for an old slug should go: the current slug of the renamed
/// article, if it is published.
pub async fn redirected_slug(
    db: &Database,
    old_slug: &str,
) -> Result<Option<String>, StorageError> {
    let Some(current) = db.redirect_target(old_slug).await? else {
        return Ok(None);
    };
    let published = db
        .find_article_by_slug(&current)
        .await?
        .is_some_and(|a| a.status == ArticleStatus::Published);
    Ok(published.then_some(current))
}

/// The old slugs that redirect to this article.
pub async fn old_slugs(db: &Database, article: &Article) -> Result<Vec<String>, StorageError> {
    db.redirects_to_article(article.id).await
}

/// "Turn into article": a draft form from a resolved (or closed) ticket, with the
/// customer's question and the agents' public replies. Internal notes are never included.
pub async fn draft_from_ticket(
    db: &Database,
    ticket_id: i64,
    default_language: &str,
) -> Result<ArticleForm, EditError> {
    let ticket = db
        .find_ticket_by_id(ticket_id)
        .await?
        .ok_or(EditError::NotFound)?;
    if !matches!(
        ticket.status,
        crate::tickets::TicketStatus::Resolved | crate::tickets::TicketStatus::Closed
    ) {
        return Err(EditError::NotAllowed(format!(
            "Ticket {} is {}: only resolved or closed tickets can be turned into articles.",
            crate::tickets::filing::reference_of(ticket.id),
            ticket.status
        )));
    }
    let replies = db.public_agent_replies(ticket.id).await?;
    let mut body = String::from("## The question\n\n");
    body.push_str(ticket.description.trim());
    body.push_str("\n\n## The answer\n\n");
    body.push_str(
        &replies
            .iter()
            .map(|reply| reply.trim())
            .filter(|reply| !reply.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n"),
    );
    body.push('\n');
    let lang = LanguageCode::parse(&ticket.lang)
        .map(|l| l.to_string())
        .unwrap_or_else(|_| default_language.to_owned());
    Ok(ArticleForm {
        title: single_line(&ticket.subject),
        lang,
        body,
        from_ticket: Some(ticket.id),
        ..ArticleForm::default()
    })
}

/// The stored document text of an article (front matter and body), as export writes it.
pub fn document_of(article: &Article) -> String {
    match article.to_source() {
        Ok(source) => write_article(&source),
        Err(_) => article.body_markdown.clone(),
    }
}

/// The document an editor tried to save, as export would write it.
pub fn document_of_source(source: &ArticleSource) -> String {
    write_article(source)
}

/// The form again with the editor's text, based on the article as stored now: after a
/// conflict the editor can review and deliberately save their version.
pub fn form_over_current(theirs: &ArticleSource, stored: &Article) -> ArticleForm {
    let mut form = ArticleForm::from_source(theirs, Some(stored.revision));
    // The status is chosen with the button, not carried in the form.
    form.from_ticket = None;
    // Their category was checked when they saved (a known one, or explicitly new): it stays
    // chosen even if no article uses it.
    if !form.category.is_empty() {
        form.new_category = std::mem::replace(&mut form.category, NEW_CATEGORY_CHOICE.to_owned());
    }
    form
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_is_sanitised() {
        let html = render_for_customers("Hi <script>alert(1)</script>", "en", "x").html;
        assert!(!html.contains("<script"), "{html}");
    }
}
