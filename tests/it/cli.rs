//! The command line itself: help with examples, version, usage errors.

use crate::support::Project;

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
