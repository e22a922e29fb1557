//! The OAuth clients the emulator knows, and the permissions each holds. The
//! client of `--client-id` holds every permission; the others hold what the
//! `--clients` file, the options or `POST /__emulator/clients` grant them.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::RwLock;

use serde::{Deserialize, Serialize};

use super::error::{ApiError, EmulatorError};
use super::options::EmulatorOptions;

/// An OAuth client and the permissions its tokens carry, e.g. `responses:library:view`.
/// A `*` stands for any one part: `responses:*:view`, `responses:*:*`.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ClientGrant {
    pub id: String,
    pub secret: String,
    #[serde(default)]
    pub permissions: Vec<String>,
}

impl std::fmt::Debug for ClientGrant {
    // The secret stays out of every log line and panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientGrant")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .field("permissions", &self.permissions)
            .finish()
    }
}

/// A client as answers show it: never its secret.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ClientView {
    pub id: String,
    pub permissions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientsFile {
    clients: Vec<ClientGrant>,
}

/// Reads a `--clients` file: `{"clients": [{"id", "secret", "permissions": [..]}]}`.
///
/// # Errors
///
/// The file cannot be read, or is not such a document.
pub fn read_clients(path: &Path) -> Result<Vec<ClientGrant>, EmulatorError> {
    let bytes = std::fs::read(path).map_err(|source| EmulatorError::ReadClients {
        path: path.into(),
        source,
    })?;
    let file: ClientsFile =
        serde_json::from_slice(&bytes).map_err(|e| EmulatorError::ParseClients {
            path: path.into(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
    Ok(file.clients)
}

/// What a client may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Grants {
    Everything,
    Only(Vec<String>),
}

impl Grants {
    pub fn holds(&self, permission: &str) -> bool {
        match self {
            Grants::Everything => true,
            Grants::Only(granted) => granted.iter().any(|g| covers(g, permission)),
        }
    }
}

/// Whether the granted permission `grant` (parts may be `*`) covers `permission`.
fn covers(grant: &str, permission: &str) -> bool {
    let mut wanted = permission.split(':');
    let mut given = grant.split(':');
    loop {
        match (given.next(), wanted.next()) {
            (None, None) => return true,
            (Some(g), Some(w)) if g == "*" || g == w => {}
            _ => return false,
        }
    }
}

struct Client {
    secret: String,
    grants: Grants,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("secret", &"<redacted>")
            .field("grants", &self.grants)
            .finish()
    }
}

#[derive(Debug)]
pub(crate) struct Clients {
    default_id: String,
    known: RwLock<BTreeMap<String, Client>>,
}

impl Clients {
    pub fn from_options(options: &EmulatorOptions) -> Clients {
        let mut known = BTreeMap::new();
        for grant in &options.clients {
            known.insert(
                grant.id.clone(),
                Client {
                    secret: grant.secret.clone(),
                    grants: Grants::Only(grant.permissions.clone()),
                },
            );
        }
        known.insert(
            options.client_id.clone(),
            Client {
                secret: options.client_secret.clone(),
                grants: Grants::Everything,
            },
        );
        Clients {
            default_id: options.client_id.clone(),
            known: RwLock::new(known),
        }
    }

    pub fn authenticate(&self, id: &str, secret: &str) -> bool {
        self.known
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .is_some_and(|c| c.secret == secret)
    }

    /// What the client `id` may do; nothing for a client the emulator does not know.
    pub fn grants(&self, id: &str) -> Grants {
        self.known
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .map_or_else(|| Grants::Only(Vec::new()), |c| c.grants.clone())
    }

    /// Adds a client, or replaces one added before (its tokens then carry the new
    /// permissions). The start client cannot be replaced: it holds every permission.
    pub fn add(&self, grant: ClientGrant) -> Result<ClientView, ApiError> {
        if let Some((field, reason)) = problem(&grant) {
            return Err(ApiError::bad_request(format!("`{field}` {reason}.")).param("field", field));
        }
        if grant.id == self.default_id {
            return Err(ApiError::bad_request(format!(
                "`{}` is the emulator's own client, which holds every permission; choose another `id`.",
                grant.id
            ))
            .param("field", "id"));
        }
        let view = ClientView {
            id: grant.id.clone(),
            permissions: grant.permissions.clone(),
        };
        self.known
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                grant.id,
                Client {
                    secret: grant.secret,
                    grants: Grants::Only(grant.permissions),
                },
            );
        Ok(view)
    }
}

/// What is wrong with a client: the field and why.
pub(crate) fn problem(grant: &ClientGrant) -> Option<(&'static str, &'static str)> {
    if grant.id.is_empty() {
        Some(("id", "must not be empty"))
    } else if grant.secret.is_empty() {
        Some(("secret", "must not be empty"))
    } else if grant.permissions.iter().any(|p| p.trim().is_empty()) {
        Some(("permissions", "must not hold an empty permission"))
    } else {
        None
    }
}

/// Why the start options' clients cannot be served.
pub(crate) fn options_problem(options: &EmulatorOptions) -> Option<String> {
    let mut seen = std::collections::BTreeSet::new();
    for grant in &options.clients {
        if let Some((field, reason)) = problem(grant) {
            return Some(format!("client `{}`: `{field}` {reason}", grant.id));
        }
        if grant.id == options.client_id {
            return Some(format!(
                "client `{}` is the `--client-id` client, which holds every permission already",
                grant.id
            ));
        }
        if !seen.insert(grant.id.as_str()) {
            return Some(format!("client `{}` is given twice", grant.id));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_covers_any_one_part() {
        assert!(covers("responses:*:view", "responses:library:view"));
        assert!(covers("responses:*:*", "responses:response:edit"));
        assert!(!covers("responses:*", "responses:response:edit"));
        assert!(!covers("responses:library:view", "responses:library:edit"));
        assert!(covers("responses:library:view", "responses:library:view"));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let grant = ClientGrant {
            id: "reader".into(),
            secret: "s3cret".into(),
            permissions: vec![],
        };
        assert!(!format!("{grant:?}").contains("s3cret"));
    }
}
