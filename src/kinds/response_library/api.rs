//! Response Management over `/api/v2/responsemanagement`: what libraries and
//! canned responses share. Creates are POSTs sent once (the server picks the id);
//! an update names the `version` the plan read, so a newer edit gets a 409; a
//! DELETE takes no version, so the object is read first and a delete of one that
//! moved on is refused here, as the server would refuse a stale update.

use reqwest::Method;
use serde_json::{Map, Value};

use crate::kind::Live;
use crate::kinds::wire::url;
use crate::remote::{Client, Outcome, RemoteError};

/// Fields the server sets, never sent back.
const READ_ONLY: &[&str] = &["id", "selfUri", "createdBy", "dateCreated"];

/// Creates (`id` `None`: a POST, sent once) or updates (a PUT naming `version`)
/// the object whose managed fields are `body`. An update carries back, unchanged,
/// what the live object holds that assistform does not manage (a response's
/// footer or messaging template), so that managing some fields never erases others.
/// The answer becomes the kind's object through `live`.
pub(crate) async fn write(
    client: &Client,
    collection: &[&str],
    id: Option<&str>,
    body: Value,
    version: Option<u64>,
    live: fn(&Value) -> Option<Live>,
) -> Result<Outcome<Live>, RemoteError> {
    let outcome = send(client, collection, id, body, version).await?;
    let object = live(&outcome.value).ok_or_else(|| RemoteError::Decode {
        request: format!("write {}", url(client, collection, id)),
        message: "the answer holds no object id".into(),
    })?;
    Ok(outcome.map(|_| object))
}

async fn send(
    client: &Client,
    collection: &[&str],
    id: Option<&str>,
    body: Value,
    version: Option<u64>,
) -> Result<Outcome<Value>, RemoteError> {
    let (Some(id), Some(version)) = (id, version) else {
        return client
            .create_object(url(client, collection, None), &body)
            .await;
    };
    let target = url(client, collection, Some(id));
    let mut merged = match client.get_object::<Value>(target.clone()).await? {
        Some(Value::Object(live)) => live,
        _ => Map::new(),
    };
    for field in READ_ONLY {
        merged.remove(*field);
    }
    if let Value::Object(managed) = body {
        merged.extend(managed);
    }
    // The version the plan read, never the one just fetched: a newer edit gets a 409.
    merged.insert("version".into(), version.into());
    client
        .write_object(Method::PUT, target, &Value::Object(merged))
        .await
}

/// Deletes object `id` when it is still at `version` (when one is given): it is
/// read first, since the API's DELETE takes no version. What is left open is one
/// round trip between the read and the delete.
pub(crate) async fn delete(
    client: &Client,
    collection: &[&str],
    id: &str,
    version: Option<u64>,
) -> Result<Outcome<()>, RemoteError> {
    let target = url(client, collection, Some(id));
    if let Some(expected) = version {
        let now: Option<Value> = client.get_object(target.clone()).await?;
        let found = now
            .as_ref()
            .and_then(|o| o.get("version"))
            .and_then(Value::as_u64);
        if let Some(found) = found.filter(|f| *f != expected) {
            return Err(RemoteError::Api {
                request: format!("DELETE {target}"),
                status: 409,
                code: "version.mismatch".into(),
                message: format!(
                    "not sent: the object is at version {found}, the plan read version {expected}"
                ),
                errors: Box::default(),
                context_id: None,
            });
        }
    }
    client.delete_object(target).await
}
