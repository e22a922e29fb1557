//! The command line itself: help with examples, version, usage errors.

use crate::support::{Project, prompt};

#[test]
fn every_command_has_help_with_an_example() {
    for command in [
        "validate", "fmt", "plan", "apply", "show", "audit", "emulator",
    ] {
        let run = Project::new().run(&[command, "--help"]);
        assert_eq!(run.code, 0, "{command}: {}", run.transcript());
        assert!(
            run.stdout.contains("Examples:"),
            "{command} --help:\n{}",
            run.stdout
        );
        assert!(
            run.stdout.contains(&format!("assistform {command}")),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn version() {
    let run = Project::new().run(&["--version"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        format!("assistform {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn an_unknown_command_is_a_usage_error() {
    let run = Project::new().run(&["deploy"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("unrecognized subcommand 'deploy'"),
        "{}",
        run.stderr
    );
}

/// A project whose prompt's content comes from the variable `greeting`.
fn with_a_variable() -> Project {
    let config = format!(
        "variable \"greeting\" {{}}\nvariable \"name\" {{}}\n\n{}",
        prompt("hello", "${var.greeting}, ${var.name}")
    );
    Project::new()
        .file("main.hcl", config)
        .file("names.vars.hcl", "name = \"Sam\"\n")
}

#[test]
fn terraform_spellings_of_shared_flags_work() {
    let project = with_a_variable();
    let plan = project.run(&[
        "plan",
        "-out=tfplan",
        "-var",
        "greeting=Hello",
        "-var-file=names.vars.hcl",
        "-no-color",
        "-detailed-exitcode",
        ".",
        "--emulator",
    ]);
    assert_eq!(plan.code, 2, "{}", plan.transcript());
    assert!(
        plan.stdout.contains("Hello, Sam"),
        "the variables reached the plan:\n{}",
        plan.stdout
    );
    assert!(
        project.path().join("tfplan").is_file(),
        "the plan was saved"
    );
    let apply = project.run(&["apply", "-auto-approve", "tfplan", "--emulator"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let again = project.run(&[
        "plan",
        "-var=greeting=Hello",
        "-var-file",
        "names.vars.hcl",
        "-detailed-exitcode",
        "--emulator",
    ]);
    assert_eq!(again.code, 0, "{}", again.transcript());
}

#[test]
fn chdir_switches_directory_before_anything_else() {
    let project = Project::new().file("conf/main.hcl", prompt("p", "Hi"));
    let validate = project.run(&["-chdir=conf", "validate"]);
    assert_eq!(validate.code, 0, "{}", validate.transcript());
    assert!(
        validate
            .stdout
            .contains("The configuration is valid (1 prompt)"),
        "{}",
        validate.stdout
    );
    let plan = project.run(&["-chdir=conf", "plan", "-out=tfplan", "--emulator"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(
        project.path().join("conf/tfplan").is_file() && project.path().join("conf/state").is_dir(),
        "paths are relative to the new directory"
    );
    let missing = project.run(&["-chdir=nowhere", "validate"]);
    assert_eq!(missing.code, 1, "{}", missing.transcript());
    assert!(
        missing
            .stderr
            .starts_with("error: cannot change directory to `nowhere`"),
        "{}",
        missing.stderr
    );
}

#[test]
fn an_unknown_single_dash_word_is_still_an_error() {
    let run = with_a_variable().run(&["plan", "-output=x", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr.contains("unexpected argument '-o'"),
        "{}",
        run.stderr
    );
    let after_separator = with_a_variable().run(&["validate", "--", "-json"]);
    assert_eq!(after_separator.code, 1, "{}", after_separator.transcript());
    assert!(
        after_separator
            .stderr
            .contains("`-json` is not a directory"),
        "a word after `--` is left alone:\n{}",
        after_separator.stderr
    );
}
