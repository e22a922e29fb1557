//! The journal entries apply writes around each request: one place that says what a
//! put or a delete records, for changes and for their undoing alike.

use serde_json::Value;

use crate::plan::Change;
use crate::state::journal::{Entry, WriteKind};

/// `change` is about to put `values` as object `id`.
pub(super) fn put_intent(change: &Change, id: &str, values: &Value) -> Entry {
    Entry::Intent {
        address: change.address.clone(),
        id: id.to_owned(),
        write: WriteKind::Put,
        attributes: Some(values.clone()),
        prevent_destroy: change.prevent_destroy,
        depends_on: change.depends_on.clone(),
        sensitive: change.sensitive.clone(),
        since: None,
    }
}

/// `change` is about to create `values` as an object whose server gives the id;
/// `since` is when, so that a lost answer is settled by what was made after it.
pub(super) fn create_intent(change: &Change, values: &Value, since: &str) -> Entry {
    Entry::Intent {
        address: change.address.clone(),
        id: String::new(),
        write: WriteKind::Put,
        attributes: Some(values.clone()),
        prevent_destroy: change.prevent_destroy,
        depends_on: change.depends_on.clone(),
        sensitive: change.sensitive.clone(),
        since: Some(since.to_owned()),
    }
}

/// `change` put `values` as object `id`, which Genesys now holds at `version`.
pub(super) fn put_done(change: &Change, id: &str, values: &Value, version: u64) -> Entry {
    Entry::Done {
        address: change.address.clone(),
        id: id.to_owned(),
        version: Some(version),
        attributes: Some(values.clone()),
        prevent_destroy: change.prevent_destroy,
        depends_on: change.depends_on.clone(),
        sensitive: change.sensitive.clone(),
    }
}

/// `change` is about to delete object `id`.
pub(super) fn delete_intent(change: &Change, id: &str) -> Entry {
    Entry::Intent {
        address: change.address.clone(),
        id: id.to_owned(),
        write: WriteKind::Delete,
        attributes: None,
        prevent_destroy: false,
        depends_on: Vec::new(),
        sensitive: Vec::new(),
        since: None,
    }
}

/// `change` deleted object `id`.
pub(super) fn delete_done(change: &Change, id: &str) -> Entry {
    Entry::Done {
        address: change.address.clone(),
        id: id.to_owned(),
        version: None,
        attributes: None,
        prevent_destroy: false,
        depends_on: Vec::new(),
        sensitive: Vec::new(),
    }
}

/// `change`'s write to object `id` did not land.
pub(super) fn failed(change: &Change, id: &str) -> Entry {
    Entry::Failed {
        address: change.address.clone(),
        id: id.to_owned(),
    }
}
