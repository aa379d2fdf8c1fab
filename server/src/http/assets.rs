//! What the server sends besides data: static assets precompressed and cached, pages and
//! server-function answers compressed on the fly, and pages revalidated with an `ETag`.
//!
//! - `/pkg/*` (the wasm bundle, its JavaScript and the stylesheet) is served from the `.br` and
//!   `.gz` copies written once per build ([`precompress`]). With content-hashed names
//!   (`hash-files`, release builds) they are cached for a year as immutable; without, browsers
//!   revalidate them.
//! - Pages and server-function answers above a small size are compressed per request, at a
//!   quality that costs little CPU. Calendar files are left alone: their `ETag`s describe the
//!   exact bytes calendar apps receive.
//! - A page carries a weak `ETag` of its HTML and `Cache-Control: private, no-cache`: a repeat
//!   view that did not change costs a `304` and no body; no shared cache ever keeps it.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use sha2::{Digest, Sha256};
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{
    DefaultPredicate, NotForContentType, Predicate, SizeAbove,
};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Bodies smaller than this go out as they are: compressing them saves less than its headers.
const COMPRESS_ABOVE_BYTES: u16 = 1024;
/// Brotli and gzip quality for answers compressed per request: most of the saving, little CPU.
const ON_THE_FLY_QUALITY: i32 = 4;
/// Pages larger than this are sent without an `ETag` (never seen; the list pages are bounded).
const ETAG_MAX_BYTES: usize = 4 * 1024 * 1024;

/// `Cache-Control` for `/pkg/*`: a year and immutable when names carry their content's hash.
pub fn pkg_cache_control(hashed_names: bool) -> HeaderValue {
    HeaderValue::from_static(if hashed_names {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    })
}

/// The `/pkg` directory: precompressed copies when the browser accepts them, cached as
/// [`pkg_cache_control`] says.
pub fn pkg_service(
    pkg_dir: PathBuf,
    hashed_names: bool,
) -> tower_http::set_header::SetResponseHeader<ServeDir, HeaderValue> {
    use tower::Layer;
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, pkg_cache_control(hashed_names))
        .layer(
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
}

/// On-the-fly compression for everything else that is worth it.
pub fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .quality(CompressionLevel::Precise(ON_THE_FLY_QUALITY))
        .compress_when(
            DefaultPredicate::new()
                .and(SizeAbove::new(COMPRESS_ABOVE_BYTES))
                .and(NotForContentType::const_new("text/calendar")),
        )
}

/// Gives a page (a `GET` answered with HTML) its weak `ETag`, and answers `304` when the browser
/// already holds those bytes.
pub async fn revalidate_pages(
    request: Request<Body>,
    next: axum::middleware::Next,
) -> Response<Body> {
    let is_get = request.method() == Method::GET;
    let known = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| kind.starts_with("text/html"));
    if !is_get || !is_page || response.status() != StatusCode::OK {
        return response;
    }
    if axum::body::HttpBody::size_hint(response.body()).lower() > ETAG_MAX_BYTES as u64 {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, ETAG_MAX_BYTES).await {
        Ok(bytes) => bytes,
        Err(err) => {
            // The body is gone: answer an error rather than an empty page that looks fine.
            tracing::error!(error = %err, "a page could not be read for its ETag");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let tag = page_etag(&bytes);
    parts.headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    if let Ok(value) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, value);
    }
    if known
        .as_deref()
        .is_some_and(|known| etag_matches(known, &tag))
    {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        // The browser keeps the page it has, whose scripts carry the nonce of the render it
        // came from: a 304 carrying this render's policy would replace the stored one and
        // block them. Without it, the stored policy (the matching nonce) stays.
        parts.headers.remove(header::CONTENT_SECURITY_POLICY);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Pages run only the scripts this response's nonce marks (Leptos writes it into its own
/// scripts; ours ask for it with `use_nonce`), and what those load (`'strict-dynamic'`: the
/// island bundle, lu.ma's checkout). No plugins, no `<base>` elsewhere. Added to the policy
/// the page already has (`frame-ancestors`); a policy that names its scripts itself (the
/// widget's) is left alone.
pub async fn script_policy(request: Request<Body>, next: axum::middleware::Next) -> Response<Body> {
    let response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| kind.starts_with("text/html"));
    let existing = response
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("frame-ancestors 'none'")
        .to_owned();
    if !is_page || existing.contains("script-src") {
        return response;
    }
    if axum::body::HttpBody::size_hint(response.body()).lower() > ETAG_MAX_BYTES as u64 {
        // Too large to read for its nonce: no script runs.
        return with_policy(response, &existing, None);
    }
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, ETAG_MAX_BYTES).await {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::error!(error = %err, "a page could not be read for its script policy");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let nonce = request_nonce(&bytes)
        .and_then(|nonce| std::str::from_utf8(nonce).ok())
        .filter(|nonce| {
            nonce.bytes().all(|byte| {
                byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'=' | b'-' | b'_')
            })
        })
        .map(str::to_owned);
    with_policy(
        Response::from_parts(parts, Body::from(bytes)),
        &existing,
        nonce.as_deref(),
    )
}

