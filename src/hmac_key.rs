//! A secret key for HMAC-SHA256, from an environment variable: what signs plan
//! files and chains the audit record. Its `Debug` never shows it.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Clone)]
pub struct HmacKey(Vec<u8>);

impl HmacKey {
    /// The key in the variable `name` of `env`, if it is set and not empty.
    pub fn from_env(env: &[(String, String)], name: &str) -> Option<HmacKey> {
        env.iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| HmacKey(v.as_bytes().to_vec()))
    }

    fn mac(&self, bytes: &[u8]) -> Hmac<Sha256> {
        // HMAC takes a key of any length.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length");
        mac.update(bytes);
        mac
    }

    /// The lowercase hex HMAC of `bytes`.
    pub fn tag(&self, bytes: &[u8]) -> String {
        format!("{:x}", self.mac(bytes).finalize().into_bytes())
    }

    /// Whether `hex` is the HMAC of `bytes`, compared in constant time.
    pub fn verify(&self, bytes: &[u8], hex: &str) -> bool {
        decode_hex(hex).is_some_and(|tag| self.mac(bytes).verify_slice(&tag).is_ok())
    }
}

impl fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacKey(***)")
    }
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_verifies_with_its_key_only() {
        let env = [("K".to_owned(), "secret".to_owned())];
        let key = HmacKey::from_env(&env, "K").unwrap();
        let tag = key.tag(b"line");
        assert_eq!(tag.len(), 64);
        assert!(key.verify(b"line", &tag));
        assert!(!key.verify(b"other", &tag));
        assert!(
            !HmacKey::from_env(&[("K".into(), "guess".into())], "K")
                .unwrap()
                .verify(b"line", &tag)
        );
        assert!(!key.verify(b"line", "zz"));
        assert!(HmacKey::from_env(&[("K".into(), String::new())], "K").is_none());
        assert_eq!(format!("{key:?}"), "HmacKey(***)");
    }
}
