//! `assistform validate`: one snapshot of the human diagnostic per rule, the JSON
//! shape, and bad input that must give a clear error instead of a panic.

use crate::support::{Project, prompt, repo, run_in};

/// The transcript of `validate .` over one file `main.hcl`.
fn validate(main: &str) -> String {
    Project::new()
        .file("main.hcl", main)
        .run(&["validate", "."])
        .transcript()
}

/// A prompt whose `display` block is `display`, the rest valid.
fn with_display(display: &str) -> String {
    format!(
        r#"prompt "p" {{
  name              = "P"
  interaction_types = ["chat"]
  trigger {{
    type = "chat"
    condition {{
      field    = "accountStatus"
      operator = "equals"
      value    = "on_hold"
    }}
  }}
  display {{
{display}
  }}
}}
"#
    )
}

fn with_content(content: &str) -> String {
    with_display(&format!(
        "    type    = \"popup\"\n    content = \"{content}\""
    ))
}

#[test]
fn every_example_is_valid() {
    let examples = repo().join("examples");
    let mut checked = 0;
    for entry in std::fs::read_dir(&examples).expect("examples/") {
        let dir = entry.expect("entry").path();
        // `examples/ci` holds CI templates, not a configuration.
        if !dir.is_dir() || dir.ends_with("ci") {
            continue;
        }
        let run = run_in(
            &repo(),
            &["validate", dir.to_str().expect("utf-8 path")],
            &[],
        );
        assert_eq!(run.code, 0, "{}:\n{}", dir.display(), run.transcript());
        checked += 1;
    }
    assert!(
        checked >= 4,
        "expected the quickstart and one example per feature"
    );
}

#[test]
fn a_valid_configuration() {
    insta::assert_snapshot!(validate(&prompt("greeting", "Hello {{customerName}}")));
}

#[test]
fn missing_required_attribute_and_block() {
    insta::assert_snapshot!(validate(
        r#"prompt "p" {
  interaction_types = ["chat"]
  trigger {
    type = "chat"
    condition {
      field    = "accountStatus"
      operator = "equals"
    }
  }
}
"#
    ));
}

#[test]
fn wrong_types() {
    insta::assert_snapshot!(validate(
        r#"prompt "p" {
  name              = ["not", "a", "string"]
  interaction_types = 5
  trigger {
    type = "chat"
    condition {
      field    = "accountStatus"
      operator = "equals"
      value    = "x"
    }
  }
  display {
    type       = "popup"
    content    = "Hi"
    timeout_ms = "soon"
  }
}
"#
    ));
}

#[test]
fn unknown_enum_values() {
    insta::assert_snapshot!(validate(
        r#"prompt "p" {
  name              = "P"
  status            = "enabled"
  interaction_types = ["chat", "voise"]
  trigger {
    type = "chat"
    condition {
      field    = "accountStatus"
      operator = "eq"
      value    = "x"
    }
  }
  display {
    type    = "modal"
    content = "Hi"
  }
}
"#
    ));
}

#[test]
fn unknown_attribute_and_block_with_suggestions() {
    insta::assert_snapshot!(validate(
        &prompt("p", "Hi").replace("  name ", "  stauts = \"active\"\n  dispaly {}\n  name ")
    ));
}

#[test]
fn unknown_top_level_block() {
    insta::assert_snapshot!(validate(&format!(
        "promt \"x\" {{}}\n\n{}",
        prompt("p", "Hi")
    )));
}

#[test]
fn two_trigger_blocks() {
    let two = prompt("p", "Hi").replace(
        "  display {",
        "  trigger {\n    type = \"chat\"\n  }\n\n  display {",
    );
    insta::assert_snapshot!(validate(&two));
}

