//! A state manages one configuration: planning another against it, which would
//! propose destroying the first one's prompts, is refused unless the user says the
//! configuration moved.

use crate::support::{Project, prompt};

/// A repository holding two configurations, each with its own prompt.
fn repository() -> Project {
    Project::new()
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file("teams/billing/main.hcl", prompt("billing", "Hello"))
        .file("teams/support/main.hcl", prompt("support", "Hi"))
}

#[test]
fn another_configuration_against_a_state_is_refused_naming_both() {
    let repo = repository();
    let applied = repo.run(&["apply", "teams/billing", "--emulator", "--auto-approve"]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());

    for command in [
        &["plan", "teams/support", "--emulator"][..],
        &["apply", "teams/support", "--emulator", "--auto-approve"],
    ] {
        let run = repo.run(command);
        assert_eq!(run.code, 1, "{}", run.transcript());
        assert!(
            run.stderr.contains(
                "the state in `state` manages the configuration `teams/billing`, not `teams/support`"
            ) && run.stderr.contains("--config-moved"),
            "{}",
            run.stderr
        );
        assert!(!run.stdout.contains("destroy"), "{}", run.stdout);
    }
    // The same configuration, reached from elsewhere in the repository, is the same.
    let inside = repo.path().join("teams");
    let same = crate::support::run_in(
        &inside,
        &["plan", "billing", "--emulator", "--state-dir", "../state"],
        &[],
    );
    assert_eq!(
        (same.code, same.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        same.transcript()
    );

    // A configuration that was moved: said so, it plans, and the state follows it.
    std::fs::rename(
        repo.path().join("teams/billing"),
        repo.path().join("teams/payments"),
    )
    .expect("move");
    let moved = repo.run(&["plan", "teams/payments", "--emulator", "--config-moved"]);
    assert_eq!(
        (moved.code, moved.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        moved.transcript()
    );
    let applied = repo.run(&[
        "apply",
        "teams/payments",
        "--emulator",
        "--auto-approve",
        "--config-moved",
    ]);
    assert_eq!(applied.code, 0, "{}", applied.transcript());
    let state = assistform::state::read(&repo.path().join("state"))
        .expect("state")
        .expect("a state");
    assert_eq!(state.config.as_deref(), Some("teams/payments"));
    assert_eq!(
        repo.run(&["plan", "teams/payments", "--emulator"]).stdout,
        "No changes.\n"
    );
}
