//! Standard Webhooks signatures, the scheme integrators report lu.ma signs with: the
//! `webhook-signature` header holds one or more space-separated `v1,<base64 HMAC-SHA256>` over
//! `"{webhook-id}.{webhook-timestamp}.{raw body}"`, keyed with the bytes of the secret's base64
//! after `whsec_`. Verification compares in constant time and refuses a timestamp more than
//! [`TOLERANCE`] away from now, so a captured delivery cannot be replayed later (the store
//! refuses it again within the window: each id is applied once). The signer is here too: the
//! fake lu.ma and the tests sign with it.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use hmac::{KeyInit as _, Mac};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// How far a delivery's timestamp may be from now, either way.
pub const TOLERANCE: chrono::Duration = chrono::Duration::minutes(5);
/// The longest `webhook-id` kept (Svix's are about 30 characters).
pub const ID_MAX_CHARS: usize = 128;
/// The longest `webhook-signature` header read; a sender rotating secrets sends two or three.
pub const SIGNATURE_HEADER_MAX_BYTES: usize = 2_048;
/// Secrets decode to between these many bytes (Svix's and lu.ma's: 24 or 32).
const SECRET_BYTES: std::ops::RangeInclusive<usize> = 16..=128;

/// A webhook signing secret (`whsec_…`), ready to sign with. It never prints.
#[derive(Clone)]
pub struct SigningSecret(HmacSha256);

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningSecret(…)")
    }
}

/// Why a secret was not taken, in words for the form or the command line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretFormat {
    #[error(
        "the signing secret is empty: copy it from lu.ma's webhook settings (it starts with whsec_)"
    )]
    Empty,
    #[error(
        "the signing secret is not base64 after `whsec_`: copy it whole from lu.ma's webhook settings"
    )]
    NotBase64,
    #[error(
        "the signing secret decodes to {0} bytes; lu.ma's are 16 to 128: copy it whole from lu.ma's webhook settings"
    )]
    WrongLength(usize),
}

impl SigningSecret {
    /// `whsec_<base64>`, or the base64 alone (as the reference libraries accept it).
    pub fn parse(text: &str) -> Result<Self, SecretFormat> {
        let text = text.trim();
        let encoded = text.strip_prefix("whsec_").unwrap_or(text);
        if encoded.is_empty() {
            return Err(SecretFormat::Empty);
        }
        let bytes = STANDARD
            .decode(encoded)
            .map_err(|_| SecretFormat::NotBase64)?;
        if !SECRET_BYTES.contains(&bytes.len()) {
            return Err(SecretFormat::WrongLength(bytes.len()));
        }
        // HMAC takes keys of any length; the error cannot happen, and is reported if it did.
        HmacSha256::new_from_slice(&bytes)
            .map(Self)
            .map_err(|_| SecretFormat::WrongLength(bytes.len()))
    }

    /// A new random secret in the `whsec_` form (the fake lu.ma and the demo make theirs so).
    pub fn generate() -> String {
        let token = crate::secrets::random_token();
        format!("whsec_{}", STANDARD.encode(token.as_bytes()))
    }

    fn mac(&self, id: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
        let mut mac = self.0.clone();
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }

    /// The `webhook-signature` value for one delivery: `v1,<base64>`.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let tag = self.mac(id, timestamp, body).finalize().into_bytes();
        format!("v1,{}", STANDARD.encode(tag))
    }
}

/// The three headers of a delivery, as the request carried them.
#[derive(Debug, Clone, Copy, Default)]
pub struct SignedHeaders<'a> {
    pub id: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
}

