//! Desired × State × Live → Plan. Pure: no I/O, no HTTP.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{Action, Change, Drift, Plan};
use crate::config::{Config, ResourceConfig};
use crate::diagnostic::{Code, Diagnostic};
use crate::kind::{Address, Live, LiveSet, reference, values};
use crate::state::State;
use crate::validate::dependency_graph;

/// What a plan is made from.
pub struct Inputs<'a> {
    pub config: &'a Config,
    pub state: &'a State,
    /// Every object in the org of every kind, as the list endpoints returned them.
    pub live: &'a LiveSet,
    /// `--target` addresses: only these and what they depend on. Empty: everything.
    pub targets: &'a [String],
    pub refresh_only: bool,
    /// Plan to destroy everything the state manages (`plan --destroy`).
    pub destroy: bool,
}

/// The plan, or every reason it cannot be made (each a diagnostic naming the object).
///
/// # Errors
///
/// An object whose id exists in the org but is not managed; a change that
/// `prevent_destroy` forbids; a `--target` that names nothing configured.
pub fn diff(inputs: &Inputs) -> Result<Plan, Vec<Diagnostic>> {
    let Inputs { config, live, .. } = *inputs;
    let mut errors = Vec::new();
    // Moves first: every later step sees the state under its new addresses.
    let mut state = inputs.state.clone();
    let mut moved_from: BTreeMap<Address, Address> = BTreeMap::new();
    for m in &config.moves {
        let (from, to) = (&m.from, &m.to);
        if !state.resources.contains_key(from) {
            continue; // already moved, or never applied
        }
        if state.resources.contains_key(to) {
            errors.push(
                Diagnostic::error(Code::MovedBoth, format!("cannot move `{from}` to `{to}`: both are in the state"))
                    .detail("Remove one of them from the state (`assistform state rm`), or the `moved` block.")
                    .range(Some(config.range(&m.location))),
            );
            continue;
        }
        if state.rename(from, to).is_ok() {
            moved_from.insert(to.clone(), from.clone());
        }
    }
    let state = &state;
    let imports: BTreeMap<&Address, &str> = config
        .imports
        .iter()
        .map(|i| (&i.to, i.id.as_str()))
        .collect();
    let mut changes = Vec::new();
    let mut drift = Vec::new();

    for (address, resource) in &state.resources {
        let now = live.get(address.kind(), &resource.id);
        if now.map(|l| &l.values) != Some(&resource.attributes) {
            drift.push(Drift {
                address: address.clone(),
                before: resource.attributes.clone(),
                after: now.map(|l| l.values.clone()),
            });
        }
    }

    let graph = dependency_graph(config);
    let order = graph
        .topological_order()
        .unwrap_or_else(|_| (0..config.resources.len()).collect());
    // A destroy plan keeps nothing of the configuration but its dependencies (for
    // the order of the deletes) and its `prevent_destroy`.
    let kept: &[usize] = if inputs.destroy { &[] } else { &order };
    // The ids the objects planned so far will have after apply, when the plan
    // knows them: dependencies come first, so a reference finds its target here.
    let mut ids: BTreeMap<Address, String> = BTreeMap::new();
    let mut warnings = Vec::new();
    for &i in kept {
        let resource = &config.resources[i];
        let mut desired = resource.values().clone();
        let unknown = reference::resolve(&mut desired, &|a: &Address| ids.get(a).cloned());
        let kind = resource.kind;
        // The live object this block stands for: the state's, or the one its
        // `import` block adopts.
        let managed_id = state
            .resources
            .get(&resource.address)
            .map(|r| r.id.as_str())
            .or_else(|| imports.get(&resource.address).copied());
        let managed = |k: &str, id: &str| state.address_of(k, id).is_some();
        let mut refused = false;
        for finding in kind.check_live(&desired, managed_id, live, &managed) {
            let at = config.range(resource.field_location(&finding.path));
            if finding.severity == crate::diagnostic::Severity::Error {
                refused = true;
                errors.push(
                    Diagnostic::error(finding.code, finding.summary)
                        .detail(finding.detail)
                        .address(resource.address.to_string())
                        .range(Some(at)),
                );
            } else {
                warnings.push(format!(
                    "`{}`: {} {}",
                    resource.address, finding.summary, finding.detail
                ));
            }
        }
        if refused {
            continue;
        }
        let mut desired = values::without_directives(kind.schema(), &desired);
        kind.normalize(&mut desired);
        let planned = Planning {
            resource,
            desired: &desired,
            state,
            live,
            config,
        }
        .change(imports.get(&resource.address).copied());
        match planned {
            Ok(mut change) => {
                change.moved_from = moved_from.get(&change.address).cloned();
                change.unknown = unknown.into_iter().map(|(path, _)| path).collect();
                if let Some(id) = change.after_id() {
                    ids.insert(change.address.clone(), id.to_owned());
                }
                changes.push(change);
            }
            Err(e) => errors.push(*e),
        }
    }
    let why = if inputs.destroy {
        "destroy was requested"
    } else {
        "it is no longer in the configuration"
    };
    for (address, resource) in state.resources.iter().rev() {
        let configured = config.resource(address);
        if configured.is_some() && !inputs.destroy {
            continue;
        }
        let now = live.get(address.kind(), &resource.id);
        let protected =
            resource.prevent_destroy || configured.is_some_and(|r| r.lifecycle.prevent_destroy);
        if protected && now.is_some() {
            errors.push(prevent_destroy_error(address, why));
            continue;
        }
        if let Some(error) = now.and_then(|now| holds_unmanaged(address, now, state, live)) {
            errors.push(error);
            continue;
        }
        // Deletes run in reverse dependency order: the configuration's, else the
        // state's record of it.
        let depends_on = match configured {
            Some(r) => r.depends_on.iter().map(|d| d.address.clone()).collect(),
            None => resource.depends_on.clone(),
        };
        changes.push(Change {
            address: address.clone(),
            action: if now.is_some() {
                Action::Delete
            } else {
                Action::NoOp
            },
            before: now.map(|l| l.values.clone()),
            after: None,
            live_version: now.map(|l| l.version),
            live_id: now.map(|l| l.id.clone()),
            live_digest: now.map(|l| crate::kind::digest(&l.values)),
            write_digest: None,
            expects: None,
            unknown: Vec::new(),
            depends_on,
            sensitive: resource.sensitive.clone(),
            prevent_destroy: false,
            importing: false,
            moved_from: None,
            reason: Some(if now.is_some() {
                why.into()
            } else {
                format!("{why}, and it was already deleted outside assistform")
            }),
        });
    }

    if !inputs.targets.is_empty() {
        let keep = targeted(config, inputs.targets, &mut errors);
        changes.retain(|c| keep.contains(&c.address));
        drift.retain(|d| keep.contains(&d.address));
    }
    // After targeting: a change that waits for another must find it planned.
    taken_along(&mut changes);
    for change in &mut changes {
        let writes = matches!(
            change.action,
            Action::Create | Action::Update | Action::Replace
        );
        if let (true, Some(kind), Some(after)) = (
            writes,
            crate::kinds::find(change.address.kind()),
            &change.after,
        ) {
            change.expects = kind.expects(after, change.live_id.as_deref(), live);
        }
    }
    warnings.extend(pointed_at(&changes, state, live));
    if inputs.refresh_only {
        changes.clear();
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Plan {
        lineage: state.lineage.clone(),
        serial: state.serial,
        config_digest: digest(config),
        changes,
        drift,
        refresh_only: inputs.refresh_only,
        pii_allow: config.validation.pii_allow.clone(),
        context_variables: config.validation.context_variables.clone(),
        genesys: config.genesys.clone(),
        hooks: config.hooks.clone(),
        org: None,
        emulator: false,
        config: None,
        warnings,
        backend: None,
        workspace: None,
    })
}

