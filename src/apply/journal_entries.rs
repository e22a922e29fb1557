//! The journal entries apply writes around each request: one place that says what a
//! put or a delete records, for changes and for their undoing alike.

use crate::model::PromptSpec;
use crate::plan::Change;
use crate::state::journal::{Entry, WriteKind};

/// `change` is about to put `spec`.
pub(super) fn put_intent(change: &Change, spec: &PromptSpec) -> Entry {
    Entry::Intent {
        address: change.address.clone(),
        id: spec.id.clone(),
        write: WriteKind::Put,
        attributes: Some(spec.to_values()),
        prevent_destroy: change.prevent_destroy,
        depends_on: change.depends_on.clone(),
        sensitive: change.sensitive.clone(),
    }
}

/// `change` put `spec`, which Genesys now holds at `version`.
pub(super) fn put_done(change: &Change, spec: &PromptSpec, version: u64) -> Entry {
    Entry::Done {
        address: change.address.clone(),
        id: spec.id.clone(),
        version: Some(version),
        attributes: Some(spec.to_values()),
        prevent_destroy: change.prevent_destroy,
        depends_on: change.depends_on.clone(),
        sensitive: change.sensitive.clone(),
    }
}

/// `change` is about to delete prompt `id`.
pub(super) fn delete_intent(change: &Change, id: &str) -> Entry {
    Entry::Intent {
        address: change.address.clone(),
        id: id.to_owned(),
        write: WriteKind::Delete,
        attributes: None,
        prevent_destroy: false,
        depends_on: Vec::new(),
        sensitive: Vec::new(),
    }
}

/// `change` deleted prompt `id`.
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

/// `change`'s write to prompt `id` did not land.
pub(super) fn failed(change: &Change, id: &str) -> Entry {
    Entry::Failed {
        address: change.address.clone(),
        id: id.to_owned(),
    }
}
