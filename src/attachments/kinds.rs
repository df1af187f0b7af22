//! The types of file accepted, told from the content.

use serde::Serialize;

use super::UploadError;

/// Every type of file that may be attached. Anything else is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaType {
    Png,
    Jpeg,
    Gif,
    Webp,
    Pdf,
    /// Plain text and logs: UTF-8 without NUL bytes or markup.
    Text,
    Csv,
    Docx,
    Xlsx,
    Pptx,
    Odt,
    Ods,
    Odp,
    Doc,
    Xls,
    Ppt,
}

const ALL: [MediaType; 16] = [
    MediaType::Png,
    MediaType::Jpeg,
    MediaType::Gif,
    MediaType::Webp,
    MediaType::Pdf,
    MediaType::Text,
    MediaType::Csv,
    MediaType::Docx,
    MediaType::Xlsx,
    MediaType::Pptx,
    MediaType::Odt,
    MediaType::Ods,
    MediaType::Odp,
    MediaType::Doc,
    MediaType::Xls,
    MediaType::Ppt,
];

impl MediaType {
    /// The MIME type it is served and stored as.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Png => "image/png",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Gif => "image/gif",
            MediaType::Webp => "image/webp",
            MediaType::Pdf => "application/pdf",
            MediaType::Text => "text/plain",
            MediaType::Csv => "text/csv",
            MediaType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            MediaType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            MediaType::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            MediaType::Odt => "application/vnd.oasis.opendocument.text",
            MediaType::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            MediaType::Odp => "application/vnd.oasis.opendocument.presentation",
            MediaType::Doc => "application/msword",
            MediaType::Xls => "application/vnd.ms-excel",
            MediaType::Ppt => "application/vnd.ms-powerpoint",
        }
    }

    /// Reads the stored spelling.
    pub fn parse(mime: &str) -> Option<MediaType> {
        ALL.into_iter().find(|t| t.as_str() == mime)
    }

    /// A raster image a browser shows as a picture (never SVG, which can carry script).
    pub fn is_image(self) -> bool {
        matches!(
            self,
            MediaType::Png | MediaType::Jpeg | MediaType::Gif | MediaType::Webp
        )
    }

    /// The file extension of a raster image (`png`, `jpg`, `gif`, `webp`); `None` for others.
    pub fn image_extension(self) -> Option<&'static str> {
        match self {
            MediaType::Png => Some("png"),
            MediaType::Jpeg => Some("jpg"),
            MediaType::Gif => Some("gif"),
            MediaType::Webp => Some("webp"),
            _ => None,
        }
    }

    /// A short label for lists: `PNG`, `PDF`, `Text`.
    pub fn label(self) -> &'static str {
        match self {
            MediaType::Png => "PNG",
            MediaType::Jpeg => "JPEG",
            MediaType::Gif => "GIF",
            MediaType::Webp => "WebP",
            MediaType::Pdf => "PDF",
            MediaType::Text => "TXT",
            MediaType::Csv => "CSV",
            MediaType::Docx | MediaType::Doc => "Word",
            MediaType::Xlsx | MediaType::Xls => "Excel",
            MediaType::Pptx | MediaType::Ppt => "PowerPoint",
            MediaType::Odt => "ODT",
            MediaType::Ods => "ODS",
            MediaType::Odp => "ODP",
        }
    }

    /// Tells the type from the first bytes of a file (`head`, up to a few kilobytes) and
    /// whether the whole file was valid UTF-8 text without NUL bytes. The name only tells a
    /// CSV from other text; it never makes a file of one type pass as another.
    pub fn detect(head: &[u8], whole_is_text: bool, name: &str) -> Result<MediaType, UploadError> {
        if let Some(kind) = infer::get(head) {
            return match kind.mime_type() {
                "image/png" => Ok(MediaType::Png),
                "image/jpeg" => Ok(MediaType::Jpeg),
                "image/gif" => Ok(MediaType::Gif),
                "image/webp" => Ok(MediaType::Webp),
                "application/pdf" => Ok(MediaType::Pdf),
                mime => MediaType::parse(mime)
                    .filter(|t| !t.is_image())
                    .ok_or(UploadError::WrongType),
            };
        }
        if whole_is_text && !looks_like_markup(head) {
            let csv = name.to_ascii_lowercase().ends_with(".csv");
            return Ok(if csv { MediaType::Csv } else { MediaType::Text });
        }
        Err(UploadError::WrongType)
    }
}

/// HTML, SVG and XML documents, which a browser could render (and run) rather than show as
/// text: refused outright, whatever they are called.
fn looks_like_markup(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let start = text.trim_start_matches('\u{feff}').trim_start();
    const STARTS: [&str; 4] = ["<!doctype", "<html", "<?xml", "<svg"];
    const ANYWHERE: [&str; 5] = ["<script", "<svg", "<html", "<iframe", "<body"];
    STARTS.iter().any(|s| start.starts_with(s)) || ANYWHERE.iter().any(|s| text.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn a_png_is_an_image_whatever_it_is_called() {
        let kind = MediaType::detect(PNG, false, "notes.txt").expect("accepted");
        assert_eq!(kind, MediaType::Png);
        assert!(kind.is_image());
    }

    #[test]
    fn html_and_svg_are_refused_even_named_as_images() {
        for body in [
            &b"<!DOCTYPE html><p>hi"[..],
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            b"  <?xml version=\"1.0\"?><svg/>",
            b"hello <script>alert(1)</script>",
        ] {
            assert!(
                matches!(
                    MediaType::detect(body, true, "cat.png"),
                    Err(UploadError::WrongType)
                ),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn plain_text_and_csv_are_told_apart_by_name_only_among_text() {
        assert_eq!(
            MediaType::detect(b"a,b\n1,2\n", true, "export.CSV").expect("csv"),
            MediaType::Csv
        );
        assert_eq!(
            MediaType::detect(b"ERROR at 12:00\n", true, "app.log").expect("log"),
            MediaType::Text
        );
    }

    #[test]
    fn binary_files_of_unknown_type_are_refused() {
        assert!(MediaType::detect(b"\x7fELF\x02\x01\x01", false, "a.pdf").is_err());
        assert!(MediaType::detect(b"\0\x01\x02garbage", false, "a.txt").is_err());
    }

    #[test]
    fn every_type_reads_back_from_its_stored_spelling() {
        for kind in ALL {
            assert_eq!(MediaType::parse(kind.as_str()), Some(kind));
        }
    }
}
