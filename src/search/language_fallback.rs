//! The one language rule of customer search: the customer's language first, every language
//! only when nothing in theirs fits. Suggestions, the results page and the request form all
//! go through here, so a customer typing Latvian on an English page is still helped.

use super::{SearchError, SearchIndex, SearchResults, SuggestRequest, Suggestion};

impl SearchIndex {
    /// Confident suggestions in `request.lang`, else in every language.
    pub fn suggest_in_language_first(
        &self,
        request: &SuggestRequest<'_>,
    ) -> Result<Vec<Suggestion>, SearchError> {
        language_first(request, Vec::is_empty, |r| self.suggest_articles(r))
    }

    /// Ranked results in `request.lang`, else in every language.
    pub fn search_in_language_first(
        &self,
        request: &SuggestRequest<'_>,
    ) -> Result<SearchResults, SearchError> {
        language_first(
            request,
            |r: &SearchResults| r.total == 0,
            |r| self.search_articles(r),
        )
    }
}

fn language_first<T>(
    request: &SuggestRequest<'_>,
    found_nothing: impl Fn(&T) -> bool,
    run: impl Fn(&SuggestRequest<'_>) -> Result<T, SearchError>,
) -> Result<T, SearchError> {
    let found = run(request)?;
    if request.lang.is_some() && found_nothing(&found) {
        return run(&SuggestRequest {
            lang: None,
            ..*request
        });
    }
    Ok(found)
}
