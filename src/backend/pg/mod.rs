//! The PostgreSQL backend: one schema shared by every workspace of a team.
//!
//! One connection per run, on a runtime of its own. That connection's session
//! holds the lock (a session-level advisory lock), so every write of the run goes
//! through it: when the session is lost, the lock is lost with it, every later
//! journal append fails, and the executor sends no further request. It never
//! reconnects, so it never quietly takes the lock again.

mod audit;
mod journal;
mod lock;
mod schema;
pub mod settings;
mod tls;
mod workspaces;

use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio_postgres::Client;

use super::DEFAULT_WORKSPACE;
use crate::state::{State, StateError};

pub use lock::PgLock;
pub use schema::{SCHEMA_VERSION, valid_name as valid_schema_name};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PgError {
    #[error("the pg backend's settings are wrong: {message}")]
    Settings { message: String },
    #[error(
        "`{name}` is not a schema name: a name is a lowercase letter or `_`, then lowercase letters, digits and `_`, at most 63 in all"
    )]
    SchemaName { name: String },
    #[error("cannot connect to {place}: {message}")]
    Connect { place: String, message: String },
    #[error("cannot prepare the schema in {place}: {message}")]
    Schema { place: String, message: String },
    #[error(
        "the schema in {place} is at version {found}, newer than this assistform knows ({SCHEMA_VERSION}); upgrade assistform"
    )]
    NewerSchema { place: String, found: i32 },
    #[error("cannot start the database connection's thread: {0}")]
    Runtime(std::io::Error),
}

/// An open connection to the backend's schema, for one workspace.
pub struct Pg {
    runtime: Runtime,
    client: Arc<tokio::sync::Mutex<Client>>,
    /// The schema, quoted for SQL.
    schema: String,
    workspace: String,
    place: String,
    secret: Option<String>,
    /// Why the session ended, once it has.
    lost: Arc<Mutex<Option<String>>>,
}

