//! The plan: what apply would change, and why. Plain data — the diff engine makes
//! it, renderers show it, the plan file stores it, apply carries it out.

mod diff;
pub mod file;
pub mod render;
mod stale;

use serde::{Deserialize, Serialize};

use serde_json::Value;

use crate::kind::Address;

pub use diff::{Inputs, diff};
pub use stale::{foreign_targets, staleness};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Create,
    Update,
    /// The id changed: delete the old object, create the new one.
    Replace,
    Delete,
    NoOp,
}

/// What happens to one address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub address: Address,
    pub action: Action,
    /// The live object this change overwrites or deletes (`None` for a create), in
    /// its kind's values.
    pub before: Option<Value>,
    /// The object as apply will write it (`None` for a delete); attributes under
    /// `ignore_changes` hold their live values.
    pub after: Option<Value>,
    /// The live `version` read by the plan: apply writes with it, so a change made
    /// in the console since the plan is never overwritten.
    pub live_version: Option<u64>,
    /// The id of the live object the change overwrites, deletes or imports. For
    /// a kind whose server assigns ids it is the only place the id is: the values
    /// hold none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_id: Option<String>,
    /// [`crate::kind::digest`] of the live object the plan read: for a kind with
    /// no version, what apply and the stale check compare against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_digest: Option<String>,
    /// What apply expects to read right before this change's write, when an
    /// earlier change of the plan alters the object first (a queue another
    /// assistant takes); `live_digest` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_digest: Option<String>,
    /// What the write expects of other objects, as the plan saw them
    /// ([`crate::kind::Kind::expects`]): checked again right before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expects: Option<Value>,
    /// Attribute paths of `after` whose values are ids of objects this apply
    /// creates first: `(known after apply)` in the plan, filled in by apply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
    /// Addresses this object depends on: apply writes them first.
    pub depends_on: Vec<Address>,
    /// Attribute paths whose values come from sensitive variables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prevent_destroy: bool,
    /// The change adopts an existing object into the state (an `import` block).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub importing: bool,
    /// The address this object had, when a `moved` block renames it: apply
    /// rewrites the state and sends nothing for the move itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<Address>,
    /// Why, for display only: it never drives apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Change {
    /// The id of the live object the change overwrites, deletes or imports.
    pub fn before_id(&self) -> Option<&str> {
        match crate::kinds::find(self.address.kind())?.id_attribute() {
            Some(_) => id_in(&self.address, self.before.as_ref()),
            None => self.live_id.as_deref(),
        }
    }

    /// The id of the object the change writes: `None` for a create whose server
    /// assigns it.
    pub fn after_id(&self) -> Option<&str> {
        match crate::kinds::find(self.address.kind())?.id_attribute() {
            Some(_) => id_in(&self.address, self.after.as_ref()),
            None if matches!(self.action, Action::Create | Action::Replace) => None,
            None => self.live_id.as_deref(),
        }
    }
}

impl Change {
    /// Whether the server assigns the object's id on create.
    pub fn server_assigns_id(&self) -> bool {
        crate::kinds::find(self.address.kind()).is_some_and(|k| k.id_attribute().is_none())
    }

    /// Whether the object's kind has no version, so that a write is guarded by
    /// reading it again ([`crate::kind::Guard::Digest`]).
    pub fn guarded_by_digest(&self) -> bool {
        crate::kinds::find(self.address.kind())
            .is_some_and(|k| k.guard() == crate::kind::Guard::Digest)
    }
}

/// The id `values` hold, by the id attribute of `address`'s kind.
fn id_in<'v>(address: &Address, values: Option<&'v Value>) -> Option<&'v str> {
    let attribute = crate::kinds::find(address.kind())?.id_attribute()?;
    values?.get(attribute)?.as_str()
}

