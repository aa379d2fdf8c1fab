//! Cross-site request refusal: a state-changing request (a server function, a form post) must
//! come from a page of our own site. Browsers send `Origin` on every cross-origin POST (and
//! `Referer` in most other cases); a request naming another site is refused, on top of the
//! session cookie's `SameSite=Lax`. A request with neither header is not from a browser page
//! (a script, a test client) and carries no ambient cookie risk of its own.

/// Whether a state-changing request with these headers may proceed: its `Origin` (or, without
/// one, its `Referer`) names the host it was sent to.
pub fn allowed(origin: Option<&str>, referer: Option<&str>, host: Option<&str>) -> bool {
    let claimed = match (origin, referer) {
        // Some privacy settings send `Origin: null`; then the referer decides, if any.
        (Some(origin), _) if origin.trim() != "null" => Some(origin),
        (_, Some(referer)) => Some(referer),
        (Some(_), None) => return false,
        (None, None) => return true,
    };
    let Some(claimed_host) = claimed.and_then(host_of) else {
        return false;
    };
    host.is_some_and(|host| host.trim().eq_ignore_ascii_case(&claimed_host))
}

/// `host[:port]` of an absolute http(s) URL.
fn host_of(url: &str) -> Option<String> {
    let url = url::Url::parse(url.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// The longest page address a form may ask to return to.
const LOCAL_PATH_MAX_BYTES: usize = 2_048;

/// `path` if it is a page of this site (`/dashboard?layout=month`), else `/`: a form's "come
/// back here" never sends anyone to another site (`//evil.example`, `/\evil.example`,
/// `https://…`).
pub fn local_path(path: &str) -> &str {
    let local = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
        && path.len() <= LOCAL_PATH_MAX_BYTES;
    if local { path } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_own_pages_may_post() {
        let host = Some("convene.example.org");
        assert!(allowed(Some("https://convene.example.org"), None, host));
        assert!(allowed(
            None,
            Some("https://convene.example.org/login"),
            host
        ));
        assert!(!allowed(Some("https://evil.example"), None, host));
        assert!(!allowed(
            None,
            Some("https://evil.example/convene.example.org"),
            host
        ));
        assert!(!allowed(
            Some("https://convene.example.org.evil.example"),
            None,
            host
        ));
        assert!(allowed(None, None, host), "not a browser page");
        assert!(!allowed(Some("null"), None, host), "an opaque origin");
        assert!(allowed(
            Some("null"),
            Some("https://convene.example.org/x"),
            host
        ));
        assert!(allowed(
            Some("http://127.0.0.1:3000"),
            None,
            Some("127.0.0.1:3000")
        ));
        assert!(!allowed(
            Some("http://127.0.0.1:3001"),
            None,
            Some("127.0.0.1:3000")
        ));
        assert!(!allowed(Some("https://convene.example.org"), None, None));
    }

    #[test]
    fn only_our_own_pages_are_returned_to() {
        assert_eq!(
            local_path("/dashboard?layout=month"),
            "/dashboard?layout=month"
        );
        for elsewhere in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example",
            "",
            "/a\nb",
        ] {
            assert_eq!(local_path(elsewhere), "/", "{elsewhere:?}");
        }
        assert_eq!(local_path(&format!("/{}", "a".repeat(3_000))), "/");
    }

    proptest::proptest! {
        #[test]
        fn a_returned_path_is_always_on_this_site(path in "\\PC{0,300}") {
            let kept = local_path(&path);
            proptest::prop_assert!(kept.starts_with('/') && !kept.starts_with("//"));
        }
    }
}
