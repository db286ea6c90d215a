//! Small string enums: [`Side`], [`OrderType`], [`OrderStatus`], [`TimeInForce`], [`PositionSide`].
//!
//! Each serializes as its lower-case / snake_case name ([`as_str`](Side::as_str)) and parses
//! (`FromStr` and serde) case-insensitively, accepting a few venue spellings as aliases
//! (e.g. `"canceled"` for [`OrderStatus::Cancelled`], `"gtx"` for [`TimeInForce::PostOnly`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Error for a string that names no variant of one of this module's enums.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} {input:?}: expected one of {}", .expected.join(", "))]
pub struct ParseEnumError {
    /// What was being parsed, e.g. `"order status"`.
    pub what: &'static str,
    /// The rejected input.
    pub input: String,
    /// The canonical accepted values.
    pub expected: &'static [&'static str],
}

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $s:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical string used in JSON.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $s, )+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ParseEnumError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $(
                    if s.eq_ignore_ascii_case($s) $(|| s.eq_ignore_ascii_case($alias))* {
                        return Ok($name::$variant);
                    }
                )+
                Err(ParseEnumError { what: $what, input: s.to_owned(), expected: &[$($s),+] })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

string_enum! {
    /// Buy or sell. On a [`Trade`](crate::Trade) it is the taker's (aggressor's) side.
    pub enum Side ("side") {
        /// Buy (bid side).
        Buy = "buy" | "b" | "bid",
        /// Sell (ask side).
        Sell = "sell" | "s" | "ask",
    }
}

impl Side {
    /// The other side.
    pub const fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }
}

/// The side of an order; the same type as [`Side`].
pub type OrderSide = Side;

string_enum! {
    /// The type of an order. Venue types with no equivalent here map to [`OrderType::Other`].
    pub enum OrderType ("order type") {
        /// Limit order.
        Limit = "limit",
        /// Market order.
        Market = "market",
        /// Stop order that places a limit order when triggered.
        StopLimit = "stop_limit" | "stop_loss_limit",
        /// Stop order that places a market order when triggered.
        StopMarket = "stop_market" | "stop" | "stop_loss",
        /// Take-profit order that places a limit order when triggered.
        TakeProfitLimit = "take_profit_limit",
        /// Take-profit order that places a market order when triggered.
        TakeProfitMarket = "take_profit_market" | "take_profit",
        /// Limit order that is rejected rather than taking liquidity (post-only limit).
        LimitMaker = "limit_maker",
        /// Trailing stop that places a market order when triggered.
        TrailingStopMarket = "trailing_stop_market" | "trailing_stop",
        /// Any other venue-specific type.
        Other = "other",
    }
}

string_enum! {
    /// The lifecycle state of an order.
    pub enum OrderStatus ("order status") {
        /// Resting on the book, nothing filled yet (venues' "new"/"live").
        Open = "open" | "new" | "live",
        /// Resting on the book, partly filled.
        PartiallyFilled = "partially_filled",
        /// Completely filled.
        Filled = "filled",
        /// Cancelled (possibly after partial fills).
        Cancelled = "cancelled" | "canceled",
        /// Rejected by the venue.
        Rejected = "rejected",
        /// Expired (time in force, GTD date, or IOC/FOK remainder).
        Expired = "expired",
        /// A conditional order whose trigger has not fired yet.
        Untriggered = "untriggered",
    }
}

impl OrderStatus {
    /// Whether the order can no longer change (filled, cancelled, rejected or expired).
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            OrderStatus::Filled
                | OrderStatus::Cancelled
                | OrderStatus::Rejected
                | OrderStatus::Expired
        )
    }
}

string_enum! {
    /// How long an order stays working.
    pub enum TimeInForce ("time in force") {
        /// Good till cancelled.
        Gtc = "gtc",
        /// Immediate or cancel.
        Ioc = "ioc",
        /// Fill or kill.
        Fok = "fok",
        /// Post only: rejected (or cancelled) if it would take liquidity (Binance "GTX").
        PostOnly = "post_only" | "gtx" | "postonly",
        /// Good till a date.
        Gtd = "gtd",
    }
}