#[test]
fn duplicate_labels_across_files() {
    let run = Project::new()
        .file("a.hcl", prompt("p", "Hi"))
        .file("b.hcl", prompt("p", "Hello"))
        .run(&["validate", "."]);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn duplicate_ids() {
    let a = prompt("a", "Hi").replace("  name ", "  id = \"shared\"\n  name ");
    let b = prompt("b", "Hi").replace("  name ", "  id = \"shared\"\n  name ");
    insta::assert_snapshot!(validate(&format!("{a}\n{b}")));
}

#[test]
fn invalid_id() {
    insta::assert_snapshot!(validate(
        &prompt("p", "Hi").replace("  name ", "  id = \"has spaces!\"\n  name ")
    ));
}

#[test]
fn depends_on_an_unknown_prompt() {
    let p = prompt("a", "Hi").replace("  name ", "  depends_on = [prompt.greting]\n  name ");
    insta::assert_snapshot!(validate(&format!("{p}\n{}", prompt("greeting", "Hi"))));
}

#[test]
fn dependency_cycle_of_three_prompts() {
    let chain = [("a", "b"), ("b", "c"), ("c", "a")]
        .iter()
        .map(|(from, to)| {
            prompt(from, "Hi").replace("  name ", &format!("  depends_on = [prompt.{to}]\n  name "))
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!(validate(&chain));
}

#[test]
fn content_too_long() {
    let long = "x".repeat(2001);
    insta::assert_snapshot!(validate(&with_content(&long)).replace(&long, "x…x"));
}

#[test]
fn content_at_the_limit_in_multibyte_characters_is_valid() {
    let run = Project::new()
        .file("main.hcl", with_content(&"é".repeat(2000)))
        .run(&["validate", "."]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[test]
fn timeout_out_of_range() {
    insta::assert_snapshot!(validate(&with_display(
        "    type       = \"popup\"\n    content    = \"Hi\"\n    timeout_ms = 999"
    )));
}

#[test]
fn empty_interaction_types_and_conditions() {
    insta::assert_snapshot!(validate(
        r#"prompt "p" {
  name              = "P"
  interaction_types = []
  trigger {
    type = "chat"
  }
  display {
    type    = "popup"
    content = "Hi"
  }
}
"#
    ));
}

#[test]
fn trigger_type_not_among_interaction_types_is_a_warning() {
    let run = Project::new()
        .file(
            "main.hcl",
            prompt("p", "Hi").replace("type = \"conversation\"", "type = \"email\""),
        )
        .run(&["validate", "."]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn unknown_context_variable() {
    insta::assert_snapshot!(validate(&with_content(
        "Hello {{custmerName}}, order {{orderId}}"
    )));
}

#[test]
fn context_variable_declared_by_the_org() {
    let run = Project::new()
        .file("main.hcl", with_content("Order {{orderId}}"))
        .file(
            "org.hcl",
            "validation {\n  context_variables = [\"orderId\"]\n}\n",
        )
        .run(&["validate", "."]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[test]
fn pii_card_points_inside_the_string_and_is_masked() {
    insta::assert_snapshot!(validate(&with_content(
        "Card 4111-1111-1111-1111 is on file"
    )));
}

#[test]
fn pii_of_every_kind_masked_in_source_lines() {
    insta::assert_snapshot!(validate(&with_content(
        "SSN 123-45-6789, mail john.doe@example.com, IBAN DE89 3704 0044 0532 0130 00, call +44 20 7946 0958"
    )));
}

#[test]
fn pii_in_every_free_text_attribute_points_inside_its_string() {
    let p = prompt("p", "Hi")
        .replace(
            "  name              = \"Prompt p\"",
            "  name              = \"Escalate to jane.doe@example.com\"\n  description       = \"Caller SSN 078051120\"",
        )
        .replace("\"accountStatus\"", "\"note 4111 1111 1111 1111\"")
        .replace("\"on_hold\"", "\"078-05-1120\"");
    let run = Project::new().file("main.hcl", p).run(&["validate", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    for leak in ["jane.doe", "078051120", "078-05", "4111 1111"] {
        assert!(!run.stderr.contains(leak), "{leak}:\n{}", run.stderr);
    }
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn pii_allow_list() {
    let run = Project::new()
        .file("main.hcl", with_content("Write to support@example.com"))
        .file(
            "org.hcl",
            "validation {\n  pii_allow = [\"support@example.com\"]\n}\n",
        )
        .run(&["validate", "."]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}

/// National phone formats count for the configured `phone_regions`, North
/// America's when there are none; `+` numbers always count.
#[test]
fn phone_regions_choose_the_national_formats() {
    let uk = with_content("Callback on 020 7946 0958 after five");
    let run = Project::new().file("main.hcl", &uk).run(&["validate", "."]);
    assert_eq!(run.code, 0, "{}", run.transcript());

    let run = Project::new()
        .file("main.hcl", &uk)
        .file(
            "org.hcl",
            "validation {\n  phone_regions = [\"GB\", \"DE\"]\n}\n",
        )
        .run(&["validate", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stderr.contains("pii.phone"), "{}", run.transcript());
    assert!(run.stderr.contains("*** **** 0958"), "{}", run.transcript());
    assert!(!run.stderr.contains("7946"), "{}", run.transcript());

    let run = Project::new()
        .file("main.hcl", with_content("Call +44 20 7946 0958"))
        .run(&["validate", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
}

#[test]
fn an_unknown_phone_region_is_an_error_at_its_value() {
    let run = Project::new()
        .file("main.hcl", with_content("Hello"))
        .file("org.hcl", "validation {\n  phone_regions = [\"UK\"]\n}\n")
        .run(&["validate", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr.contains("unknown phone region `UK`") && run.stderr.contains("org.hcl:2"),
        "{}",
        run.transcript()
    );
}

#[test]
fn pii_in_a_heredoc_points_at_its_line() {
    insta::assert_snapshot!(validate(&with_display(
        "    type    = \"popup\"\n    content = <<-EOT\n      Line one.\n      Card 5555 5555 5555 4444 here.\n    EOT"
    )));
}

#[test]
fn json_output_shape() {
    let run = Project::new()
        .file(
            "main.hcl",
            with_content("Card 4242 4242 4242 4242 and {{nope}}"),
        )
        .run(&["validate", "--json", "."]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "");
    assert_eq!(run.stdout.lines().count(), 1, "one line of JSON");
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert!(
        !run.stdout.contains("4242 4242 4242 4242"),
        "PII is masked in JSON too"
    );
    insta::assert_json_snapshot!(value);
}

#[test]
fn json_output_when_valid() {
    let run = Project::new()
        .file("main.hcl", prompt("p", "Hi"))
        .run(&["validate", "--json", "."]);
    assert_eq!(run.code, 0);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        value,
        serde_json::json!({"valid": true, "error_count": 0, "warning_count": 0, "diagnostics": []})
    );
}

#[test]
fn genesys_block_with_unknown_region_and_plain_http() {
    insta::assert_snapshot!(validate(&format!(
        "genesys {{\n  region  = \"eu-west-9\"\n  api_url = \"http://api.example.com\"\n}}\n\n{}",
        prompt("p", "Hi")
    )));
}

#[test]
fn genesys_block_with_region_domain_is_valid() {
    let run = Project::new()
        .file(
            "main.hcl",
            format!(
                "genesys {{\n  region = \"mypurecloud.ie\"\n}}\n{}",
                prompt("p", "Hi")
            ),
        )
        .run(&["validate", "."]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[test]
fn every_dependency_cycle_is_reported() {
    let config = [("a", "b"), ("b", "a"), ("c", "d"), ("d", "c")]
        .iter()
        .map(|(from, to)| {
            prompt(from, "Hi").replace("  name ", &format!("  depends_on = [prompt.{to}]\n  name "))
        })
        .collect::<Vec<_>>()
        .join("\n");
    let run = Project::new()
        .file("main.hcl", config)
        .run(&["validate", "."]);
    assert_eq!(
        run.stderr.matches("error[graph.cycle]").count(),
        2,
        "{}",
        run.stderr
    );
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn an_interaction_type_listed_twice() {
    let run = Project::new()
        .file(
            "main.hcl",
            prompt("p", "Hi").replace(
                "[\"conversation\", \"chat\"]",
                "[\"chat\", \"conversation\", \"chat\"]",
            ),
        )
        .run(&["validate", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn an_empty_context_variable_placeholder() {
    let run = Project::new()
        .file(
            "main.hcl",
            with_content("Hi {{}}, and {{ }} for {{customerName}}"),
        )
        .run(&["validate", "."]);
    assert!(
        !run.stderr.contains("unknown context variable"),
        "{}",
        run.stderr
    );
    insta::assert_snapshot!(run.transcript());
}

mod bad_input {
    use super::validate;
    use crate::support::{Project, prompt};

    #[test]
    fn empty_directory() {
        insta::assert_snapshot!(Project::new().run(&["validate", "."]).transcript());
    }

    #[test]
    fn missing_directory() {
        insta::assert_snapshot!(Project::new().run(&["validate", "nowhere"]).transcript());
    }

    #[test]
    fn a_file_that_is_not_hcl() {
        insta::assert_snapshot!(validate(
            "prompts:\n  - name: Greeting\n    content: Hello\n"
        ));
    }

    #[test]
    fn unclosed_brace() {
        insta::assert_snapshot!(validate("prompt \"p\" {\n  name = \"P\"\n"));
    }

    #[test]
    fn unclosed_bracket_inside_a_closed_block() {
        let run = Project::new()
            .file(
                "main.hcl",
                prompt("p", "Hi").replace(
                    "[\"conversation\", \"chat\"]",
                    "[\"conversation\", \"chat\"",
                ),
            )
            .run(&["validate", "."]);
        assert!(run.stderr.contains("unclosed `[`"), "{}", run.stderr);
        insta::assert_snapshot!(run.transcript());
    }

    #[test]
    fn unclosed_nested_block() {
        let run = Project::new()
            .file(
                "main.hcl",
                prompt("p", "Hi").replacen("    }\n  }\n", "    \n  }\n", 1),
            )
            .run(&["validate", "."]);
        assert!(run.stderr.contains("unclosed `{`"), "{}", run.stderr);
        insta::assert_snapshot!(run.transcript());
    }

    #[test]
    fn unterminated_string() {
        insta::assert_snapshot!(validate("prompt \"p\" {\n  name = \"P\n}\n"));
    }

    #[test]
    fn unterminated_heredoc() {
        insta::assert_snapshot!(validate("prompt \"p\" {\n  name = <<EOT\n  hello\n}\n"));
    }

    #[test]
    fn invalid_utf8() {
        let mut bytes = b"prompt \"p\" {\n  name = \"caf".to_vec();
        bytes.extend([0xff, 0xfe]);
        bytes.extend(b"\"\n}\n");
        let run = Project::new()
            .file("main.hcl", bytes)
            .run(&["validate", "."]);
        insta::assert_snapshot!(run.transcript());
    }

    #[test]
    fn a_ten_megabyte_file_of_prompts() {
        let mut text = String::new();
        let mut i = 0;
        while text.len() < 10 * 1024 * 1024 {
            text.push_str(&prompt(&format!("p{i}"), "Hello {{customerName}}"));
            i += 1;
        }
        let run = Project::new()
            .file("main.hcl", &text)
            .run(&["validate", "."]);
        assert_eq!(run.code, 0, "{}", &run.stderr[..run.stderr.len().min(2000)]);
        assert!(
            run.stdout.contains(&format!("({i} prompts)")),
            "{}",
            run.stdout
        );
    }

    #[test]
    fn a_ten_megabyte_file_of_garbage() {
        let garbage = "{[(".repeat(10 * 1024 * 1024 / 3);
        let run = Project::new()
            .file("main.hcl", garbage)
            .run(&["validate", "."]);
        assert_eq!(run.code, 1);
        insta::assert_snapshot!(run.transcript().replace(&"{[(".repeat(50), ""));
    }

    #[test]
    fn a_variable_with_no_value() {
        let p = prompt("p", "Hi").replace("\"Prompt p\"", "var.title");
        insta::assert_snapshot!(validate(&format!(
            "variable \"title\" {{\n  type = string\n}}\n\n{p}"
        )));
    }

    #[test]
    fn a_misspelt_variable_that_has_no_value() {
        let p = prompt("p", "Hi").replace("\"Prompt p\"", "var.titel");
        let config = format!("variable \"title\" {{\n  type = string\n}}\n\n{p}");
        let run = Project::new()
            .file("main.hcl", config)
            .run(&["validate", "."]);
        assert!(
            run.stderr.contains("Did you mean `var.title`?"),
            "{}",
            run.stderr
        );
        insta::assert_snapshot!(run.transcript());
    }

    #[test]
    fn a_variable_with_a_bad_default() {
        let p = prompt("p", "Hi").replace(
            "content = \"Hi\"",
            "content    = \"Hi\"\n    timeout_ms = var.timeout",
        );
        let config =
            format!("variable \"timeout\" {{\n  type    = number\n  default = \"soon\"\n}}\n\n{p}");
        let run = Project::new()
            .file("main.hcl", config)
            .run(&["validate", "."]);
        assert_eq!(run.stderr.matches("error[").count(), 1, "{}", run.stderr);
        insta::assert_snapshot!(run.transcript());
    }

    #[test]
    fn undefined_variable_and_local() {
        let p = prompt("p", "Hi")
            .replace("\"Prompt p\"", "var.titel")
            .replace("\"on_hold\"", "local.status_value");
        insta::assert_snapshot!(validate(&format!(
            "variable \"title\" {{\n  default = \"T\"\n}}\n\nlocals {{\n  status = \"on_hold\"\n}}\n\n{p}"
        )));
    }

    #[test]
    fn local_values_in_a_cycle() {
        insta::assert_snapshot!(validate(&format!(
            "locals {{\n  a = local.b\n  b = local.a\n}}\n\n{}",
            prompt("p", "Hi").replace("\"Prompt p\"", "local.a")
        )));
    }
}

#[test]
fn on_apply_hooks_need_one_target_and_a_safe_url() {
    let hooks = "on_apply \"both\" {\n  command = [\"./notify.sh\"]\n  webhook = \"https://hooks.example.com/x\"\n}\n\non_apply \"clear\" {\n  webhook = \"http://hooks.example.com/x\"\n}\n\non_apply \"ok\" {\n  command         = [\"./notify.sh\"]\n  timeout_seconds = 5\n}\n\n";
    insta::assert_snapshot!(validate(&format!("{hooks}{}", prompt("p", "Hi"))));
}

#[test]
fn import_and_moved_blocks_name_prompts_of_the_configuration() {
    let blocks = "import {\n  to = prompt.greting\n  id = \"g\"\n}\n\nimport {\n  to = prompt.p\n  id = \"other-id\"\n}\n\nmoved {\n  from = prompt.p\n  to   = prompt.q\n}\n\n";
    insta::assert_snapshot!(validate(&format!("{blocks}{}", prompt("p", "Hi"))));
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_and_apply_count_the_orgs_own_national_phone_formats() {
    let case = crate::org::Case::new(&prompt("a", "Call the UK desk on 020 7946 0958.")).await;
    // Offline, North America: a UK national number is not one.
    let offline = crate::support::run_in(case.project.path(), &["validate", "."], &[]);
    assert_eq!(offline.code, 0, "{}", offline.transcript());
    let us = case.plan(&[]).await;
    assert_eq!(us.code, 0, "{}", us.transcript());
    // The org is British: its national numbers are PII, and plan says so.
    assistform::remote::install_crypto_provider();
    let gb = reqwest::Client::new()
        .post(format!("{}/__emulator/org", case.emulator.base_url()))
        .json(&serde_json::json!({"default_country_code": "GB"}))
        .send()
        .await
        .expect("org");
    assert!(gb.status().is_success());
    let plan = case.plan(&[]).await;
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(
        plan.stderr.contains("error[pii.phone]")
            && plan
                .stderr
                .contains("the configuration is invalid for the org `Emulated org`")
            && !plan.stderr.contains("7946 0958"),
        "{}",
        plan.stderr
    );
    let apply = case.apply(&[]).await;
    assert!(
        apply.code == 1 && apply.stderr.contains("error[pii.phone]"),
        "{}",
        apply.transcript()
    );
    assert_eq!(case.requests("PUT").await, 0, "nothing written");
    // A configuration that names its regions decides for itself.
    std::fs::write(
        case.project.path().join("validation.hcl"),
        "validation {\n  phone_regions = [\"US\"]\n}\n",
    )
    .expect("validation block");
    assert_eq!(case.plan(&[]).await.code, 0);
}
