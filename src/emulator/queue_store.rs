//! Which assistant serves which queue, and which queues the org has. A queue is
//! served by one assistant at most: binding it to another takes it from the first.
//!
//! The emulator has no routing queues of its own, only their ids: a fixed few
//! every org knows ([`DEFAULT_QUEUES`]), those of `--queues`, and those added by
//! `POST /__emulator/queues` or a seed. Binding any other id is refused.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// The queues every emulator knows from its start, so that an example
/// configuration binds them against a fresh emulator. Fixed: docs/emulator.md
/// lists them.
pub(crate) const DEFAULT_QUEUES: [&str; 4] = [
    "5f1c9a3e-2b7d-4c61-9e0a-3d8b6f4a1c01",
    "5f1c9a3e-2b7d-4c61-9e0a-3d8b6f4a1c02",
    "5f1c9a3e-2b7d-4c61-9e0a-3d8b6f4a1c03",
    "5f1c9a3e-2b7d-4c61-9e0a-3d8b6f4a1c04",
];

/// The longest queue id the emulator takes.
const MAX_QUEUE_ID: usize = 128;

/// Why `id` cannot be a queue id: it must fit in a path segment and in the
/// comma-separated `queueIds`, so letters, digits, `-`, `_` and `.` only.
pub(crate) fn queue_id_problem(id: &str) -> Option<String> {
    let fits = !id.is_empty()
        && id.len() <= MAX_QUEUE_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    (!fits).then(|| {
        format!("`{id}` is not a queue id: 1 to {MAX_QUEUE_ID} letters, digits, `-`, `_` or `.`")
    })
}

/// One queue served by one assistant, on the media types given.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Binding {
    pub queue_id: String,
    pub assistant_id: String,
    pub media_types: Vec<String>,
    pub date_created: String,
    pub date_modified: String,
}

/// The known queues and the bindings, by queue id (the listing order).
#[derive(Clone, Debug, Default)]
pub(crate) struct Queues {
    /// What the org knows at its start and after a reset: [`DEFAULT_QUEUES`] and
    /// `--queues`.
    start: BTreeSet<String>,
    known: BTreeSet<String>,
    bound: BTreeMap<String, Arc<Binding>>,
}

impl Queues {
    /// The queues of a saved org: the ids it knew beyond its start set, and its
    /// bindings (whose queues it knows too).
    pub fn from_parts(known: Vec<String>, bindings: Vec<Binding>) -> Queues {
        let mut queues = Queues::default();
        queues.know(known);
        for binding in bindings {
            queues.known.insert(binding.queue_id.clone());
            queues
                .bound
                .insert(binding.queue_id.clone(), Arc::new(binding));
        }
        queues
    }

    /// Sets the start set (and adds it to what is known).
    pub fn start_with(&mut self, start: impl IntoIterator<Item = String>) {
        self.start = start.into_iter().collect();
        self.known.extend(self.start.iter().cloned());
    }

    pub fn know(&mut self, ids: impl IntoIterator<Item = String>) {
        self.known.extend(ids);
    }

    pub fn is_known(&self, id: &str) -> bool {
        self.known.contains(id)
    }

    pub fn known(&self) -> impl Iterator<Item = &String> {
        self.known.iter()
    }

    /// What a saved org must remember: the known queues outside the start set.
    pub fn learned(&self) -> Vec<String> {
        self.known.difference(&self.start).cloned().collect()
    }

    pub fn binding(&self, queue_id: &str) -> Option<&Arc<Binding>> {
        self.bound.get(queue_id)
    }

    /// Every binding, by queue id.
    pub fn bindings(&self) -> impl Iterator<Item = &Arc<Binding>> {
        self.bound.values()
    }

    /// Binds a queue to an assistant, taking it from any other. A binding that
    /// stays with its assistant keeps its `dateCreated`.
    pub fn bind(
        &mut self,
        queue_id: &str,
        assistant_id: &str,
        media_types: Vec<String>,
        at: &str,
    ) -> Arc<Binding> {
        let date_created = match self.bound.get(queue_id) {
            Some(b) if b.assistant_id == assistant_id => b.date_created.clone(),
            _ => at.to_owned(),
        };
        let binding = Arc::new(Binding {
            queue_id: queue_id.to_owned(),
            assistant_id: assistant_id.to_owned(),
            media_types,
            date_created,
            date_modified: at.to_owned(),
        });
        self.known.insert(queue_id.to_owned());
        self.bound.insert(queue_id.to_owned(), binding.clone());
        binding
    }

    /// Unbinds a queue from an assistant; false when that assistant does not serve it.
    pub fn unbind(&mut self, queue_id: &str, assistant_id: &str) -> bool {
        if self
            .bound
            .get(queue_id)
            .is_some_and(|b| b.assistant_id == assistant_id)
        {
            self.bound.remove(queue_id);
            true
        } else {
            false
        }
    }

    /// Unbinds every queue of an assistant.
    pub fn unbind_all(&mut self, assistant_id: &str) {
        self.bound.retain(|_, b| b.assistant_id != assistant_id);
    }

    /// No bindings, and only the start set known.
    pub fn clear(&mut self) {
        self.bound.clear();
        self.known = self.start.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_has_one_assistant_and_a_reset_forgets_learned_queues() {
        let mut queues = Queues::default();
        queues.start_with(["q1".to_owned()]);
        queues.know(["q2".to_owned()]);
        let first = queues.bind("q1", "a", vec!["Call".into()], "t1");
        let again = queues.bind("q1", "a", vec!["Email".into()], "t2");
        assert_eq!(again.date_created, first.date_created);
        assert_eq!(again.date_modified, "t2");
        let moved = queues.bind("q1", "b", vec!["Call".into()], "t3");
        assert_eq!(
            (moved.assistant_id.as_str(), moved.date_created.as_str()),
            ("b", "t3")
        );
        assert!(!queues.unbind("q1", "a"), "a no longer serves q1");
        assert_eq!(queues.bindings().count(), 1);
        assert_eq!(queues.learned(), ["q2"]);
        queues.clear();
        assert!(queues.is_known("q1") && !queues.is_known("q2"));
        assert_eq!(queues.bindings().count(), 0);
    }

    #[test]
    fn queue_ids_fit_a_path_and_a_comma_list() {
        for good in DEFAULT_QUEUES.iter().chain(&["q_1.x"]) {
            assert_eq!(queue_id_problem(good), None);
        }
        for bad in ["", "a,b", "a/b", "a b", &"x".repeat(129)] {
            assert!(queue_id_problem(bad).is_some(), "{bad}");
        }
    }
}
