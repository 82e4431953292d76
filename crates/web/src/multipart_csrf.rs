//! The CSRF token of a `multipart/form-data` upload, read from the form's FIRST part (our
//! upload form puts the hidden `csrf` field before the file) without buffering the file:
//! only the first few KiB are read, then put back in front of the rest of the stream.

use axum::body::{Body, Bytes};
use futures_util::StreamExt;
use futures_util::stream;

/// How far the first part may reach.
const PEEK_LIMIT: usize = 8 * 1024;

/// The `boundary` parameter of a multipart content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty() && b.len() <= 200)
    })
}

/// Reads the start of `body` and returns the value of its first part if that part is named
/// `field`, and the body, unchanged, for the handler.
pub async fn first_field(body: Body, boundary: &str, field: &str) -> (Option<String>, Body) {
    let mut stream = body.into_data_stream();
    let mut head: Vec<u8> = Vec::new();
    let mut value = None;
    let mut failed = None;
    while head.len() < PEEK_LIMIT {
        match stream.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(e)) => {
                failed = Some(e);
                break;
            }
            None => break,
        }
        match parse_first(&head, boundary, field) {
            Parsed::Value(v) => {
                value = Some(v);
                break;
            }
            Parsed::Other => break,
            Parsed::NeedMore => {}
        }
    }
    let prefix = stream::iter([Ok::<Bytes, axum::Error>(Bytes::from(head))]);
    let rest = stream.map(|r| r.map_err(axum::Error::new));
    let body = match failed {
        Some(e) => Body::from_stream(prefix.chain(stream::iter([Err(e)]))),
        None => Body::from_stream(prefix.chain(rest)),
    };
    (value, body)
}

enum Parsed {
    Value(String),
    /// The first part is something else (or the body is not what it claims).
    Other,
    NeedMore,
}

fn parse_first(head: &[u8], boundary: &str, field: &str) -> Parsed {
    let opening = format!("--{boundary}\r\n");
    if head.len() < opening.len() {
        return Parsed::NeedMore;
    }
    let Some(after_open) = head.strip_prefix(opening.as_bytes()) else {
        return Parsed::Other;
    };
    let Some(headers_end) = find(after_open, b"\r\n\r\n") else {
        return Parsed::NeedMore;
    };
    let headers = String::from_utf8_lossy(&after_open[..headers_end]).to_ascii_lowercase();
    let named = headers.lines().any(|line| {
        line.starts_with("content-disposition:")
            && line.contains("form-data")
            && line
                .split(';')
                .any(|p| p.trim() == format!("name=\"{field}\""))
            && !line.contains("filename")
    });
    if !named {
        return Parsed::Other;
    }
    let content = &after_open[headers_end + 4..];
    let closing = format!("\r\n--{boundary}");
    match find(content, closing.as_bytes()) {
        Some(end) => match std::str::from_utf8(&content[..end]) {
            Ok(v) => Parsed::Value(v.trim().to_owned()),
            Err(_) => Parsed::Other,
        },
        None => Parsed::NeedMore,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(first_name: &str) -> String {
        format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"{first_name}\"\r\n\r\ntok123\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\
             Content-Type: text/csv\r\n\r\n统一社会信用代码\r\n--XyZ--\r\n"
        )
    }

    fn run<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|rt| rt.block_on(f))
            .unwrap_or_else(|e| panic!("runtime: {e}"))
    }

    #[test]
    fn the_boundary_is_read_from_the_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=----WebKitFormBoundaryAbc").as_deref(),
            Some("----WebKitFormBoundaryAbc")
        );
        assert_eq!(
            boundary("multipart/form-data; boundary=\"q\"").as_deref(),
            Some("q")
        );
        assert_eq!(boundary("text/plain; boundary=x"), None);
        assert_eq!(boundary("multipart/form-data"), None);
    }

    #[test]
    fn the_first_field_is_found_and_the_body_is_unchanged() {
        let text = form("csrf");
        let (value, body) = run(first_field(Body::from(text.clone()), "XyZ", "csrf"));
        assert_eq!(value.as_deref(), Some("tok123"));
        let back = run(axum::body::to_bytes(body, usize::MAX)).unwrap_or_default();
        assert_eq!(back, text.as_bytes());
    }

    #[test]
    fn a_form_whose_first_part_is_another_field_gives_nothing() {
        let (value, _) = run(first_field(Body::from(form("file")), "XyZ", "csrf"));
        assert_eq!(value, None);
        let (value, _) = run(first_field(Body::from("garbage"), "XyZ", "csrf"));
        assert_eq!(value, None);
    }

    #[test]
    fn a_token_split_across_chunks_is_found() {
        let text = form("csrf");
        let (a, b) = text.as_bytes().split_at(50);
        let chunks = stream::iter([
            Ok::<Bytes, std::io::Error>(Bytes::copy_from_slice(a)),
            Ok(Bytes::copy_from_slice(b)),
        ]);
        let (value, _) = run(first_field(Body::from_stream(chunks), "XyZ", "csrf"));
        assert_eq!(value.as_deref(), Some("tok123"));
    }
}
