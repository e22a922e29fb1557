//! Which files a configuration is read from. Symbolic links are followed; a `*.hcl`
//! name that cannot be read as a regular file is an error naming it. Never a skip (a
//! skipped file would plan the destruction of the prompts it declares), never a hang.

use std::os::unix::fs::symlink;
use std::process::Command;
use std::time::Duration;

use serde_json::json;

use crate::org::{Case, live, with_version};
use crate::support::{Project, prompt, run_within};

/// Long enough for any run that does not hang.
const NO_HANG: Duration = Duration::from_secs(60);

fn mkfifo(path: &std::path::Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(made.success(), "mkfifo {}", path.display());
}

#[test]
fn a_symlinked_file_is_part_of_the_configuration() {
    let project = Project::new()
        .file("main.hcl", prompt("a", "Hi"))
        .file("shared/greeting.hcl", prompt("greeting", "Hello"));
    symlink("shared/greeting.hcl", project.path().join("greeting.hcl")).expect("symlink");
    let run = project.run(&["validate", "."]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("(2 prompts)"), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_keeps_the_prompts_of_a_symlinked_file() {
    let case = Case::new(&prompt("a", "Hi")).await;
    let shared = case.project.path().join("shared");
    std::fs::create_dir(&shared).expect("shared dir");
    std::fs::write(shared.join("greeting.hcl"), prompt("greeting", "Hello")).expect("write");
    symlink(
        "shared/greeting.hcl",
        case.project.path().join("greeting.hcl"),
    )
    .expect("symlink");
    let a = live("a", "Prompt a", "Hi");
    let greeting = live("greeting", "Prompt greeting", "Hello");
    case.seed(json!([
        with_version(a.clone(), 1),
        with_version(greeting.clone(), 1)
    ]))
    .await;
    case.state(
        &[("prompt.a", &a, 1), ("prompt.greeting", &greeting, 1)],
        &[],
    );
    let run = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(run.code, 0, "no changes: {}", run.transcript());
    assert!(!run.stdout.contains("destroy"), "{}", run.stdout);
}

#[test]
fn a_broken_link_is_an_error_naming_it() {
    let project = Project::new().file("main.hcl", prompt("a", "Hi"));
    symlink("shared/gone.hcl", project.path().join("greeting.hcl")).expect("symlink");
    insta::assert_snapshot!(project.run(&["validate", "."]).transcript());
}

#[test]
fn a_symlink_loop_is_an_error_naming_it() {
    let project = Project::new().file("main.hcl", prompt("a", "Hi"));
    symlink("loop.hcl", project.path().join("loop.hcl")).expect("symlink");
    let run = project.run(&["validate", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr.contains("cannot read `loop.hcl`: ") && run.stderr.contains("symbolic links"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_fifo_is_an_error_not_a_hang() {
    let project = Project::new().file("main.hcl", prompt("a", "Hi"));
    mkfifo(&project.path().join("pipe.hcl"));
    let run = run_within(project.path(), &["validate", "."], NO_HANG);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("cannot read `pipe.hcl`: it is a FIFO (named pipe), not a regular file"),
        "{}",
        run.stderr
    );
    let run = run_within(project.path(), &["fmt", "--check", "."], NO_HANG);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stderr.contains("`pipe.hcl`"), "{}", run.stderr);
}

#[test]
fn a_fifo_given_as_var_file_is_an_error_not_a_hang() {
    let project = Project::new().file("main.hcl", prompt("a", "Hi"));
    mkfifo(&project.path().join("values.vars.hcl"));
    let run = run_within(
        project.path(),
        &["validate", ".", "--var-file", "values.vars.hcl"],
        NO_HANG,
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr.contains(
            "cannot read `values.vars.hcl`: it is a FIFO (named pipe), not a regular file"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_directory_named_like_a_configuration_file_is_an_error() {
    let project = Project::new()
        .file("main.hcl", prompt("a", "Hi"))
        .file("more.hcl/inner.txt", "");
    let run = project.run(&["validate", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("cannot read `more.hcl`: it is a directory, not a regular file"),
        "{}",
        run.stderr
    );
}

#[test]
fn hidden_files_such_as_an_editors_lock_link_are_ignored() {
    let project = Project::new().file("main.hcl", prompt("a", "Hi"));
    // What Emacs leaves beside a file being edited: a link to nowhere.
    symlink(
        "user@host.1234:1700000000",
        project.path().join(".#main.hcl"),
    )
    .expect("symlink");
    let run = project.run(&["validate", "."]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}
