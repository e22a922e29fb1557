//! Agent checklists against the emulator: objects with no version, so every
//! write is guarded by reading the object again, and creates the server may
//! answer with 202 and no id.

use assistform::emulator::EmulatorOptions;
use serde_json::{Value, json};

use crate::hold::{Hold, Stage};
use crate::org::{Case, ID, SECRET};

const EXAMPLE: &str = include_str!("../../examples/agent-checklists/main.hcl");
const CHECKLISTS: &str = "/api/v2/assistants/agentchecklists";

async fn call(
    case: &Case,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    assistform::remote::install_crypto_provider();
    let http = reqwest::Client::new();
    let base = case.emulator.base_url();
    let token: Value = http
        .post(format!("{base}/oauth/token"))
        .basic_auth(ID, Some(SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token json");
    let mut request = http
        .request(method, format!("{base}{path}"))
        .bearer_auth(token["access_token"].as_str().expect("token"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn checklists(case: &Case) -> Vec<Value> {
    let (status, page) = call(
        case,
        reqwest::Method::GET,
        &format!("{CHECKLISTS}?pageSize=100"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    page["entities"].as_array().expect("entities").clone()
}

async fn named(case: &Case, name: &str) -> Value {
    let found: Vec<Value> = checklists(case)
        .await
        .into_iter()
        .filter(|c| c["name"] == name)
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].clone()
}

/// Someone edits a checklist in the console: no version, so nothing tells but
/// the content.
async fn console_edit(case: &Case, name: &str, new_name: &str) {
    let mut checklist = named(case, name).await;
    checklist["name"] = json!(new_name);
    let id = checklist["id"].as_str().expect("id").to_owned();
    let (status, body) = call(
        case,
        reqwest::Method::PUT,
        &format!("{CHECKLISTS}/{id}"),
        Some(checklist),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_example_applies_and_then_has_no_changes() {
    let case = Case::new(EXAMPLE).await;
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let verify = named(&case, "Verify the caller").await;
    assert_eq!(verify["checklistItems"][0]["automatedCheckEnabled"], true);
    assert_eq!(verify["checklistItems"].as_array().map(Vec::len), Some(2));
    let plan = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_console_edit_after_plan_out_makes_the_saved_plan_stale() {
    let case = Case::new(EXAMPLE).await;
    assert_eq!(case.apply(&[]).await.code, 0);
    std::fs::write(
        case.project.path().join("main.hcl"),
        EXAMPLE.replace("Offer further help", "Offer more help"),
    )
    .expect("edit");
    let plan = case.plan(&["--out", "tfplan"]).await;
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    console_edit(&case, "Close the call", "Close the call (console)").await;
    let apply = case.run(&["apply", "tfplan"]).await;
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    assert!(
        apply
            .stderr
            .contains("`agent_checklist.close_the_call`: agent_checklist")
            && apply.stderr.contains("changed in Genesys since the plan"),
        "{}",
        apply.stderr
    );
    named(&case, "Close the call (console)").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_console_edit_just_before_the_write_is_not_overwritten() {
    let case = Case::new(EXAMPLE).await;
    assert_eq!(case.apply(&[]).await.code, 0);
    std::fs::write(
        case.project.path().join("main.hcl"),
        EXAMPLE.replace("Offer further help", "Offer more help"),
    )
    .expect("edit");
    let id = named(&case, "Close the call").await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    // Apply reads the checklist right before it writes; the edit lands while
    // that read is parked, so the read sees it.
    let hold = Hold::arm(
        &case.emulator.base_url(),
        "GET",
        &format!("{CHECKLISTS}/{id}"),
        Stage::Before,
    )
    .await;
    let apply = {
        let case = &case;
        async move { case.apply(&[]).await }
    };
    let edit = async {
        hold.caught().await;
        console_edit(&case, "Close the call", "Close the call (console)").await;
        hold.release().await;
    };
    let (apply, ()) = tokio::join!(apply, edit);
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    assert!(
        apply
            .transcript()
            .contains("no longer holds what the plan read; nothing was sent"),
        "{}",
        apply.transcript()
    );
    let kept = named(&case, "Close the call (console)").await;
    assert_eq!(kept["checklistItems"][0]["name"], "Offer further help");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_answered_202_without_an_id_is_found_and_adopted() {
    let options = EmulatorOptions {
        checklist_create_status: 202,
        ..EmulatorOptions::default()
    };
    let case = Case::with_options(EXAMPLE, options).await;
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert_eq!(checklists(&case).await.len(), 2, "each created once");
    let state = assistform::state::read(&case.project.path().join("state"))
        .expect("state")
        .expect("a state");
    let ids: Vec<&str> = state.resources.values().map(|r| r.id.as_str()).collect();
    assert!(ids.iter().all(|id| !id.is_empty()), "{ids:?}");
    let plan = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn removing_a_block_deletes_the_checklist_unless_it_was_edited_since() {
    let case = Case::new(EXAMPLE).await;
    assert_eq!(case.apply(&[]).await.code, 0);
    let only_first = EXAMPLE
        .split("agent_checklist \"close_the_call\"")
        .next()
        .expect("head");
    std::fs::write(case.project.path().join("main.hcl"), only_first).expect("edit");
    let id = named(&case, "Close the call").await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let hold = Hold::arm(
        &case.emulator.base_url(),
        "GET",
        &format!("{CHECKLISTS}/{id}"),
        Stage::Before,
    )
    .await;
    let apply = {
        let case = &case;
        async move { case.apply(&[]).await }
    };
    let edit = async {
        hold.caught().await;
        console_edit(&case, "Close the call", "Still in use").await;
        hold.release().await;
    };
    let (apply, ()) = tokio::join!(apply, edit);
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    named(&case, "Still in use").await;
    // Planned again, with the edit in view, the delete goes ahead.
    let again = case.apply(&[]).await;
    assert_eq!(again.code, 0, "{}", again.transcript());
    assert_eq!(checklists(&case).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn import_all_round_trips() {
    let case = Case::new(EXAMPLE).await;
    assert_eq!(case.apply(&[]).await.code, 0);
    std::fs::remove_dir_all(case.project.path().join("state")).expect("forget the state");
    std::fs::remove_file(case.project.path().join("main.hcl")).expect("forget the config");
    let import = case
        .run(&["import", "--all", "--out", "imported.hcl"])
        .await;
    assert_eq!(import.code, 0, "{}", import.transcript());
    let written = case.project.read("imported.hcl");
    assert!(
        written.contains("agent_checklist \"verify_the_caller\""),
        "{written}"
    );
    assert!(
        written.contains("automated_check_enabled = true"),
        "{written}"
    );
    let plan = case.plan(&[]).await;
    assert!(
        plan.stdout
            .contains("Plan: 2 to import, 0 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.transcript()
    );
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let plan = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
}
