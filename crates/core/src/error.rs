//! The crate-wide error type ([`Error`]) and [`Result`] alias.
//!
//! Errors never contain credentials: venue messages are kept as the venue sent them, and
//! request payloads (which may carry signatures or keys) are never embedded.

use crate::{BookError, ParseEnumError, SymbolError, TimeframeError, UnknownVenue, Venue};

/// `Result<T, tradewire_core::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A venue message (or REST body) that could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}could not decode {what}: {message}", .venue.map(|v| format!("{v}: ")).unwrap_or_default())]
pub struct DecodeError {
    /// The venue whose message it was, when known.
    pub venue: Option<Venue>,
    /// What was being decoded, e.g. `"depthUpdate"`, `"kline"`.
    pub what: String,
    /// The decoder's description of the problem (e.g. the serde error).
    pub message: String,
}

impl DecodeError {
    /// How many characters of the decoder's message an error keeps: serde's messages quote
    /// the offending value, which a peer can make arbitrarily long.
    pub const MESSAGE_LEN: usize = 512;

    /// A decode error for `venue`'s `what` (the message bounded to
    /// [`MESSAGE_LEN`](Self::MESSAGE_LEN) characters).
    pub fn new(venue: Venue, what: impl Into<String>, message: impl ToString) -> Self {
        DecodeError {
            venue: Some(venue),
            what: what.into(),
            message: bounded(message.to_string(), Self::MESSAGE_LEN),
        }
    }
}

/// `text` cut to at most `max` characters, with `… (N bytes)` where it was cut; `text` itself
/// when it is short enough.
pub fn bounded(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some(_) => bounded_str(&text, max),
        None => text,
    }
}

/// [`bounded`] for borrowed text: copies at most `max` characters.
pub fn bounded_str(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], text.len()),
        None => text.to_owned(),
    }
}

/// Every error tradewire reports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The venue rejected a request with its own error code and message (kept verbatim:
    /// Binance `-1121`, OKX `"51000"`, Deribit `10009`, Kraken `"EOrder:Insufficient funds"`).
    #[error("{venue} error {code}: {message}")]
    Venue {
        /// The venue.
        venue: Venue,
        /// The venue's error code, as text.
        code: String,
        /// The venue's error message.
        message: String,
    },
    /// A rate limit (ours or the venue's) refused the operation; it was not retried.
    #[error("{venue} rate limit reached{}", .retry_after_ms.map(|ms| format!("; retry after {ms} ms")).unwrap_or_default())]
    RateLimited {
        /// The venue.
        venue: Venue,
        /// How long to wait before retrying, when known.
        retry_after_ms: Option<u64>,
    },
    /// A message could not be decoded.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// An order book lost sync (sequence gap, checksum mismatch, …): resync from a snapshot.
    #[error(transparent)]
    Book(#[from] BookError),
    /// An operation did not complete in time.
    #[error("timed out: {0}")]
    Timeout(String),
    /// The venue does not support the operation (e.g. a timeframe it cannot stream).
    #[error("{venue} does not support {what}")]
    Unsupported {
        /// The venue.
        venue: Venue,
        /// What is unsupported.
        what: String,
    },
    /// An invalid canonical symbol.
    #[error(transparent)]
    InvalidSymbol(#[from] SymbolError),
    /// A symbol the venue does not list (canonical or venue spelling).
    #[error("{venue} has no instrument {symbol:?}")]
    UnknownSymbol {
        /// The venue.
        venue: Venue,
        /// The symbol as given.
        symbol: String,
    },
    /// An invalid timeframe string.
    #[error(transparent)]
    InvalidTimeframe(#[from] TimeframeError),
    /// An invalid venue name.
    #[error(transparent)]
    InvalidVenue(#[from] UnknownVenue),
    /// An invalid side, order type, order status, time in force or position side.
    #[error(transparent)]
    InvalidEnum(#[from] ParseEnumError),
    /// An invalid argument supplied by the caller.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// Authentication failed or credentials are missing (the message never contains them).
    #[error("authentication failed: {0}")]
    Auth(String),
    /// The connection or HTTP transport failed.
    #[error("transport error: {0}")]
    Transport(String),
    /// The connection is closed (or closed while a request was pending).
    #[error("connection closed: {0}")]
    Disconnected(String),
}

impl Error {
    /// A venue error with its code and message.
    pub fn venue(venue: Venue, code: impl ToString, message: impl Into<String>) -> Self {
        Error::Venue {
            venue,
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// Whether retrying later (after a resync or a pause) may succeed: rate limits, timeouts,
    /// transport failures, disconnections and order-book desyncs.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::RateLimited { .. }
                | Error::Timeout(_)
                | Error::Transport(_)
                | Error::Disconnected(_)
                | Error::Book(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages() {
        assert_eq!(
            Error::venue(Venue::Binance, -1121, "Invalid symbol.").to_string(),
            "binance error -1121: Invalid symbol."
        );
        assert_eq!(
            Error::RateLimited {
                venue: Venue::Okx,
                retry_after_ms: Some(500)
            }
            .to_string(),
            "okx rate limit reached; retry after 500 ms"
        );
        assert_eq!(
            Error::RateLimited {
                venue: Venue::Okx,
                retry_after_ms: None
            }
            .to_string(),
            "okx rate limit reached"
        );
        assert_eq!(
            Error::from(DecodeError::new(
                Venue::Deribit,
                "book",
                "missing field `change_id`"
            ))
            .to_string(),
            "deribit: could not decode book: missing field `change_id`"
        );
        assert_eq!(
            Error::from(BookError::Gap {
                expected: 5,
                got: 7
            })
            .to_string(),
            "order book sequence gap: expected 5, got 7; resync from a snapshot"
        );
        assert_eq!(
            Error::Unsupported {
                venue: Venue::Kraken,
                what: "1s candles".into()
            }
            .to_string(),
            "kraken does not support 1s candles"
        );
    }

    #[test]
    fn conversions_from_parse_errors() {
        let e: Error = "nope".parse::<crate::Symbol>().unwrap_err().into();
        assert!(matches!(e, Error::InvalidSymbol(_)));
        let e: Error = "7m".parse::<crate::Timeframe>().unwrap_err().into();
        assert!(matches!(e, Error::InvalidTimeframe(_)));
        let e: Error = "ftx".parse::<Venue>().unwrap_err().into();
        assert!(matches!(e, Error::InvalidVenue(_)));
        let e: Error = "up".parse::<crate::Side>().unwrap_err().into();
        assert!(matches!(e, Error::InvalidEnum(_)));
    }

    #[test]
    fn transient_classification() {
        assert!(Error::Timeout("rpc".into()).is_transient());
        assert!(Error::from(BookError::NeedsSnapshot).is_transient());
        assert!(!Error::Auth("bad signature".into()).is_transient());
        assert!(!Error::venue(Venue::Bybit, 10001, "params error").is_transient());
    }

    #[test]
    fn result_alias() {
        fn parse(s: &str) -> Result<crate::Timeframe> {
            Ok(s.parse()?)
        }
        assert!(parse("1h").is_ok());
        assert!(parse("1x").is_err());
    }
}
