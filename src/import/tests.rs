use serde_json::json;

use super::*;
use crate::config::{VarInputs, load};
use crate::kinds::prompt::Prompt;
use crate::kinds::prompt::model::{ModifiedBy, PromptSpec, RemotePrompt};

/// The configuration `import --all` writes for `prompts`.
fn generated(prompts: &[RemotePrompt]) -> String {
    let live: Vec<Live> = prompts.iter().cloned().map(Live::from).collect();
    generate(&Prompt, &live).text
}

fn remote(id: &str, content: &str) -> RemotePrompt {
    let spec: PromptSpec = serde_json::from_value(json!({
        "id": id,
        "name": format!("Prompt {id}"),
        "description": "",
        "status": "active",
        "interactionTypes": ["conversation", "chat"],
        "trigger": {"type": "conversation", "conditions": [
            {"field": "accountStatus", "operator": "equals", "value": "on_hold"},
        ]},
        "display": {"type": "popup", "content": content, "timeoutMs": 30000},
    }))
    .expect("spec");
    RemotePrompt {
        spec,
        version: 3,
        date_modified: "2026-01-01T00:00:00.000Z".into(),
        modified_by: ModifiedBy { id: "admin".into() },
        self_uri: format!("/api/v2/agent-assist/prompts/{id}"),
    }
}

/// Writes `text` as the only file of a directory and reads the prompts back, by id.
fn read_back(text: &str) -> std::collections::BTreeMap<String, PromptSpec> {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("imported.hcl"), text).expect("write");
    let loaded = load(dir.path(), &VarInputs::default(), crate::kinds::decoders()).expect("load");
    // Until the configuration knows `import` blocks, they are its only complaint.
    for d in &loaded.diagnostics {
        assert!(
            d.code == "schema.unknown" && d.summary.contains("import"),
            "unexpected diagnostic {d:?}\n{text}"
        );
    }
    loaded
        .config
        .resources
        .into_iter()
        .map(|r| {
            let spec = PromptSpec::from_values(r.values()).expect("a prompt");
            (spec.id.clone(), spec)
        })
        .collect()
}

fn assert_round_trip(prompts: &[RemotePrompt]) {
    let text = generated(prompts);
    let back = read_back(&text);
    assert_eq!(back.len(), prompts.len(), "{text}");
    for p in prompts {
        assert_eq!(back.get(&p.spec.id), Some(&p.spec), "{text}");
    }
    assert_eq!(
        crate::fmt::format(&text).expect("parses"),
        text,
        "formatted"
    );
}

#[test]
fn awkward_strings_read_back_exactly() {
    let contents = [
        "Plain {{customerName}}",
        "Quotes \" and \\ backslashes \\n (not a newline)",
        "Not templates: ${var.x} %{ if true }yes%{ endif } $${already} %%{too}",
        "Dollars $ and $$ and % alone, ending in $",
        "${",
        "Line one\nLine two",
        "Line one\nLine two\n",
        "  indented\n    more\n",
        "Tabs\tand\r\ncarriage returns\n",
        "Control \u{1} \u{7f} characters",
        "Unicode: café, 日本語, emoji 🎧, nbsp\u{a0}here",
        "EOT\nthe delimiter as a line\nEOT2\n",
        "${x}\n%{ if }\nstarts lines\n",
        "trailing space \nthen\n",
        "\n\nblank lines first\n\n",
        "",
    ];
    let prompts: Vec<RemotePrompt> = contents
        .iter()
        .enumerate()
        .map(|(i, c)| remote(&format!("p{i}"), c))
        .collect();
    assert_round_trip(&prompts);
}

#[test]
fn every_attribute_reads_back() {
    let mut p = remote("full", "Hello {{customerName}}\nSecond line\n");
    p.spec.name = "Name with \"quotes\" and ${x}".into();
    p.spec.description = "Desc %{ x }\nwith a newline".into();
    p.spec.status = "inactive".into();
    p.spec.interaction_types = vec!["email".into(), "voice".into(), "sms".into()];
    p.spec.trigger.kind = "email".into();
    p.spec
        .trigger
        .conditions
        .push(crate::kinds::prompt::model::Condition {
            field: "amount".into(),
            operator: "gt".into(),
            value: "100 \\ $${".into(),
        });
    p.spec.display.kind = "toast".into();
    p.spec.display.timeout_ms = 120_000;
    assert_round_trip(&[p]);
}