string_enum! {
    /// The direction of a [`Position`](crate::Position).
    ///
    /// Positions carry an absolute `amount`; the direction is here. In one-way (net) mode a
    /// venue's signed size maps to `Long` (> 0), `Short` (< 0) or `Flat` (0); in hedge mode
    /// the venue's long and short legs map to `Long` and `Short` even when empty.
    pub enum PositionSide ("position side") {
        /// Long: profits when the price rises.
        Long = "long",
        /// Short: profits when the price falls.
        Short = "short",
        /// No position (net size zero).
        Flat = "flat" | "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_names() {
        let cases: [(String, &str); 8] = [
            (serde_json::to_string(&Side::Buy).unwrap(), r#""buy""#),
            (serde_json::to_string(&Side::Sell).unwrap(), r#""sell""#),
            (
                serde_json::to_string(&OrderStatus::PartiallyFilled).unwrap(),
                r#""partially_filled""#,
            ),
            (
                serde_json::to_string(&OrderStatus::Untriggered).unwrap(),
                r#""untriggered""#,
            ),
            (
                serde_json::to_string(&OrderType::TakeProfitMarket).unwrap(),
                r#""take_profit_market""#,
            ),
            (
                serde_json::to_string(&OrderType::LimitMaker).unwrap(),
                r#""limit_maker""#,
            ),
            (
                serde_json::to_string(&TimeInForce::PostOnly).unwrap(),
                r#""post_only""#,
            ),
            (
                serde_json::to_string(&PositionSide::Short).unwrap(),
                r#""short""#,
            ),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn every_variant_round_trips() {
        fn check<T>(all: &[T])
        where
            T: Copy
                + PartialEq
                + fmt::Debug
                + fmt::Display
                + FromStr
                + Serialize
                + for<'de> Deserialize<'de>,
            <T as FromStr>::Err: fmt::Debug,
        {
            for &v in all {
                let s = v.to_string();
                assert_eq!(s.parse::<T>().unwrap(), v);
                assert_eq!(s.to_uppercase().parse::<T>().unwrap(), v);
                let json = serde_json::to_string(&v).unwrap();
                assert_eq!(json, format!("\"{s}\""));
                assert_eq!(serde_json::from_str::<T>(&json).unwrap(), v);
            }
        }
        check(Side::ALL);
        check(OrderType::ALL);
        check(OrderStatus::ALL);
        check(TimeInForce::ALL);
        check(PositionSide::ALL);
    }

    #[test]
    fn aliases() {
        assert_eq!("BUY".parse::<Side>(), Ok(Side::Buy));
        assert_eq!(
            "canceled".parse::<OrderStatus>(),
            Ok(OrderStatus::Cancelled)
        );
        assert_eq!("NEW".parse::<OrderStatus>(), Ok(OrderStatus::Open));
        assert_eq!("GTX".parse::<TimeInForce>(), Ok(TimeInForce::PostOnly));
        assert_eq!(
            serde_json::from_str::<TimeInForce>(r#""gtx""#).unwrap(),
            TimeInForce::PostOnly
        );
    }

    #[test]
    fn errors_list_values() {
        let err = "halfway".parse::<OrderStatus>().unwrap_err();
        assert_eq!(err.what, "order status");
        assert_eq!(err.input, "halfway");
        assert_eq!(
            err.to_string(),
            "invalid order status \"halfway\": expected one of open, partially_filled, filled, \
             cancelled, rejected, expired, untriggered"
        );
        assert!(serde_json::from_str::<Side>(r#""long""#).is_err());
    }

    #[test]
    fn helpers() {
        assert_eq!(Side::Buy.opposite(), Side::Sell);
        assert_eq!(Side::Sell.opposite(), Side::Buy);
        assert!(OrderStatus::Filled.is_terminal());
        assert!(OrderStatus::Expired.is_terminal());
        assert!(!OrderStatus::PartiallyFilled.is_terminal());
        assert!(!OrderStatus::Untriggered.is_terminal());
    }
}
