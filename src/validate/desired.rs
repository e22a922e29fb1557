//! Rules over the whole desired state: each prompt's values (mapped back to where
//! they are written), unique ids, and a dependency graph without cycles.

use std::collections::BTreeMap;
use std::ops::Range;

use super::{Field, Finding, check_authored, check_prompt};
use crate::config::{Config, Located, PromptConfig};
use crate::diagnostic::Diagnostic;
use crate::graph::Graph;

/// Every problem in `config` beyond those found while decoding it.
pub fn check_config(config: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut ids: BTreeMap<&str, &PromptConfig> = BTreeMap::new();
    // Offline, the org's country is unknown: North America unless configured.
    let regions = config.phone_regions.clone().unwrap_or_default();
    for prompt in &config.prompts {
        let findings = check_prompt(&prompt.spec, &config.validation, &regions)
            .into_iter()
            .chain(check_authored(&prompt.spec, &config.validation, &regions));
        for finding in findings {
            if prompt.incomplete.contains(&finding.field) {
                continue;
            }
            out.push(to_diagnostic(config, prompt, finding));
        }
        if prompt.incomplete.contains(&Field::Id) {
            continue;
        }
        if let Some(first) = ids.get(prompt.spec.id.as_str()) {
            let first_at = config.range(first.field_location(Field::Id));
            out.push(
                Diagnostic::error("schema.duplicate_id", format!("prompt id `{}` is used twice", prompt.spec.id))
                    .detail(format!(
                        "{} already uses it (at {}:{}). Ids must be unique within the org; set a distinct `id`.",
                        first.address(),
                        first_at.filename,
                        first_at.start.line
                    ))
                    .address(prompt.address())
                    .range(Some(config.range(prompt.field_location(Field::Id)))),
            );
        } else {
            ids.insert(&prompt.spec.id, prompt);
        }
    }
    for prompt in &config.prompts {
        for dep in &prompt.depends_on {
            if config.prompt(&dep.label).is_none() {
                let hint = crate::suggest::did_you_mean(
                    &dep.label,
                    config.prompts.iter().map(|p| p.label.as_str()),
                )
                .map(|s| format!(" Did you mean `prompt.{s}`?"))
                .unwrap_or_default();
                out.push(
                    Diagnostic::error(
                        "schema.depends_on",
                        format!("`depends_on` refers to undeclared `prompt.{}`", dep.label),
                    )
                    .detail(format!(
                        "No prompt block has the label `{}`.{hint}",
                        dep.label
                    ))
                    .address(prompt.address())
                    .range(Some(config.range(&dep.location))),
                );
            }
        }
    }
    out.extend(check_imports_and_moves(config));
    for cycle in dependency_graph(config).cycles() {
        let path: Vec<String> = cycle.iter().map(|&i| config.prompts[i].address()).collect();
        let first = &config.prompts[cycle[0]];
        let at = first
            .depends_on
            .iter()
            .find(|d| d.label == config.prompts[cycle[1]].label)
            .map_or(&first.location, |d| &d.location);
        out.push(
            Diagnostic::error("graph.cycle", "prompts depend on each other in a cycle")
                .detail(format!(
                    "The cycle is {}. Remove one of these `depends_on` entries.",
                    path.join(" → ")
                ))
                .address(first.address())
                .range(Some(config.range(at))),
        );
    }
    out
}

/// `import` blocks name a prompt of the configuration, with its id, once; `moved`
/// blocks move to a prompt that exists from one that no longer does.
fn check_imports_and_moves(config: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let labels = || config.prompts.iter().map(|p| p.label.as_str());
    let unknown = |label: &str, what: &str, code: &str| {
        let hint = crate::suggest::did_you_mean(label, labels())
            .map(|s| format!(" Did you mean `prompt.{s}`?"))
            .unwrap_or_default();
        Diagnostic::error(
            code,
            format!("{what} `prompt.{label}`, which is not in the configuration"),
        )
        .detail(format!(
            "Add a `prompt \"{label}\"` block, or fix the address.{hint}"
        ))
    };
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for import in &config.imports {
        let at = Some(config.range(&import.location));
        match config.prompt(&import.to) {
            None => out.push(unknown(&import.to, "`import` names", "import.unknown").range(Some(config.range(&import.target)))),
            Some(p) if p.spec.id != import.id => out.push(
                Diagnostic::error("import.id", format!("`import` of `{}` into `prompt.{}`, whose id is `{}`", import.id, import.to, p.spec.id))
                    .detail(format!("Set `id = \"{}\"` in the prompt block, so that assistform manages the prompt it imports.", import.id))
                    .address(p.address())
                    .range(at.clone()),
            ),
            Some(_) => {}
        }
        if let Some(first) = seen.insert(&import.id, &import.to) {
            out.push(
                Diagnostic::error(
                    "import.duplicate",
                    format!("prompt `{}` is imported twice", import.id),
                )
                .detail(format!(
                    "It is already imported into `prompt.{first}`; keep one `import` block."
                ))
                .range(at),
            );
        }
    }
    for moved in &config.moves {
        let at = Some(config.range(&moved.location));
        if config.prompt(&moved.to).is_none() {
            out.push(unknown(&moved.to, "`moved` moves to", "moved.unknown").range(at.clone()));
        }
        if config.prompt(&moved.from).is_some() {
            out.push(
                Diagnostic::error(
                    "moved.from",
                    format!(
                        "`moved` from `prompt.{}`, which is still in the configuration",
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

/// The graph of `depends_on` edges between `config.prompts`, by index; references to
/// unknown prompts are left out (they are reported by [`check_config`]).
pub fn dependency_graph(config: &Config) -> Graph {
    let index: BTreeMap<&str, usize> = config
        .prompts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.label.as_str(), i))
        .collect();
    let mut graph = Graph::new(config.prompts.len());
    for (i, prompt) in config.prompts.iter().enumerate() {
        for dep in &prompt.depends_on {
            if let Some(&j) = index.get(dep.label.as_str()) {
                graph.add_dependency(i, j);
            }
        }
    }
    graph
}

fn to_diagnostic(config: &Config, prompt: &PromptConfig, finding: Finding) -> Diagnostic {
    let at = prompt.field_location(finding.field);
    let value = field_text(&prompt.spec, finding.field);
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
    if prompt.sensitive.contains(&finding.field)
        && let Some(value) = value.filter(|v| !v.is_empty())
    {
        summary = summary.replace(value, "(sensitive)");
        detail = detail.replace(value, "(sensitive)");
    }
    Diagnostic {
        severity: finding.severity,
        code: finding.code.to_owned(),
        summary,
        detail,
        address: Some(prompt.address()),
        range: Some(config.range(&at)),
    }
}

/// The text of a string field, which a message may quote.
fn field_text(spec: &crate::model::PromptSpec, field: Field) -> Option<&str> {
    let condition = |i: usize| spec.trigger.conditions.get(i);
    Some(match field {
        Field::Id => &spec.id,
        Field::Name => &spec.name,
        Field::Description => &spec.description,
        Field::Status => &spec.status,
        Field::InteractionType(i) => spec.interaction_types.get(i)?,
        Field::TriggerType => &spec.trigger.kind,
        Field::ConditionField(i) => &condition(i)?.field,
        Field::ConditionOperator(i) => &condition(i)?.operator,
        Field::ConditionValue(i) => &condition(i)?.value,
        Field::DisplayType => &spec.display.kind,
        Field::DisplayContent => &spec.display.content,
        Field::InteractionTypes | Field::Conditions | Field::DisplayTimeout => return None,
    })
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
