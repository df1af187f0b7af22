//! An article's revisions and the line diff between any two.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use crate::storage::{Database, StorageError, StoredRevision};

/// Every revision of an article, newest first.
pub async fn revision_history(
    db: &Database,
    slug: &str,
) -> Result<Vec<StoredRevision>, StorageError> {
    db.article_revisions(slug).await
}

/// One line of a diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    /// `added`, `removed` or `unchanged`.
    pub kind: &'static str,
    /// 1-based line number in the old text, when the line is there.
    pub old_number: Option<usize>,
    /// 1-based line number in the new text, when the line is there.
    pub new_number: Option<usize>,
    pub text: String,
}

/// A run of changed lines with a little unchanged context around it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffHunk {
    pub lines: Vec<DiffLine>,
}

/// A line diff of two documents, grouped into hunks with three lines of context.
/// Empty when the texts are equal.
pub fn diff_documents(old: &str, new: &str) -> Vec<DiffHunk> {
    let diff = TextDiff::from_lines(old, new);
    diff.grouped_ops(3)
        .iter()
        .map(|group| DiffHunk {
            lines: group
                .iter()
                .flat_map(|op| diff.iter_changes(op))
                .map(|change| DiffLine {
                    kind: match change.tag() {
                        ChangeTag::Delete => "removed",
                        ChangeTag::Insert => "added",
                        ChangeTag::Equal => "unchanged",
                    },
                    old_number: change.old_index().map(|i| i + 1),
                    new_number: change.new_index().map(|i| i + 1),
                    text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_marks_added_and_removed_lines_with_their_numbers() {
        let hunks = diff_documents("one\ntwo\nthree\n", "one\n2\nthree\nfour\n");
        let lines: Vec<(&str, &str)> = hunks
            .iter()
            .flat_map(|h| h.lines.iter().map(|l| (l.kind, l.text.as_str())))
            .collect();
        assert!(lines.contains(&("removed", "two")), "{lines:?}");
        assert!(lines.contains(&("added", "2")), "{lines:?}");
        assert!(lines.contains(&("added", "four")), "{lines:?}");
        assert!(diff_documents("same\n", "same\n").is_empty());
    }
}
