//! Canned responses and their libraries against the emulator, as a user runs
//! them: server-assigned ids, references, versioned writes, guarded deletes,
//! exactly-once creates, import, permissions.

use assistform::emulator::EmulatorOptions;
use serde_json::{Value, json};

use crate::console::Console;
use crate::hold::{Hold, Stage};
use crate::org::Case;

const EXAMPLE: &str = include_str!("../../examples/canned-responses/main.hcl");

const RESPONSES: &str = "/api/v2/responsemanagement/responses";
const LIBRARIES: &str = "/api/v2/responsemanagement/libraries";

impl Console {
    /// Every response in the org, by name.
    async fn responses(&self) -> Vec<Value> {
        let (_, libraries) = self
            .call(
                reqwest::Method::GET,
                &format!("{LIBRARIES}?pageSize=100"),
                None,
            )
            .await;
        let ids: Vec<Value> = libraries["entities"]
            .as_array()
            .expect("libraries")
            .iter()
            .map(|l| l["id"].clone())
            .collect();
        if ids.is_empty() {
            return Vec::new();
        }
        let (status, found) = self
            .call(
                reqwest::Method::POST,
                &format!("{RESPONSES}/query"),
                Some(json!({"pageSize": 500, "filters": [{"name": "libraryId", "operator": "IN", "values": ids}]})),
            )
            .await;
        assert_eq!(status, 200, "{found}");
        found["results"]["entities"]
            .as_array()
            .expect("entities")
            .clone()
    }

    async fn response_named(&self, name: &str) -> Value {
        let found: Vec<Value> = self
            .responses()
            .await
            .into_iter()
            .filter(|r| r["name"] == name)
            .collect();
        assert_eq!(found.len(), 1, "one response named {name}: {found:?}");
        found[0].clone()
    }

