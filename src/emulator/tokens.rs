//! The bearer tokens `POST /oauth/token` has issued, and whose each is.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The issued tokens and the client each belongs to.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    issued: Mutex<HashMap<String, Token>>,
}

#[derive(Debug)]
struct Token {
    client_id: Arc<str>,
    expires: Instant,
}

impl Tokens {
    pub fn issue(&self, client_id: &str, ttl: Duration, now: Instant) -> String {
        let token = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let mut issued = self.issued.lock().unwrap_or_else(|e| e.into_inner());
        // Expired tokens answer 401 just as unknown ones do, so they need not be kept.
        issued.retain(|_, t| t.expires > now);
        issued.insert(
            token.clone(),
            Token {
                client_id: client_id.into(),
                expires: now + ttl,
            },
        );
        token
    }

    /// The client a token live at `now` belongs to.
    pub fn client(&self, token: &str, now: Instant) -> Option<Arc<str>> {
        let issued = self.issued.lock().unwrap_or_else(|e| e.into_inner());
        issued
            .get(token)
            .filter(|t| t.expires > now)
            .map(|t| t.client_id.clone())
    }
}
