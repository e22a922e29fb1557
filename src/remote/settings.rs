//! Where and as whom to connect: the `genesys` block, the environment and the flags,
//! resolved into one [`Connection`].

use std::fmt;

use reqwest::Url;

use super::error::RemoteError;
use crate::region::{self, GenesysSettings, base_url, origin};
use crate::suggest::did_you_mean;

const REGION_VARIABLES: &[&str] = &["GENESYSCLOUD_REGION", "GENESYS_REGION"];
const API_URL_VARIABLES: &[&str] = &["GENESYSCLOUD_API_URL"];
const CLIENT_ID_VARIABLES: &[&str] = &["GENESYSCLOUD_OAUTHCLIENT_ID", "GENESYS_CLIENT_ID"];
const CLIENT_SECRET_VARIABLES: &[&str] =
    &["GENESYSCLOUD_OAUTHCLIENT_SECRET", "GENESYS_CLIENT_SECRET"];

/// A string that must never be shown: its `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where and as whom to connect. Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct Connection {
    /// The API host (`https://api.<domain>`) or the explicit base URL.
    pub(crate) api: Url,
    /// The login host (`https://login.<domain>`) or the explicit base URL.
    pub(crate) login: Url,
    pub(crate) client_id: String,
    pub(crate) client_secret: Secret,
    /// The region or API URL that decided the hosts, wherever it came from.
    pub(crate) place: GenesysSettings,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("api", &self.api.as_str())
            .field("login", &self.login.as_str())
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

/// Where the hosts come from, as one level of the precedence order names it.
enum Place<'a> {
    Url { raw: &'a str, source: &'static str },
    Region(&'a str),
}

impl<'a> Place<'a> {
    /// An API URL beats a region at the same level, being the more specific.
    fn of(
        region: Option<&'a str>,
        api_url: Option<&'a str>,
        source: &'static str,
    ) -> Option<Place<'a>> {
        match (non_empty(api_url), non_empty(region)) {
            (Some(raw), _) => Some(Place::Url { raw, source }),
            (None, Some(name)) => Some(Place::Region(name)),
            (None, None) => None,
        }
    }
}

impl Connection {
    /// Resolves the hosts and the OAuth client. Precedence, lowest first: the
    /// `genesys` block, the environment, the flags. The highest level that names a
    /// region or an API URL decides the hosts; within one level an API URL beats a
    /// region, being the more specific. The credentials come from the environment
    /// only, so that they are never written into a configuration.
    ///
    /// # Errors
    ///
    /// [`RemoteError::MissingCredentials`] when the client id or secret is not set;
    /// [`RemoteError::Config`] for no region at all, an unknown region, or an API URL
    /// that is not https (plain http is for loopback only).
    pub fn resolve(
        block: &GenesysSettings,
        env: &[(String, String)],
        region_flag: Option<&str>,
        api_url_flag: Option<&str>,
    ) -> Result<Connection, RemoteError> {
        let client_id = lookup(env, CLIENT_ID_VARIABLES);
        let client_secret = lookup(env, CLIENT_SECRET_VARIABLES);
        let (client_id, client_secret) = match (client_id, client_secret) {
            (Some(id), Some(secret)) => (id, secret),
            (id, secret) => {
                let mut missing = Vec::new();
                if id.is_none() {
                    missing.push(CLIENT_ID_VARIABLES[0]);
                }
                if secret.is_none() {
                    missing.push(CLIENT_SECRET_VARIABLES[0]);
                }
                return Err(RemoteError::MissingCredentials { missing });
            }
        };
        // The highest level that names a place decides it.
        let place = [
            Place::of(region_flag, api_url_flag, "--api-url"),
            Place::of(
                lookup(env, REGION_VARIABLES),
                lookup(env, API_URL_VARIABLES),
                API_URL_VARIABLES[0],
            ),
            Place::of(
                block.region.as_deref(),
                block.api_url.as_deref(),
                "`api_url` in the `genesys` block",
            ),
        ]
        .into_iter()
        .flatten()
        .next();
        let (api, login, decided) = match place {
            Some(Place::Url { raw, source }) => {
                let base = base_url(raw).map_err(|problem| RemoteError::Config {
                    message: format!("invalid API URL from {source}: {problem}"),
                })?;
                let decided = GenesysSettings {
                    region: None,
                    api_url: Some(origin(&base)),
                };
                (base.clone(), base, decided)
            }
            Some(Place::Region(name)) => {
                let (api, login) = region_hosts(name)?;
                let decided = GenesysSettings {
                    region: Some(name.to_owned()),
                    api_url: None,
                };
                (api, login, decided)
            }
            None => {
                return Err(RemoteError::Config {
                    message: format!(
                        "no Genesys Cloud region: set `region` in the `genesys` block, {} or {}, or pass `--region`; or give an API URL with `api_url`, {} or `--api-url`",
                        REGION_VARIABLES[0], REGION_VARIABLES[1], API_URL_VARIABLES[0]
                    ),
                });
            }
        };
        Ok(Connection {
            api,
            login,
            client_id: client_id.to_owned(),
            client_secret: Secret::new(client_secret),
            place: decided,
        })
    }