    /// Edits a response's first text, as a person in the console does.
    async fn edit(&self, name: &str, content: &str) -> Value {
        let mut response = self.response_named(name).await;
        response["texts"][0]["content"] = json!(content);
        let id = response["id"].as_str().expect("id").to_owned();
        let (status, body) = self
            .call(
                reqwest::Method::PUT,
                &format!("{RESPONSES}/{id}"),
                Some(response),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

async fn stats(case: &Case) -> Value {
    assistform::remote::install_crypto_provider();
    reqwest::get(format!("{}/__emulator/stats", case.emulator.base_url()))
        .await
        .expect("stats")
        .json()
        .await
        .expect("stats json")
}

fn endpoint(stats: &Value, name: &str) -> u64 {
    stats["endpoints"][name].as_u64().unwrap_or(0)
}

async fn applied_example() -> Case {
    let case = Case::new(EXAMPLE).await;
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    case
}

#[tokio::test(flavor = "multi_thread")]
async fn the_example_plans_with_ids_known_after_apply_applies_and_then_has_no_changes() {
    let case = Case::new(EXAMPLE).await;
    let plan = case.plan(&[]).await;
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    insta::assert_snapshot!(plan.stdout);
    let json = case.plan(&["--json"]).await;
    let json: Value = serde_json::from_str(&json.stdout).expect("plan JSON");
    let both = json["resource_changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["address"] == "canned_response.delayed_refund")
        .expect("delayed_refund")
        .clone();
    assert_eq!(both["type"], "assistform_canned_response");
    assert_eq!(both["change"]["after"]["library_ids"], json!([null, null]));
    assert_eq!(
        both["change"]["after_unknown"],
        json!({"library_ids": [true, true]})
    );

    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert!(
        apply
            .stdout
            .contains("Apply complete! Resources: 5 added, 0 changed, 0 destroyed."),
        "{}",
        apply.stdout
    );
    let console = Console::of(&case).await;
    let both = console.response_named("Refund for a delayed order").await;
    let libraries: Vec<&str> = both["libraries"]
        .as_array()
        .expect("libraries")
        .iter()
        .map(|l| l["name"].as_str().expect("name"))
        .collect();
    assert_eq!(libraries, ["Billing", "Shipping"]);
    let again = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(
        (again.code, again.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        again.transcript()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edited_text_is_one_put_naming_the_version_read() {
    let case = applied_example().await;
    std::fs::write(
        case.project.path().join("main.hcl"),
        EXAMPLE.replace("is on its way", "is on the way"),
    )
    .expect("edit");
    let before = stats(&case).await;
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert!(
        apply
            .stdout
            .contains("Resources: 0 added, 1 changed, 0 destroyed."),
        "{}",
        apply.stdout
    );
    let after = stats(&case).await;
    let puts = endpoint(
        &after,
        "PUT /api/v2/responsemanagement/responses/{responseId}",
    ) - endpoint(
        &before,
        "PUT /api/v2/responsemanagement/responses/{responseId}",
    );
    let posts = endpoint(&after, "POST /api/v2/responsemanagement/responses")
        - endpoint(&before, "POST /api/v2/responsemanagement/responses");
    assert_eq!((puts, posts), (1, 0));
    let refund = Console::of(&case)
        .await
        .response_named("Refund issued")
        .await;
    assert_eq!(refund["version"], 2);
    assert!(
        refund["texts"][0]["content"]
            .as_str()
            .expect("text")
            .contains("is on the way")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_console_edit_after_plan_out_makes_the_saved_plan_stale() {
    let case = applied_example().await;
    std::fs::write(
        case.project.path().join("main.hcl"),
        EXAMPLE.replace("is on its way", "is on the way"),
    )
    .expect("edit");
    let plan = case.plan(&["--out", "tfplan"]).await;
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let console = Console::of(&case).await;
    console.edit("Refund issued", "Edited in the console").await;
    let before = stats(&case).await;
    let apply = case.run(&["apply", "tfplan"]).await;
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    assert!(
        apply.stderr.contains("canned_response.refund_issued"),
        "{}",
        apply.stderr
    );
    assert_eq!(
        stats(&case).await["requests"]["PUT"],
        before["requests"]["PUT"],
        "nothing written"
    );
    let refund = console.response_named("Refund issued").await;
    assert_eq!(refund["texts"][0]["content"], "Edited in the console");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_console_edit_landing_during_apply_gets_a_409_and_survives() {
    let case = applied_example().await;
    std::fs::write(
        case.project.path().join("main.hcl"),
        EXAMPLE.replace("is on its way", "is on the way"),
    )
    .expect("edit");
    let console = Console::of(&case).await;
    let id = console.response_named("Refund issued").await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let hold = Hold::arm(
        &case.emulator.base_url(),
        "PUT",
        &format!("{RESPONSES}/{id}"),
        Stage::Before,
    )
    .await;
    let apply = {
        let case = &case;
        async move { case.apply(&[]).await }
    };
    let edit = async {
        hold.caught().await;
        // The apply's PUT is parked, unprocessed: the console's edit lands first.
        console.edit("Refund issued", "Edited in the console").await;
        hold.release().await;
    };
    let (apply, ()) = tokio::join!(apply, edit);
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    assert!(
        apply
            .stderr
            .contains("changed in Genesys since the plan was made")
            || apply
                .stdout
                .contains("changed in Genesys since the plan was made"),
        "{}",
        apply.transcript()
    );
    let refund = console.response_named("Refund issued").await;
    assert_eq!(refund["texts"][0]["content"], "Edited in the console");
    assert_eq!(refund["version"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_console_edit_just_before_a_delete_keeps_the_response() {
    let case = applied_example().await;
    let without = EXAMPLE
        .split("# One response in both libraries.")
        .next()
        .expect("head");
    std::fs::write(case.project.path().join("main.hcl"), without).expect("edit");
    let console = Console::of(&case).await;
    let id = console.response_named("Refund for a delayed order").await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    // The delete reads the response first (the API's DELETE takes no version):
    // the console's edit lands while that read is parked.
    let hold = Hold::arm(
        &case.emulator.base_url(),
        "GET",
        &format!("{RESPONSES}/{id}"),
        Stage::Before,
    )
    .await;
    let apply = {
        let case = &case;
        async move { case.apply(&[]).await }
    };
    let edit = async {
        hold.caught().await;
        console
            .edit("Refund for a delayed order", "Still needed")
            .await;
        hold.release().await;
    };
    let (apply, ()) = tokio::join!(apply, edit);
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    assert!(
        apply.transcript().contains("the plan read version 1"),
        "{}",
        apply.transcript()
    );
    let kept = console.response_named("Refund for a delayed order").await;
    assert_eq!(kept["texts"][0]["content"], "Still needed");
}

#[tokio::test(flavor = "multi_thread")]
async fn destroy_deletes_responses_before_their_libraries() {
    let case = applied_example().await;
    let destroy = case.apply(&["--destroy"]).await;
    assert_eq!(destroy.code, 0, "{}", destroy.transcript());
    let lines: Vec<&str> = destroy.stdout.lines().collect();
    let at = |line: &str| {
        lines
            .iter()
            .position(|l| *l == line || l.starts_with(line))
            .unwrap_or_else(|| panic!("no `{line}` in:\n{}", destroy.stdout))
    };
    // Each library goes only after every response in it is gone.
    for (library, responses) in [
        ("billing", ["refund_issued", "delayed_refund"]),
        ("shipping", ["where_is_my_order", "delayed_refund"]),
    ] {
        let started = at(&format!("response_library.{library}: destroying"));
        for response in responses {
            let gone = at(&format!("canned_response.{response}: destroyed"));
            assert!(
                gone < started,
                "{response} before {library}:\n{}",
                destroy.stdout
            );
        }
    }
    assert!(Console::of(&case).await.responses().await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_library_holding_responses_made_in_the_console_is_not_deleted() {
    let case = applied_example().await;
    let console = Console::of(&case).await;
    let billing = console.response_named("Refund issued").await["libraries"][0]["id"].clone();
    let (status, made) = console
        .call(
            reqwest::Method::POST,
            RESPONSES,
            Some(json!({"name": "Made by hand", "libraries": [{"id": billing}], "texts": [{"content": "Hello"}]})),
        )
        .await;
    assert_eq!(status, 200, "{made}");
    let destroy = case.plan(&["--destroy"]).await;
    assert_eq!(destroy.code, 1, "{}", destroy.transcript());
    assert!(
        destroy.stderr.contains("`response_library.billing` is not deleted: it holds 1 object that assistform does not manage"),
        "{}",
        destroy.stderr
    );
    assert!(
        destroy.stderr.contains("\"Made by hand\""),
        "{}",
        destroy.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn import_all_writes_libraries_and_references_and_round_trips() {
    let case = applied_example().await;
    std::fs::remove_dir_all(case.project.path().join("state")).expect("forget the state");
    std::fs::remove_file(case.project.path().join("main.hcl")).expect("forget the config");
    let import = case
        .run(&["import", "--all", "--out", "imported.hcl"])
        .await;
    assert_eq!(import.code, 0, "{}", import.transcript());
    let written = case.project.read("imported.hcl");
    assert!(
        written.contains("response_library \"billing\""),
        "{written}"
    );
    assert!(
        written.contains(
            "library_ids      = [response_library.billing.id, response_library.shipping.id]"
        ),
        "{written}"
    );
    let plan = case.plan(&[]).await;
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(
        plan.stdout
            .contains("Plan: 5 to import, 0 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    let before = stats(&case).await;
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let after = stats(&case).await;
    for method in ["PUT", "POST", "DELETE"] {
        let writes = after["requests"][method].as_u64().unwrap_or(0)
            - before["requests"][method].as_u64().unwrap_or(0);
        // POSTs: the token, and the query pages that read the org.
        if method != "POST" {
            assert_eq!(writes, 0, "{method}: {}", apply.transcript());
        }
    }
    assert_eq!(
        endpoint(&after, "POST /api/v2/responsemanagement/responses"),
        endpoint(&before, "POST /api/v2/responsemanagement/responses")
    );
    let plan = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn import_one_response_by_id() {
    let case = applied_example().await;
    let console = Console::of(&case).await;
    let id = console.response_named("Where is my order").await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let run = case
        .project
        .run(&["state", "rm", "canned_response.where_is_my_order"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let import = case
        .run(&["import", "canned_response.where_is_my_order", &id])
        .await;
    assert_eq!(import.code, 0, "{}", import.transcript());
    let plan = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_without_the_edit_permission_is_told_which_it_lacks() {
    let options = EmulatorOptions {
        clients: vec![assistform::emulator::ClientGrant {
            id: "reader".into(),
            secret: "reader-secret".into(),
            permissions: vec![
                "responses:library:view".into(),
                "responses:response:view".into(),
                "responses:library:add".into(),
                "responses:response:add".into(),
            ],
        }],
        ..EmulatorOptions::default()
    };
    let case = Case::with_options(EXAMPLE, options).await;
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    std::fs::write(
        case.project.path().join("main.hcl"),
        EXAMPLE.replace("is on its way", "is on the way"),
    )
    .expect("edit");
    let run = crate::support::run_in(
        case.project.path(),
        &[
            "apply",
            ".",
            "--auto-approve",
            "--api-url",
            &case.emulator.base_url(),
        ],
        &[
            ("GENESYSCLOUD_OAUTHCLIENT_ID", "reader"),
            ("GENESYSCLOUD_OAUTHCLIENT_SECRET", "reader-secret"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.transcript().contains("responses:response:edit"),
        "{}",
        run.transcript()
    );
    assert!(
        run.transcript().contains("PUT "),
        "the operation is named: {}",
        run.transcript()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_whose_answer_is_lost_in_a_killed_run_exists_once_after_the_next_apply() {
    let case = Case::new(EXAMPLE).await;
    // The first POST of a response is processed, its answer held; the run dies.
    let hold = Hold::arm(&case.emulator.base_url(), "POST", RESPONSES, Stage::After).await;
    let mut child = case.spawn_apply(&["--parallelism", "1"]);
    hold.caught().await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    hold.drop_connection().await;
    let console = Console::of(&case).await;
    assert_eq!(
        console.responses().await.len(),
        1,
        "the held create was processed"
    );

    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let mut names: Vec<String> = console
        .responses()
        .await
        .iter()
        .map(|r| r["name"].as_str().expect("name").to_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Refund for a delayed order",
            "Refund issued",
            "Where is my order"
        ]
    );
    let state = assistform::state::read(&case.project.path().join("state"))
        .expect("state")
        .expect("a state");
    assert_eq!(state.resources.len(), 5, "every object is in the state");
    let audit = case.project.run(&["audit", "show"]);
    let adopted = audit
        .stdout
        .lines()
        .find(|l| l.contains("canned_response.refund_issued"))
        .unwrap_or_else(|| panic!("{}", audit.transcript()));
    assert!(adopted.contains("recovered from run"), "{}", audit.stdout);
    let verify = case.project.run(&["audit", "verify"]);
    assert_eq!(verify.code, 0, "{}", verify.transcript());
    let plan = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_answered_503_after_it_landed_is_adopted_not_sent_again() {
    let case = Case::new(EXAMPLE).await;
    let hold = Hold::arm(&case.emulator.base_url(), "POST", RESPONSES, Stage::After).await;
    let apply = {
        let case = &case;
        async move { case.apply(&["--parallelism", "1"]).await }
    };
    let fail = async {
        let path = hold.caught().await;
        assert_eq!(path, RESPONSES);
        // Processed: the response exists, and its answer becomes a 503.
        hold.fail(503).await;
    };
    let (apply, ()) = tokio::join!(apply, fail);
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let after = stats(&case).await;
    assert_eq!(
        endpoint(&after, "POST /api/v2/responsemanagement/responses"),
        3,
        "no create sent twice"
    );
    let responses = Console::of(&case).await.responses().await;
    assert_eq!(responses.len(), 3, "{responses:?}");
    let plan = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_response_the_search_index_has_not_caught_up_with_is_read_by_itself() {
    let case = Case::new(EXAMPLE).await;
    let base = case.emulator.base_url();
    assistform::remote::install_crypto_provider();
    // The query endpoint answers from before the apply: it lacks every response
    // apply makes, as a lagging search index would.
    let frozen = reqwest::Client::new()
        .post(format!("{base}/__emulator/index"))
        .json(&json!({"frozen": true}))
        .send()
        .await
        .expect("freeze");
    assert!(frozen.status().is_success());
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let before = stats(&case).await;
    let plan = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
    let after = stats(&case).await;
    let one_by_one = endpoint(
        &after,
        "GET /api/v2/responsemanagement/responses/{responseId}",
    ) - endpoint(
        &before,
        "GET /api/v2/responsemanagement/responses/{responseId}",
    );
    assert_eq!(
        one_by_one, 3,
        "each response the state knows and the index lacks is read by id"
    );
}

#[test]
fn validation_names_each_problem_where_it_is_written() {
    let project = crate::support::Project::new().file(
        "main.hcl",
        r#"response_library "billing" {
  name = "Billing"
}

canned_response "refund" {
  name             = "Refund"
  library_ids      = [response_library.biling.id, response_library.billing.name]
  interaction_type = "chta"

  texts {
    content      = "Refund {{amount}} to card 4111 1111 1111 1111, or call +1 415 555 2671."
    content_type = "text/htm"
  }
}

canned_response "refund_again" {
  name        = "Refund"
  library_ids = [response_library.billing.id]

  texts {
    content = "Mail us at help@example.com"
  }
}

canned_response "also_refund" {
  name        = "Refund"
  library_ids = [response_library.billing.id]

  texts {
    content = "Same name, same library"
  }
}
"#,
    );
    let run = project.run(&["validate", "--no-color"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!(run.transcript());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_atomic_apply_that_fails_removes_what_it_created() {
    let case = Case::new(EXAMPLE).await;
    let hold = Hold::arm(&case.emulator.base_url(), "POST", RESPONSES, Stage::Before).await;
    let apply = {
        let case = &case;
        async move { case.apply(&["--atomic", "--parallelism", "1"]).await }
    };
    let refuse = async {
        hold.caught().await;
        // Refused before it is processed: nothing of this create lands.
        hold.fail(400).await;
    };
    let (apply, ()) = tokio::join!(apply, refuse);
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    let console = Console::of(&case).await;
    let (_, libraries) = console
        .call(
            reqwest::Method::GET,
            &format!("{LIBRARIES}?pageSize=100"),
            None,
        )
        .await;
    assert_eq!(libraries["entities"], json!([]), "{}", apply.transcript());
    let state = assistform::state::read(&case.project.path().join("state"))
        .expect("state")
        .map(|s| s.resources.len())
        .unwrap_or(0);
    assert_eq!(state, 0, "{}", apply.transcript());
}

const ONE: &str = r#"response_library "billing" {
  name = "Billing"
}

canned_response "a" {
  name        = "A"
  library_ids = [response_library.billing.id]

  texts {
    content = "Hello"
  }
}
"#;

async fn freeze(case: &Case, frozen: bool) {
    assistform::remote::install_crypto_provider();
    let answer = reqwest::Client::new()
        .post(format!("{}/__emulator/index", case.emulator.base_url()))
        .json(&json!({"frozen": frozen}))
        .send()
        .await
        .expect("index switch");
    assert!(answer.status().is_success());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_create_the_index_does_not_show_yet_is_never_sent_again() {
    let case = Case::new(ONE).await;
    freeze(&case, true).await;
    let hold = Hold::arm(&case.emulator.base_url(), "POST", RESPONSES, Stage::After).await;
    let apply = {
        let case = &case;
        async move { case.apply(&[]).await }
    };
    let fail = async {
        hold.caught().await;
        // Processed, its answer lost; the search index does not show it yet.
        hold.fail(503).await;
    };
    let (first, ()) = tokio::join!(apply, fail);
    assert_eq!(first.code, 1, "{}", first.transcript());
    assert!(
        first.transcript().contains("may have landed"),
        "{}",
        first.transcript()
    );
    let second = case.apply(&[]).await;
    assert_eq!(second.code, 1, "{}", second.transcript());
    assert!(
        second.stderr.contains("does not show in Genesys yet"),
        "{}",
        second.stderr
    );
    freeze(&case, false).await;
    let third = case.apply(&[]).await;
    assert_eq!(third.code, 0, "{}", third.transcript());
    let named_a = Console::of(&case)
        .await
        .responses()
        .await
        .iter()
        .filter(|r| r["name"] == "A")
        .count();
    assert_eq!(named_a, 1, "created once");
    let plan = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn recreating_a_response_deleted_in_the_console_is_settled_once_after_a_kill() {
    let case = Case::new(ONE).await;
    assert_eq!(case.apply(&[]).await.code, 0);
    let console = Console::of(&case).await;
    let id = console.response_named("A").await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let (status, _) = console
        .call(reqwest::Method::DELETE, &format!("{RESPONSES}/{id}"), None)
        .await;
    assert!(status < 300);
    let hold = Hold::arm(&case.emulator.base_url(), "POST", RESPONSES, Stage::After).await;
    let mut child = case.spawn_apply(&[]);
    hold.caught().await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    hold.drop_connection().await;
    assert_eq!(console.responses().await.len(), 1, "the held create landed");
    let again = case.apply(&[]).await;
    assert_eq!(again.code, 0, "{}", again.transcript());
    assert_eq!(
        console.responses().await.len(),
        1,
        "made once: {}",
        again.transcript()
    );
    let plan = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_library_only_configuration_still_sees_responses_made_in_the_console() {
    let case = Case::new("response_library \"billing\" {\n  name = \"Billing\"\n}\n").await;
    assert_eq!(case.apply(&[]).await.code, 0);
    let console = Console::of(&case).await;
    let (_, libraries) = console
        .call(
            reqwest::Method::GET,
            &format!("{LIBRARIES}?pageSize=100"),
            None,
        )
        .await;
    let billing = libraries["entities"][0]["id"].clone();
    let (status, made) = console
        .call(
            reqwest::Method::POST,
            RESPONSES,
            Some(json!({"name": "Made by hand", "libraries": [{"id": billing}], "texts": [{"content": "Hello"}]})),
        )
        .await;
    assert_eq!(status, 200, "{made}");
    let destroy = case.apply(&["--destroy"]).await;
    assert_eq!(destroy.code, 1, "{}", destroy.transcript());
    assert!(
        destroy.stderr.contains("plan.holds_unmanaged"),
        "{}",
        destroy.stderr
    );
}

#[test]
fn a_reference_inside_a_string_is_refused_where_it_is_written() {
    let project = crate::support::Project::new().file(
        "main.hcl",
        r#"response_library "billing" {
  name = "Billing"
}

canned_response "a" {
  name        = "See ${response_library.billing.id}"
  library_ids = [response_library.billing.id]

  texts {
    content = "Hello"
  }
}
"#,
    );
    let run = project.run(&["validate", "--no-color"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("error[reference.invalid]: a reference inside a larger value"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("main.hcl:6:17"), "{}", run.stderr);
}
