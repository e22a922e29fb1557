//! What the Genesys kinds' API modules share: an object's URL, reading one, and
//! turning an answer into a [`Live`] object.

use reqwest::Url;
use serde_json::Value;

use crate::kind::Live;
use crate::remote::{Client, RemoteError};

/// The URL of `collection` (segments under `/api/v2`), or of one object in it.
pub(crate) fn url(client: &Client, collection: &[&str], id: Option<&str>) -> Url {
    let mut segments: Vec<&str> = collection.to_vec();
    segments.extend(id);
    client.connection().api_url(&segments)
}

/// An object as the API answers it: its id, version and creation, and the rest
/// as JSON for the kind to read its values from.
pub(crate) fn live(object: &Value, values: Value) -> Option<Live> {
    Some(Live {
        id: object.get("id")?.as_str()?.to_owned(),
        values,
        version: object.get("version").and_then(Value::as_u64).unwrap_or(0),
        modified_by: object
            .pointer("/createdBy/id")
            .and_then(Value::as_str)
            .map(str::to_owned),
        created: object
            .get("dateCreated")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

/// `found` sorted by id, each object once: an object written while the pages
/// were read may show on two of them, and the newer version is kept.
pub(crate) fn newest_once(mut found: Vec<Live>) -> Vec<Live> {
    found.sort_by(|a, b| a.id.cmp(&b.id).then(b.version.cmp(&a.version)));
    found.dedup_by(|later, kept| later.id == kept.id);
    found
}

/// One object, as JSON; `None` on a 404.
pub(crate) async fn get(
    client: &Client,
    collection: &[&str],
    id: &str,
) -> Result<Option<Value>, RemoteError> {
    client.get_object(url(client, collection, Some(id))).await
}

/// `value`'s string field `name`, or empty.
pub(crate) fn text(value: &Value, name: &str) -> String {
    value
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
