//! The journal's table: each batch of intents committed in one insert before the
//! requests it announces are sent.

use std::sync::Arc;

use super::Pg;
use crate::state::StateError;
use crate::state::journal::{Entry, InFlight, Journal};

impl Pg {
    pub(in crate::backend) fn read_journal(&self) -> Result<Vec<Entry>, StateError> {
        let sql = format!(
            "SELECT line FROM {} WHERE workspace = $1 ORDER BY id",
            self.table("journal")
        );
        let (client, ws) = (self.client.clone(), self.workspace.clone());
        let rows = self
            .call(async move { client.lock().await.query(&sql, &[&ws]).await })
            .map_err(|e| self.state_error("read the journal of", &e))?;
        let text: String = rows.iter().map(|r| r.get::<_, String>(0)).collect();
        Ok(crate::state::journal::parse(&text))
    }

    /// Appends `lines` in one committed statement.
    fn append_journal(&self, lines: &[Vec<u8>]) -> Result<(), String> {
        let sql = format!(
            "INSERT INTO {} (workspace, line) SELECT $1, l FROM unnest($2::text[]) WITH ORDINALITY AS t(l, n) ORDER BY n",
            self.table("journal")
        );
        let lines: Vec<String> = lines
            .iter()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect();
        let (client, ws) = (self.client.clone(), self.workspace.clone());
        self.call(async move { client.lock().await.execute(&sql, &[&ws, &lines]).await })
            .map(|_| ())
            .map_err(|e| self.error_text(&e))
    }

    /// A journal whose appends are committed to the database before they return.
    pub(in crate::backend) fn open_journal(
        pg: &Arc<Pg>,
        run_id: &str,
        client_id: &str,
    ) -> Result<Journal, StateError> {
        // A line of JSON like the local file's: the run's client needs no column.
        let header = Entry::header(run_id, client_id);
        pg.append_journal(&[header])
            .map_err(|message| StateError::Database {
                action: "append to the journal of",
                place: pg.place(),
                message,
            })?;
        let (writer, place) = (pg.clone(), pg.place());
        Ok(Journal::with_writer(
            Box::new(move |lines| writer.append_journal(lines)),
            move |message| StateError::Database {
                action: "append to the journal of",
                place: place.clone(),
                message,
            },
        ))
    }

    /// Leaves in the journal only `in_flight`, in one transaction.
    pub(in crate::backend) fn replace_journal(
        &self,
        in_flight: &[InFlight],
    ) -> Result<(), StateError> {
        let table = self.table("journal");
        let lines: Vec<String> = crate::state::journal::lines(in_flight)
            .iter()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect();
        let (client, ws) = (self.client.clone(), self.workspace.clone());
        self.call(async move {
            let mut client = client.lock().await;
            let tx = client.transaction().await?;
            tx.execute(&format!("DELETE FROM {table} WHERE workspace = $1"), &[&ws])
                .await?;
            if !lines.is_empty() {
                tx.execute(
                    &format!(
                        "INSERT INTO {table} (workspace, line) SELECT $1, l FROM unnest($2::text[]) WITH ORDINALITY AS t(l, n) ORDER BY n"
                    ),
                    &[&ws, &lines],
                )
                .await?;
            }
            tx.commit().await
        })
        .map_err(|e| self.state_error("rewrite the journal of", &e))
    }
}
