//! Secrets at rest: the 32-byte key from settings (or a key file generated once) and
//! AES-256-GCM sealing with a fresh random nonce per value.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, Generate, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;
/// Sealed values start with a version tag so the format can change without guessing.
/// Sealed before secrets were bound to their place (opened without associated data; rewritten
/// as [`BOUND_PREFIX`] at start-up by [`crate::store::secrets_at_rest::bind_legacy`]).
pub const UNBOUND_PREFIX: &str = "v1:";
/// Sealed with associated data naming the row and purpose ([`Purpose`]).
const BOUND_PREFIX: &str = "v2:";

/// Where a sealed value belongs. It is the AES-GCM associated data: a value copied into another
/// row or column does not open there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `organizations.luma_api_key_sealed` of this organization.
    LumaApiKey { organization_id: i64 },
    /// `feed_tokens.token_sealed` of this user.
    FeedToken { user_id: i64 },
    /// `organizations.ical_url_sealed` of this organization.
    IcalFeed { organization_id: i64 },
    /// `organizations.luma_webhook_secret_sealed` of this organization.
    LumaWebhookSecret { organization_id: i64 },
    /// `luma_networks.api_key_sealed`: a lu.ma organization key.
    LumaNetworkKey { network_id: i64 },
    /// `luma_networks.webhook_secret_sealed`.
    LumaNetworkWebhookSecret { network_id: i64 },
}

impl Purpose {
    fn associated_data(self) -> String {
        match self {
            Purpose::LumaApiKey { organization_id } => {
                format!("convene/organizations/{organization_id}/luma_api_key")
            }
            Purpose::FeedToken { user_id } => format!("convene/feed_tokens/{user_id}/token"),
            Purpose::IcalFeed { organization_id } => {
                format!("convene/organizations/{organization_id}/ical_url")
            }
            Purpose::LumaWebhookSecret { organization_id } => {
                format!("convene/organizations/{organization_id}/luma_webhook_secret")
            }
            Purpose::LumaNetworkKey { network_id } => {
                format!("convene/luma_networks/{network_id}/api_key")
            }
            Purpose::LumaNetworkWebhookSecret { network_id } => {
                format!("convene/luma_networks/{network_id}/webhook_secret")
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("expected {KEY_LEN} bytes written as {hex_len} hex characters, got {0} characters", hex_len = KEY_LEN * 2)]
    WrongLength(usize),
    #[error("not hexadecimal: {0}")]
    NotHex(String),
    #[error("{path}: {source}")]
    KeyFile { path: PathBuf, source: io::Error },
    #[error("{path}: permissions {mode:04o} let other users read the key; run `chmod 600 {path}`")]
    KeyFileTooOpen { path: PathBuf, mode: u32 },
    #[error("the value could not be encrypted")]
    SealFailed,
    #[error("sealed value is malformed")]
    Malformed,
    #[error("sealed value does not open with this key (was CONVENE_SECRET_KEY changed?)")]
    WrongKey,
}

/// Where the key came from, for the start-up summary (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Setting,
    ExistingFile(PathBuf),
    NewFile(PathBuf),
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Setting => f.write_str("from CONVENE_SECRET_KEY"),
            KeySource::ExistingFile(path) => write!(f, "from {}", path.display()),
            KeySource::NewFile(path) => write!(f, "generated into {}", path.display()),
        }
    }
}

/// The key that seals secrets such as lu.ma API keys. Its `Debug` never shows the bytes.
#[derive(Clone)]
pub struct SecretKey([u8; KEY_LEN]);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl SecretKey {
    /// Parses 64 hex characters (for example the output of `openssl rand -hex 32`).
    pub fn from_hex(text: &str) -> Result<Self, SecretError> {
        let text = text.trim();
        if text.len() != KEY_LEN * 2 {
            return Err(SecretError::WrongLength(text.len()));
        }
        let bytes = hex::decode(text).map_err(|err| SecretError::NotHex(err.to_string()))?;
        let mut key = [0u8; KEY_LEN];
        key.copy_from_slice(&bytes);
        Ok(Self(key))
    }

