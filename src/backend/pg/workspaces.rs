//! The workspaces a schema holds, deleting one, and receiving a migrated one.

use super::Pg;
use crate::backend::DEFAULT_WORKSPACE;
use crate::state::{State, StateError};

impl Pg {
    pub(in crate::backend) fn workspaces(&self) -> Result<Vec<String>, StateError> {
        let sql = format!(
            "SELECT workspace FROM {} UNION SELECT workspace FROM {} UNION SELECT $1 ORDER BY 1",
            self.table("states"),
            self.table("audit")
        );
        let client = self.client.clone();
        let rows = self
            .call(async move { client.lock().await.query(&sql, &[&DEFAULT_WORKSPACE]).await })
            .map_err(|e| self.state_error("list the workspaces of", &e))?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    /// Deletes the workspace's state and journal; its audit record is append-only
    /// and stays.
    pub(in crate::backend) fn delete_workspace(&self) -> Result<(), StateError> {
        let (states, journal) = (self.table("states"), self.table("journal"));
        let (client, ws) = (self.client.clone(), self.workspace.clone());
        self.call(async move {
            let mut client = client.lock().await;
            let tx = client.transaction().await?;
            for table in [states, journal] {
                tx.execute(&format!("DELETE FROM {table} WHERE workspace = $1"), &[&ws])
                    .await?;
            }
            tx.commit().await
        })
        .map_err(|e| self.state_error("delete", &e))
    }

    /// Stores `state` as it is and the audit record `lines`, in one transaction,
    /// where the workspace holds neither yet.
    pub(in crate::backend) fn receive(
        &self,
        state: &State,
        lines: &[Vec<u8>],
    ) -> Result<(), StateError> {
        let mut records = Vec::with_capacity(lines.len());
        for line in lines {
            let record: crate::audit::Record =
                serde_json::from_slice(line).map_err(|e| StateError::Database {
                    action: "copy the audit record into",
                    place: self.place.clone(),
                    message: format!("a line is not a whole record ({e}); run `assistform audit verify` on the source"),
                })?;
            let seq = i64::try_from(record.seq).unwrap_or(i64::MAX);
            records.push((seq, String::from_utf8_lossy(line).into_owned()));
        }
        let body = serde_json::to_string_pretty(state).expect("state serialises");
        let serial = i64::try_from(state.serial).unwrap_or(i64::MAX);
        let (states, audit) = (self.table("states"), self.table("audit"));
        let (client, ws, lineage) = (
            self.client.clone(),
            self.workspace.clone(),
            state.lineage.clone(),
        );
        let inserted = self
            .call(async move {
                let mut client = client.lock().await;
                let tx = client.transaction().await?;
                let inserted = tx
                    .execute(
                        &format!(
                            "INSERT INTO {states} (workspace, serial, lineage, body) VALUES ($1, $2, $3, $4) ON CONFLICT (workspace) DO NOTHING"
                        ),
                        &[&ws, &serial, &lineage, &body],
                    )
                    .await?;
                for (seq, line) in &records {
                    tx.execute(
                        &format!("INSERT INTO {audit} (workspace, seq, line) VALUES ($1, $2, $3)"),
                        &[&ws, seq, line],
                    )
                    .await?;
                }
                if inserted == 1 {
                    tx.commit().await?;
                }
                Ok::<_, tokio_postgres::Error>(inserted == 1)
            })
            .map_err(|e| self.state_error("write", &e))?;
        if inserted {
            Ok(())
        } else {
            Err(StateError::Database {
                action: "migrate into",
                place: self.place.clone(),
                message: "it holds a state already".to_owned(),
            })
        }
    }
}