/// Why a delivery was refused. Logged with the organization (never the secret) so an operator
/// can tell a scheme mismatch (no headers, no `v1`) from a wrong secret or an attack.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the {0} header is missing")]
    MissingHeader(&'static str),
    #[error("the webhook-id header is longer than {ID_MAX_CHARS} characters or not plain text")]
    BadId,
    #[error("the webhook-timestamp header is not a Unix time in seconds")]
    BadTimestamp,
    #[error(
        "the delivery was signed {0} seconds away from our clock (at most 300 allowed): a replay, or a clock that is wrong"
    )]
    OutsideTolerance(i64),
    #[error("the webhook-signature header is longer than {SIGNATURE_HEADER_MAX_BYTES} bytes")]
    SignatureTooLong,
    #[error(
        "the webhook-signature header holds no v1 signature: the sender uses another signing scheme"
    )]
    NoV1Signature,
    #[error(
        "no signature matches: the signing secret differs from the sender's, or the body was changed"
    )]
    NoMatch,
}

impl Refused {
    /// A short, stable name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Refused::MissingHeader(_) => "missing_header",
            Refused::BadId => "bad_id",
            Refused::BadTimestamp => "bad_timestamp",
            Refused::OutsideTolerance(_) => "stale",
            Refused::SignatureTooLong => "signature_too_long",
            Refused::NoV1Signature => "scheme_mismatch",
            Refused::NoMatch => "no_match",
        }
    }
}

/// A delivery whose signature holds: its id and when it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub id: String,
    pub sent_at: DateTime<Utc>,
}