/// A managed object that changed outside assistform since the last apply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    pub address: Address,
    /// What the state says was applied.
    pub before: Value,
    /// What Genesys holds now; `None` when the object was deleted.
    pub after: Option<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The state this plan was made from: apply refuses a plan when either moved.
    pub lineage: String,
    pub serial: u64,
    /// SHA-256 of the desired resources, so a plan file names what it was made from.
    pub config_digest: String,
    /// Every address in scope, in the order apply would visit them.
    pub changes: Vec<Change>,
    pub drift: Vec<Drift>,
    #[serde(default)]
    pub refresh_only: bool,
    /// The org's PII allow-list, so a saved plan renders with the same masking.
    #[serde(default)]
    pub pii_allow: Vec<String>,
    /// The org's extra context variables: the built-in emulator's settings when a saved
    /// plan is applied with `--emulator`.
    #[serde(default)]
    pub context_variables: Vec<String>,
    /// The `genesys` block, so a saved plan applies to the org it was made for.
    #[serde(default)]
    pub genesys: crate::config::GenesysSettings,
    /// The `on_apply` hooks, so a saved plan applies with the configuration's hooks.
    #[serde(default)]
    pub hooks: Vec<crate::config::Hook>,
    /// The org the plan was read from: a saved plan applies to it and no other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<crate::org::Organization>,
    /// Read from the built-in emulator (`--emulator`): a saved plan applies there.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub emulator: bool,
    /// The configuration the plan was made from, as the state records it
    /// (`state::managed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    /// What the org as read makes worth saying before apply, but does not stop
    /// it: a queue taken from an assistant outside the configuration.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The backend the plan's state was read from (never its credentials): a saved
    /// plan applies on another machine with only those.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<crate::backend::Declared>,
    /// The workspace the plan was made for: applying it to another is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
}

/// Counts for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Moves are not in the line, as Terraform's; they only keep it from reading
    /// `No changes.`
    pub moved: usize,
    pub import: usize,
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
}

impl Plan {
    pub fn summary(&self) -> Summary {
        Summary::of(&self.changes)
    }

    /// [`Plan::summary`] of each kind the plan changes, in the registry's order,
    /// with the kind's plural title.
    pub fn summary_by_kind(&self) -> Vec<(&'static str, Summary)> {
        crate::kinds::all()
            .filter_map(|kind| {
                let of_kind: Vec<Change> = self
                    .changes
                    .iter()
                    .filter(|c| c.address.kind() == kind.name())
                    .cloned()
                    .collect();
                let summary = Summary::of(&of_kind);
                (summary != Summary::default()).then_some((kind.plural_title(), summary))
            })
            .collect()
    }
}

impl Summary {
    fn of(changes: &[Change]) -> Summary {
        let mut s = Summary::default();
        for c in changes {
            s.import += usize::from(c.importing);
            s.moved += usize::from(c.moved_from.is_some());
            match c.action {
                Action::Create => s.add += 1,
                Action::Update => s.change += 1,
                Action::Replace => {
                    s.add += 1;
                    s.destroy += 1;
                }
                Action::Delete => s.destroy += 1,
                Action::NoOp => {}
            }
        }
        s
    }
}

impl Plan {
    /// Whether apply would do anything: a write, an import or a move; for a
    /// refresh-only plan, record drift in the state.
    pub fn has_changes(&self) -> bool {
        if self.refresh_only {
            return !self.drift.is_empty();
        }
        self.changes
            .iter()
            .any(|c| c.action != Action::NoOp || c.importing || c.moved_from.is_some())
    }

    /// The plan's last line: the summary's, or for a refresh-only plan what drifted.
    pub fn summary_line(&self) -> String {
        if !self.refresh_only || self.drift.is_empty() {
            return self.summary().line();
        }
        let deleted = self.drift.iter().filter(|d| d.after.is_none()).count();
        let changed = self.drift.len() - deleted;
        format!("Drift: {changed} changed, {deleted} deleted outside assistform.")
    }
}

impl Summary {
    /// `Plan: [N to import, ]X to add, Y to change, Z to destroy.` or `No changes.`
    pub fn line(&self) -> String {
        if *self == Summary::default() {
            return "No changes.".to_owned();
        }
        let import = if self.import > 0 {
            format!("{} to import, ", self.import)
        } else {
            String::new()
        };
        format!(
            "Plan: {import}{} to add, {} to change, {} to destroy.",
            self.add, self.change, self.destroy
        )
    }
}