/// For each change of an object that another change of its kind takes part of
/// by itself (an assistant giving up the queue another takes): it waits for that
/// change, and expects its object as that write leaves it.
fn taken_along(changes: &mut [Change]) {
    for i in 0..changes.len() {
        let Some(kind) = crate::kinds::find(changes[i].address.kind()) else {
            continue;
        };
        let (Some(before), Action::Update | Action::Delete) =
            (&changes[i].before, changes[i].action)
        else {
            continue;
        };
        let mut expected = before.clone();
        let mut after = changes[i].after.clone();
        let mut waits = Vec::new();
        for (j, other) in changes.iter().enumerate() {
            // A taker that already waits for this change, however indirectly
            // (queues moved round a ring), is not waited for: that would never
            // end. This change then gives the queue up itself, first.
            let takes = j != i
                && other.address.kind() == changes[i].address.kind()
                && !waits_for(changes, &other.address, &changes[i].address)
                && matches!(
                    other.action,
                    Action::Create | Action::Update | Action::Replace
                );
            if let (true, Some(taken)) = (takes, &other.after)
                && let Some(left) = kind.taken_by(&expected, taken)
            {
                expected = left;
                // What `ignore_changes` kept of the live object must not
                // take it back either.
                after = after.map(|a| kind.taken_by(&a, taken).unwrap_or(a));
                waits.push(other.address.clone());
            }
        }
        if waits.is_empty() {
            continue;
        }
        let change = &mut changes[i];
        change.depends_on.extend(waits);
        change.after = after;
        if change.guarded_by_digest() {
            change.write_digest = Some(crate::kind::digest(&expected));
        }
    }
}

