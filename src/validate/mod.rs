//! Rules over the whole desired state: each resource's values, by its kind's
//! checks (mapped back to where they are written), ids unique within a kind, and a
//! dependency graph without cycles.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::config::{Config, Located, ResourceConfig};
use crate::diagnostic::{Code, Diagnostic};
use crate::graph::Graph;
use crate::kind::{Address, CheckContext, Finding, values};

/// Every problem in `config` beyond those found while decoding it.
pub fn check_config(config: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut ids: BTreeMap<(&str, &str), &ResourceConfig> = BTreeMap::new();
    // Offline, the org's country is unknown: North America unless configured.
    let regions = config.phone_regions.clone().unwrap_or_default();
    let cx = CheckContext {
        org: &config.validation,
        regions: &regions,
    };
    for resource in &config.resources {
        for finding in resource.kind.check(&*resource.native, cx) {
            if resource.incomplete.contains(&finding.path) {
                continue;
            }
            out.push(to_diagnostic(config, resource, finding));
        }
        let (Some(id_attribute), Some(id)) = (resource.kind.id_attribute(), resource.id()) else {
            continue;
        };
        if resource.incomplete.contains(id_attribute) {
            continue;
        }
        let kind = resource.kind.name();
        if let Some(first) = ids.get(&(kind, id)) {
            let first_at = config.range(first.field_location(id_attribute));
            out.push(
                Diagnostic::error(Code::SchemaDuplicateId, format!("{kind} id `{id}` is used twice"))
                    .detail(format!(
                        "{} already uses it (at {}:{}). Ids must be unique within the org; set a distinct `{id_attribute}`.",
                        first.address,
                        first_at.filename,
                        first_at.start.line
                    ))
                    .address(resource.address.to_string())
                    .range(Some(config.range(resource.field_location(id_attribute)))),
            );
        } else {
            ids.insert((kind, id), resource);
        }
    }
    for kind in crate::kinds::all() {
        let of_kind: Vec<&ResourceConfig> = config
            .resources
            .iter()
            .filter(|r| r.kind.name() == kind.name())
            .collect();
        let natives: Vec<&dyn crate::kind::Native> = of_kind.iter().map(|r| &*r.native).collect();
        for (i, finding) in kind.check_together(&natives) {
            if let Some(resource) = of_kind.get(i) {
                out.push(to_diagnostic(config, resource, finding));
            }
        }
    }
    for resource in &config.resources {
        for dep in &resource.depends_on {
            if config.resource(&dep.address).is_none() {
                let (code, what) = if dep.reference {
                    (
                        Code::ReferenceUndeclared,
                        format!("reference to undeclared `{}`", dep.address),
                    )
                } else {
                    (
                        Code::SchemaDependsOn,
                        format!("`depends_on` refers to undeclared `{}`", dep.address),
                    )
                };
                out.push(
                    Diagnostic::error(code, what)
                        .detail(format!(
                            "No {} block has the label `{}`.{}",
                            dep.address.kind(),
                            dep.address.label(),
                            did_you_mean(config, &dep.address)
                        ))
                        .address(resource.address.to_string())
                        .range(Some(config.range(&dep.location))),
                );
            }
        }
    }
    out.extend(check_imports_and_moves(config));
    for cycle in dependency_graph(config).cycles() {
        let path: Vec<String> = cycle
            .iter()
            .map(|&i| config.resources[i].address.to_string())
            .collect();
        let first = &config.resources[cycle[0]];
        let at = first
            .depends_on
            .iter()
            .find(|d| d.address == config.resources[cycle[1]].address)
            .map_or(&first.location, |d| &d.location);
        out.push(
            Diagnostic::error(
                Code::GraphCycle,
                format!(
                    "{} depend on each other in a cycle",
                    plural_noun(config, &cycle)
                ),
            )
            .detail(format!(
                "The cycle is {}. Remove one of these `depends_on` entries.",
                path.join(" → ")
            ))
            .address(first.address.to_string())
            .range(Some(config.range(at))),
        );
    }
    out
}

/// What a cycle is made of, for its message: `prompts` when they are all of one
/// kind, `resources` when not.
fn plural_noun(config: &Config, cycle: &[usize]) -> String {
    let kinds: std::collections::BTreeSet<&str> = cycle
        .iter()
        .map(|&i| config.resources[i].kind.name())
        .collect();
    match kinds.into_iter().collect::<Vec<_>>().as_slice() {
        [one] => format!("{one}s"),
        _ => "resources".to_owned(),
    }
}

/// ` Did you mean `<address>`?` for the closest label of the same kind, or nothing.
fn did_you_mean(config: &Config, address: &Address) -> String {
    let labels = config
        .resources
        .iter()
        .filter(|r| r.address.kind() == address.kind())
        .map(|r| r.address.label());
    crate::suggest::did_you_mean(address.label(), labels)
        .map(|s| format!(" Did you mean `{}`?", address.relabel(s)))
        .unwrap_or_default()
}