#[test]
fn awkward_ids_get_valid_unique_labels_and_read_back() {
    let long = format!("7{}", "z".repeat(63));
    let ids = [
        "assist-prompt-001",
        "9lives",
        "x-y",
        "x_y",
        "p_9lives",
        &long,
    ];
    let prompts: Vec<RemotePrompt> = ids.iter().map(|id| remote(id, "Hi")).collect();
    assert_round_trip(&prompts);
    let text = generated(&prompts);
    assert!(text.contains("prompt \"p_9lives_2\" {"), "{text}");
    assert!(
        text.contains("to = prompt.p_9lives_2\n  id = \"9lives\""),
        "{text}"
    );
    assert!(text.contains(&format!("prompt \"p_{long}\" {{")), "{text}");
}

#[test]
fn multi_line_content_is_a_heredoc() {
    let text = generated(&[remote("a", "Line one\n  Line two\n")]);
    assert!(
        text.contains("    content = <<-EOT\n      Line one\n        Line two\n    EOT\n"),
        "{text}"
    );
}

#[test]
fn the_layout_is_stable() {
    let text = generated(&[remote("hold-1", "Hello {{customerName}}")]);
    let expected = r#"# Generated by `assistform import --all` from 1 prompt in the org that no
# state entry manages. Review it; `assistform plan` then shows each as an import.

# hold-1, version 3
prompt "hold-1" {
  id                = "hold-1"
  name              = "Prompt hold-1"
  description       = ""
  status            = "active"
  interaction_types = ["conversation", "chat"]

  trigger {
    type = "conversation"
    condition {
      field    = "accountStatus"
      operator = "equals"
      value    = "on_hold"
    }
  }

  display {
    type       = "popup"
    content    = "Hello {{customerName}}"
    timeout_ms = 30000
  }
}

import {
  to = prompt.hold-1
  id = "hold-1"
}
"#;
    assert_eq!(text, expected);
}

#[test]
fn problems_are_listed_masked_above_the_verbatim_content() {
    let card = "4242 4242 4242 4242";
    let content = format!("Card {card}, mail jane.doe@example.com, order {{{{orderId}}}}");
    let text = generated(&[remote("leaky", &content)]);
    let comments: String = text
        .lines()
        .filter(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        comments.contains(
            "error: display.content: content holds a payment card number (`**** **** **** 4242`)"
        ),
        "{comments}"
    );
    assert!(
        comments.contains("unknown context variable `orderId`"),
        "{comments}"
    );
    assert!(
        comments.contains("validation { context_variables"),
        "{comments}"
    );
    assert!(
        !comments.contains(card) && !comments.contains("jane.doe@"),
        "{comments}"
    );
    assert!(text.contains(&content), "content verbatim: {text}");
    assert_round_trip(&[remote("leaky", &content)]);
}

#[test]
fn a_comment_cannot_be_broken_out_of() {
    let mut p = remote("a", "Hi");
    p.spec.status = "bad\nprompt \"evil\" {}".into();
    let text = generated(&[p.clone()]);
    assert!(text.contains("unknown status `bad\\nprompt"), "{text}");
    assert_round_trip(&[p]);
}

#[test]
fn template_markers_at_a_line_start_stay_in_a_heredoc() {
    let text = generated(&[remote("a", "${x}\n%{ if }\nstarts lines\n")]);
    assert!(
        text.contains("<<-EOT\n      $${x}\n      %%{ if }\n"),
        "{text}"
    );
}

#[test]
fn random_strings_of_awkward_pieces_read_back_exactly() {
    use rand::{Rng, SeedableRng};
    const PIECES: &[&str] = &[
        "$",
        "%",
        "{",
        "}",
        "${",
        "%{",
        "\\",
        "\"",
        "\n",
        "\t",
        " ",
        "a",
        "EOT",
        "\r",
        "\u{1}",
        "é",
        "{{customerName}}",
        "  ",
    ];
    let mut rng = rand::rngs::SmallRng::seed_from_u64(6);
    let prompts: Vec<RemotePrompt> = (0..300)
        .map(|i| {
            let len = rng.random_range(0..24);
            let content: String = (0..len)
                .map(|_| PIECES[rng.random_range(0..PIECES.len())])
                .collect();
            remote(&format!("r{i}"), &content)
        })
        .collect();
    assert_round_trip(&prompts);
}
