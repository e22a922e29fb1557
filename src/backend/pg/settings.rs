//! The connection's settings: the string from `--backend-config conn_str=…` or
//! `PG_CONN_STR` (Terraform's name), the libpq variables (`PGHOST`, `PGUSER`,
//! `PGPASSWORD`, …) where it leaves something out, and the TLS mode.
//!
//! tokio-postgres knows neither `verify-full` nor `sslrootcert`, so both are taken
//! out of the string here and the TLS is set up by [`super::tls`].

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use tokio_postgres::config::{Host, SslMode};

use super::PgError;

/// How the connection is protected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tls {
    Disable,
    Require,
    VerifyFull { root_cert: PathBuf },
}

/// A parsed connection; `Debug` never shows the password.
pub struct Settings {
    pub config: tokio_postgres::Config,
    pub tls: Tls,
    /// The password given, to scrub from any message that might echo it.
    pub secret: Option<String>,
    /// Whether a connection string or `PGHOST` said where to connect.
    pub given: bool,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // tokio-postgres's own `Debug` of the config redacts its password.
        f.debug_struct("Settings")
            .field("config", &self.config)
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

const CONN_STR: &str = "conn_str";
const CONN_STR_VARIABLE: &str = "PG_CONN_STR";

/// The settings from `backend_config` (`--backend-config` pairs) and `env`.
///
/// # Errors
///
/// [`PgError::Settings`], naming what is wrong and never the password.
pub fn parse(
    backend_config: &[(String, String)],
    env: &[(String, String)],
) -> Result<Settings, PgError> {
    let var = |name: &str| {
        env.iter()
            .rev()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let option = |name: &str| {
        backend_config
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if let Some((key, _)) = backend_config
        .iter()
        .find(|(k, _)| !matches!(k.as_str(), CONN_STR | "allow_plain"))
    {
        return Err(settings(format!(
            "`--backend-config {key}=…` is not a setting of the pg backend (it takes `conn_str` and `allow_plain`)"
        )));
    }
    let conn_str = option(CONN_STR)
        .or_else(|| var(CONN_STR_VARIABLE))
        .unwrap_or_default();
    let given = !conn_str.trim().is_empty() || var("PGHOST").is_some();
    let (rest, mut sslmode, mut root_cert) = split_tls(&conn_str)?;
    let mut config: tokio_postgres::Config = if rest.trim().is_empty() {
        tokio_postgres::Config::new()
    } else {
        let password = password_in(&conn_str);
        rest.parse().map_err(|e: tokio_postgres::Error| {
            settings(format!(
                "the connection string is not valid: {}",
                scrub(&e.to_string(), password.as_deref())
            ))
        })?
    };
    if config.get_hosts().is_empty() {
        let host = var("PGHOST").unwrap_or_else(|| "localhost".to_owned());
        for host in host.split(',') {
            config.host(host);
        }
    }
    if config.get_ports().is_empty()
        && let Some(port) = var("PGPORT")
    {
        let port = port
            .parse::<u16>()
            .map_err(|_| settings(format!("`PGPORT` is not a port: `{port}`")))?;
        config.port(port);
    }
    if config.get_user().is_none() {
        let user = var("PGUSER")
            .or_else(|| var("USER"))
            .unwrap_or_else(|| "postgres".to_owned());
        config.user(&user);
    }
    if config.get_password().is_none()
        && let Some(password) = var("PGPASSWORD")
    {
        config.password(password);
    }
    if config.get_dbname().is_none()
        && let Some(db) = var("PGDATABASE")
    {
        config.dbname(&db);
    }
    if config.get_connect_timeout().is_none() {
        let seconds = var("PGCONNECT_TIMEOUT")
            .and_then(|s| s.parse::<u64>().ok())
            .filter(|s| *s > 0)
            .unwrap_or(10);
        config.connect_timeout(Duration::from_secs(seconds));
    }
    if config.get_application_name().is_none() {
        config.application_name("assistform");
    }
    // A vanished machine's session is noticed within about a minute and a half:
    // its lock is then released for the next run.
    config
        .keepalives(true)
        .keepalives_idle(Duration::from_secs(30))
        .keepalives_interval(Duration::from_secs(10))
        .keepalives_retries(6);
    sslmode = sslmode.or_else(|| var("PGSSLMODE"));
    root_cert = root_cert.or_else(|| var("PGSSLROOTCERT"));
    let loopback = config.get_hosts().iter().all(is_loopback);
    let tls = match sslmode.as_deref() {
        None if loopback => Tls::Disable,
        None | Some("require") => Tls::Require,
        Some("disable") => Tls::Disable,
        Some("verify-full") => Tls::VerifyFull {
            root_cert: root_cert.map(PathBuf::from).or_else(default_root_cert).ok_or_else(|| {
                settings("`sslmode=verify-full` needs `sslrootcert` (or `PGSSLROOTCERT`): the certificate authority to trust".to_owned())
            })?,
        },
        Some(other) => {
            return Err(settings(format!(
                "`sslmode={other}` is not supported: use `disable`, `require` or `verify-full`"
            )));
        }
    };
    let allow_plain = option("allow_plain").is_some_and(|v| v == "true");
    if tls == Tls::Disable && !loopback && !allow_plain {
        return Err(settings(
            "a connection without TLS is allowed only to this machine (a Unix socket, `localhost`, 127.0.0.1 or ::1): use `sslmode=require` or `verify-full`, or, on a network you trust, `--backend-config allow_plain=true`".to_owned(),
        ));
    }
    config.ssl_mode(match tls {
        Tls::Disable => SslMode::Disable,
        _ => SslMode::Require,
    });
    let secret = config
        .get_password()
        .map(|p| String::from_utf8_lossy(p).into_owned());
    Ok(Settings {
        config,
        tls,
        secret,
        given,
    })
}

fn settings(message: String) -> PgError {
    PgError::Settings { message }
}

/// libpq's default for `sslrootcert`.
fn default_root_cert() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let path = PathBuf::from(home).join(".postgresql/root.crt");
    path.exists().then_some(path)
}

fn is_loopback(host: &Host) -> bool {
    match host {
        Host::Unix(_) => true,
        Host::Tcp(name) => {
            name == "localhost"
                || name
                    .trim_matches(['[', ']'])
                    .parse::<IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
    }
}

/// `text` with every occurrence of `secret` masked.
pub fn scrub(text: &str, secret: Option<&str>) -> String {
    match secret.filter(|s| !s.is_empty()) {
        Some(secret) => text.replace(secret, "****"),
        None => text.to_owned(),
    }
}

/// The password written in a connection string, if any: only to scrub it.
fn password_in(conn_str: &str) -> Option<String> {
    if is_url(conn_str) {
        let url = url::Url::parse(conn_str).ok()?;
        return url.password().map(str::to_owned).or_else(|| {
            url.query_pairs()
                .find(|(k, _)| k == "password")
                .map(|(_, v)| v.into_owned())
        });
    }
    pairs(conn_str)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "password")
        .map(|(_, v)| v)
}

fn is_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

type Split = (String, Option<String>, Option<String>);

/// The connection string without `sslmode` and `sslrootcert`, and those two.
fn split_tls(conn_str: &str) -> Result<Split, PgError> {
    let tls_key = |k: &str| matches!(k, "sslmode" | "sslrootcert");
    if is_url(conn_str) {
        let mut url = url::Url::parse(conn_str)
            .map_err(|e| settings(format!("the connection string is not a valid URL ({e})")))?;
        let (mut sslmode, mut root) = (None, None);
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter_map(|(k, v)| match k.as_ref() {
                "sslmode" => {
                    sslmode = Some(v.into_owned());
                    None
                }
                "sslrootcert" => {
                    root = Some(v.into_owned());
                    None
                }
                _ => Some((k.into_owned(), v.into_owned())),
            })
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
        return Ok((url.to_string(), sslmode, root));
    }
    let all = pairs(conn_str)?;
    let find = |key: &str| {
        all.iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let rest = all
        .iter()
        .filter(|(k, _)| !tls_key(k))
        .map(|(k, v)| format!("{k}='{}'", v.replace('\\', "\\\\").replace('\'', "\\'")))
        .collect::<Vec<_>>()
        .join(" ");
    Ok((rest, find("sslmode"), find("sslrootcert")))
}

/// The `key=value` pairs of a libpq keyword string; values may be single-quoted,
/// with `\` escaping.
fn pairs(s: &str) -> Result<Vec<(String, String)>, PgError> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Ok(out);
        }
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('=') {
            return Err(settings(format!(
                "the connection string is not valid: `{key}` has no `=`"
            )));
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'\'').is_some() {
            loop {
                match chars.next() {
                    Some('\\') => value.extend(chars.next()),
                    Some('\'') => break,
                    Some(c) => value.push(c),
                    None => {
                        return Err(settings(format!(
                            "the connection string is not valid: the value of `{key}` has no closing quote"
                        )));
                    }
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                value.push(c);
            }
        }
        out.push((key, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn libpq_variables_fill_what_the_string_leaves_out() {
        let s = parse(
            &[],
            &env(&[
                ("PG_CONN_STR", "host=127.0.0.1 dbname=team"),
                ("PGUSER", "ci"),
                ("PGPASSWORD", "hunter2"),
                ("PGPORT", "6543"),
            ]),
        )
        .unwrap();
        assert_eq!(s.config.get_user(), Some("ci"));
        assert_eq!(s.config.get_ports(), &[6543]);
        assert_eq!(s.config.get_dbname(), Some("team"));
        assert_eq!(s.tls, Tls::Disable);
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn plain_connections_go_only_to_loopback_and_tls_modes_are_parsed_out() {
        let remote = parse(
            &[(
                "conn_str".into(),
                "postgres://u:pw@db.example.com/x?sslmode=disable".into(),
            )],
            &[],
        )
        .unwrap_err();
        assert!(
            remote.to_string().contains("only to this machine"),
            "{remote}"
        );
        assert!(!remote.to_string().contains("pw"), "{remote}");
        let required = parse(
            &[("conn_str".into(), "host=db.example.com user=u".into())],
            &[],
        )
        .unwrap();
        assert_eq!(required.tls, Tls::Require);
        let full = parse(
            &[(
                "conn_str".into(),
                "host=db.example.com sslmode=verify-full sslrootcert='/etc/ca one.pem'".into(),
            )],
            &[],
        )
        .unwrap();
        assert_eq!(
            full.tls,
            Tls::VerifyFull {
                root_cert: "/etc/ca one.pem".into()
            }
        );
    }

    #[test]
    fn a_bad_string_is_refused_without_echoing_its_password() {
        let err = parse(
            &[(
                "conn_str".into(),
                "host=localhost password=s3cr3t port=notaport".into(),
            )],
            &[],
        )
        .unwrap_err();
        assert!(!err.to_string().contains("s3cr3t"), "{err}");
    }
}