fn with_policy(
    mut response: Response<Body>,
    existing: &str,
    nonce: Option<&str>,
) -> Response<Body> {
    let scripts = match nonce {
        Some(nonce) => format!("script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'"),
        None => "script-src 'none'".to_owned(),
    };
    let policy = format!("{existing}; {scripts}; object-src 'none'; base-uri 'self'");
    match HeaderValue::from_str(&policy) {
        Ok(value) => {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, value);
        }
        Err(err) => tracing::error!(error = %err, "a script policy is not a header value"),
    }
    response
}

/// A weak validator of a page's bytes (weak: the same page is sent compressed or not). The
/// per-request nonce leptos_axum writes into the scripts is left out: it is the only part that
/// changes between two renders of the same page, and no Content-Security-Policy relies on it.
fn page_etag(body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    match request_nonce(body) {
        Some(nonce) => {
            let mut rest = body;
            while let Some(at) = find(rest, nonce) {
                hasher.update(&rest[..at]);
                rest = &rest[at + nonce.len()..];
            }
            hasher.update(rest);
        }
        None => hasher.update(body),
    }
    format!("W/\"{}\"", hex_prefix(&hasher.finalize(), 16))
}

/// The value of the first `nonce="…"` attribute.
fn request_nonce(body: &[u8]) -> Option<&[u8]> {
    const ATTRIBUTE: &[u8] = b" nonce=\"";
    let start = find(body, ATTRIBUTE)? + ATTRIBUTE.len();
    let len = body[start..].iter().position(|&byte| byte == b'"')?;
    (len > 0).then(|| &body[start..start + len])
}

/// memchr's SIMD search: comparing a window at every byte cost a memcmp call per byte of the
/// page, 4% of a dashboard render's CPU.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

fn hex_prefix(bytes: &[u8], chars: usize) -> String {
    bytes
        .iter()
        .flat_map(|byte| [byte >> 4, byte & 0xf])
        .take(chars)
        .map(|nibble| char::from_digit(u32::from(nibble), 16).unwrap_or('0'))
        .collect()
}

/// `If-None-Match` holds `tag` (weak comparison, as RFC 9110 asks for it).
fn etag_matches(if_none_match: &str, tag: &str) -> bool {
    let bare = |value: &str| value.trim().trim_start_matches("W/").to_owned();
    if_none_match.trim() == "*"
        || if_none_match
            .split(',')
            .any(|candidate| bare(candidate) == bare(tag))
}

/// Files worth compressing ahead: what the browser fetches from `/pkg`.
fn precompressible(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|ext| ext.to_str()),
        Some("wasm" | "js" | "css" | "svg" | "html" | "json")
    )
}

