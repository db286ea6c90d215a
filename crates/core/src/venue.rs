//! The [`Venue`] enum: every exchange tradewire speaks to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A crypto exchange ("venue") supported by tradewire.
///
/// Serialized as its lower-case name ([`Venue::as_str`]); parsed case-insensitively.
///
/// ```
/// use tradewire_core::Venue;
///
/// let v: Venue = "OKX".parse()?;
/// assert_eq!(v, Venue::Okx);
/// assert_eq!(v.as_str(), "okx");
/// assert_eq!(v.to_string(), "okx");
/// # Ok::<(), tradewire_core::UnknownVenue>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Venue {
    /// Binance (spot, USDⓈ-M and COIN-M futures).
    Binance,
    /// Deribit (options, futures, perpetuals, spot).
    Deribit,
    /// OKX.
    Okx,
    /// Bybit.
    Bybit,
    /// Coinbase (Advanced Trade / Exchange).
    Coinbase,
    /// Kraken (spot and futures).
    Kraken,
    /// KuCoin.
    Kucoin,
    /// Gate (gate.io).
    Gate,
    /// HTX (formerly Huobi).
    Htx,
    /// MEXC.
    Mexc,
}

impl Venue {
    /// Every venue, in declaration order.
    pub const ALL: [Venue; 10] = [
        Venue::Binance,
        Venue::Deribit,
        Venue::Okx,
        Venue::Bybit,
        Venue::Coinbase,
        Venue::Kraken,
        Venue::Kucoin,
        Venue::Gate,
        Venue::Htx,
        Venue::Mexc,
    ];

    /// The lower-case name of the venue (`"binance"`, `"okx"`, …), as used in JSON and on the CLI.
    pub const fn as_str(self) -> &'static str {
        match self {
            Venue::Binance => "binance",
            Venue::Deribit => "deribit",
            Venue::Okx => "okx",
            Venue::Bybit => "bybit",
            Venue::Coinbase => "coinbase",
            Venue::Kraken => "kraken",
            Venue::Kucoin => "kucoin",
            Venue::Gate => "gate",
            Venue::Htx => "htx",
            Venue::Mexc => "mexc",
        }
    }
}

impl fmt::Display for Venue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error returned when a string names no known [`Venue`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown venue {0:?}: expected one of binance, deribit, okx, bybit, coinbase, kraken, kucoin, gate, htx, mexc"
)]
pub struct UnknownVenue(pub String);

impl FromStr for Venue {
    type Err = UnknownVenue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Venue::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownVenue(s.to_owned()))
    }
}

impl Serialize for Venue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Venue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for v in Venue::ALL {
            assert_eq!(v.as_str().parse::<Venue>(), Ok(v));
            assert_eq!(v.as_str().to_uppercase().parse::<Venue>(), Ok(v));
            assert_eq!(v.to_string(), v.as_str());
        }
        assert_eq!("KuCoin".parse::<Venue>(), Ok(Venue::Kucoin));
    }

    #[test]
    fn unknown_venue_lists_accepted_names() {
        let err = "ftx".parse::<Venue>().unwrap_err();
        assert_eq!(err, UnknownVenue("ftx".into()));
        assert!(err.to_string().contains("binance"));
        assert!(err.to_string().contains("mexc"));
    }

    #[test]
    fn serde_as_lowercase_string() {
        assert_eq!(serde_json::to_string(&Venue::Htx).unwrap(), r#""htx""#);
        assert_eq!(
            serde_json::from_str::<Venue>(r#""Gate""#).unwrap(),
            Venue::Gate
        );
        assert!(serde_json::from_str::<Venue>(r#""nope""#).is_err());
    }
}