/// Checks a delivery against `secret` at `now`.
pub fn verify(
    secret: &SigningSecret,
    headers: SignedHeaders<'_>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Verified, Refused> {
    let id = headers
        .id
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .ok_or(Refused::MissingHeader("webhook-id"))?;
    if id.chars().count() > ID_MAX_CHARS || id.chars().any(|c| c.is_control()) {
        return Err(Refused::BadId);
    }
    let timestamp = headers
        .timestamp
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .ok_or(Refused::MissingHeader("webhook-timestamp"))?;
    let seconds: i64 = timestamp.parse().map_err(|_| Refused::BadTimestamp)?;
    let sent_at = DateTime::from_timestamp(seconds, 0).ok_or(Refused::BadTimestamp)?;
    let skew = now.signed_duration_since(sent_at);
    if skew > TOLERANCE || skew < -TOLERANCE {
        return Err(Refused::OutsideTolerance(skew.num_seconds()));
    }
    let signatures = headers
        .signature
        .filter(|text| !text.trim().is_empty())
        .ok_or(Refused::MissingHeader("webhook-signature"))?;
    if signatures.len() > SIGNATURE_HEADER_MAX_BYTES {
        return Err(Refused::SignatureTooLong);
    }
    let mut any_v1 = false;
    for candidate in signatures.split_whitespace() {
        let Some(("v1", encoded)) = candidate.split_once(',') else {
            continue;
        };
        any_v1 = true;
        let Ok(tag) = STANDARD.decode(encoded) else {
            continue;
        };
        // `verify_slice` compares in constant time.
        if secret.mac(id, seconds, body).verify_slice(&tag).is_ok() {
            return Ok(Verified {
                id: id.to_owned(),
                sent_at,
            });
        }
    }
    Err(if any_v1 {
        Refused::NoMatch
    } else {
        Refused::NoV1Signature
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // The test vector the Standard Webhooks reference libraries share.
    const VECTOR_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const VECTOR_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const VECTOR_TIMESTAMP: i64 = 1_614_265_330;
    const VECTOR_BODY: &[u8] = br#"{"test": 2432232314}"#;
    const VECTOR_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn vector_time() -> DateTime<Utc> {
        DateTime::from_timestamp(VECTOR_TIMESTAMP, 0).unwrap()
    }

    fn headers<'a>(id: &'a str, timestamp: &'a str, signature: &'a str) -> SignedHeaders<'a> {
        SignedHeaders {
            id: Some(id),
            timestamp: Some(timestamp),
            signature: Some(signature),
        }
    }

    #[test]
    fn signing_reproduces_the_standard_webhooks_test_vector() {
        let secret = SigningSecret::parse(VECTOR_SECRET).unwrap();
        assert_eq!(
            secret.sign(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY),
            VECTOR_SIGNATURE
        );
    }

    #[test]
    fn the_test_vector_verifies_with_or_without_the_prefix() {
        let timestamp = VECTOR_TIMESTAMP.to_string();
        for secret in [VECTOR_SECRET, VECTOR_SECRET.trim_start_matches("whsec_")] {
            let verified = verify(
                &SigningSecret::parse(secret).unwrap(),
                headers(VECTOR_ID, &timestamp, VECTOR_SIGNATURE),
                VECTOR_BODY,
                vector_time(),
            )
            .unwrap();
            assert_eq!(verified.id, VECTOR_ID);
            assert_eq!(verified.sent_at, vector_time());
        }
    }

    #[test]
    fn one_matching_signature_among_several_is_enough() {
        let timestamp = VECTOR_TIMESTAMP.to_string();
        let several = format!("v1,bm9wZQ== v2,abc {VECTOR_SIGNATURE}");
        let secret = SigningSecret::parse(VECTOR_SECRET).unwrap();
        assert!(
            verify(
                &secret,
                headers(VECTOR_ID, &timestamp, &several),
                VECTOR_BODY,
                vector_time()
            )
            .is_ok()
        );
    }

    #[test]
    fn a_changed_body_id_or_timestamp_does_not_verify() {
        let secret = SigningSecret::parse(VECTOR_SECRET).unwrap();
        let timestamp = VECTOR_TIMESTAMP.to_string();
        let later = (VECTOR_TIMESTAMP + 1).to_string();
        for (id, timestamp, body) in [
            (
                VECTOR_ID,
                timestamp.as_str(),
                &br#"{"test": 2432232315}"#[..],
            ),
            ("msg_other", timestamp.as_str(), VECTOR_BODY),
            (VECTOR_ID, later.as_str(), VECTOR_BODY),
        ] {
            assert_eq!(
                verify(
                    &secret,
                    headers(id, timestamp, VECTOR_SIGNATURE),
                    body,
                    vector_time()
                ),
                Err(Refused::NoMatch)
            );
        }
    }

    #[test]
    fn another_secret_does_not_verify() {
        let other = SigningSecret::parse(&SigningSecret::generate()).unwrap();
        let timestamp = VECTOR_TIMESTAMP.to_string();
        assert_eq!(
            verify(
                &other,
                headers(VECTOR_ID, &timestamp, VECTOR_SIGNATURE),
                VECTOR_BODY,
                vector_time()
            ),
            Err(Refused::NoMatch)
        );
    }

    #[test]
    fn timestamps_more_than_five_minutes_away_are_refused_both_ways() {
        let secret = SigningSecret::parse(VECTOR_SECRET).unwrap();
        let timestamp = VECTOR_TIMESTAMP.to_string();
        let sign = |now: DateTime<Utc>| {
            verify(
                &secret,
                headers(VECTOR_ID, &timestamp, VECTOR_SIGNATURE),
                VECTOR_BODY,
                now,
            )
        };
        let minutes = chrono::Duration::minutes;
        assert!(sign(vector_time() + minutes(5)).is_ok());
        assert!(sign(vector_time() - minutes(5)).is_ok());
        assert_eq!(
            sign(vector_time() + minutes(5) + chrono::Duration::seconds(1)),
            Err(Refused::OutsideTolerance(301))
        );
        assert_eq!(
            sign(vector_time() - minutes(6)),
            Err(Refused::OutsideTolerance(-360))
        );
    }

    #[test]
    fn refusals_name_what_is_wrong() {
        let secret = SigningSecret::parse(VECTOR_SECRET).unwrap();
        let now = vector_time();
        let timestamp = VECTOR_TIMESTAMP.to_string();
        let refused = |headers: SignedHeaders<'_>| verify(&secret, headers, VECTOR_BODY, now);
        assert_eq!(
            refused(SignedHeaders::default()),
            Err(Refused::MissingHeader("webhook-id"))
        );
        assert_eq!(
            refused(SignedHeaders {
                id: Some(VECTOR_ID),
                ..SignedHeaders::default()
            }),
            Err(Refused::MissingHeader("webhook-timestamp"))
        );
        assert_eq!(
            refused(SignedHeaders {
                id: Some(VECTOR_ID),
                timestamp: Some(&timestamp),
                signature: None
            }),
            Err(Refused::MissingHeader("webhook-signature"))
        );
        assert_eq!(
            refused(headers(VECTOR_ID, "yesterday", VECTOR_SIGNATURE)),
            Err(Refused::BadTimestamp)
        );
        assert_eq!(
            refused(headers(VECTOR_ID, "99999999999999999999", VECTOR_SIGNATURE)),
            Err(Refused::BadTimestamp)
        );
        // Stripe's scheme, say: no `v1,` entry at all.
        assert_eq!(
            refused(headers(VECTOR_ID, &timestamp, "t=1,v1=abc")),
            Err(Refused::NoV1Signature)
        );
        assert_eq!(
            refused(headers(
                &"x".repeat(ID_MAX_CHARS + 1),
                &timestamp,
                VECTOR_SIGNATURE
            )),
            Err(Refused::BadId)
        );
        let long = format!("{VECTOR_SIGNATURE} ").repeat(60);
        assert_eq!(
            refused(headers(VECTOR_ID, &timestamp, &long)),
            Err(Refused::SignatureTooLong)
        );
    }

    #[test]
    fn secrets_are_checked_when_saved() {
        let refusal = |text: &str| SigningSecret::parse(text).err();
        assert_eq!(refusal("  "), Some(SecretFormat::Empty));
        assert_eq!(refusal("whsec_"), Some(SecretFormat::Empty));
        assert_eq!(refusal("whsec_not base64!"), Some(SecretFormat::NotBase64));
        assert_eq!(
            refusal("whsec_c2hvcnQ="),
            Some(SecretFormat::WrongLength(5))
        );
        let made = SigningSecret::generate();
        assert!(made.starts_with("whsec_"));
        assert!(SigningSecret::parse(&made).is_ok());
        assert_eq!(
            format!("{:?}", SigningSecret::parse(&made).unwrap()),
            "SigningSecret(…)"
        );
    }

    proptest::proptest! {
        /// Whatever the headers and body hold, verification answers without panicking, and only
        /// the right signature passes.
        #[test]
        fn any_input_is_answered(
            id in "\\PC{0,200}",
            timestamp in "\\PC{0,24}",
            signature in "\\PC{0,300}",
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512),
        ) {
            let secret = SigningSecret::parse(VECTOR_SECRET).unwrap();
            let now = vector_time();
            let answer = verify(&secret, headers(&id, &timestamp, &signature), &body, now);
            if let Ok(verified) = answer {
                let seconds = verified.sent_at.timestamp();
                proptest::prop_assert!(signature
                    .split_whitespace()
                    .any(|s| s == secret.sign(&verified.id, seconds, &body)));
            }
        }

        /// What the signer writes, the verifier accepts, for any id, time within the window and
        /// body.
        #[test]
        fn signed_deliveries_verify(
            id in "[a-zA-Z0-9_]{1,64}",
            offset in -300i64..=300,
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512),
        ) {
            let secret = SigningSecret::parse(VECTOR_SECRET).unwrap();
            let now = vector_time();
            let seconds = VECTOR_TIMESTAMP + offset;
            let signature = secret.sign(&id, seconds, &body);
            let timestamp = seconds.to_string();
            proptest::prop_assert!(verify(&secret, headers(&id, &timestamp, &signature), &body, now).is_ok());
        }
    }
}