/// A runtime dropped without waiting: the last reference to the backend may go in
/// an async context (a hook's task holds the audit record), where a blocking
/// shutdown would panic.
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl Pg {
    /// Connects, with the settings from `backend_config` and `env`, to the schema
    /// `schema_name` for `workspace`, and creates or checks the schema.
    ///
    /// # Errors
    ///
    /// [`PgError`], never holding the password.
    pub fn connect(
        schema_name: &str,
        workspace: &str,
        backend_config: &[(String, String)],
        env: &[(String, String)],
    ) -> Result<Pg, PgError> {
        if !schema::valid_name(schema_name) {
            return Err(PgError::SchemaName {
                name: schema_name.to_owned(),
            });
        }
        let settings = settings::parse(backend_config, env)?;
        let place = describe(&settings.config, schema_name, workspace);
        let hint = if settings.given {
            ""
        } else {
            " (no connection string was given: set `PG_CONN_STR` or `--backend-config conn_str=…`)"
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("assistform-pg")
            .enable_all()
            .build()
            .map_err(PgError::Runtime)?;
        let lost = Arc::new(Mutex::new(None));
        let connected = {
            let lost = lost.clone();
            let place = place.clone();
            let secret = settings.secret.clone();
            let (tx, rx) = std::sync::mpsc::channel();
            runtime.spawn(async move {
                let _ = tx.send(open(settings, lost).await);
            });
            rx.recv()
                .map_err(|_| "the connection's thread stopped".to_owned())
                .and_then(|r| r)
                .map_err(|message| PgError::Connect {
                    place,
                    message: settings::scrub(&message, secret.as_deref()) + hint,
                })?
        };
        let pg = Pg {
            runtime: Runtime(Some(runtime)),
            client: Arc::new(tokio::sync::Mutex::new(connected.0)),
            schema: format!("\"{schema_name}\""),
            workspace: workspace.to_owned(),
            place,
            secret: connected.1,
            lost,
        };
        // The server's side of the session: a vanished machine's session, and with
        // it the lock, ends within about a minute and a half (the client's own
        // keepalives are set in `settings`). Ignored where the server has no TCP.
        let client = pg.client.clone();
        let _ = pg.call(async move {
            client
                .lock()
                .await
                .batch_execute(
                    "SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 6",
                )
                .await
        });
        pg.call(schema::ensure(
            pg.client.clone(),
            pg.schema.clone(),
            schema_name.to_owned(),
        ))
        .map_err(|e| pg.error_text(&e))
        .and_then(|found| match found {
            Some(found) => Err(format!("newer:{found}")),
            None => Ok(()),
        })
        .map_err(|message| match message.strip_prefix("newer:") {
            Some(found) => PgError::NewerSchema {
                place: pg.place.clone(),
                found: found.parse().unwrap_or(i32::MAX),
            },
            None => PgError::Schema {
                place: pg.place.clone(),
                message,
            },
        })?;
        Ok(pg)
    }

    /// The database, schema and workspace, for messages.
    pub fn place(&self) -> String {
        self.place.clone()
    }

    pub(super) fn workspace(&self) -> &str {
        &self.workspace
    }

    /// Runs `future` on the connection's runtime and waits for it. Never called
    /// from that runtime's own thread.
    fn call<T: Send + 'static>(&self, future: impl Future<Output = T> + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        let runtime = self
            .runtime
            .0
            .as_ref()
            .expect("the runtime lives as long as the backend");
        runtime.spawn(async move {
            let _ = tx.send(future.await);
        });
        rx.recv()
            .expect("the connection's runtime runs every task it is given")
    }

    /// What to say about a failed query: why the session ended when it has, for
    /// that is the cause, else the database's message; never the password.
    fn error_text(&self, error: &tokio_postgres::Error) -> String {
        let lost = self.lost.lock().unwrap_or_else(|e| e.into_inner()).clone();
        // A query can fail on the closed connection before its task has said why.
        let lost = lost.or_else(|| {
            error
                .is_closed()
                .then(|| "the connection closed".to_owned())
        });
        let text = match lost {
            Some(why) => format!(
                "the database session that holds the state lock was lost ({why}); this run sends no further writes, and the next run settles what landed"
            ),
            None => match error.as_db_error() {
                Some(db) => db.message().to_owned(),
                None => error.to_string(),
            },
        };
        settings::scrub(&text, self.secret.as_deref())
    }

    fn state_error(&self, action: &'static str, error: &tokio_postgres::Error) -> StateError {
        StateError::Database {
            action,
            place: self.place.clone(),
            message: self.error_text(error),
        }
    }

    fn table(&self, name: &str) -> String {
        format!("{}.{name}", self.schema)
    }

    /// The workspace's state, if it has one.
    pub(super) fn read_state(&self) -> Result<Option<State>, StateError> {
        let (client, sql, ws) = (
            self.client.clone(),
            self.select_state(),
            self.workspace.clone(),
        );
        let row = self
            .call(async move { client.lock().await.query_opt(&sql, &[&ws]).await })
            .map_err(|e| self.state_error("read", &e))?;
        let Some(row) = row else { return Ok(None) };
        let body: String = row.get(0);
        crate::state::parse(&body, std::path::Path::new(&self.place)).map(Some)
    }

    fn select_state(&self) -> String {
        format!(
            "SELECT body FROM {} WHERE workspace = $1",
            self.table("states")
        )
    }

    /// Writes `state` if the stored serial is still the one it was read at: a
    /// compare-and-set, so two writers can never both win.
    pub(super) fn write_state(&self, state: &mut State) -> Result<(), StateError> {
        crate::state::ensure_serials(std::path::Path::new(&self.place), state, 1)?;
        let mut next = state.clone();
        if next.lineage.is_empty() {
            next.lineage = uuid::Uuid::new_v4().to_string();
        }
        next.serial += 1; // checked above
        next.format_version = crate::state::FORMAT_VERSION;
        let body = serde_json::to_string_pretty(&next).expect("state serialises");
        let read = i64::try_from(state.serial).unwrap_or(i64::MAX);
        let serial = i64::try_from(next.serial).unwrap_or(i64::MAX);
        let table = self.table("states");
        let (client, ws, lineage) = (
            self.client.clone(),
            self.workspace.clone(),
            next.lineage.clone(),
        );
        let written = self
            .call(async move {
                let client = client.lock().await;
                let changed = client
                    .execute(
                        &format!(
                            "UPDATE {table} SET serial = $3, lineage = $4, body = $5, backup = body, written = now() WHERE workspace = $1 AND serial = $2"
                        ),
                        &[&ws, &read, &serial, &lineage, &body],
                    )
                    .await?;
                if changed == 1 {
                    return Ok(None);
                }
                let inserted = client
                    .execute(
                        &format!(
                            "INSERT INTO {table} (workspace, serial, lineage, body, written) VALUES ($1, $2, $3, $4, now()) ON CONFLICT (workspace) DO NOTHING"
                        ),
                        &[&ws, &serial, &lineage, &body],
                    )
                    .await?;
                if inserted == 1 && read == 0 {
                    return Ok(None);
                }
                let found: Option<i64> = client
                    .query_opt(&format!("SELECT serial FROM {table} WHERE workspace = $1"), &[&ws])
                    .await?
                    .map(|r| r.get(0));
                Ok::<_, tokio_postgres::Error>(Some(found.unwrap_or(0)))
            })
            .map_err(|e| self.state_error("write", &e))?;
        if let Some(found) = written {
            return Err(StateError::SerialMoved {
                place: self.place.clone(),
                read: state.serial,
                found: u64::try_from(found).unwrap_or(0),
            });
        }
        *state = next;
        Ok(())
    }
}

