//! The backend's tables, created on first use and versioned so that a later
//! release can migrate them.

use std::sync::Arc;

use tokio_postgres::Client;

/// The version of the tables this build creates and reads.
pub const SCHEMA_VERSION: i32 = 1;

/// Whether `name` is a schema name used as it is (unquoted it would fold case).
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 63
}

/// The advisory-lock key for `text`: the first 8 bytes of its SHA-256.
pub fn key(text: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(text.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

/// Creates the schema `name` (quoted as `schema`) and its tables when missing, in
/// one transaction under a transaction-level advisory lock, so that two first runs
/// cannot collide. Returns the stored version when it is newer than this build's.
pub async fn ensure(
    client: Arc<tokio::sync::Mutex<Client>>,
    schema: String,
    name: String,
) -> Result<Option<i32>, tokio_postgres::Error> {
    let mut client = client.lock().await;
    // Every run but the first finds the tables at this version: one read, no DDL
    // (which would take locks that every other run then waits on).
    let version = format!("SELECT value FROM {schema}.meta WHERE key = 'schema_version'");
    if let Ok(Some(row)) = client.query_opt(&version, &[]).await {
        match row.get::<_, String>(0).parse::<i32>() {
            Ok(SCHEMA_VERSION) => return Ok(None),
            Ok(found) if found > SCHEMA_VERSION => return Ok(Some(found)),
            _ => {}
        }
    }
    let tx = client.transaction().await?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1)",
        &[&key(&format!("assistform schema {name}"))],
    )
    .await?;
    tx.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS {schema};
         CREATE TABLE IF NOT EXISTS {schema}.meta (
             key text PRIMARY KEY,
             value text NOT NULL);
         CREATE TABLE IF NOT EXISTS {schema}.states (
             workspace text PRIMARY KEY,
             serial bigint NOT NULL,
             lineage text NOT NULL,
             body text NOT NULL,
             backup text,
             written timestamptz NOT NULL DEFAULT now());
         CREATE TABLE IF NOT EXISTS {schema}.locks (
             workspace text PRIMARY KEY,
             holder text NOT NULL);
         CREATE TABLE IF NOT EXISTS {schema}.journal (
             id bigserial PRIMARY KEY,
             workspace text NOT NULL,
             line text NOT NULL);
         CREATE INDEX IF NOT EXISTS journal_workspace ON {schema}.journal (workspace, id);
         CREATE TABLE IF NOT EXISTS {schema}.audit (
             workspace text NOT NULL,
             seq bigint NOT NULL,
             line text NOT NULL,
             PRIMARY KEY (workspace, seq));
         CREATE OR REPLACE FUNCTION {schema}.audit_append_only() RETURNS trigger
             LANGUAGE plpgsql AS $$
             BEGIN
                 RAISE EXCEPTION 'the audit record is append-only';
             END $$;
         DROP TRIGGER IF EXISTS audit_append_only ON {schema}.audit;
         CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
             ON {schema}.audit FOR EACH STATEMENT
             EXECUTE FUNCTION {schema}.audit_append_only();"
    ))
    .await?;
    let stored: Option<String> = tx
        .query_opt(
            &format!("SELECT value FROM {schema}.meta WHERE key = 'schema_version'"),
            &[],
        )
        .await?
        .map(|r| r.get(0));
    let stored = stored.and_then(|v| v.parse::<i32>().ok());
    match stored {
        Some(found) if found > SCHEMA_VERSION => {
            tx.rollback().await?;
            return Ok(Some(found));
        }
        Some(_) => {}
        None => {
            tx.execute(
                &format!("INSERT INTO {schema}.meta (key, value) VALUES ('schema_version', $1)"),
                &[&SCHEMA_VERSION.to_string()],
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(None)
}
