//! The pg backend against a real PostgreSQL server ([`cluster`]) and the emulator
//! as its own process: two work directories that share only the database stand for
//! two CI machines.

mod cluster;
mod team;

use cluster::{Cluster, PASSWORD};
use team::{Team, stats};

use crate::hold::{Hold, Stage};
use crate::support::prompt;

const PROMPT_A: &str = "/api/v2/agent-assist/prompts/a";

fn config(labels: &[&str]) -> String {
    let mut text = "backend \"pg\" {\n  schema_name = \"team\"\n}\n\n".to_owned();
    for label in labels {
        text.push_str(&prompt(label, &format!("Hello from {label}")));
    }
    text
}

/// Neither stream of `run` shows the database password.
fn no_password(run: &crate::support::Run) {
    assert!(
        !run.stdout.contains(PASSWORD) && !run.stderr.contains(PASSWORD),
        "{}",
        run.transcript()
    );
}

#[test]
fn the_cluster_answers_and_each_test_gets_a_database_of_its_own() {
    let Some(cluster) = cluster::shared() else {
        return;
    };
    let (one, two) = (cluster.database(), cluster.database());
    assert_ne!(one, two);
    assert_eq!(cluster.psql(&one, "SELECT 1 + 1"), "2");
}

#[test]
fn a_plan_made_on_one_machine_applies_on_another_and_the_first_then_sees_no_changes() {
    let Some(team) = Team::new() else { return };
    let config = config(&["a", "b"]);
    let (one, two) = (team.machine(&config), team.machine(&config));
    let plan = team.run(one.path(), &["plan", "--out", "tfplan"]);
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let saved = std::fs::read_to_string(one.path().join("tfplan")).expect("plan file");
    assert!(!saved.contains(PASSWORD), "the plan file holds no password");
    std::fs::copy(one.path().join("tfplan"), two.path().join("tfplan")).expect("copy");
    let apply = team.run(two.path(), &["apply", "tfplan"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let again = team.run(one.path(), &["plan"]);
    assert_eq!(again.code, 0, "{}", again.transcript());
    assert!(
        again.stdout.contains("No changes."),
        "{}",
        again.transcript()
    );
    for run in [&plan, &apply, &again] {
        no_password(run);
    }
    assert!(
        !one.path().join("state/assistform.state.json").exists()
            && !two.path().join("state/assistform.state.json").exists(),
        "the state lives only in the database"
    );
    let listed = team.run(one.path(), &["state", "list"]);
    assert_eq!(
        listed.stdout,
        "prompt.a\nprompt.b\n",
        "{}",
        listed.transcript()
    );
    let verified = team.run(one.path(), &["audit", "verify"]);
    assert_eq!(verified.code, 0, "{}", verified.transcript());
    let stored = team.cluster.psql(
        &team.db,
        "SELECT string_agg(line, '') FROM team.audit UNION ALL SELECT string_agg(body, '') FROM team.states",
    );
    assert!(stored.contains("prompt.a"), "{stored}");
    assert!(
        !stored.contains(PASSWORD),
        "no password in the audit record or the state"
    );
}

#[test]
fn a_plan_file_applied_to_another_workspace_is_refused_naming_both() {
    let Some(team) = Team::new() else { return };
    let dir = team.machine(&config(&["a"]));
    let plan = team.run(
        dir.path(),
        &[
            "plan",
            "--out",
            "tfplan",
            "--workspace",
            "staging",
            "--format",
            "markdown",
        ],
    );
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(
        plan.stdout
            .contains("(`emulator-org`), workspace `staging`"),
        "the comment names org and workspace: {}",
        plan.transcript()
    );
    let apply = team.run(
        dir.path(),
        &["apply", "tfplan", "--workspace", "production"],
    );
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    assert!(
        apply.stderr.contains("the plan was made for the workspace `staging`, but this run uses the workspace `production`"),
        "{}",
        apply.transcript()
    );
    let right = team.run(dir.path(), &["apply", "tfplan", "--workspace", "staging"]);
    assert_eq!(right.code, 0, "{}", right.transcript());
    let other = team.run(dir.path(), &["state", "list", "--workspace", "production"]);
    assert_eq!(other.stdout, "", "{}", other.transcript());
}

#[test]
fn audit_verify_on_the_database_detects_a_deleted_newest_row() {
    let Some(team) = Team::new() else { return };
    let dir = team.machine(&config(&["a"]));
    let apply = team.run(dir.path(), &["apply", ".", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let intact = team.run(dir.path(), &["audit", "verify"]);
    assert_eq!(intact.code, 0, "{}", intact.transcript());
    let newest = "DELETE FROM team.audit WHERE seq = (SELECT max(seq) FROM team.audit)";
    let refused = team.cluster.try_psql(&team.db, newest).unwrap_err();
    assert!(
        refused.contains("the audit record is append-only"),
        "{refused}"
    );
    // Someone with the rights to switch the trigger off.
    team.cluster.psql(
        &team.db,
        &format!("ALTER TABLE team.audit DISABLE TRIGGER audit_append_only; {newest}"),
    );
    let broken = team.run(dir.path(), &["audit", "verify"]);
    assert_eq!(broken.code, 1, "{}", broken.transcript());
    assert!(
        broken.stderr.contains("removed from its end"),
        "{}",
        broken.transcript()
    );
}

#[test]
fn verify_full_with_the_servers_authority_connects_and_a_wrong_one_is_refused() {
    let Some(team) = Team::new() else { return };
    let dir = team.machine(&config(&["a"]));
    let tls = |ca: &std::path::Path| {
        format!(
            "conn_str={}?sslmode=verify-full&sslrootcert={}",
            team.cluster.conn_str(&team.db),
            ca.display()
        )
    };
    let right = team.run_plain(
        dir.path(),
        &["plan", "--backend-config", &tls(&team.cluster.ca())],
    );
    assert_eq!(right.code, 0, "{}", right.transcript());
    let wrong = team.run_plain(
        dir.path(),
        &["plan", "--backend-config", &tls(&team.cluster.wrong_ca())],
    );
    assert_eq!(wrong.code, 1, "{}", wrong.transcript());
    assert!(
        wrong
            .stderr
            .contains("cannot connect to PostgreSQL database"),
        "{}",
        wrong.transcript()
    );
    assert!(
        wrong.stderr.to_lowercase().contains("certificate"),
        "{}",
        wrong.transcript()
    );
    no_password(&wrong);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_apply_fails_naming_the_holder_or_waits_and_each_change_is_written_once() {
    let Some(team) = Team::new() else { return };
    let config = config(&["a", "b"]);
    let (one, two, three) = (
        team.machine(&config),
        team.machine(&config),
        team.machine(&config),
    );
    let hold = Hold::arm(&team.emulator.base, "PUT", PROMPT_A, Stage::Before).await;
    let first = team.spawn(one.path(), &["apply", ".", "--auto-approve"]);
    hold.caught().await;
    let refused = team.run(two.path(), &["apply", ".", "--auto-approve"]);
    assert_eq!(refused.code, 1, "{}", refused.transcript());
    assert!(
        refused.stderr.contains("is locked by `apply` (pid"),
        "{}",
        refused.transcript()
    );
    let waiting = team.spawn(
        three.path(),
        &["apply", ".", "--auto-approve", "--lock-timeout", "5m"],
    );
    hold.release().await;
    let first = first.await.expect("first apply");
    assert_eq!(first.code, 0, "{}", first.transcript());
    let waited = waiting.await.expect("waiting apply");
    assert_eq!(waited.code, 0, "{}", waited.transcript());
    assert!(
        waited.stdout.contains("No changes."),
        "{}",
        waited.transcript()
    );
    assert_eq!(
        stats(&team.emulator.base, "PUT").await,
        2,
        "one write per prompt"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_workspaces_apply_at_once() {
    let Some(team) = Team::new() else { return };
    let config = config(&["a"]);
    let (one, two) = (team.machine(&config), team.machine(&config));
    // Each workspace its own org, as staging and production are.
    let production_org = tempfile::tempdir().expect("org dir");
    let production_emulator =
        crate::recovery::EmulatorProcess::start(&production_org.path().join("org.json"));
    let hold = Hold::arm(&team.emulator.base, "PUT", PROMPT_A, Stage::Before).await;
    let staging = team.spawn(
        one.path(),
        &["apply", ".", "--auto-approve", "--workspace", "staging"],
    );
    hold.caught().await;
    // Staging's apply holds its workspace's lock, mid-write: production's
    // apply goes ahead all the same, to the end.
    let conn_str = team.cluster.conn_str(&team.db);
    let production = crate::support::run_in(
        two.path(),
        &[
            "apply",
            ".",
            "--auto-approve",
            "--workspace",
            "production",
            "--api-url",
            &production_emulator.base,
        ],
        &[
            ("GENESYSCLOUD_OAUTHCLIENT_ID", crate::org::ID),
            ("GENESYSCLOUD_OAUTHCLIENT_SECRET", crate::org::SECRET),
            ("PG_CONN_STR", &conn_str),
        ],
    );
    assert_eq!(production.code, 0, "{}", production.transcript());
    // While staging's own lock is still held.
    let lock = team.run(
        two.path(),
        &["state", "rm", "prompt.a", "--workspace", "staging"],
    );
    assert!(
        lock.stderr.contains("is locked by `apply`"),
        "{}",
        lock.transcript()
    );
    hold.release().await;
    let staging = staging.await.expect("staging");
    assert_eq!(staging.code, 0, "{}", staging.transcript());
    for (workspace, base) in [
        ("staging", &team.emulator.base),
        ("production", &production_emulator.base),
    ] {
        let listed = team.run(one.path(), &["state", "list", "--workspace", workspace]);
        assert_eq!(
            listed.stdout,
            "prompt.a\n",
            "{workspace}: {}",
            listed.transcript()
        );
        assert_eq!(stats(base, "PUT").await, 1, "{workspace}: one write");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_apply_killed_mid_write_frees_the_lock_and_the_next_apply_elsewhere_recovers_its_journal()
 {
    let Some(team) = Team::new() else { return };
    let config = config(&["a", "b"]);
    let (one, two) = (team.machine(&config), team.machine(&config));
    let hold = Hold::arm(&team.emulator.base, "PUT", PROMPT_A, Stage::After).await;
    let mut child = team.spawn_child(
        one.path(),
        &["apply", ".", "--auto-approve", "--parallelism", "1"],
    );
    hold.caught().await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    hold.drop_connection().await;
    let next = team.run(two.path(), &["apply", ".", "--auto-approve"]);
    assert_eq!(next.code, 0, "{}", next.transcript());
    assert!(
        next.stderr.contains("did not finish"),
        "{}",
        next.transcript()
    );
    assert!(next.stderr.contains("recovered"), "{}", next.transcript());
    // The killed run's write was never answered, so the emulator's count leaves it
    // out: the next run wrote only `b`, and adopted `a` at the version it made.
    assert_eq!(
        stats(&team.emulator.base, "PUT").await,
        1,
        "{}",
        next.transcript()
    );
    let listed = team.run(one.path(), &["state", "list"]);
    assert_eq!(
        listed.stdout,
        "prompt.a\nprompt.b\n",
        "{}",
        listed.transcript()
    );
    let a = team.run(one.path(), &["state", "show", "prompt.a"]);
    assert!(a.stdout.contains("version 1"), "{}", a.transcript());
    let verified = team.run(one.path(), &["audit", "verify"]);
    assert_eq!(verified.code, 0, "{}", verified.transcript());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_with_a_read_only_client_adopts_the_create_a_killed_apply_journaled_in_the_database()
{
    let Some(team) = Team::new() else { return };
    assistform::remote::install_crypto_provider();
    let added = reqwest::Client::new()
        .post(format!("{}/__emulator/clients", team.emulator.base))
        .json(&serde_json::json!({"id": "reader", "secret": "reader-secret", "permissions": ["responses:*:view"]}))
        .send()
        .await
        .expect("add the reader");
    assert!(added.status().is_success(), "{}", added.status());
    let dir = team.machine(&config(&["a"]));
    let hold = Hold::arm(&team.emulator.base, "PUT", PROMPT_A, Stage::After).await;
    let mut child = team.spawn_child(dir.path(), &["apply", ".", "--auto-approve"]);
    hold.caught().await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    hold.drop_connection().await;
    // The journal's run header, a JSON line in its table, names the apply's client.
    let plan = crate::support::run_in(
        dir.path(),
        &[
            "plan",
            ".",
            "--detailed-exitcode",
            "--api-url",
            &team.emulator.base,
        ],
        &[
            ("GENESYSCLOUD_OAUTHCLIENT_ID", "reader"),
            ("GENESYSCLOUD_OAUTHCLIENT_SECRET", "reader-secret"),
            ("PG_CONN_STR", &team.cluster.conn_str(&team.db)),
        ],
    );
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_database_stopped_mid_apply_stops_the_writes_and_the_next_apply_finishes_with_nothing_doubled()
 {
    if cluster::shared().is_none() {
        return;
    }
    // A cluster of its own: it is stopped.
    let cluster = Cluster::start().expect("a cluster");
    let team = Team::on(Box::leak(Box::new(cluster)));
    let config = config(&["a", "b", "c"]);
    let dir = team.machine(&config);
    let hold = Hold::arm(&team.emulator.base, "PUT", PROMPT_A, Stage::Before).await;
    let apply = team.spawn(
        dir.path(),
        &["apply", ".", "--auto-approve", "--parallelism", "1"],
    );
    hold.caught().await;
    team.cluster.stop();
    hold.release().await;
    let apply = apply.await.expect("apply");
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    let all = format!("{}{}", apply.stdout, apply.stderr);
    assert!(
        all.contains("the database session that holds the state lock was lost"),
        "{}",
        apply.transcript()
    );
    no_password(&apply);
    assert_eq!(
        stats(&team.emulator.base, "PUT").await,
        1,
        "only the write already journaled was sent: {}",
        apply.transcript()
    );
    team.cluster.restart();
    let next = team.run(dir.path(), &["apply", ".", "--auto-approve"]);
    assert_eq!(next.code, 0, "{}", next.transcript());
    assert_eq!(
        stats(&team.emulator.base, "PUT").await,
        3,
        "one write per prompt"
    );
    let listed = team.run(dir.path(), &["state", "list"]);
    assert_eq!(
        listed.stdout,
        "prompt.a\nprompt.b\nprompt.c\n",
        "{}",
        listed.transcript()
    );
    let again = team.run(dir.path(), &["plan"]);
    assert!(
        again.stdout.contains("No changes."),
        "{}",
        again.transcript()
    );
}

#[test]
fn workspaces_keep_their_own_state_and_one_that_manages_resources_is_not_deleted() {
    let Some(team) = Team::new() else { return };
    let dir = team.machine(&config(&["a"]));
    let new = team.run(dir.path(), &["workspace", "new", "staging"]);
    assert_eq!(new.code, 0, "{}", new.transcript());
    let list = team.run(dir.path(), &["workspace", "list"]);
    assert_eq!(
        list.stdout,
        "  default\n* staging\n",
        "{}",
        list.transcript()
    );
    let apply = team.run(dir.path(), &["apply", ".", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let default = team.run(dir.path(), &["state", "list", "--workspace", "default"]);
    assert_eq!(default.stdout, "", "{}", default.transcript());
    let selected = team.run(dir.path(), &["workspace", "select", "default"]);
    assert_eq!(selected.code, 0, "{}", selected.transcript());
    let delete = team.run(dir.path(), &["workspace", "delete", "staging"]);
    assert_eq!(delete.code, 1, "{}", delete.transcript());
    assert!(
        delete
            .stderr
            .contains("the workspace `staging` cannot be deleted: it still manages 1 resource"),
        "{}",
        delete.transcript()
    );
}

#[test]
fn migrate_to_pg_and_back_keeps_lineage_and_a_verifiable_record_and_push_refuses_another_lineage() {
    let Some(team) = Team::new() else { return };
    let local_config =
        config(&["a"]).replace("backend \"pg\" {\n  schema_name = \"team\"\n}\n", "");
    let first = team.machine(&local_config);
    let apply = team.run(first.path(), &["apply", ".", "--auto-approve"]);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let before = team.run(first.path(), &["state", "pull"]);
    let before: serde_json::Value = serde_json::from_str(&before.stdout).expect("state json");
    let migrate = team.run(
        first.path(),
        &["state", "migrate", "--to", "pg", "--schema-name", "team"],
    );
    assert_eq!(migrate.code, 0, "{}", migrate.transcript());
    no_password(&migrate);
    // The configuration says where the state is now.
    std::fs::write(first.path().join("main.hcl"), config(&["a"])).expect("config");
    let after = team.run(first.path(), &["state", "pull"]);
    let after: serde_json::Value = serde_json::from_str(&after.stdout).expect("state json");
    assert_eq!(after["lineage"], before["lineage"]);
    assert_eq!(
        after["serial"].as_u64(),
        before["serial"].as_u64().map(|s| s + 1)
    );
    let verify = team.run(first.path(), &["audit", "verify"]);
    assert_eq!(verify.code, 0, "{}", verify.transcript());
    let plan = team.run(first.path(), &["plan"]);
    assert!(plan.stdout.contains("No changes."), "{}", plan.transcript());

    let mut other = after.clone();
    other["lineage"] = serde_json::json!("another-history");
    std::fs::write(first.path().join("other.json"), other.to_string()).expect("file");
    let push = team.run(first.path(), &["state", "push", "other.json"]);
    assert_eq!(push.code, 1, "{}", push.transcript());
    assert!(
        push.stderr.contains("lineage `another-history`"),
        "{}",
        push.transcript()
    );
    let mut older = after.clone();
    older["serial"] = serde_json::json!(1);
    std::fs::write(first.path().join("older.json"), older.to_string()).expect("file");
    let push = team.run(first.path(), &["state", "push", "older.json"]);
    assert!(
        push.stderr.contains("is older than the state's"),
        "{}",
        push.transcript()
    );
    std::fs::write(first.path().join("same.json"), after.to_string()).expect("file");
    let push = team.run(first.path(), &["state", "push", "same.json"]);
    assert_eq!(push.code, 0, "{}", push.transcript());

    let second = team.machine(&config(&["a"]));
    let back = team.run(second.path(), &["state", "migrate", "--to", "local"]);
    assert_eq!(back.code, 0, "{}", back.transcript());
    std::fs::write(second.path().join("main.hcl"), &local_config).expect("config");
    let verify = team.run(second.path(), &["audit", "verify"]);
    assert_eq!(verify.code, 0, "{}", verify.transcript());
    let pulled = team.run(second.path(), &["state", "pull"]);
    let pulled: serde_json::Value = serde_json::from_str(&pulled.stdout).expect("state json");
    assert_eq!(pulled["lineage"], before["lineage"]);
}

#[test]
fn two_writers_that_read_the_same_serial_never_both_win() {
    use assistform::backend::{Backend, Declared, Selection};
    let Some(cluster) = cluster::shared() else {
        return;
    };
    let db = cluster.database();
    let selection = Selection {
        workspace: "default".into(),
        declared: Declared::Pg {
            schema_name: "race".into(),
        },
        ..Selection::default()
    };
    let env = vec![("PG_CONN_STR".to_owned(), cluster.conn_str(&db))];
    let (one, two) = (
        Backend::open(&selection, &env).expect("one"),
        Backend::open(&selection, &env).expect("two"),
    );
    let mut first = assistform::state::State::default();
    let mut second = first.clone();
    one.write_state(&mut first).expect("the first write wins");
    let lost = two.write_state(&mut second).unwrap_err();
    assert!(
        lost.to_string()
            .contains("was written by another run since this one read it"),
        "{lost}"
    );
    let mut again = two.read_state().expect("read").expect("a state");
    assert_eq!(again.serial, 1);
    two.write_state(&mut again)
        .expect("a write from what is there wins");
    assert_eq!(one.read_state().expect("read").expect("state").serial, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_first_runs_create_the_schema_once_and_a_newer_schema_is_refused() {
    let Some(team) = Team::new() else { return };
    let config = config(&["a"]);
    let (one, two) = (team.machine(&config), team.machine(&config));
    let first = team.spawn(one.path(), &["state", "list"]);
    let second = team.spawn(two.path(), &["state", "list"]);
    for run in [first.await.expect("first"), second.await.expect("second")] {
        assert_eq!(run.code, 0, "{}", run.transcript());
    }
    assert_eq!(
        team.cluster.psql(
            &team.db,
            "SELECT value FROM team.meta WHERE key = 'schema_version'"
        ),
        "1"
    );
    team.cluster.psql(
        &team.db,
        "UPDATE team.meta SET value = '99' WHERE key = 'schema_version'",
    );
    let refused = team.run(one.path(), &["plan"]);
    assert_eq!(refused.code, 1, "{}", refused.transcript());
    assert!(
        refused
            .stderr
            .contains("is at version 99, newer than this assistform knows (1)"),
        "{}",
        refused.transcript()
    );
}
