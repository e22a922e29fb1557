//! The audit record's table: the local record's lines, one row each, append-only.

use std::sync::Arc;

use super::Pg;
use crate::audit::{AuditError, AuditStore};

impl Pg {
    pub(in crate::backend) fn audit_store(self: &Arc<Pg>) -> Arc<dyn AuditStore> {
        Arc::new(Audit(self.clone()))
    }

    fn audit_error(&self, action: &'static str, error: &tokio_postgres::Error) -> AuditError {
        AuditError::Database {
            action,
            place: self.place.clone(),
            message: self.error_text(error),
        }
    }

    /// Every line of the workspace's audit record, in seq order.
    pub(in crate::backend) fn audit_lines(&self) -> Result<Vec<Vec<u8>>, AuditError> {
        let sql = format!(
            "SELECT line FROM {} WHERE workspace = $1 ORDER BY seq",
            self.table("audit")
        );
        let (client, ws) = (self.client.clone(), self.workspace.clone());
        let rows = self
            .call(async move { client.lock().await.query(&sql, &[&ws]).await })
            .map_err(|e| self.audit_error("read", &e))?;
        if rows.is_empty() {
            return Err(AuditError::Missing {
                path: std::path::PathBuf::from(&self.place),
            });
        }
        Ok(rows
            .iter()
            .map(|r| r.get::<_, String>(0).into_bytes())
            .collect())
    }
}

/// The audit record's table, as the audit log's store.
struct Audit(Arc<Pg>);

impl AuditStore for Audit {
    fn last(&self) -> Result<Option<(u64, Vec<u8>)>, AuditError> {
        let pg = &self.0;
        let sql = format!(
            "SELECT seq, line FROM {} WHERE workspace = $1 ORDER BY seq DESC LIMIT 1",
            pg.table("audit")
        );
        let (client, ws) = (pg.client.clone(), pg.workspace.clone());
        let row = pg
            .call(async move { client.lock().await.query_opt(&sql, &[&ws]).await })
            .map_err(|e| pg.audit_error("read", &e))?;
        Ok(row.map(|r| {
            let seq: i64 = r.get(0);
            let line: String = r.get(1);
            (u64::try_from(seq).unwrap_or(0), line.into_bytes())
        }))
    }

    fn append(&self, seq: u64, line: &str) -> Result<(), AuditError> {
        let pg = &self.0;
        let sql = format!(
            "INSERT INTO {} (workspace, seq, line) VALUES ($1, $2, $3)",
            pg.table("audit")
        );
        let seq = i64::try_from(seq).map_err(|_| AuditError::SeqExhausted {
            path: std::path::PathBuf::from(&pg.place),
            seq,
        })?;
        let (client, ws, line) = (pg.client.clone(), pg.workspace.clone(), line.to_owned());
        pg.call(async move { client.lock().await.execute(&sql, &[&ws, &seq, &line]).await })
            .map(|_| ())
            .map_err(|e| pg.audit_error("append to", &e))
    }
}
