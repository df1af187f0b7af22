//! A deliberately naive HTTP/1.1 client: the request goes onto the socket byte for byte as
//! written (invalid percent-encodings, NUL bytes, CR/LF in a query, wrong content types), one
//! connection per request, so the server sees exactly what an attacker would send.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Longest wait for one whole response.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(15);
/// Responses are read up to this size (the rest is cut).
const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// A request under construction. The target is sent unchanged.
#[derive(Clone, Debug)]
pub struct RawRequest {
    method: String,
    target: Vec<u8>,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl RawRequest {
    pub fn new(method: &str, target: impl Into<Vec<u8>>) -> RawRequest {
        RawRequest {
            method: method.to_owned(),
            target: target.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn get(target: impl Into<Vec<u8>>) -> RawRequest {
        RawRequest::new("GET", target)
    }

    pub fn post(target: impl Into<Vec<u8>>) -> RawRequest {
        RawRequest::new("POST", target)
    }

    pub fn header(mut self, name: &str, value: impl Into<Vec<u8>>) -> RawRequest {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// Sets `Cookie` (nothing when `cookies` is empty).
    pub fn cookies(self, cookies: &str) -> RawRequest {
        if cookies.is_empty() {
            self
        } else {
            self.header("Cookie", cookies)
        }
    }

    /// A body with the given content type.
    pub fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> RawRequest {
        self.body = body.into();
        self.header("Content-Type", content_type)
    }

    /// A URL-encoded form of `fields` (values encoded here).
    pub fn form(self, fields: &[(&str, &str)]) -> RawRequest {
        let body = encode_form(fields);
        self.body("application/x-www-form-urlencoded", body)
    }

    /// The bytes on the wire.
    fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.body.len() + 256);
        out.extend_from_slice(self.method.as_bytes());
        out.push(b' ');
        out.extend_from_slice(&self.target);
        out.extend_from_slice(b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (name, value) in &self.headers {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.extend_from_slice(b"\r\n");
        }
        if !self.body.is_empty() || self.method == "POST" {
            out.extend_from_slice(format!("Content-Length: {}\r\n", self.body.len()).as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.body);
        out
    }

    /// The request line's target, for reports.
    pub fn describe(&self) -> String {
        let target = String::from_utf8_lossy(&self.target);
        let shown: String = target.chars().take(90).collect();
        format!("{} {shown}", self.method)
    }
}

/// `application/x-www-form-urlencoded` of `fields`.
pub fn encode_form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", encode_component(name), encode_component(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encoding for a query or form value.
pub fn encode_component(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// What came back.
#[derive(Clone, Debug, Default)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first value of `name` (case-insensitive), as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    }

    /// Every value of `name`.
    pub fn header_values(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
            .collect()
    }

    pub fn is_html(&self) -> bool {
        self.header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `request` on a new connection and reads the whole response.
pub async fn send(address: SocketAddr, request: &RawRequest) -> Result<RawResponse, String> {
    tokio::time::timeout(RESPONSE_TIMEOUT, exchange(address, request))
        .await
        .map_err(|_| format!("no response within {RESPONSE_TIMEOUT:?}"))?
}

async fn exchange(address: SocketAddr, request: &RawRequest) -> Result<RawResponse, String> {
    let mut stream = TcpStream::connect(address)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    // A server may answer (413, 400) and close before reading a large body: a failed write
    // is fine as long as a response arrives.
    let _ = stream.write_all(&request.to_bytes()).await;
    let mut raw = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut chunk).await {
            Ok(0) => break,
            Ok(n) => {
                raw.extend_from_slice(&chunk[..n]);
                if raw.len() > MAX_RESPONSE_BYTES {
                    break;
                }
            }
            // A reset after the response was written (the server closed with unread input).
            Err(_) if !raw.is_empty() => break,
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    parse(&raw)
}

fn parse(raw: &[u8]) -> Result<RawResponse, String> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("no complete response head ({} bytes)", raw.len()))?;
    let head = &raw[..end];
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let status_line = String::from_utf8_lossy(lines.next().unwrap_or_default()).into_owned();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let headers: Vec<(String, Vec<u8>)> = lines
        .filter_map(|line| {
            let colon = line.iter().position(|&b| b == b':')?;
            let name = String::from_utf8_lossy(&line[..colon]).trim().to_owned();
            let value = line[colon + 1..].trim_ascii().to_vec();
            Some((name, value))
        })
        .collect();
    let mut response = RawResponse {
        status,
        headers,
        body: Vec::new(),
    };
    let rest = &raw[end + 4..];
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"));
    response.body = if chunked {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    Ok(response)
}

/// The body of a chunked response (as much of it as arrived).
fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    while let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&rest[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            break;
        };
        rest = &rest[line_end + 2..];
        if size == 0 || rest.len() < size {
            body.extend_from_slice(&rest[..size.min(rest.len())]);
            break;
        }
        body.extend_from_slice(&rest[..size]);
        rest = rest.get(size + 2..).unwrap_or_default();
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunked_response_is_joined_and_headers_are_read() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        let response = parse(raw).expect("parses");
        assert_eq!(response.status, 200);
        assert!(response.is_html());
        assert_eq!(response.text(), "hello world");
    }

    #[test]
    fn the_request_goes_out_as_written() {
        let bytes = RawRequest::get(b"/en/search?q=%ff%00".to_vec())
            .header("X-A", "1")
            .to_bytes();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.starts_with("GET /en/search?q=%ff%00 HTTP/1.1\r\n"),
            "{text}"
        );
        assert!(text.contains("X-A: 1\r\n"), "{text}");
    }
}
