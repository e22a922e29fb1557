//! Where widgets live: a process-wide map with Genesys's version rules (a write
//! names the version it read; a stale one is a 409).

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use serde_json::Value;

use crate::kind::Live;
use crate::remote::{Outcome, RemoteError};

static WIDGETS: Mutex<BTreeMap<String, Live>> = Mutex::new(BTreeMap::new());

fn widgets() -> std::sync::MutexGuard<'static, BTreeMap<String, Live>> {
    WIDGETS.lock().unwrap_or_else(PoisonError::into_inner)
}

pub fn all() -> Vec<Live> {
    widgets().values().cloned().collect()
}

pub fn get(id: &str) -> Option<Live> {
    widgets().get(id).cloned()
}

pub fn put(values: &Value, version: Option<u64>) -> Result<Outcome<Live>, RemoteError> {
    let id = values["id"].as_str().unwrap_or_default().to_owned();
    let mut widgets = widgets();
    let next = match (widgets.get(&id), version) {
        (None, None) => 1,
        (Some(now), Some(v)) if now.version == v => v + 1,
        _ => return Err(conflict(&id)),
    };
    let live = Live {
        created: None,
        id: id.clone(),
        values: values.clone(),
        version: next,
        modified_by: Some("widget-test".into()),
    };
    widgets.insert(id, live.clone());
    Ok(Outcome {
        value: live,
        status: if next == 1 { 201 } else { 200 },
        attempts: 1,
        context_id: None,
    })
}

/// Replaces a widget's values without a version check or a new version: an
/// edit the server cannot tell from the one before, as on an unversioned API.
#[cfg(test)]
pub fn overwrite(values: &Value) {
    let id = values["id"].as_str().unwrap_or_default();
    if let Some(live) = widgets().get_mut(id) {
        live.values = values.clone();
    }
}

pub fn delete(id: &str, version: Option<u64>) -> Result<Outcome<()>, RemoteError> {
    let mut widgets = widgets();
    match widgets.get(id) {
        Some(now) if version.is_none_or(|v| v == now.version) => {
            widgets.remove(id);
            Ok(Outcome {
                value: (),
                status: 204,
                attempts: 1,
                context_id: None,
            })
        }
        _ => Err(conflict(id)),
    }
}

fn conflict(id: &str) -> RemoteError {
    RemoteError::Api {
        request: format!("PUT widget/{id}"),
        status: 409,
        code: "version.mismatch".into(),
        message: "the widget changed since it was read".into(),
        errors: Box::default(),
        context_id: None,
    }
}