    pub fn generate() -> Self {
        let key = Key::<Aes256Gcm>::generate();
        let mut bytes = [0u8; KEY_LEN];
        bytes.copy_from_slice(key.as_slice());
        Self(bytes)
    }

    /// Reads the key file, or creates it (mode 0600) when it does not exist yet.
    pub fn load_or_create(path: &Path) -> Result<(Self, KeySource), SecretError> {
        let file_error = |source| SecretError::KeyFile {
            path: path.to_owned(),
            source,
        };
        match fs::read_to_string(path) {
            Ok(text) => {
                refuse_open_permissions(path)?;
                Ok((
                    Self::from_hex(&text)?,
                    KeySource::ExistingFile(path.to_owned()),
                ))
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                let key = Self::generate();
                let mut file = create_private_file(path).map_err(file_error)?;
                writeln!(file, "{}", hex::encode(key.0)).map_err(file_error)?;
                file.sync_all().map_err(file_error)?;
                Ok((key, KeySource::NewFile(path.to_owned())))
            }
            Err(err) => Err(file_error(err)),
        }
    }

    /// HMAC-SHA256 of `message` under this key, for `context` (a link signed for one use
    /// never verifies for another): what makes a link in a mail unforgeable without a row.
    pub fn mac(&self, context: &str, message: &str) -> [u8; 32] {
        use hmac::{KeyInit as _, Mac};
        // Any key length is accepted by HMAC; this cannot fail.
        let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.0) else {
            return [0; 32];
        };
        mac.update(context.as_bytes());
        mac.update(&[0]);
        mac.update(message.as_bytes());
        mac.finalize().into_bytes().into()
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&Key::<Aes256Gcm>::from(self.0))
    }

    /// Encrypts `plaintext` for `purpose`; every call uses a new random nonce, so equal inputs
    /// seal differently.
    pub fn seal(&self, plaintext: &str, purpose: Purpose) -> Result<String, SecretError> {
        let nonce = Nonce::generate();
        let aad = purpose.associated_data();
        let ciphertext = self
            .cipher()
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| SecretError::SealFailed)?;
        let mut sealed = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        sealed.extend_from_slice(nonce.as_slice());
        sealed.extend_from_slice(&ciphertext);
        Ok(format!("{BOUND_PREFIX}{}", hex::encode(sealed)))
    }

    /// Opens a value sealed for `purpose` (or one sealed before values were bound).
    pub fn open(&self, sealed: &str, purpose: Purpose) -> Result<String, SecretError> {
        let (bytes, aad) = if let Some(hex_text) = sealed.strip_prefix(BOUND_PREFIX) {
            (hex::decode(hex_text).ok(), purpose.associated_data())
        } else if let Some(hex_text) = sealed.strip_prefix(UNBOUND_PREFIX) {
            (hex::decode(hex_text).ok(), String::new())
        } else {
            (None, String::new())
        };
        let bytes = bytes
            .filter(|bytes| bytes.len() > NONCE_LEN)
            .ok_or(SecretError::Malformed)?;
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_from(nonce).map_err(|_| SecretError::Malformed)?;
        let plaintext = self
            .cipher()
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| SecretError::WrongKey)?;
        String::from_utf8(plaintext).map_err(|_| SecretError::Malformed)
    }

    /// A value sealed the way it was before binding (tests of the upgrade only).
    #[cfg(test)]
    pub(crate) fn seal_unbound(&self, plaintext: &str) -> String {
        let nonce = Nonce::generate();
        let ciphertext = self
            .cipher()
            .encrypt(&nonce, plaintext.as_bytes())
            .unwrap_or_default();
        format!(
            "{UNBOUND_PREFIX}{}{}",
            hex::encode(nonce.as_slice()),
            hex::encode(ciphertext)
        )
    }
}