/// Brotli quality for a file of `len` bytes: the best for release-sized bundles, a faster one
/// for debug builds (tens of MB, where 11 would take minutes).
fn brotli_quality(len: u64) -> u32 {
    if len <= 4 * 1024 * 1024 { 11 } else { 5 }
}

/// Writes `<file>.br` and `<file>.gz` beside each asset of `dir` whose copies are missing or
/// older than it; returns how many assets it compressed. Copies are written under a temporary
/// name and renamed, so a server never serves half a file.
pub fn precompress(dir: &Path) -> io::Result<usize> {
    let mut written = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if !path.is_file() || !precompressible(&path) {
            continue;
        }
        let modified = std::fs::metadata(&path)?.modified()?;
        let fresh = |copy: &Path| {
            std::fs::metadata(copy)
                .and_then(|meta| meta.modified())
                .is_ok_and(|at| at >= modified)
        };
        let br = with_suffix(&path, "br");
        let gz = with_suffix(&path, "gz");
        if fresh(&br) && fresh(&gz) {
            continue;
        }
        let source = std::fs::read(&path)?;
        let quality = brotli_quality(source.len() as u64);
        write_atomically(&br, |out| {
            let mut encoder = brotli::CompressorWriter::new(out, 64 * 1024, quality, 22);
            encoder.write_all(&source)?;
            encoder.flush()
        })?;
        write_atomically(&gz, |out| {
            let mut encoder = flate2::write::GzEncoder::new(out, flate2::Compression::best());
            encoder.write_all(&source)?;
            encoder.finish().map(|_| ())
        })?;
        written += 1;
    }
    Ok(written)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> io::Result<()>,
) -> io::Result<()> {
    let partial = with_suffix(path, "partial");
    let mut file = std::fs::File::create(&partial)?;
    write(&mut file)?;
    file.sync_all()?;
    std::fs::rename(&partial, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weak_tag_matches_itself_in_any_spelling() {
        let tag = page_etag(b"<html>hello</html>");
        assert!(tag.starts_with("W/\"") && tag.len() == 20, "{tag}");
        assert!(etag_matches(&tag, &tag));
        assert!(etag_matches(&format!("\"x\", {tag}"), &tag));
        assert!(etag_matches(tag.trim_start_matches("W/"), &tag));
        assert!(etag_matches("*", &tag));
        assert!(!etag_matches(&page_etag(b"<html>bye</html>"), &tag));
    }

    #[test]
    fn the_per_request_nonce_does_not_change_the_tag() {
        let page = |nonce: &str| {
            format!(r#"<link crossorigin="{nonce}"><script nonce="{nonce}">go()</script><p>Hi</p>"#)
        };
        assert_eq!(
            page_etag(page("abc123").as_bytes()),
            page_etag(page("zz9").as_bytes())
        );
        assert_ne!(
            page_etag(page("abc123").as_bytes()),
            page_etag(page("abc123").replace("Hi", "Bye").as_bytes())
        );
    }

    #[test]
    fn assets_get_brotli_and_gzip_copies_once() {
        let dir = std::env::temp_dir().join(format!("convene-assets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let source = "body { color: red }\n".repeat(500);
        std::fs::write(dir.join("app.css"), &source).unwrap();
        std::fs::write(dir.join("notes.txt"), "not an asset").unwrap();

        assert_eq!(precompress(&dir).unwrap(), 1);
        assert_eq!(precompress(&dir).unwrap(), 0, "fresh copies are kept");
        let br = std::fs::read(dir.join("app.css.br")).unwrap();
        let mut unpacked = Vec::new();
        brotli::BrotliDecompress(&mut br.as_slice(), &mut unpacked).unwrap();
        assert_eq!(unpacked, source.as_bytes());
        assert!(br.len() < source.len() / 10, "{} bytes", br.len());
        let gz = std::fs::read(dir.join("app.css.gz")).unwrap();
        let mut unpacked = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(gz.as_slice()),
            &mut unpacked,
        )
        .unwrap();
        assert_eq!(unpacked, source);
        assert!(!dir.join("notes.txt.br").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
