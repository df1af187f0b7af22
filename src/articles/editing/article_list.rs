//! The editors' article list: filters, paging, and which articles need attention.

use serde::Serialize;

use crate::storage::{
    ArticleListFilter, ArticleListSort, ArticleListSortColumn, Database, StorageError,
};

/// Articles per page of the editors' list.
pub const LIST_PAGE_SIZE: i64 = 50;
/// "Needs attention": at least this many helpful votes …
pub const ATTENTION_MIN_VOTES: i64 = 3;
/// … of which at least this percentage said "no" …
pub const ATTENTION_NO_PERCENT: i64 = 50;
/// … or at least this many tickets filed by customers who had opened the article.
pub const ATTENTION_MIN_TICKETS: i64 = 3;

/// The editors' list: filters as typed in the query string (empty = any).
#[derive(Clone, Debug, Default)]
pub struct ArticleListQuery {
    pub status: String,
    pub lang: String,
    pub category: String,
    pub text: String,
    pub needs_attention: bool,
    pub sort: ArticleListSort,
    /// 1-based.
    pub page: i64,
}

/// The list's sortable columns by their name in the address (`?sort=views&order=desc`), and
/// the direction each starts in when its heading is first clicked: figures and dates
/// largest first, words A to Z.
pub const SORT_COLUMNS: [(&str, ArticleListSortColumn, bool); 9] = [
    ("title", ArticleListSortColumn::Title, false),
    ("status", ArticleListSortColumn::Status, false),
    ("lang", ArticleListSortColumn::Language, false),
    ("category", ArticleListSortColumn::Category, false),
    ("views", ArticleListSortColumn::Views, true),
    ("helpful", ArticleListSortColumn::HelpfulYes, true),
    ("unhelpful", ArticleListSortColumn::HelpfulNo, true),
    ("tickets", ArticleListSortColumn::TicketsAfterViewing, true),
    ("changed", ArticleListSortColumn::Changed, true),
];

/// The order asked for in the address: `sort` a name of [`SORT_COLUMNS`] (empty: the last
/// change, newest first), `order` `asc`, `desc` or empty (the column's usual direction).
pub fn parse_sort(sort: &str, order: &str) -> Result<ArticleListSort, String> {
    let sort = sort.trim();
    if sort.is_empty() && order.trim().is_empty() {
        return Ok(ArticleListSort::default());
    }
    let name = if sort.is_empty() { "changed" } else { sort };
    let Some((_, column, descending_first)) = SORT_COLUMNS.iter().find(|(n, ..)| *n == name) else {
        let names: Vec<&str> = SORT_COLUMNS.iter().map(|(n, ..)| *n).collect();
        return Err(format!(
            "Cannot sort by {sort:?}: sort by one of {}.",
            names.join(", ")
        ));
    };
    let descending = match order.trim() {
        "" => *descending_first,
        "asc" => false,
        "desc" => true,
        other => {
            return Err(format!("Unknown order {other:?}: use \"asc\" or \"desc\"."));
        }
    };
    Ok(ArticleListSort {
        column: *column,
        descending,
    })
}

/// The name of a sort column in the address.
pub fn sort_name(column: ArticleListSortColumn) -> &'static str {
    SORT_COLUMNS
        .iter()
        .find(|(_, c, _)| *c == column)
        .map_or("changed", |(name, ..)| *name)
}

/// One line of the editors' list.
#[derive(Clone, Debug, Serialize)]
pub struct ArticleListItem {
    pub slug: String,
    pub title: String,
    pub lang: String,
    pub category: String,
    pub status: String,
    pub revision: i64,
    pub modified_at: i64,
    pub views: i64,
    pub helpful_yes: i64,
    pub helpful_no: i64,
    pub tickets_after_viewing: i64,
    /// Why it needs attention, in words; empty when it does not.
    pub attention: Vec<String>,
}

/// One page of the editors' list.
#[derive(Clone, Debug, Serialize)]
pub struct ArticleListPage {
    pub items: Vec<ArticleListItem>,
    pub total: i64,
    pub page: i64,
    pub page_count: i64,
}

/// Why an article needs attention, given its figures (the same rule the list filter uses).
pub fn attention_reasons(helpful_yes: i64, helpful_no: i64, tickets: i64) -> Vec<String> {
    let mut reasons = Vec::new();
    let votes = helpful_yes + helpful_no;
    if votes >= ATTENTION_MIN_VOTES && 100 * helpful_no >= ATTENTION_NO_PERCENT * votes {
        reasons.push(format!(
            "{helpful_no} of {votes} readers said it did not help"
        ));
    }
    if tickets >= ATTENTION_MIN_TICKETS {
        reasons.push(format!(
            "{tickets} tickets filed by customers who had read it"
        ));
    }
    reasons
}

/// The editors' article list, filtered and paged.
pub async fn article_list(
    db: &Database,
    query: &ArticleListQuery,
) -> Result<ArticleListPage, StorageError> {
    let page = query.page.max(1);
    let filter = ArticleListFilter {
        status: query.status.trim().to_owned(),
        lang: query.lang.trim().to_owned(),
        category_slug: query.category.trim().to_owned(),
        text: query.text.clone(),
        needs_attention: query.needs_attention,
        attention_min_votes: ATTENTION_MIN_VOTES,
        attention_no_percent: ATTENTION_NO_PERCENT,
        attention_min_tickets: ATTENTION_MIN_TICKETS,
        sort: query.sort,
        limit: LIST_PAGE_SIZE,
        offset: (page - 1) * LIST_PAGE_SIZE,
    };
    let total = db.editor_article_count(&filter).await?;
    let items = db
        .editor_article_list(&filter)
        .await?
        .into_iter()
        .map(|row| ArticleListItem {
            attention: attention_reasons(
                row.helpful_yes,
                row.helpful_no,
                row.tickets_after_viewing,
            ),
            slug: row.slug,
            title: row.title,
            lang: row.lang,
            category: row.category,
            status: row.status,
            revision: row.revision,
            modified_at: row.modified_at,
            views: row.views,
            helpful_yes: row.helpful_yes,
            helpful_no: row.helpful_no,
            tickets_after_viewing: row.tickets_after_viewing,
        })
        .collect();
    Ok(ArticleListPage {
        items,
        total,
        page,
        page_count: ((total + LIST_PAGE_SIZE - 1) / LIST_PAGE_SIZE).max(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attention_needs_enough_votes_or_tickets() {
        assert!(attention_reasons(1, 1, 0).is_empty(), "too few votes");
        assert_eq!(attention_reasons(1, 2, 0).len(), 1);
        assert!(attention_reasons(3, 1, 2).is_empty());
        assert_eq!(attention_reasons(0, 0, 3).len(), 1);
    }

    #[test]
    fn a_sort_is_a_known_column_in_its_usual_direction_unless_told() {
        assert_eq!(parse_sort("", ""), Ok(ArticleListSort::default()));
        let views = parse_sort("views", "").expect("known");
        assert_eq!(views.column, ArticleListSortColumn::Views);
        assert!(views.descending, "most viewed first");
        let title = parse_sort("title", "").expect("known");
        assert!(!title.descending, "A to Z");
        assert!(parse_sort("title", "desc").expect("known").descending);
        assert!(parse_sort("views; DROP TABLE articles", "").is_err());
        assert!(parse_sort("views", "sideways").is_err());
        assert_eq!(sort_name(ArticleListSortColumn::HelpfulNo), "unhelpful");
    }
}
