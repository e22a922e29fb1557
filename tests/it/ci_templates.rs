//! The CI templates in `examples/ci/` against the CLI and their own rules: every
//! `assistform` command they run exists with the flags they pass; the GitHub
//! workflows pin their actions, grant each job only what it names and hand secrets
//! only to steps; and the script that compares the reviewed plan with the merged
//! one tells the same changes from different ones.

use std::path::{Path, PathBuf};
use std::process::Command;

use regex::Regex;

use crate::support::{Project, binary, prompt, repo};

fn ci() -> PathBuf {
    repo().join("examples/ci")
}

fn workflows() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(ci().join("github/workflows"))
        .expect("examples/ci/github/workflows")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "plan, apply and drift: {files:?}");
    files
}

fn templates() -> Vec<PathBuf> {
    let mut files = workflows();
    files.push(ci().join("github/actions/install-assistform/action.yml"));
    files.push(ci().join("gitlab/.gitlab-ci.yml"));
    files.push(ci().join("assistform-same-changes.sh"));
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The arguments of each `assistform …` command in `text`, continuation lines
/// joined: one at the start of a line, of a YAML list item or of a step's `run:`,
/// after `||`, `&&`, `!` or `$(`, or quoted in backticks in a message. Comment lines and prose
/// ("assistform has no releases") are not at such places.
fn commands(text: &str) -> Vec<String> {
    let joined = text.replace("\\\n", " ");
    let at = Regex::new(
        r"(?m)(?:^[ \t]*(?:-[ \t]+)?(?:run:[ \t]+)?|\|\|[ \t]*|&&[ \t]*|![ \t]+|\$\(|`)assistform[ \t]+([^\n`|;&>)\\]*)",
    )
    .expect("regex");
    at.captures_iter(&joined)
        .map(|c| c[1].trim().to_owned())
        .collect()
}

/// Why `args` (what follows `assistform`) is not a command line the CLI defines.
fn unknown(args: &str) -> Option<String> {
    let root = assistform::cli::command();
    let long = |cmd: &clap::Command, flag: &str| {
        flag == "help"
            || flag == "version"
            || cmd.get_arguments().any(|a| a.get_long() == Some(flag))
            || root
                .get_arguments()
                .any(|a| a.is_global_set() && a.get_long() == Some(flag))
    };
    let mut cmd = &root;
    for token in args.split_whitespace() {
        if let Some(flag) = token.strip_prefix("--") {
            let flag = flag.split('=').next().unwrap_or_default();
            if !long(cmd, flag) {
                return Some(format!("`{}` has no flag `--{flag}`", cmd.get_name()));
            }
        } else if cmd.has_subcommands() && !token.starts_with('-') {
            match cmd.find_subcommand(token) {
                Some(sub) => cmd = sub,
                None => return Some(format!("`{}` has no subcommand `{token}`", cmd.get_name())),
            }
        }
    }
    None
}

#[test]
fn the_templates_run_only_commands_and_flags_that_exist() {
    let mut seen = 0;
    let mut wrong = Vec::new();
    for file in templates() {
        for args in commands(&read(&file)) {
            seen += 1;
            if let Some(why) = unknown(&args) {
                wrong.push(format!("{}: `assistform {args}`: {why}", file.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(
        seen > 15,
        "found only {seen} commands: the extraction broke"
    );
    // The extraction itself: one it must find, and one it must refuse.
    assert_eq!(unknown("plan . --out x --format markdown"), None);
    assert!(unknown("plan --no-such-flag").is_some());
    assert!(unknown("planify").is_some());
}

#[test]
fn the_github_workflows_pin_actions_grant_per_job_and_scope_secrets_to_steps() {
    let uses = Regex::new(r"(?m)^\s*(?:-\s+)?uses:\s*(\S+)").expect("regex");
    let pinned = Regex::new(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$").expect("regex");
    let job = Regex::new(r"(?m)^  [A-Za-z0-9_-]+:\s*$").expect("regex");
    let mut files = workflows();
    files.push(ci().join("github/actions/install-assistform/action.yml"));
    for file in files {
        let text = read(&file);
        let name = file.display();
        assert!(
            !text
                .lines()
                .any(|l| !l.trim_start().starts_with('#') && l.contains("pull_request_target")),
            "{name}: a fork's code must never run with this repository's secrets"
        );
        for action in uses.captures_iter(&text).map(|c| c[1].to_owned()) {
            assert!(
                action.starts_with("./") || pinned.is_match(&action),
                "{name}: `{action}` is not pinned to a commit"
            );
        }
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !line.contains("${{ secrets.") || line.trim_start().starts_with('#') {
                continue;
            }
            let indent = line.len() - line.trim_start().len();
            let parent = lines[..i]
                .iter()
                .rev()
                .find(|l| !l.trim().is_empty() && l.len() - l.trim_start().len() < indent)
                .map(|l| l.trim());
            assert!(
                indent == 10 && parent == Some("env:"),
                "{name}:{}: a secret outside a step's `env:`: {line}",
                i + 1
            );
        }
        if file.starts_with(ci().join("github/workflows")) {
            assert!(
                text.contains("\npermissions: {}\n"),
                "{name}: no permissions by default"
            );
            let jobs = &text[text.find("\njobs:\n").expect("jobs")..];
            let granted = jobs.matches("\n    permissions:").count();
            assert_eq!(
                job.find_iter(jobs).count(),
                granted,
                "{name}: every job names its permissions"
            );
        }
    }
}

#[test]
fn the_ci_readme_links_resolve() {
    let link = Regex::new(r"\]\(([^)\s]+)\)").expect("regex");
    let readme = ci().join("README.md");
    for target in link.captures_iter(&read(&readme)).map(|c| c[1].to_owned()) {
        if target.contains("://") || target.starts_with('#') {
            continue;
        }
        let path = target.split('#').next().unwrap_or_default();
        assert!(ci().join(path).exists(), "examples/ci/README.md: {target}");
    }
}

/// `examples/ci/assistform-same-changes.sh REVIEWED MERGED`, with this build first
/// on PATH; `None` when bash or jq is missing here.
fn same_changes(project: &Project, reviewed: &str, merged: &str) -> Option<(i32, String)> {
    for tool in ["bash", "jq"] {
        let found = Command::new(tool).arg("--version").output().is_ok();
        if !found {
            eprintln!("skipped: `{tool}` is not installed, and the script needs it");
            return None;
        }
    }
    let dir = binary().parent().expect("bin dir").to_path_buf();
    let path = std::env::join_paths(std::iter::once(dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    let out = Command::new("bash")
        .arg(ci().join("assistform-same-changes.sh"))
        .args([reviewed, merged])
        .current_dir(project.path())
        .env("PATH", path)
        .env_remove("ASSISTFORM_PLAN_KEY")
        .output()
        .expect("run bash");
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// A plan as the templates make it: saved, printed as markdown, with the
/// detailed exit code.
fn plan(project: &Project, out: &str, env: &[(&str, &str)]) {
    let run = project.run_env(
        &[
            "plan",
            ".",
            "--emulator",
            "--out",
            out,
            "--format",
            "markdown",
            "--detailed-exitcode",
        ],
        env,
    );
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stdout.starts_with("#### assistform plan"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_compare_script_passes_a_plan_whose_state_moved_and_stops_one_whose_changes_did() {
    let project = Project::new()
        .file("main.hcl", prompt("a", "Hello") + &prompt("b", "Bye"))
        .file(
            "vars.hcl",
            "variable \"code\" {\n  type      = string\n  sensitive = true\n}\n",
        );
    let code = [("ASSISTFORM_VAR_code", "alpha")];
    let apply = project.run_env(&["apply", ".", "--emulator", "--auto-approve"], &code);
    assert_eq!(apply.code, 0, "{}", apply.transcript());

    // Reviewed: a pull request changes `a`.
    std::fs::write(
        project.path().join("main.hcl"),
        prompt("a", "Hello ${var.code}") + &prompt("b", "Bye"),
    )
    .expect("write");
    plan(&project, "reviewed", &code);
    plan(&project, "again", &code);
    let Some((same, stderr)) = same_changes(&project, "reviewed", "again") else {
        return;
    };
    assert_eq!(same, 0, "two plans of the same changes: {stderr}");

    // Another merge changed `b` and was applied first: the state moved, the
    // changes of this one did not.
    std::fs::write(
        project.path().join("main.hcl"),
        prompt("a", "Hello") + &prompt("b", "Bye now"),
    )
    .expect("write");
    let other = project.run_env(&["apply", ".", "--emulator", "--auto-approve"], &code);
    assert_eq!(other.code, 0, "{}", other.transcript());
    std::fs::write(
        project.path().join("main.hcl"),
        prompt("a", "Hello ${var.code}") + &prompt("b", "Bye now"),
    )
    .expect("write");
    plan(&project, "merged", &code);
    let (same, stderr) = same_changes(&project, "reviewed", "merged").expect("tools");
    assert_eq!(same, 0, "only the state moved: {stderr}");

    // Only a sensitive value differs: `show --json` hides it, the script does not.
    plan(&project, "rotated", &[("ASSISTFORM_VAR_code", "bravo")]);
    let shown = |file: &str| {
        let run = project.run(&["show", "--json", file]);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
        json["resource_changes"].clone()
    };
    assert_eq!(shown("merged"), shown("rotated"), "show --json hides it");
    let (same, stderr) = same_changes(&project, "merged", "rotated").expect("tools");
    assert_eq!(same, 1, "{stderr}");
    assert!(
        stderr.contains("prompt.a: update in both, with other values"),
        "{stderr}"
    );
    assert!(!stderr.contains("bravo"), "never a value: {stderr}");

    // An unapplied merge in between: its change is not in the reviewed plan.
    std::fs::write(
        project.path().join("main.hcl"),
        prompt("a", "Hello ${var.code}") + &prompt("b", "See you"),
    )
    .expect("write");
    plan(&project, "moved", &code);
    let (same, stderr) = same_changes(&project, "reviewed", "moved").expect("tools");
    assert_eq!(same, 1, "{stderr}");
    assert!(
        stderr.contains("prompt.b: only in the merged plan (update)"),
        "{stderr}"
    );

    // A plan file edited by hand is not compared at all.
    let edited = read(&project.path().join("reviewed")).replace("Hello", "Hi");
    std::fs::write(project.path().join("edited"), edited).expect("write");
    let (same, stderr) = same_changes(&project, "edited", "merged").expect("tools");
    assert_eq!(same, 2, "{stderr}");
}