/// Connects; the connection's task records why it ended in `lost`.
async fn open(
    settings: settings::Settings,
    lost: Arc<Mutex<Option<String>>>,
) -> Result<(Client, Option<String>), String> {
    let secret = settings.secret.clone();
    let note = move |why: String| {
        *lost.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
    };
    let client = match &settings.tls {
        settings::Tls::Disable => {
            let (client, connection) = settings
                .config
                .connect(tokio_postgres::NoTls)
                .await
                .map_err(|e| describe_error(&e))?;
            tokio::spawn(async move {
                note(ended(connection.await));
            });
            client
        }
        tls_mode => {
            let config = match tls_mode {
                settings::Tls::VerifyFull { root_cert } => {
                    let pem = std::fs::read(root_cert).map_err(|e| {
                        format!("cannot read `sslrootcert` `{}`: {e}", root_cert.display())
                    })?;
                    tls::verifying(&pem)
                        .map_err(|e| format!("`sslrootcert` `{}`: {e}", root_cert.display()))?
                }
                _ => tls::encrypting(),
            };
            let (client, connection) = settings
                .config
                .connect(tls::Rustls(config))
                .await
                .map_err(|e| describe_error(&e))?;
            tokio::spawn(async move {
                note(ended(connection.await));
            });
            client
        }
    };
    Ok((client, secret))
}

fn ended(result: Result<(), tokio_postgres::Error>) -> String {
    match result {
        Ok(()) => "the connection was closed".to_owned(),
        Err(e) => describe_error(&e),
    }
}

/// A connection error with its causes: tokio-postgres's own text is often only
/// "error connecting to server".
fn describe_error(error: &tokio_postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        return db.message().to_owned();
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// `PostgreSQL database `db` on `host:port`, schema `s`, workspace `w``.
fn describe(config: &tokio_postgres::Config, schema: &str, workspace: &str) -> String {
    use tokio_postgres::config::Host;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) => name.clone(),
        Some(Host::Unix(path)) => path.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or("postgres");
    let workspace = if workspace == DEFAULT_WORKSPACE {
        String::new()
    } else {
        format!(", workspace `{workspace}`")
    };
    format!("PostgreSQL database `{db}` on `{host}:{port}`, schema `{schema}`{workspace}")
}
