//! Article images on the way out to Markdown files and back in.
//!
//! Stored Markdown shows an uploaded image as `](/article-images/<sha256>.<ext>)`; an export
//! writes the file to `images/<sha256>.<ext>` beside the article and refers to it relatively,
//! and an import turns such a reference back (keeping the file in the store), so importing an
//! export changes nothing. Other relative images stay relative (served from the content
//! directory).

use crate::attachments::ContentHash;

const SERVED_PREFIX: &str = "](/article-images/";
const EXPORTED_PREFIX: &str = "](images/";
const EXTENSIONS: [&str; 4] = ["png", "jpg", "gif", "webp"];

/// One image a body refers to: its hash and extension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    pub hash: ContentHash,
    pub extension: &'static str,
}

impl ImageRef {
    /// Its file name: `<sha256>.<ext>`.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.hash.as_str(), self.extension)
    }
}

/// Replaces every `from<sha256>.<ext>` image reference with `to<sha256>.<ext>`; returns the
/// new text and the images found (each once, in order).
fn swap_prefix(markdown: &str, from: &str, to: &str) -> (String, Vec<ImageRef>) {
    let mut out = String::with_capacity(markdown.len());
    let mut found: Vec<ImageRef> = Vec::new();
    let mut rest = markdown;
    while let Some(at) = rest.find(from) {
        out.push_str(&rest[..at]);
        let after = &rest[at + from.len()..];
        match parse_file_name(after) {
            Some((image, length)) => {
                out.push_str(to);
                out.push_str(&after[..length]);
                if !found.contains(&image) {
                    found.push(image);
                }
                rest = &after[length..];
            }
            None => {
                out.push_str(from);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, found)
}

/// `<sha256>.<ext>` at the start of `text`, ended by `)`, a space or a quote.
fn parse_file_name(text: &str) -> Option<(ImageRef, usize)> {
    let hash = ContentHash::parse(text.get(..64)?)?;
    let tail = text.get(64..)?.strip_prefix('.')?;
    let extension = EXTENSIONS.into_iter().find(|ext| {
        tail.strip_prefix(ext)
            .is_some_and(|end| end.starts_with([')', ' ', '"']))
    })?;
    Some((ImageRef { hash, extension }, 65 + extension.len()))
}

/// The Markdown as exported: uploaded images refer to `images/…` beside the file.
pub fn exported_body(markdown: &str) -> (String, Vec<ImageRef>) {
    swap_prefix(markdown, SERVED_PREFIX, EXPORTED_PREFIX)
}

/// The Markdown as stored after import: `images/<sha256>.<ext>` refers to the served image.
pub fn imported_body(markdown: &str) -> (String, Vec<ImageRef>) {
    swap_prefix(markdown, EXPORTED_PREFIX, SERVED_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exported_body_refers_to_images_beside_it_and_imports_back_the_same() {
        let hash = "ab".repeat(32);
        let stored = format!(
            "Look: ![menu](/article-images/{hash}.png) and ![again](/article-images/{hash}.png \"t\")\n\
             ![flow](../images/flow.svg) ![bad](/article-images/{hash}.svg)"
        );
        let (exported, images) = exported_body(&stored);
        assert_eq!(images.len(), 1);
        assert_eq!(images[0].file_name(), format!("{hash}.png"));
        assert!(exported.contains(&format!("![menu](images/{hash}.png)")));
        assert!(exported.contains("![flow](../images/flow.svg)"));
        assert!(exported.contains(&format!("![bad](/article-images/{hash}.svg)")));
        let (back, again) = imported_body(&exported);
        assert_eq!(back, stored);
        assert_eq!(again, images);
    }

    #[test]
    fn relative_images_not_named_by_a_hash_stay_as_they_are() {
        let body = "![a](images/screenshot.png) ![b](images/abc.png)";
        assert_eq!(imported_body(body), (body.to_owned(), Vec::new()));
    }
}
