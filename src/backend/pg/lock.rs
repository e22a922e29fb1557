//! The lock: a session-level advisory lock, which the server releases when the
//! holder's session ends however it ends, and the holder's name in a row, which
//! only a holder that finishes deletes. A row found by whoever takes the lock next
//! tells that the previous run did not finish.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Pg;
use super::schema::key;
use crate::state::{LockError, LockInfo};

/// The held lock; released when dropped.
pub struct PgLock {
    pg: Arc<Pg>,
    key: i64,
    /// The run that held the lock before and did not finish, if any.
    pub unfinished: Option<LockInfo>,
}

impl PgLock {
    /// Takes the lock of `pg`'s workspace for `operation`, waiting up to `timeout`.
    ///
    /// # Errors
    ///
    /// [`LockError::Held`] naming the holder when it is still held after `timeout`.
    pub fn acquire(pg: &Arc<Pg>, operation: &str, timeout: Duration) -> Result<PgLock, LockError> {
        let key = key(&format!("assistform lock {} {}", pg.schema, pg.workspace()));
        let failed = |e: &tokio_postgres::Error| LockError::Database {
            place: pg.place(),
            message: pg.error_text(e),
        };
        let deadline = Instant::now().checked_add(timeout);
        loop {
            let client = pg.client.clone();
            let taken: bool = pg
                .call(async move {
                    let row = client
                        .lock()
                        .await
                        .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
                        .await?;
                    Ok::<_, tokio_postgres::Error>(row.get(0))
                })
                .map_err(|e| failed(&e))?;
            if taken {
                break;
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(LockError::Held {
                    place: pg.place(),
                    holder: holder(pg).map_err(|e| failed(&e))?.map(Box::new),
                });
            }
            // The server has no wait with a timeout for an advisory lock that a
            // statement could be cancelled out of cheaply; a short poll is enough.
            std::thread::sleep(Duration::from_millis(50).min(timeout));
        }
        // Held from here: dropped on an error below, it is released.
        let mut lock = PgLock {
            pg: pg.clone(),
            key,
            unfinished: None,
        };
        lock.unfinished = holder(pg).map_err(|e| failed(&e))?;
        let me = serde_json::to_string(&LockInfo::this_process(operation))
            .expect("lock info serialises");
        let (client, sql, ws) = (
            pg.client.clone(),
            format!(
                "INSERT INTO {} (workspace, holder) VALUES ($1, $2) ON CONFLICT (workspace) DO UPDATE SET holder = EXCLUDED.holder",
                pg.table("locks")
            ),
            pg.workspace().to_owned(),
        );
        pg.call(async move { client.lock().await.execute(&sql, &[&ws, &me]).await })
            .map_err(|e| failed(&e))?;
        Ok(lock)
    }
}

/// The holder named in the lock's row, if there is one.
fn holder(pg: &Pg) -> Result<Option<LockInfo>, tokio_postgres::Error> {
    let (client, sql, ws) = (
        pg.client.clone(),
        format!(
            "SELECT holder FROM {} WHERE workspace = $1",
            pg.table("locks")
        ),
        pg.workspace().to_owned(),
    );
    let row = pg.call(async move { client.lock().await.query_opt(&sql, &[&ws]).await })?;
    Ok(row.and_then(|r| serde_json::from_str(&r.get::<_, String>(0)).ok()))
}

impl Drop for PgLock {
    fn drop(&mut self) {
        // Only a run that finishes removes its row: see the module comment. A
        // session already lost has released the advisory lock with it.
        let (client, sql, ws, key) = (
            self.pg.client.clone(),
            format!(
                "DELETE FROM {} WHERE workspace = $1",
                self.pg.table("locks")
            ),
            self.pg.workspace().to_owned(),
            self.key,
        );
        let _ = self.pg.call(async move {
            let client = client.lock().await;
            client.execute(&sql, &[&ws]).await?;
            client
                .execute("SELECT pg_advisory_unlock($1)", &[&key])
                .await
        });
    }
}