/// Whether the change of `from` waits, directly or through others, for the
/// change of `to`.
fn waits_for(changes: &[Change], from: &Address, to: &Address) -> bool {
    let mut todo = vec![from];
    let mut seen = BTreeSet::new();
    while let Some(address) = todo.pop() {
        if address == to {
            return true;
        }
        if !seen.insert(address) {
            continue;
        }
        if let Some(change) = changes.iter().find(|c| &c.address == address) {
            todo.extend(change.depends_on.iter());
        }
    }
    false
}

/// A warning for each object a change deletes that an object nobody manages
/// points at (a rule of a copilot outside the configuration): it would point at
/// nothing.
fn pointed_at(changes: &[Change], state: &State, live: &LiveSet) -> Vec<String> {
    let mut warnings = Vec::new();
    let deleted: Vec<(&str, &str, &Address)> = changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .filter_map(|c| Some((c.address.kind(), c.before_id()?, &c.address)))
        .collect();
    if deleted.is_empty() {
        return warnings;
    }
    for (kind_name, object) in live.iter() {
        let Some(kind) = crate::kinds::find(kind_name) else {
            continue;
        };
        if state.address_of(kind_name, &object.id).is_some() {
            continue;
        }
        for (target_kind, target_id) in kind.points_at(object) {
            if let Some((_, _, address)) = deleted
                .iter()
                .find(|(k, id, _)| *k == target_kind && *id == target_id)
            {
                warnings.push(format!(
                    "`{address}` is deleted, but {} points at it and is not managed here: it will point at nothing.",
                    kind.describe(object, live)
                ));
            }
        }
    }
    warnings
}

/// One configured resource against the state and the org.
struct Planning<'a> {
    resource: &'a ResourceConfig,
    /// Its values, with the ids of the objects it refers to filled in where known.
    desired: &'a Value,
    state: &'a State,
    live: &'a LiveSet,
    config: &'a Config,
}

