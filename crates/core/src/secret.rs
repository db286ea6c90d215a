//! API credentials backed by [`secrecy`]: redacted in `Debug` and `Display`, zeroized on drop,
//! never serialized. The only way to read a value is `expose_secret()`, to be called where a
//! request is signed or a key header is set.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// Placeholder printed instead of any secret value.
pub const REDACTED: &str = "[REDACTED]";

macro_rules! secret_string {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub struct $name(SecretString);

        impl $name {
            /// Wraps `value`.
            pub fn new(value: impl Into<String>) -> Self {
                $name(SecretString::from(value.into()))
            }

            /// The value, for signing requests or setting the venue's key header. Never log it.
            pub fn expose_secret(&self) -> &str {
                self.0.expose_secret()
            }

            /// Whether the value is empty.
            pub fn is_empty(&self) -> bool {
                self.0.expose_secret().is_empty()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({REDACTED})", stringify!($name))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(REDACTED)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                $name::new(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name::new(value)
            }
        }
    };
}

secret_string! {
    /// A venue API key. Sent in headers or login payloads, but still kept out of logs.
    ApiKey
}

secret_string! {
    /// A venue API secret (HMAC key, or a private key in PEM for Ed25519/RSA venues).
    ApiSecret
}

secret_string! {
    /// An API passphrase (OKX, KuCoin, Coinbase Exchange).
    Passphrase
}

/// The credentials for one venue account.
///
/// ```
/// use tradewire_core::Credentials;
///
/// let creds = Credentials::new("my-key", "my-secret").with_passphrase("my-pass");
/// let shown = format!("{creds:?} {}", creds.secret);
/// assert!(!shown.contains("my-secret") && !shown.contains("my-key") && !shown.contains("my-pass"));
/// assert_eq!(creds.secret.expose_secret(), "my-secret"); // only where signing needs it
/// ```
#[derive(Clone)]
pub struct Credentials {
    /// The API key.
    pub api_key: ApiKey,
    /// The API secret.
    pub secret: ApiSecret,
    /// The passphrase, for venues that require one.
    pub passphrase: Option<Passphrase>,
}

impl Credentials {
    /// Credentials without a passphrase.
    pub fn new(api_key: impl Into<String>, secret: impl Into<String>) -> Self {
        Credentials {
            api_key: ApiKey::new(api_key),
            secret: ApiSecret::new(secret),
            passphrase: None,
        }
    }

    /// Adds a passphrase.
    pub fn with_passphrase(mut self, passphrase: impl Into<String>) -> Self {
        self.passphrase = Some(Passphrase::new(passphrase));
        self
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.api_key)
            .field("secret", &self.secret)
            .field("passphrase", &self.passphrase)
            .finish()
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
    const SECRET: &str = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
    const PASS: &str = "correct-horse-battery";

    fn assert_hidden(text: &str) {
        assert!(!text.contains(KEY), "key leaked: {text}");
        assert!(!text.contains(SECRET), "secret leaked: {text}");
        assert!(!text.contains(PASS), "passphrase leaked: {text}");
        assert!(text.contains(REDACTED), "no redaction marker: {text}");
    }

    #[test]
    fn debug_display_and_format_never_reveal() {
        let creds = Credentials::new(KEY, SECRET).with_passphrase(PASS);
        assert_hidden(&format!("{creds:?}"));
        assert_hidden(&format!("{creds:#?}"));
        assert_hidden(&format!("{creds}"));
        assert_hidden(&creds.to_string());
        assert_hidden(&format!("{:?}", creds.api_key));
        assert_hidden(&format!("{}", creds.api_key));
        assert_hidden(&format!("{:?} {}", creds.secret, creds.secret));
        assert_hidden(&format!("{:>80}", creds.secret));
        assert_hidden(&format!("{:?}", creds.passphrase));
        assert_hidden(&format!("{:?}", Some(creds.clone())));
        assert_eq!(format!("{:?}", creds.secret), "ApiSecret([REDACTED])");
    }

    #[test]
    fn expose_returns_the_value() {
        let creds = Credentials::new(KEY, SECRET).with_passphrase(PASS);
        assert_eq!(creds.api_key.expose_secret(), KEY);
        assert_eq!(creds.secret.expose_secret(), SECRET);
        assert_eq!(
            creds.passphrase.as_ref().map(Passphrase::expose_secret),
            Some(PASS)
        );
        assert!(!creds.secret.is_empty());
        assert!(ApiSecret::from("").is_empty());
        let cloned = creds.clone();
        assert_eq!(cloned.secret.expose_secret(), SECRET);
    }
}
