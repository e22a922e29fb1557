//! The command line itself: help with examples, version, usage errors.

use crate::support::{Project, prompt};

/// Every command and subcommand by its words (`["state", "mv"]`), from clap's
/// definition itself, so that a new command cannot be left out.
fn commands() -> Vec<Vec<String>> {
    fn walk(command: &clap::Command, path: &[String], into: &mut Vec<Vec<String>>) {
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut words = path.to_vec();
            words.push(sub.get_name().to_owned());
            into.push(words.clone());
            walk(sub, &words, into);
        }
    }
    let mut all = Vec::new();
    walk(&assistform::cli::command(), &[], &mut all);
    all
}

#[test]
fn every_command_has_help_with_an_example() {
    let commands = commands();
    assert!(commands.len() >= 11, "{commands:?}");
    for words in commands {
        let name = words.join(" ");
        let mut args: Vec<&str> = words.iter().map(String::as_str).collect();
        args.push("--help");
        let run = Project::new().run(&args);
        assert_eq!(run.code, 0, "{name}: {}", run.transcript());
        assert!(
            run.stdout.contains("Examples:"),
            "{name} --help:\n{}",
            run.stdout
        );
        assert!(
            run.stdout.contains(&format!("assistform {name}")),
            "{name} --help:\n{}",
            run.stdout
        );
    }
}

#[test]
fn completions_for_every_shell() {
    let bash = Project::new().run(&["completions", "bash"]);
    assert_eq!(bash.code, 0, "{}", bash.transcript());
    for words in commands() {
        let name = words.last().expect("a word");
        assert!(
            bash.stdout.contains(name.as_str()),
            "`{name}` in:\n{}",
            bash.stdout
        );
    }
    assert!(
        bash.stdout.contains("--detailed-exitcode"),
        "{}",
        bash.stdout
    );
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let run = Project::new().run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.transcript());
        assert!(run.stdout.contains("validate"), "{shell}:\n{}", run.stdout);
    }
    let unknown = Project::new().run(&["completions", "tcsh"]);
    assert_eq!(unknown.code, 1, "{}", unknown.transcript());
}

#[test]
fn man_pages_in_roff() {
    let page = Project::new().run(&["man"]);
    assert_eq!(page.code, 0, "{}", page.transcript());
    assert!(
        page.stdout.starts_with(".TH assistform 1 "),
        "{}",
        page.stdout
    );
    assert!(
        page.stdout.contains("assistform\\-plan(1)"),
        "{}",
        page.stdout
    );
    let plan = Project::new().run(&["man", "plan"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(
        plan.stdout.starts_with(".TH assistform-plan 1 "),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("detailed\\-exitcode"),
        "{}",
        plan.stdout
    );
    let unknown = Project::new().run(&["man", "deploy"]);
    assert_eq!(unknown.code, 1, "{}", unknown.transcript());
    assert!(
        unknown
            .stderr
            .starts_with("error: `deploy` is not an assistform command"),
        "{}",
        unknown.stderr
    );
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