impl Planning<'_> {
    fn change(&self, import: Option<&str>) -> Result<Change, Box<Diagnostic>> {
        let Planning {
            resource, state, ..
        } = *self;
        let address = &resource.address;
        // A kind decoded by its schema keeps its id in its values, where a
        // reference is filled in once its target is known.
        let id = resource.id().or_else(|| {
            let attribute = resource.kind.id_attribute()?;
            let id = self.desired.get(attribute)?.as_str()?;
            (!id.is_empty() && !reference::is_unknown(id)).then_some(id)
        });
        let mut change = Change {
            address: address.clone(),
            action: Action::NoOp,
            before: None,
            after: None,
            live_version: None,
            live_id: None,
            live_digest: None,
            write_digest: None,
            expects: None,
            unknown: Vec::new(),
            depends_on: resource
                .depends_on
                .iter()
                .map(|d| d.address.clone())
                .collect(),
            sensitive: resource.sensitive.iter().cloned().collect(),
            prevent_destroy: resource.lifecycle.prevent_destroy,
            importing: false,
            moved_from: None,
            reason: None,
        };
        let Some(managed) = state.resources.get(address) else {
            if let Some(id) = import {
                return self.importing(change, id);
            }
            if let Some(now) = id
                .and_then(|id| self.live.get(address.kind(), id))
                .filter(|now| resource.kind.adoptable(now))
            {
                against_live(&mut change, resource, self.desired, now);
                change.importing = true;
                change.reason =
                    Some("what Genesys holds for it is as new, so it is taken over".into());
                return Ok(change);
            }
            if let Some(error) = id.and_then(|id| self.unmanaged(id)) {
                return Err(error);
            }
            change.action = Action::Create;
            change.after = Some(self.desired.clone());
            return Ok(change);
        };
        if let Some(other) = import.filter(|other| *other != managed.id) {
            return Err(Box::new(
                Diagnostic::error(Code::ImportManaged, format!("`{address}` is already managed, as {} `{}`", address.kind(), managed.id))
                    .detail(format!("It cannot also import `{other}`. Remove the `import` block, or `assistform state rm {address}` first."))
                    .address(address.to_string()),
            ));
        }
        let Some(now) = self.live.get(address.kind(), &managed.id) else {
            change.action = Action::Create;
            change.after = Some(self.desired.clone());
            change.reason =
                Some("it was deleted outside assistform and will be created again".into());
            return Ok(change);
        };
        // An id taken from an object this apply creates first cannot be the
        // one managed now: the object moves to it.
        let to_new = resource.id().is_none()
            && resource
                .kind
                .id_attribute()
                .and_then(|a| self.desired.get(a))
                .and_then(Value::as_str)
                .is_some_and(reference::is_unknown);
        let moved_to = id.filter(|id| *id != managed.id);
        if to_new || moved_to.is_some() {
            if resource.lifecycle.prevent_destroy {
                return Err(Box::new(prevent_destroy_error(
                    address,
                    "its `id` changed, which replaces it",
                )));
            }
            let adoptable = |id: &str| {
                self.live
                    .get(address.kind(), id)
                    .is_some_and(|found| resource.kind.adoptable(found))
            };
            if let Some(error) = moved_to
                .filter(|id| !adoptable(id))
                .and_then(|id| self.unmanaged(id))
            {
                return Err(error);
            }
            change.action = Action::Replace;
            change.after = Some(self.desired.clone());
            change.before = Some(now.values.clone());
            change.live_version = Some(now.version);
            change.live_id = Some(now.id.clone());
            change.live_digest = Some(crate::kind::digest(&now.values));
            change.reason = Some(match moved_to {
                Some(id) => format!("its id changes from `{}` to `{id}`", managed.id),
                None => format!(
                    "its `{}` changes from `{}` to an object this apply creates",
                    resource.kind.id_attribute().unwrap_or("id"),
                    managed.id
                ),
            });
            return Ok(change);
        }
        against_live(&mut change, resource, self.desired, now);
        Ok(change)
    }

    /// The error for creating `id` when the org already holds an object of that id
    /// that this resource does not manage.
    fn unmanaged(&self, id: &str) -> Option<Box<Diagnostic>> {
        let resource = self.resource;
        let address = &resource.address;
        let kind = address.kind();
        let found = self.live.get(kind, id)?;
        let diagnostic = match self.state.address_of(kind, id) {
            // Typically a `state mv` whose block was not renamed (or the reverse).
            Some(other) => Diagnostic::error(
                Code::PlanManagedElsewhere,
                format!("{kind} id `{id}` is already managed as `{other}`"),
            )
            .detail(format!(
                "The state records this {kind} under `{other}`, not `{address}`. Rename the block to `{kind} \"{}\"`, or move the state entry back with `assistform state mv {other} {address}`.",
                other.label()
            )),
            None => {
                let name = values::get(&found.values, "name")
                    .and_then(Value::as_str)
                    .map(|n| format!("\"{n}\", "))
                    .unwrap_or_default();
                Diagnostic::error(
                    Code::PlanUnmanaged,
                    format!("{kind} id `{id}` already exists in Genesys but is not managed by assistform"),
                )
                .detail(format!(
                    "Creating it would overwrite a {kind} made outside this configuration ({name}{}). Import it into the state first, or choose another `{}`.",
                    match resource.kind.guard() {
                        crate::kind::Guard::Version => format!("version {}", found.version),
                        crate::kind::Guard::Digest => "as it is now".to_owned(),
                    },
                    resource.kind.id_attribute().unwrap_or("id")
                ))
            }
        };
        let at = resource.field_location(resource.kind.id_attribute().unwrap_or("id"));
        Some(Box::new(
            diagnostic
                .address(address.to_string())
                .range(Some(self.config.range(at))),
        ))
    }

    /// Adopting the live object `id` as `change`'s address: nothing to write when
    /// it already matches the configuration, one versioned update when it does not.
    fn importing(&self, mut change: Change, id: &str) -> Result<Change, Box<Diagnostic>> {
        let address = &self.resource.address;
        let kind = address.kind();
        let at = self
            .config
            .imports
            .iter()
            .find(|i| i.to == *address)
            .map(|i| self.config.range(&i.location));
        if let Some(other) = self.state.address_of(kind, id) {
            return Err(Box::new(
                Diagnostic::error(
                    Code::ImportManaged,
                    format!("{kind} `{id}` is already managed as `{other}`"),
                )
                .detail(format!(
                    "It cannot be imported again into `{address}`; use a `moved` block to rename it."
                ))
                .range(at),
            ));
        }
        let Some(now) = self.live.get(kind, id) else {
            return Err(Box::new(
                Diagnostic::error(Code::ImportMissing, format!("cannot import {kind} `{id}`: Genesys has no {kind} with that id"))
                    .detail("Check the id (`assistform import --all` lists what the org holds), or remove the `import` block.")
                    .range(at),
            ));
        };
        against_live(&mut change, self.resource, self.desired, now);
        change.importing = true;
        Ok(change)
    }
}

