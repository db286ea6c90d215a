//! The only platform-specific code of the crate: how the reqwest client is built.
//!
//! - Native: rustls with the `ring` provider (not aws-lc-rs) and the Mozilla roots from
//!   `webpki-roots`, HTTP/1.1, redirects not followed (a redirect could carry API-key headers
//!   to another host), the `User-Agent` set.
//! - wasm32: reqwest over the browser's `fetch`; the browser does TLS and redirects, and sets
//!   its own `User-Agent` (setting one would also force a CORS preflight).

use crate::RestError;

#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn http_client(user_agent: &str) -> Result<reqwest::Client, RestError> {
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config()?)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent)
        .build()
        .map_err(|e| RestError::Transport(format!("could not build the HTTP client: {e}")))
}

/// rustls with the `ring` provider and the webpki roots.
#[cfg(not(target_arch = "wasm32"))]
fn tls_config() -> Result<rustls::ClientConfig, RestError> {
    use std::sync::Arc;

    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| RestError::Transport(format!("TLS setup: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(target_arch = "wasm32")]
pub(crate) fn http_client(_user_agent: &str) -> Result<reqwest::Client, RestError> {
    reqwest::Client::builder()
        .build()
        .map_err(|e| RestError::Transport(format!("could not build the HTTP client: {e}")))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    #[test]
    fn tls_config_uses_ring_and_webpki_roots() {
        let c = super::tls_config().unwrap();
        assert_eq!(c.alpn_protocols, vec![b"http/1.1".to_vec()]);
        // Building the client fails if reqwest does not recognise the preconfigured config
        // (e.g. a rustls version mismatch).
        super::http_client("test").unwrap();
    }
}