/// `import` blocks name a resource of the configuration, with its id, once; `moved`
/// blocks move to a resource that exists from one that no longer does.
fn check_imports_and_moves(config: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let unknown = |address: &Address, what: &str, code: Code| {
        Diagnostic::error(
            code,
            format!("{what} `{address}`, which is not in the configuration"),
        )
        .detail(format!(
            "Add a `{} \"{}\"` block, or fix the address.{}",
            address.kind(),
            address.label(),
            did_you_mean(config, address)
        ))
    };
    let mut seen: BTreeMap<(&str, &str), &Address> = BTreeMap::new();
    for import in &config.imports {
        let at = Some(config.range(&import.location));
        match config.resource(&import.to) {
            None => out.push(
                unknown(&import.to, "`import` names", Code::ImportUnknown)
                    .range(Some(config.range(&import.target))),
            ),
            Some(r) if r.id().is_some_and(|id| id != import.id) => {
                let (kind, id_attribute) = (r.kind.name(), r.kind.id_attribute().unwrap_or("id"));
                out.push(
                    Diagnostic::error(Code::ImportId, format!("`import` of `{}` into `{}`, whose id is `{}`", import.id, import.to, r.id().unwrap_or_default()))
                        .detail(format!("Set `{id_attribute} = \"{}\"` in the {kind} block, so that assistform manages the {kind} it imports.", import.id))
                        .address(r.address.to_string())
                        .range(at.clone()),
                );
            }
            Some(_) => {}
        }
        if let Some(first) = seen.insert((import.to.kind(), &import.id), &import.to) {
            out.push(
                Diagnostic::error(
                    Code::ImportDuplicate,
                    format!("{} `{}` is imported twice", import.to.kind(), import.id),
                )
                .detail(format!(
                    "It is already imported into `{first}`; keep one `import` block."
                ))
                .range(at),
            );
        }
    }
    for moved in &config.moves {
        let at = Some(config.range(&moved.location));
        if config.resource(&moved.to).is_none() {
            out.push(unknown(&moved.to, "`moved` moves to", Code::MovedUnknown).range(at.clone()));
        }
        if moved.from.kind() != moved.to.kind() {
            out.push(
                Diagnostic::error(
                    Code::MovedKind,
                    format!("`moved` from `{}` to `{}` changes the kind", moved.from, moved.to),
                )
                .detail("A move renames an address within one kind; a resource cannot become another kind.")
                .range(at.clone()),
            );
        }
        if config.resource(&moved.from).is_some() {
            out.push(
                Diagnostic::error(
                    Code::MovedFrom,
                    format!(
                        "`moved` from `{}`, which is still in the configuration",
                        moved.from
                    ),
                )
                .detail("A move renames an address: remove the old block, or the `moved` block.")
                .range(at),
            );
        }
    }
    out
}

/// The graph of `depends_on` edges between `config.resources`, by index; references
/// to undeclared resources are left out (they are reported by [`check_config`]).
pub fn dependency_graph(config: &Config) -> Graph {
    let index: BTreeMap<&Address, usize> = config
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| (&r.address, i))
        .collect();
    let mut graph = Graph::new(config.resources.len());
    for (i, resource) in config.resources.iter().enumerate() {
        for dep in &resource.depends_on {
            if let Some(&j) = index.get(&dep.address) {
                graph.add_dependency(i, j);
            }
        }
    }
    graph
}

fn to_diagnostic(config: &Config, resource: &ResourceConfig, finding: Finding) -> Diagnostic {
    let at = resource.field_location(&finding.path);
    let value = values::get(resource.values(), &finding.path).and_then(serde_json::Value::as_str);
    let at = match (&finding.span, value) {
        (Some(span), Some(value)) => {
            let written = &config.sources[at.file].text[at.bytes.clone()];
            match locate(written, value, span.clone()) {
                Some(inner) => Located {
                    file: at.file,
                    bytes: at.bytes.start + inner.start..at.bytes.start + inner.end,
                },
                None => at.clone(),
            }
        }
        _ => at.clone(),
    };
    let (mut summary, mut detail) = (finding.summary, finding.detail);
    if resource.sensitive.contains(&finding.path)
        && let Some(value) = value.filter(|v| !v.is_empty())
    {
        summary = summary.replace(value, "(sensitive)");
        detail = detail.replace(value, "(sensitive)");
    }
    Diagnostic {
        severity: finding.severity,
        code: finding.code,
        summary,
        detail,
        address: Some(resource.address.to_string()),
        range: Some(config.range(&at)),
    }
}

/// Where the part `span` of the evaluated string `value` is written inside the source
/// text `written` of its expression: the same occurrence of the same text. `None`
/// when the source does not hold it verbatim (escapes, interpolation), and then the
/// whole expression is the best answer.
fn locate(written: &str, value: &str, span: Range<usize>) -> Option<Range<usize>> {
    let needle = value.get(span.clone())?;
    if needle.is_empty() {
        return None;
    }
    let nth = value[..span.start].match_indices(needle).count();
    written
        .match_indices(needle)
        .nth(nth)
        .map(|(i, _)| i..i + needle.len())
}

#[cfg(test)]
mod tests {
    use super::locate;

    #[test]
    fn locates_the_same_occurrence() {
        let written = r#""a {{x}} b {{x}}""#;
        let value = "a {{x}} b {{x}}";
        assert_eq!(locate(written, value, 10..15), Some(11..16));
        assert_eq!(locate(written, value, 2..7), Some(3..8));
    }

    #[test]
    fn gives_up_on_text_not_written_verbatim() {
        assert_eq!(locate(r#""${var.card}""#, "4242", 0..4), None);
    }
}
