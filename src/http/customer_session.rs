//! The two cookies a customer gets: an anonymous visitor id (to count distinct help-centre
//! sessions, never linked to a person) and a CSRF token for forms (double-submit: the form
//! carries the same value as the cookie, which another site can neither read nor set).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use super::HttpError;
use super::error::Refusal;
use crate::app::AppState;
use crate::tokens::{constant_time_equals, random_token};

const VISITOR_COOKIE: &str = "answerdesk_visitor";
const CSRF_COOKIE: &str = "answerdesk_csrf";

/// The customer's anonymous cookies, available to every customer page.
#[derive(Clone, Debug)]
pub struct CustomerSession {
    pub visitor_id: String,
    pub csrf_token: String,
}

impl CustomerSession {
    /// Rejects a form whose token does not match the cookie.
    pub fn verify_csrf(&self, submitted: &str) -> Result<(), HttpError> {
        if !submitted.is_empty() && constant_time_equals(submitted, &self.csrf_token) {
            Ok(())
        } else {
            Err(HttpError::Forbidden(Refusal::ExpiredForm))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CustomerSession {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CustomerSession>()
            .cloned()
            .ok_or_else(|| HttpError::Internal("customer session middleware missing".into()))
    }
}

/// Makes sure every customer page request has both cookies, setting missing ones.
pub async fn ensure_customer_session(
    State(state): State<AppState>,
    jar: CookieJar,
    mut request: Request,
    next: Next,
) -> Response {
    let existing = |name: &str| {
        jar.get(name)
            .map(|c| c.value().to_owned())
            .filter(|v| v.len() == 32 && v.chars().all(|c| c.is_ascii_hexdigit()))
    };
    let visitor = existing(VISITOR_COOKIE);
    let csrf = existing(CSRF_COOKIE);
    let session = CustomerSession {
        visitor_id: visitor.clone().unwrap_or_else(|| random_token(16)),
        csrf_token: csrf.clone().unwrap_or_else(|| random_token(16)),
    };
    request.extensions_mut().insert(session.clone());
    let response = next.run(request).await;
    let secure = state.config.uses_https();
    let mut jar = CookieJar::new();
    if visitor.is_none() {
        jar = jar.add(cookie(VISITOR_COOKIE, session.visitor_id, secure));
    }
    if csrf.is_none() {
        jar = jar.add(cookie(CSRF_COOKIE, session.csrf_token, secure));
    }
    (jar, response).into_response()
}

fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

/// The address a request came from, for per-IP rate limits. It is never stored.
///
/// Behind a trusted reverse proxy (`trusted_proxies`), the client is the nearest address in
/// `X-Forwarded-For` that is not itself a trusted proxy; the header is ignored otherwise, so
/// a client cannot pick its own address.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        Ok(ClientIp(client_address(
            peer,
            &forwarded,
            &state.config.trusted_proxies,
        )))
    }
}

/// Walks `X-Forwarded-For` from the nearest hop while the hops are trusted proxies.
fn client_address(peer: IpAddr, forwarded_for: &str, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |address: &IpAddr| trusted.iter().any(|net| net.contains(address));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_for.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(address) => {
                client = address;
                if !is_trusted(&address) {
                    break;
                }
            }
            // A malformed entry: stop at the last address we could trust.
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nets(list: &[&str]) -> Vec<ipnet::IpNet> {
        list.iter().map(|n| n.parse().expect("net")).collect()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        assert_eq!(
            client_address(ip("203.0.113.9"), "1.2.3.4", &[]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_forwarded_client_counts() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(ip("10.0.0.2"), "198.51.100.7", &trusted),
            ip("198.51.100.7")
        );
        // A client cannot pick its address by sending its own header: only the hop the
        // proxy appended (the rightmost untrusted one) counts.
        assert_eq!(
            client_address(ip("10.0.0.2"), "1.1.1.1, 198.51.100.7, 10.0.0.5", &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(client_address(ip("10.0.0.2"), "", &trusted), ip("10.0.0.2"));
    }

    #[test]
    fn a_request_from_an_untrusted_peer_ignores_forwarding() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(ip("198.51.100.1"), "10.1.1.1", &trusted),
            ip("198.51.100.1")
        );
    }
}
