//! Careless or hostile input ends in a clear error and exit 1: never a stack
//! overflow, never a run that reads or allocates until the machine gives out.

use std::fs::File;
use std::time::Duration;

use crate::support::{Project, prompt, run_within};

/// Long enough for any run that neither hangs nor exhausts memory.
const LIMIT: Duration = Duration::from_secs(60);

/// A `locals` block of `n` lines, `a0` first and each next one made by `each(i)`.
fn locals(first: &str, n: usize, each: impl Fn(usize) -> String) -> String {
    let mut text = format!("locals {{\n  a0 = {first}\n");
    for i in 1..n {
        text.push_str(&format!("  a{i} = {}\n", each(i)));
    }
    text.push_str("}\n\n");
    text
}

/// A sparse file of `bytes` bytes: large to read, nothing on disk.
fn sparse(project: &Project, name: &str, bytes: u64) {
    File::create(project.path().join(name))
        .and_then(|f| f.set_len(bytes))
        .expect("sparse file");
}

#[test]
fn a_chain_of_twenty_thousand_locals_is_an_error_not_a_stack_overflow() {
    let config = locals("1", 20_000, |i| format!("local.a{}", i - 1));
    let project = Project::new().file("main.hcl", config + &prompt("p", "Hi"));
    let run = run_within(project.path(), &["validate", "."], LIMIT);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn self_doubling_locals_are_an_error_not_an_out_of_memory_abort() {
    let config = locals("\"x\"", 40, |i| format!("[local.a{0}, local.a{0}]", i - 1));
    let project = Project::new().file("main.hcl", config + &prompt("p", "Hi"));
    let run = run_within(project.path(), &["validate", "."], LIMIT);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn one_expression_that_would_multiply_a_large_local_is_refused_unevaluated() {
    let config = locals(
        "[for i in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] : \"xxxxxxxxxx\"]",
        5,
        |i| {
            format!(
                "[for a in local.a{0} : [for b in local.a{0} : local.a{0}]]",
                i - 1
            )
        },
    );
    let project = Project::new().file("main.hcl", config + &prompt("p", "Hi"));
    let run = run_within(project.path(), &["validate", "."], LIMIT);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("error[expression.too_large]: value too large")
            && run.stderr.contains(" --> main.hcl:5:8"),
        "{}",
        run.stderr
    );
}

#[test]
fn twenty_thousand_independent_locals_are_quick() {
    let config = locals("0", 20_000, |i| format!("\"value {i}\""));
    let project = Project::new().file("main.hcl", config + &prompt("p", "Hi"));
    let run = run_within(project.path(), &["validate", "."], LIMIT);
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[test]
fn a_var_file_that_never_ends_is_an_error() {
    let project = Project::new().file("main.hcl", prompt("p", "Hi"));
    let run = run_within(
        project.path(),
        &["validate", ".", "--var-file", "/dev/zero"],
        LIMIT,
    );
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn a_var_file_over_the_limit_is_an_error() {
    let project = Project::new().file("main.hcl", prompt("p", "Hi"));
    sparse(&project, "big.vars.hcl", 16 * 1024 * 1024 + 1);
    let run = run_within(
        project.path(),
        &["validate", ".", "--var-file", "big.vars.hcl"],
        LIMIT,
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("cannot read `big.vars.hcl`: it is larger than the limit of 16 MiB"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_configuration_file_over_the_limit_is_an_error() {
    let project = Project::new().file("main.hcl", prompt("p", "Hi"));
    sparse(&project, "huge.hcl", 64 * 1024 * 1024 + 1);
    let run = run_within(project.path(), &["validate", "."], LIMIT);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("cannot read `huge.hcl`: it is larger than the limit of 64 MiB"),
        "{}",
        run.stderr
    );
}

#[test]
fn show_of_a_device_is_an_error() {
    let run = run_within(Project::new().path(), &["show", "/dev/zero"], LIMIT);
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn show_of_a_plan_file_over_the_limit_is_an_error() {
    let project = Project::new();
    sparse(&project, "plan.bin", 64 * 1024 * 1024 + 1);
    let run = run_within(project.path(), &["show", "plan.bin"], LIMIT);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert_eq!(
        run.stderr,
        "error: cannot read `plan.bin`: it is larger than the limit of 64 MiB\n"
    );
}