/// Whether a signature someone gave equals the one we computed, compared in constant time (how
/// long it takes says nothing about where they differ).
pub fn signatures_equal(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// 32 random bytes as 64 hex characters: for unguessable tokens (feed URLs, decoys).
pub fn random_token() -> String {
    hex::encode(Key::<Aes256Gcm>::generate())
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(unix)]
fn refuse_open_permissions(path: &Path) -> Result<(), SecretError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)
        .map_err(|source| SecretError::KeyFile {
            path: path.to_owned(),
            source,
        })?
        .permissions()
        .mode()
        & 0o777;
    if mode & 0o077 != 0 {
        return Err(SecretError::KeyFileTooOpen {
            path: path.to_owned(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_open_permissions(_path: &Path) -> Result<(), SecretError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::scratch_dir;

    const BERLIN_KEY: Purpose = Purpose::LumaApiKey { organization_id: 1 };

    #[test]
    fn seal_then_open_round_trips_and_uses_fresh_nonces() {
        let key = SecretKey::generate();
        let first = key.seal("luma-key-1234", BERLIN_KEY).unwrap();
        let second = key.seal("luma-key-1234", BERLIN_KEY).unwrap();
        assert_ne!(first, second, "same plaintext must seal differently");
        assert!(!first.contains("luma-key"));
        assert_eq!(key.open(&first, BERLIN_KEY).unwrap(), "luma-key-1234");
        assert_eq!(key.open(&second, BERLIN_KEY).unwrap(), "luma-key-1234");
    }

    #[test]
    fn a_sealed_value_moved_to_another_row_or_purpose_does_not_open() {
        let key = SecretKey::generate();
        let sealed = key.seal("luma-key-1234", BERLIN_KEY).unwrap();
        for elsewhere in [
            Purpose::LumaApiKey { organization_id: 2 },
            Purpose::FeedToken { user_id: 1 },
        ] {
            assert!(matches!(
                key.open(&sealed, elsewhere),
                Err(SecretError::WrongKey)
            ));
        }
    }

    #[test]
    fn another_key_cannot_open_and_tampering_is_detected() {
        let sealed = SecretKey::generate().seal("secret", BERLIN_KEY).unwrap();
        assert!(matches!(
            SecretKey::generate().open(&sealed, BERLIN_KEY),
            Err(SecretError::WrongKey)
        ));
        let key = SecretKey::generate();
        let mut tampered = key.seal("secret", BERLIN_KEY).unwrap();
        let last = tampered.pop().unwrap();
        tampered.push(if last == '0' { '1' } else { '0' });
        assert!(matches!(
            key.open(&tampered, BERLIN_KEY),
            Err(SecretError::WrongKey)
        ));
        assert!(matches!(
            key.open("nonsense", BERLIN_KEY),
            Err(SecretError::Malformed)
        ));
    }

    #[test]
    fn random_tokens_are_long_and_distinct() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }

    #[test]
    fn from_hex_names_the_problem() {
        assert!(matches!(
            SecretKey::from_hex("abcd"),
            Err(SecretError::WrongLength(4))
        ));
        assert!(matches!(
            SecretKey::from_hex(&"zz".repeat(32)),
            Err(SecretError::NotHex(_))
        ));
        assert!(SecretKey::from_hex(&"ab".repeat(32)).is_ok());
    }

    #[test]
    fn key_file_is_created_private_once_then_reused() {
        use std::os::unix::fs::PermissionsExt;
        let path = scratch_dir("secret-key").join("secret.key");
        let (created, source) = SecretKey::load_or_create(&path).unwrap();
        assert_eq!(source, KeySource::NewFile(path.clone()));
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);

        let (reused, source) = SecretKey::load_or_create(&path).unwrap();
        assert_eq!(source, KeySource::ExistingFile(path.clone()));
        let purpose = Purpose::FeedToken { user_id: 1 };
        assert_eq!(
            reused
                .open(&created.seal("x", purpose).unwrap(), purpose)
                .unwrap(),
            "x"
        );
    }

    #[test]
    fn key_file_readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let path = scratch_dir("secret-key-open").join("secret.key");
        SecretKey::load_or_create(&path).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = SecretKey::load_or_create(&path).unwrap_err();
        assert!(err.to_string().contains("chmod 600"), "{err}");
    }
}