    /// One base URL for both the token and the API: for the built-in emulator and
    /// for tests.
    ///
    /// # Errors
    ///
    /// [`RemoteError::Config`] when the URL is not https or loopback http.
    pub fn explicit(
        base_url: &str,
        client_id: &str,
        client_secret: &str,
    ) -> Result<Connection, RemoteError> {
        let base = base_url_checked(base_url)?;
        Ok(Connection {
            place: GenesysSettings {
                region: None,
                api_url: Some(origin(&base)),
            },
            api: base.clone(),
            login: base,
            client_id: client_id.to_owned(),
            client_secret: Secret::new(client_secret),
        })
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The region or API URL that decided where this connects, as a `genesys` block
    /// would say it: a saved plan keeps it, so that apply goes where plan went.
    pub fn place(&self) -> &GenesysSettings {
        &self.place
    }

    /// The API host, for messages, e.g. `https://api.mypurecloud.ie`.
    pub fn describe(&self) -> String {
        origin(&self.api)
    }

    /// The login host, for messages.
    pub(crate) fn describe_login(&self) -> String {
        origin(&self.login)
    }

    /// `<api>/api/v2/<segments…>`, each segment percent-encoded.
    pub(crate) fn api_url(&self, segments: &[&str]) -> Url {
        let mut url = endpoint(&self.api, &["api", "v2"]);
        if let Ok(mut path) = url.path_segments_mut() {
            path.extend(segments);
        }
        url
    }

    /// `<login>/oauth/token`.
    pub(crate) fn token_url(&self) -> Url {
        endpoint(&self.login, &["oauth", "token"])
    }

    /// Whether the hosts are this machine, so that no proxy may stand between.
    pub(crate) fn is_loopback(&self) -> bool {
        // Plain http is only ever accepted for loopback hosts.
        self.api.scheme() == "http"
    }
}

/// `https://api.<domain>` and `https://login.<domain>` of a region, given by name or
/// by domain.
fn region_hosts(name: &str) -> Result<(Url, Url), RemoteError> {
    let Some(domain) = region::domain(name) else {
        let hint = did_you_mean(name, region::REGIONS.iter().map(|r| r.0))
            .map(|r| format!("did you mean `{r}`? "))
            .unwrap_or_default();
        return Err(RemoteError::Config {
            message: format!(
                "unknown Genesys Cloud region `{name}`: {hint}valid regions: {}; or give the region's domain, such as `mypurecloud.ie`",
                region::names()
            ),
        });
    };
    let host = |prefix: &str| {
        Url::parse(&format!("https://{prefix}.{domain}")).map_err(|e| RemoteError::Config {
            message: format!("region `{name}` gives no valid host: {e}"),
        })
    };
    Ok((host("api")?, host("login")?))
}

fn base_url_checked(raw: &str) -> Result<Url, RemoteError> {
    base_url(raw).map_err(|message| RemoteError::Config { message })
}

fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    // Only a URL that cannot be a base refuses, and `base_url` rejects those.
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

/// The first of `names` set to a non-empty value.
fn lookup<'a>(env: &'a [(String, String)], names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|name| {
        env.iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| non_empty(Some(v)))
    })
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}
