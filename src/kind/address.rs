//! `kind.label`: how a configuration, the state, a plan and the audit record name one
//! managed object. Parsed and printed here and nowhere else.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The name of one managed object: its kind (the HCL block type) and its label.
///
/// Kept as its text, so that it orders, compares and looks up as the string it
/// prints (`state.resources["widget.a"]`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address {
    text: String,
    /// Where the kind ends: a kind holds no `.`.
    dot: usize,
}

/// Why a string is not an address.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{given}` is not an address: an address is `<kind>.<label>`, the label a letter or `_` then letters, digits, `_` and `-`"
)]
pub struct AddressError {
    pub given: String,
}

impl Address {
    /// The address of `label` in `kind`; the caller has checked the label
    /// ([`is_label`]).
    pub fn new(kind: &str, label: &str) -> Address {
        Address {
            text: format!("{kind}.{label}"),
            dot: kind.len(),
        }
    }

    pub fn kind(&self) -> &str {
        &self.text[..self.dot]
    }

    pub fn label(&self) -> &str {
        &self.text[self.dot + 1..]
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Another label of the same kind: a rename keeps the kind.
    pub fn relabel(&self, label: &str) -> Address {
        Address::new(self.kind(), label)
    }
}

/// Whether `label` may follow `kind.`: a letter or `_`, then letters, digits, `_`
/// and `-`, as an HCL identifier.
pub fn is_label(label: &str) -> bool {
    let mut chars = label.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl FromStr for Address {
    type Err = AddressError;

    fn from_str(s: &str) -> Result<Address, AddressError> {
        let error = || AddressError {
            given: s.to_owned(),
        };
        let (kind, label) = s.split_once('.').ok_or_else(error)?;
        if !is_label(kind) || !is_label(label) {
            return Err(error());
        }
        Ok(Address::new(kind, label))
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Borrow<str> for Address {
    fn borrow(&self) -> &str {
        &self.text
    }
}

impl Serialize for Address {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Address, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl PartialEq<str> for Address {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for Address {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

/// Unit tests name addresses as text.
#[cfg(test)]
impl From<&str> for Address {
    fn from(s: &str) -> Address {
        s.parse().expect("a valid address")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_reads_back_as_it_prints() {
        let a: Address = "widget.front-desk_2".parse().unwrap();
        assert_eq!((a.kind(), a.label()), ("widget", "front-desk_2"));
        assert_eq!(a.to_string(), "widget.front-desk_2");
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, "\"widget.front-desk_2\"");
        assert_eq!(serde_json::from_str::<Address>(&json).unwrap(), a);
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "widget",
            "widget.",
            ".a",
            "widget.1a",
            "widget.a.b",
            "wid get.a",
            "",
        ] {
            assert!(bad.parse::<Address>().is_err(), "{bad}");
        }
    }
}