/// `change` as a comparison of the configuration with the live object: an update
/// when they differ (outside `ignore_changes`), a no-op otherwise, carrying the live
/// version that apply will write with.
fn against_live(change: &mut Change, resource: &ResourceConfig, desired: &Value, now: &Live) {
    let after = values::with_ignored(desired, &now.values, &resource.lifecycle.ignore_changes);
    change.action = if after == now.values {
        Action::NoOp
    } else {
        Action::Update
    };
    change.before = Some(now.values.clone());
    change.after = Some(after);
    change.live_version = Some(now.version);
    change.live_id = Some(now.id.clone());
    change.live_digest = Some(crate::kind::digest(&now.values));
}

/// The error for deleting `now` while it holds objects nobody manages (a library
/// with responses made in the console): they would go with it, or keep it.
fn holds_unmanaged(
    address: &Address,
    now: &Live,
    state: &State,
    live: &LiveSet,
) -> Option<Diagnostic> {
    let kind = crate::kinds::find(address.kind())?;
    let held: Vec<String> = kind
        .holds(&now.id, live)
        .into_iter()
        .filter(|h| state.address_of(h.kind, &h.id).is_none())
        .map(|h| match h.name {
            Some(name) => format!("{} \"{name}\" (`{}`)", h.kind, h.id),
            None => format!("{} `{}`", h.kind, h.id),
        })
        .collect();
    if held.is_empty() {
        return None;
    }
    Some(
        Diagnostic::error(
            Code::PlanHoldsUnmanaged,
            format!(
                "`{address}` is not deleted: it holds {} that assistform does not manage",
                crate::paint::plural(held.len(), "object")
            ),
        )
        .detail(format!(
            "It holds {}. Move or delete them in Genesys, or import them, then plan again.",
            held.join(", ")
        ))
        .address(address.to_string()),
    )
}

fn prevent_destroy_error(address: &Address, why: &str) -> Diagnostic {
    Diagnostic::error(Code::PlanPreventDestroy, format!("`{address}` cannot be destroyed"))
        .detail(format!(
            "The plan would destroy it because {why}, but its `lifecycle {{ prevent_destroy = true }}` forbids that. Restore the configuration, or set `prevent_destroy = false` and apply before removing it."
        ))
        .address(address.to_string())
}

/// The targets and everything they depend on, by address.
fn targeted(
    config: &Config,
    targets: &[String],
    errors: &mut Vec<Diagnostic>,
) -> BTreeSet<Address> {
    let mut keep = BTreeSet::new();
    let mut todo: Vec<Address> = Vec::new();
    for t in targets {
        match t.parse::<Address>() {
            Ok(address) if config.resource(&address).is_some() => todo.push(address),
            _ => {
                let example = config
                    .resources
                    .first()
                    .map_or_else(|| "<kind>.<label>".to_owned(), |r| r.address.to_string());
                errors.push(
                    Diagnostic::error(
                        Code::PlanTarget,
                        format!("`--target {t}` names nothing in the configuration"),
                    )
                    .detail(format!(
                        "A target is the address of a block, such as `{example}`."
                    )),
                );
            }
        }
    }
    while let Some(address) = todo.pop() {
        if keep.contains(&address) {
            continue;
        }
        if let Some(r) = config.resource(&address) {
            todo.extend(r.depends_on.iter().map(|d| d.address.clone()));
        }
        keep.insert(address);
    }
    keep
}

fn digest(config: &Config) -> String {
    let mut hasher = Sha256::new();
    for r in &config.resources {
        hasher.update(r.address.to_string().as_bytes());
        hasher.update(r.values().to_string().as_bytes());
        hasher.update([0]);
    }
    format!("{:x}", hasher.finalize())
}
