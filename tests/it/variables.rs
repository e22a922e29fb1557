//! Variable values: defaults, `*.auto.vars.hcl`, `--var-file`, `--var` and the
//! environment, with Terraform's precedence (env < files < command line).

use crate::support::{Project, prompt};

/// A project whose prompt's name is `var.title`; validate --json tells whether it
/// decoded, and the content check tells which value won (PII is a visible signal).
fn project() -> Project {
    Project::new().file(
        "main.hcl",
        format!(
            "variable \"title\" {{\n  type = string\n}}\n\nvariable \"timeout\" {{\n  type    = number\n  default = 30000\n}}\n\n{}",
            prompt("p", "Hi")
                .replace("\"Prompt p\"", "var.title")
                .replace("content = \"Hi\"", "content = \"${var.title}\"\n    timeout_ms = var.timeout")
        ),
    )
}

/// The summary of the first diagnostic, which names the value when it is bad.
fn first_summary(run: &crate::support::Run) -> String {
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    value["diagnostics"][0]["summary"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

#[test]
fn a_value_from_each_source_and_their_precedence() {
    // A value holding an unknown context variable names itself in the diagnostic.
    let p = project()
        .file("a.auto.vars.hcl", "title = \"{{from_auto}}\"\n")
        .file("extra.vars.hcl", "title = \"{{from_file}}\"\n");
    let env = [("ASSISTFORM_VAR_title", "{{from_env}}")];

    let run = p.run_env(&["validate", "--json", "."], &env);
    assert_eq!(
        first_summary(&run),
        "unknown context variable `from_auto`",
        "auto file beats env"
    );

    let run = p.run_env(
        &["validate", "--json", "--var-file", "extra.vars.hcl", "."],
        &env,
    );
    assert_eq!(
        first_summary(&run),
        "unknown context variable `from_file`",
        "--var-file beats auto file"
    );

    let run = p.run_env(
        &[
            "validate",
            "--json",
            "--var-file",
            "extra.vars.hcl",
            "--var",
            "title={{from_cli}}",
            ".",
        ],
        &env,
    );
    assert_eq!(
        first_summary(&run),
        "unknown context variable `from_cli`",
        "--var beats files"
    );

    let only_env = project().run_env(&["validate", "--json", "."], &env);
    assert_eq!(
        first_summary(&only_env),
        "unknown context variable `from_env`"
    );
}

#[test]
fn non_auto_vars_files_load_only_when_named() {
    let run = project()
        .file("prod.vars.hcl", "title = \"Prod\"\n")
        .run(&["validate", "--json", "."]);
    assert_eq!(first_summary(&run), "no value for variable `title`");
}

#[test]
fn typed_values_from_the_command_line() {
    let run = project().run(&[
        "validate",
        "--var",
        "title=T",
        "--var",
        "timeout=45000",
        ".",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let run = project().run(&[
        "validate",
        "--var",
        "title=T",
        "--var",
        "timeout=45000",
        "--json",
        ".",
    ]);
    assert!(run.stdout.contains("\"valid\":true"));

    let run = project().run(&["validate", "--var", "title=T", "--var", "timeout=soon", "."]);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn an_undeclared_variable_on_the_command_line() {
    let run = project().run(&["validate", "--var", "title=T", "--var", "colour=red", "."]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn a_malformed_var_argument() {
    let run = project().run(&["validate", "--var", "title", "."]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("invalid `--var` argument `title`"),
        "{}",
        run.stderr
    );
}

#[test]
fn locals_can_use_variables_and_each_other() {
    let run = Project::new()
        .file(
            "main.hcl",
            format!(
                "variable \"team\" {{\n  default = \"Billing\"\n}}\n\nlocals {{\n  prefix = \"${{var.team}} team\"\n  title  = \"${{local.prefix}}: hold\"\n}}\n\n{}",
                prompt("p", "Hi").replace("\"Prompt p\"", "local.title")
            ),
        )
        .run(&["plan", ".", "--emulator", "--json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).expect("plan JSON");
    assert_eq!(
        plan["resource_changes"][0]["change"]["after"]["name"], "Billing team: hold",
        "{plan}"
    );
}

#[test]
fn a_sensitive_value_is_never_printed() {
    let run = Project::new()
        .file(
            "main.hcl",
            format!(
                "variable \"state\" {{\n  sensitive = true\n  default   = \"hush-hush\"\n}}\n\n{}",
                prompt("p", "Hi").replace("type = \"conversation\"", "type = var.state")
            ),
        )
        .run(&["validate", "."]);
    assert_eq!(run.code, 1);
    assert!(!run.stderr.contains("hush-hush"), "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown trigger type `(sensitive)`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_misspelt_variable_on_the_command_line_gets_a_suggestion() {
    let run = project().run(&["validate", "--var", "titel=T", "--var", "title=T", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr.contains(
            "error[var.undeclared]: `--var` sets undeclared variable `titel`\n  = Did you mean `title`?"
        ),
        "{}",
        run.stderr
    );
    let file = project()
        .file("x.auto.vars.hcl", "titel = \"T\"\ntitle = \"T\"\n")
        .run(&["validate", "."]);
    assert!(
        file.stderr.contains("Did you mean `title`?"),
        "{}",
        file.stderr
    );
}
