//! Desired × State × Live → Plan. Pure: no I/O, no HTTP.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use super::{Action, Change, Drift, Plan};
use crate::config::{Config, PromptConfig};
use crate::diagnostic::Diagnostic;
use crate::model::{PromptSpec, RemotePrompt};
use crate::state::State;
use crate::validate::dependency_graph;

/// What a plan is made from.
pub struct Inputs<'a> {
    pub config: &'a Config,
    pub state: &'a State,
    /// Every prompt in the org, as the list endpoint returned them.
    pub live: &'a [RemotePrompt],
    /// `--target` addresses: only these and what they depend on. Empty: everything.
    pub targets: &'a [String],
    pub refresh_only: bool,
    /// Plan to destroy everything the state manages (`plan --destroy`).
    pub destroy: bool,
}

/// The plan, or every reason it cannot be made (each a diagnostic naming the prompt).
///
/// # Errors
///
/// A prompt whose id exists in the org but is not managed; a change that
/// `prevent_destroy` forbids; a `--target` that names no prompt.
pub fn diff(inputs: &Inputs) -> Result<Plan, Vec<Diagnostic>> {
    let Inputs { config, live, .. } = *inputs;
    let live: BTreeMap<&str, &RemotePrompt> =
        live.iter().map(|p| (p.spec.id.as_str(), p)).collect();
    let mut errors = Vec::new();
    // Moves first: every later step sees the state under its new addresses.
    let mut state = inputs.state.clone();
    let mut moved_from: BTreeMap<String, String> = BTreeMap::new();
    for m in &config.moves {
        let (from, to) = (format!("prompt.{}", m.from), format!("prompt.{}", m.to));
        if !state.resources.contains_key(&from) {
            continue; // already moved, or never applied
        }
        if state.resources.contains_key(&to) {
            errors.push(
                Diagnostic::error("moved.both", format!("cannot move `{from}` to `{to}`: both are in the state"))
                    .detail("Remove one of them from the state (`assistform state rm`), or the `moved` block.")
                    .range(Some(config.range(&m.location))),
            );
            continue;
        }
        let resource = state.resources.remove(&from).expect("checked above");
        state.resources.insert(to.clone(), resource);
        moved_from.insert(to, from);
    }
    let state = &state;
    let imports: BTreeMap<&str, &str> = config
        .imports
        .iter()
        .map(|i| (i.to.as_str(), i.id.as_str()))
        .collect();
    let mut changes = Vec::new();
    let mut drift = Vec::new();

    for (address, resource) in &state.resources {
        let Ok(before) = resource.spec() else {
            errors.push(
                Diagnostic::error(
                    "state.invalid",
                    format!("the state entry for `{address}` cannot be read"),
                )
                .address(address),
            );
            continue;
        };
        let now = live.get(resource.id.as_str()).map(|p| &p.spec);
        if now != Some(&before) {
            drift.push(Drift {
                address: address.clone(),
                label: label_of(address),
                before,
                after: now.cloned(),
            });
        }
    }

    let graph = dependency_graph(config);
    let order = graph
        .topological_order()
        .unwrap_or_else(|_| (0..config.prompts.len()).collect());
    // A destroy plan keeps nothing of the configuration but its dependencies (for
    // the order of the deletes) and its `prevent_destroy`.
    let kept: &[usize] = if inputs.destroy { &[] } else { &order };
    for &i in kept {
        let prompt = &config.prompts[i];
        match plan_prompt(
            prompt,
            state,
            &live,
            config,
            imports.get(prompt.label.as_str()).copied(),
        ) {
            Ok(mut change) => {
                change.moved_from = moved_from.get(&change.address).cloned();
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
        let configured = config.prompt(&label_of(address));
        if configured.is_some() && !inputs.destroy {
            continue;
        }
        let now = live.get(resource.id.as_str());
        let protected =
            resource.prevent_destroy || configured.is_some_and(|p| p.lifecycle.prevent_destroy);
        if protected && now.is_some() {
            errors.push(prevent_destroy_error(address, why));
            continue;
        }
        // Deletes run in reverse dependency order: the configuration's, else the
        // state's record of it.
        let depends_on = match configured {
            Some(p) => p
                .depends_on
                .iter()
                .map(|d| format!("prompt.{}", d.label))
                .collect(),
            None => resource.depends_on.clone(),
        };
        changes.push(Change {
            address: address.clone(),
            label: label_of(address),
            action: if now.is_some() {
                Action::Delete
            } else {
                Action::NoOp
            },
            before: now.map(|p| p.spec.clone()),
            after: None,
            live_version: now.map(|p| p.version),
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
    })
}

fn plan_prompt(
    prompt: &PromptConfig,
    state: &State,
    live: &BTreeMap<&str, &RemotePrompt>,
    config: &Config,
    import: Option<&str>,
) -> Result<Change, Box<Diagnostic>> {
    let address = prompt.address();
    let desired = &prompt.spec;
    let mut change = Change {
        address: address.clone(),
        label: prompt.label.clone(),
        action: Action::NoOp,
        before: None,
        after: Some(desired.clone()),
        live_version: None,
        depends_on: prompt
            .depends_on
            .iter()
            .map(|d| format!("prompt.{}", d.label))
            .collect(),
        sensitive: prompt.sensitive.iter().map(|f| f.hcl_path()).collect(),
        prevent_destroy: prompt.lifecycle.prevent_destroy,
        importing: false,
        moved_from: None,
        reason: None,
    };
    let unmanaged = |id: &str| -> Option<Box<Diagnostic>> {
        let found = live.get(id)?;
        let diagnostic = match state.address_of(id) {
            // Typically a `state mv` whose block was not renamed (or the reverse).
            Some(other) => Diagnostic::error(
                "plan.managed_elsewhere",
                format!("prompt id `{id}` is already managed as `{other}`"),
            )
            .detail(format!(
                "The state records this prompt under `{other}`, not `{address}`. Rename the block to `prompt \"{}\"`, or move the state entry back with `assistform state mv {other} {address}`.",
                label_of(other)
            )),
            None => Diagnostic::error(
                "plan.unmanaged",
                format!("prompt id `{id}` already exists in Genesys but is not managed by assistform"),
            )
            .detail(format!(
                "Creating it would overwrite a prompt made outside this configuration (\"{}\", version {}). Import it into the state first, or choose another `id`.",
                found.spec.name, found.version
            )),
        };
        Some(Box::new(diagnostic.address(&address).range(Some(
            config.range(prompt.field_location(crate::validate::Field::Id)),
        ))))
    };
    let Some(resource) = state.resources.get(&address) else {
        if let Some(id) = import {
            return importing(change, prompt, id, state, live, config);
        }
        if let Some(error) = unmanaged(&desired.id) {
            return Err(error);
        }
        change.action = Action::Create;
        return Ok(change);
    };
    if let Some(id) = import.filter(|id| *id != resource.id) {
        return Err(Box::new(
            Diagnostic::error("import.managed", format!("`{address}` is already managed, as prompt `{}`", resource.id))
                .detail(format!("It cannot also import `{id}`. Remove the `import` block, or `assistform state rm {address}` first."))
                .address(&address),
        ));
    }
    let Some(now) = live.get(resource.id.as_str()) else {
        change.action = Action::Create;
        change.reason = Some("it was deleted outside assistform and will be created again".into());
        return Ok(change);
    };
    if resource.id != desired.id {
        if prompt.lifecycle.prevent_destroy {
            return Err(Box::new(prevent_destroy_error(
                &address,
                "its `id` changed, which replaces it",
            )));
        }
        if let Some(error) = unmanaged(&desired.id) {
            return Err(error);
        }
        change.action = Action::Replace;
        change.before = Some(now.spec.clone());
        change.live_version = Some(now.version);
        change.reason = Some(format!(
            "its id changes from `{}` to `{}`",
            resource.id, desired.id
        ));
        return Ok(change);
    }
    against_live(&mut change, prompt, now);
    Ok(change)
}

/// `change` as a comparison of the configuration with the live prompt: an update
/// when they differ (outside `ignore_changes`), a no-op otherwise, carrying the live
/// version that apply will write with.
fn against_live(change: &mut Change, prompt: &PromptConfig, now: &RemotePrompt) {
    let after = with_ignored(&prompt.spec, &now.spec, &prompt.lifecycle.ignore_changes);
    change.action = if after == now.spec {
        Action::NoOp
    } else {
        Action::Update
    };
    change.before = Some(now.spec.clone());
    change.after = Some(after);
    change.live_version = Some(now.version);
}

/// Adopting the live prompt `id` as `change`'s address: nothing to write when it
/// already matches the configuration, one versioned update when it does not.
fn importing(
    mut change: Change,
    prompt: &PromptConfig,
    id: &str,
    state: &State,
    live: &BTreeMap<&str, &RemotePrompt>,
    config: &Config,
) -> Result<Change, Box<Diagnostic>> {
    let at = config
        .imports
        .iter()
        .find(|i| i.to == prompt.label)
        .map(|i| config.range(&i.location));
    if let Some(other) = state.address_of(id) {
        return Err(Box::new(
            Diagnostic::error(
                "import.managed",
                format!("prompt `{id}` is already managed as `{other}`"),
            )
            .detail(format!(
                "It cannot be imported again into `{}`; use a `moved` block to rename it.",
                change.address
            ))
            .range(at),
        ));
    }
    let Some(now) = live.get(id) else {
        return Err(Box::new(
            Diagnostic::error("import.missing", format!("cannot import prompt `{id}`: Genesys has no prompt with that id"))
                .detail("Check the id (`assistform import --all` lists what the org holds), or remove the `import` block.")
                .range(at),
        ));
    };
    against_live(&mut change, prompt, now);
    change.importing = true;
    Ok(change)
}

/// `desired`, with every attribute under `ignore_changes` taken from `live`.
fn with_ignored(desired: &PromptSpec, live: &PromptSpec, ignore: &[String]) -> PromptSpec {
    let mut out = desired.clone();
    for path in ignore {
        match path.as_str() {
            "name" => out.name.clone_from(&live.name),
            "description" => out.description.clone_from(&live.description),
            "status" => out.status.clone_from(&live.status),
            "interaction_types" => out.interaction_types.clone_from(&live.interaction_types),
            "trigger" => out.trigger.clone_from(&live.trigger),
            "trigger.type" => out.trigger.kind.clone_from(&live.trigger.kind),
            "trigger.condition" => out.trigger.conditions.clone_from(&live.trigger.conditions),
            "display" => out.display.clone_from(&live.display),
            "display.type" => out.display.kind.clone_from(&live.display.kind),
            "display.content" => out.display.content.clone_from(&live.display.content),
            "display.timeout_ms" => out.display.timeout_ms = live.display.timeout_ms,
            _ => {} // the decoder accepts only the names above
        }
    }
    out
}

fn prevent_destroy_error(address: &str, why: &str) -> Diagnostic {
    Diagnostic::error("plan.prevent_destroy", format!("`{address}` cannot be destroyed"))
        .detail(format!(
            "The plan would destroy it because {why}, but its `lifecycle {{ prevent_destroy = true }}` forbids that. Restore the configuration, or set `prevent_destroy = false` and apply before removing it."
        ))
        .address(address)
}

/// The targets and everything they depend on, by address.
fn targeted(config: &Config, targets: &[String], errors: &mut Vec<Diagnostic>) -> BTreeSet<String> {
    let mut keep = BTreeSet::new();
    let mut todo: Vec<String> = Vec::new();
    for t in targets {
        if config.prompt(&label_of(t)).is_none() || !t.starts_with("prompt.") {
            errors.push(
                Diagnostic::error(
                    "plan.target",
                    format!("`--target {t}` names no prompt in the configuration"),
                )
                .detail("A target is an address such as `prompt.greeting`."),
            );
        }
        todo.push(t.clone());
    }
    while let Some(address) = todo.pop() {
        if !keep.insert(address.clone()) {
            continue;
        }
        if let Some(p) = config.prompt(&label_of(&address)) {
            todo.extend(p.depends_on.iter().map(|d| format!("prompt.{}", d.label)));
        }
    }
    keep
}

fn label_of(address: &str) -> String {
    address
        .strip_prefix("prompt.")
        .unwrap_or(address)
        .to_owned()
}

fn digest(config: &Config) -> String {
    let mut hasher = Sha256::new();
    for p in &config.prompts {
        hasher.update(p.address().as_bytes());
        hasher.update(p.spec.to_values().to_string().as_bytes());
        hasher.update([0]);
    }
    format!("{:x}", hasher.finalize())
}
