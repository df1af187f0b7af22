//! Text never carries NUL characters: PostgreSQL cannot store them, and no person types them.
//! Every request is checked here, once, before any handler reads it, so both backends answer
//! alike: a NUL in the path is a page that does not exist (`404`), and a NUL in the query
//! string, a form or a JSON body is invalid input (`422`).

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use percent_encoding::percent_decode;

use super::{HttpError, MAX_BODY_BYTES};

/// Refuses requests whose path, query string, form or JSON body holds a NUL character.
pub async fn refuse_nul_bytes(request: Request, next: Next) -> Result<Response, HttpError> {
    if holds_nul(request.uri().path().as_bytes()) {
        return Err(HttpError::NotFound);
    }
    if request
        .uri()
        .query()
        .is_some_and(|query| holds_nul(query.as_bytes()))
    {
        return Err(refusal());
    }
    let body_kind = BodyKind::of(&request);
    if body_kind == BodyKind::Other {
        return Ok(next.run(request).await);
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|error| unreadable_body(&error))?;
    let refused = match body_kind {
        BodyKind::Form => holds_nul(&bytes),
        BodyKind::Json => serde_json::from_slice::<serde_json::Value>(&bytes)
            .is_ok_and(|value| json_holds_nul(&value)),
        BodyKind::Other => false,
    };
    if refused {
        return Err(refusal());
    }
    Ok(next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await)
}

/// A body over the limit is too large; any other that cannot be read (the client stopped
/// sending it, and the read timed out) is a bad request.
fn unreadable_body(error: &axum::Error) -> HttpError {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if current.is::<http_body_util::LengthLimitError>() {
            return HttpError::TooLarge("The request is too large.".to_owned());
        }
        cause = current.source();
    }
    HttpError::BadRequest("The request body could not be read.".to_owned())
}

pub(super) fn refusal() -> HttpError {
    HttpError::Invalid {
        message: "Text may not contain NUL characters.".to_owned(),
        fields: Default::default(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BodyKind {
    Form,
    Json,
    Other,
}

impl BodyKind {
    fn of(request: &Request) -> BodyKind {
        let Some(content_type) = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
        else {
            return BodyKind::Other;
        };
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence == "application/x-www-form-urlencoded" {
            BodyKind::Form
        } else if essence == "application/json" || essence.ends_with("+json") {
            BodyKind::Json
        } else {
            BodyKind::Other
        }
    }
}

/// Whether URL-encoded text holds a NUL, raw or as `%00`.
fn holds_nul(encoded: &[u8]) -> bool {
    encoded.contains(&0) || percent_decode(encoded).any(|byte| byte == 0)
}

/// Whether any string (or key) in a JSON value holds a NUL (`\u0000`).
fn json_holds_nul(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(text) => text.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(json_holds_nul),
        serde_json::Value::Object(members) => members
            .iter()
            .any(|(key, value)| key.contains('\0') || json_holds_nul(value)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_is_found_raw_or_percent_encoded_but_not_in_an_encoded_percent_sign() {
        assert!(holds_nul(b"q=x%00"));
        assert!(holds_nul(b"q=x\0"));
        assert!(!holds_nul(b"q=100%2500"));
        assert!(!holds_nul(b"q=plain+text"));
    }

    #[test]
    fn a_nul_is_found_in_nested_json_strings_and_keys() {
        let nested = serde_json::json!({ "a": [1, { "b": "x\u{0}" }] });
        assert!(json_holds_nul(&nested));
        assert!(json_holds_nul(&serde_json::json!({ "k\u{0}": 1 })));
        assert!(!json_holds_nul(&serde_json::json!({ "a": "\\u0000" })));
    }
}
