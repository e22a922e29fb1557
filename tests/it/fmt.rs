//! `assistform fmt`: canonical, idempotent, comment-preserving.

use crate::support::{Project, repo};

const MESSY: &str = r#"variable "hold_timeout" {default=45000}
# The hold prompt
prompt "account_hold" {
    id = "assist-prompt-001"   # fixed id
  name="Account Hold Guidance"
      interaction_types = ["conversation","chat"]


  trigger {
  type = "conversation"
  condition {
  field = "accountStatus"
     operator="equals"
  value = "on_hold"
  }
  }
  display {
    type = "popup"
    content = <<-EOT
      Customer {{customerName}} requires verification.
    EOT
    timeout_ms = var.hold_timeout
  }
  // refers to the greeting
  depends_on = [prompt.greeting]
}
"#;

#[test]
fn formats_a_messy_file_and_keeps_comments() {
    let p = Project::new().file("main.hcl", MESSY);
    let run = p.run(&["fmt", "."]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stdout, "main.hcl\n", "lists the file it changed");
    let formatted = p.read("main.hcl");
    for comment in [
        "# The hold prompt",
        "# fixed id",
        "// refers to the greeting",
    ] {
        assert!(formatted.contains(comment), "{comment} kept:\n{formatted}");
    }
    insta::assert_snapshot!(formatted);
}

#[test]
fn formatting_twice_changes_nothing_the_second_time() {
    let p = Project::new().file("main.hcl", MESSY);
    p.run(&["fmt", "."]);
    let once = p.read("main.hcl");
    let run = p.run(&["fmt", "."]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, ""),
        "nothing left to change"
    );
    assert_eq!(p.read("main.hcl"), once);
}

#[test]
fn the_formatted_file_still_validates() {
    let p = Project::new()
        .file("main.hcl", MESSY)
        .file("greeting.hcl", crate::support::prompt("greeting", "Hi"));
    p.run(&["fmt", "."]);
    let run = p.run(&["validate", "."]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[test]
fn every_example_is_already_formatted() {
    for entry in std::fs::read_dir(repo().join("examples")).expect("examples/") {
        let dir = entry.expect("entry").path();
        let run = crate::support::run_in(
            &repo(),
            &["fmt", "--check", dir.to_str().expect("utf-8")],
            &[],
        );
        assert_eq!(run.code, 0, "{}: {}", dir.display(), run.transcript());
    }
}

#[test]
fn check_lists_files_and_changes_nothing() {
    let p = Project::new()
        .file("a.hcl", MESSY)
        .file("b.hcl", "locals {\n  x = 1\n}\n");
    let run = p.run(&["fmt", "--check", "."]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    assert_eq!(run.stdout, "a.hcl\n");
    assert_eq!(p.read("a.hcl"), MESSY, "--check writes nothing");
}

#[test]
fn diff_shows_the_change() {
    let p = Project::new().file("main.hcl", "locals {\n    x=1\n}\n");
    let run = p.run(&["fmt", "--check", "--diff", "."]);
    assert_eq!(run.code, 3);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn a_syntax_error_names_file_line_and_column() {
    let p = Project::new().file("main.hcl", "locals {\n  x = \n");
    let run = p.run(&["fmt", "."]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.starts_with("error: main.hcl:"), "{}", run.stderr);
    assert_eq!(
        p.read("main.hcl"),
        "locals {\n  x = \n",
        "a broken file is left alone"
    );
}
