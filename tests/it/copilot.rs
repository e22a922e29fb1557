//! Assistants, their queues and their copilots against the emulator, as a user
//! runs them: references across kinds, whole-object writes that keep what
//! assistform does not manage, no version (so every write is guarded by reading
//! again), one assistant per queue, exactly-once creates.

use assistform::emulator::{ClientGrant, EmulatorOptions};
use serde_json::{Value, json};

use crate::console::Console;
use crate::hold::{Hold, Stage};
use crate::org::Case;

const EXAMPLE: &str = include_str!("../../examples/copilot/main.hcl");
pub(crate) const ASSISTANTS: &str = "/api/v2/assistants";
const CHECKLISTS: &str = "/api/v2/assistants/agentchecklists";
const COPILOT_PUT: &str = "PUT /api/v2/assistants/{assistantId}/copilot";

/// The example's queues, as its variables default them.
fn example_queue(name: &str) -> String {
    let var = format!("variable \"{name}\"");
    let after = EXAMPLE.split(&var).nth(1).expect("the variable");
    let default = after.split("default").nth(1).expect("a default");
    default
        .split('"')
        .nth(1)
        .expect("a quoted default")
        .to_owned()
}

impl Console {
    pub(crate) async fn assistants(&self) -> Vec<Value> {
        let (status, page) = self
            .call(
                reqwest::Method::GET,
                &format!("{ASSISTANTS}?pageSize=200&expand=copilot"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{page}");
        page["entities"].as_array().expect("entities").clone()
    }

    pub(crate) async fn assistant_id(&self, name: &str) -> String {
        self.assistant_named(name).await["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    pub(crate) async fn assistant_named(&self, name: &str) -> Value {
        let found: Vec<Value> = self
            .assistants()
            .await
            .into_iter()
            .filter(|a| a["name"] == name)
            .collect();
        assert_eq!(found.len(), 1, "one assistant named {name}: {found:?}");
        found[0].clone()
    }

    /// Which assistant serves each queue, by queue id.
    pub(crate) async fn bindings(&self) -> Vec<(String, String)> {
        let (status, page) = self
            .call(
                reqwest::Method::GET,
                &format!("{ASSISTANTS}/queues?pageSize=200&expand=assistant"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{page}");
        let mut out: Vec<(String, String)> = page["entities"]
            .as_array()
            .expect("entities")
            .iter()
            .map(|b| {
                (
                    b["id"].as_str().expect("queue id").to_owned(),
                    b["assistant"]["name"].as_str().unwrap_or("?").to_owned(),
                )
            })
            .collect();
        out.sort();
        out
    }

    pub(crate) async fn copilot(&self, assistant: &str) -> Value {
        let (status, copilot) = self
            .call(
                reqwest::Method::GET,
                &format!("{ASSISTANTS}/{assistant}/copilot"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{copilot}");
        copilot
    }

    pub(crate) async fn put_copilot(&self, assistant: &str, copilot: Value) {
        let (status, body) = self
            .call(
                reqwest::Method::PUT,
                &format!("{ASSISTANTS}/{assistant}/copilot"),
                Some(copilot),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }

    pub(crate) async fn checklists(&self) -> Vec<Value> {
        let (status, page) = self
            .call(
                reqwest::Method::GET,
                &format!("{CHECKLISTS}?pageSize=100"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{page}");
        page["entities"].as_array().expect("entities").clone()
    }

    pub(crate) async fn rename_assistant(&self, id: &str, name: &str) {
        let (status, body) = self
            .call(
                reqwest::Method::PATCH,
                &format!("{ASSISTANTS}/{id}"),
                Some(json!({"name": name})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }

    /// An assistant made in the console, serving `queues`.
    pub(crate) async fn outside_assistant(&self, name: &str, queues: &[&str]) -> String {
        let (status, made) = self
            .call(
                reqwest::Method::POST,
                ASSISTANTS,
                Some(json!({"name": name, "transcriptionConfig": {"vendorName": "Genesys"}})),
            )
            .await;
        assert_eq!(status, 200, "{made}");
        let id = made["id"].as_str().expect("id").to_owned();
        let bind: Vec<Value> = queues
            .iter()
            .map(|q| json!({"id": q, "mediaTypes": ["Call"]}))
            .collect();
        let (status, body) = self
            .call(
                reqwest::Method::PATCH,
                &format!("{ASSISTANTS}/{id}/queues"),
                Some(Value::Array(bind)),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        id
    }
}

pub(crate) async fn stats(case: &Case) -> Value {
    assistform::remote::install_crypto_provider();
    reqwest::get(format!("{}/__emulator/stats", case.emulator.base_url()))
        .await
        .expect("stats")
        .json()
        .await
        .expect("stats json")
}

/// The write requests served since `before` was read, by endpoint.
pub(crate) fn writes_since(before: &Value, after: &Value) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for (endpoint, n) in after["endpoints"].as_object().expect("endpoints") {
        if endpoint.starts_with("GET ")
            || endpoint.starts_with("POST /oauth")
            || endpoint.ends_with("/query")
        {
            continue;
        }
        let was = before["endpoints"][endpoint].as_u64().unwrap_or(0);
        let now = n.as_u64().unwrap_or(0);
        if now > was {
            out.push((endpoint.clone(), now - was));
        }
    }
    out
}

pub(crate) fn write(case: &Case, config: &str) {
    std::fs::write(case.project.path().join("main.hcl"), config).expect("config");
}

pub(crate) async fn no_changes(case: &Case) {
    let plan = case.plan(&["--detailed-exitcode"]).await;
    assert_eq!(
        (plan.code, plan.stdout.as_str()),
        (0, "No changes.\n"),
        "{}",
        plan.transcript()
    );
}

async fn applied_example() -> (Case, Console) {
    let case = Case::new(EXAMPLE).await;
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let console = Console::of(&case).await;
    (case, console)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_example_applies_with_its_references_filled_and_then_has_no_changes() {
    let case = Case::new(EXAMPLE).await;
    let plan = case.plan(&[]).await;
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(
        plan.stdout
            .contains("Plan: 5 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let console = Console::of(&case).await;
    let assistant = console.assistant_named("Support assistant").await;
    let id = assistant["id"].as_str().expect("id");
    let copilot = console.copilot(id).await;
    assert_eq!(copilot["liveOnQueue"], true);
    let rules = copilot["ruleEngineConfig"]["rules"]
        .as_array()
        .expect("rules");
    let rule = |label: &str| {
        rules
            .iter()
            .find(|r| r["id"] == label)
            .unwrap_or_else(|| panic!("rule {label}: {copilot}"))
    };
    let checklist = console.checklists().await[0]["id"].clone();
    assert_eq!(
        rule("greet")["rule"]["actions"][0]["attributes"]["checklistId"],
        checklist,
        "the rule points at the checklist made first"
    );
    let response = rule("cancel")["rule"]["actions"][0]["attributes"]["responseId"]
        .as_str()
        .expect("a response id")
        .to_owned();
    assert!(!response.is_empty() && !response.contains("assistform"));
    let queues = console.bindings().await;
    assert_eq!(
        queues,
        [
            (
                example_queue("billing_queue_id"),
                "Support assistant".to_owned()
            ),
            (
                example_queue("support_queue_id"),
                "Support assistant".to_owned()
            ),
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
    no_changes(&case).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_one_rule_is_one_put_that_keeps_what_assistform_does_not_manage() {
    let (case, console) = applied_example().await;
    let id = console.assistant_id("Support assistant").await;
    // A field the copilot holds that assistform does not manage, set in the console.
    let mut copilot = console.copilot(&id).await;
    copilot["summaryGenerationConfig"] = json!({"enabled": true, "mode": "auto"});
    copilot["someFutureField"] = json!({"kept": [1, 2, 3]});
    console.put_copilot(&id, copilot).await;
    no_changes(&case).await;

    write(
        &case,
        &EXAMPLE.replace(
            "[\"cancel subscription\"]",
            "[\"cancel subscription\", \"close account\"]",
        ),
    );
    let plan = case.plan(&[]).await;
    assert!(
        plan.stdout
            .contains("copilot.support will be updated in-place")
            && plan
                .stdout
                .contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    let before = stats(&case).await;
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    assert_eq!(
        writes_since(&before, &stats(&case).await),
        [(COPILOT_PUT.to_owned(), 1)]
    );
    let now = console.copilot(&id).await;
    assert_eq!(now["someFutureField"], json!({"kept": [1, 2, 3]}));
    assert_eq!(now["summaryGenerationConfig"]["mode"], "auto");
    let cancel = now["ruleEngineConfig"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "cancel")
        .expect("the rule")
        .clone();
    assert_eq!(
        cancel["rule"]["conditions"][0]["conditionValues"],
        json!(["cancel subscription", "close account"])
    );
    no_changes(&case).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn console_edits_after_plan_out_make_the_saved_plan_stale_and_survive() {
    let (case, console) = applied_example().await;
    write(
        &case,
        &EXAMPLE
            .replace("[\"cancel subscription\"]", "[\"cancel my subscription\"]")
            .replace("Greet the customer by name", "Greet the customer")
            .replace("name = \"Support assistant\"", "name = \"Support\""),
    );
    let plan = case.plan(&["--out", "tfplan"]).await;
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    let assistant = console.assistant_named("Support assistant").await;
    let id = assistant["id"].as_str().expect("id").to_owned();
    let mut copilot = console.copilot(&id).await;
    copilot["liveOnQueue"] = json!(false);
    console.put_copilot(&id, copilot).await;
    console.rename_assistant(&id, "Support (console)").await;
    let mut checklist = console.checklists().await[0].clone();
    checklist["name"] = json!("Greet (console)");
    let checklist_id = checklist["id"].as_str().expect("id").to_owned();
    let (status, body) = console
        .call(
            reqwest::Method::PUT,
            &format!("{CHECKLISTS}/{checklist_id}"),
            Some(checklist),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let apply = case.run(&["apply", "tfplan"]).await;
    assert_eq!(apply.code, 1, "{}", apply.transcript());
    for address in [
        "copilot.support",
        "assistant.support",
        "agent_checklist.greeting",
    ] {
        assert!(
            apply.stderr.contains(&format!("`{address}`"))
                && apply.stderr.contains("since the plan"),
            "{address}: {}",
            apply.stderr
        );
    }
    assert_eq!(console.copilot(&id).await["liveOnQueue"], false);
    console.assistant_named("Support (console)").await;
    assert_eq!(console.checklists().await[0]["name"], "Greet (console)");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edit_landing_during_apply_is_refused_and_survives() {
    let (case, console) = applied_example().await;
    let id = console.assistant_id("Support assistant").await;
    let base = case.emulator.base_url();
    // Apply reads each object right before it writes; each edit lands while
    // that read is parked, so the read sees it. First the copilot, then the
    // assistant.
    let cases = [
        (
            EXAMPLE.replace("[\"cancel subscription\"]", "[\"cancel my subscription\"]"),
            format!("{ASSISTANTS}/{id}/copilot"),
        ),
        (
            EXAMPLE.replace("name = \"Support assistant\"", "name = \"Support\""),
            format!("{ASSISTANTS}/{id}"),
        ),
    ];
    for (config, read) in cases {
        write(&case, &config);
        let hold = Hold::arm(&base, "GET", &read, Stage::Before).await;
        let apply = {
            let case = &case;
            async move { case.apply(&["--parallelism", "1"]).await }
        };
        let edit = async {
            hold.caught().await;
            if read.ends_with("/copilot") {
                let mut copilot = console.copilot(&id).await;
                copilot["liveOnQueue"] = json!(false);
                console.put_copilot(&id, copilot).await;
            } else {
                console.rename_assistant(&id, "Support (console)").await;
            }
            hold.release().await;
        };
        let (apply, ()) = tokio::join!(apply, edit);
        assert_eq!(apply.code, 1, "{read}: {}", apply.transcript());
        assert!(
            apply
                .transcript()
                .contains("no longer holds what the plan read; nothing was sent"),
            "{read}: {}",
            apply.transcript()
        );
    }
    let copilot = console.copilot(&id).await;
    assert_eq!(copilot["liveOnQueue"], false, "the console's edit stays");
    let rules = copilot["ruleEngineConfig"]["rules"].to_string();
    assert!(rules.contains("\"cancel subscription\""), "{rules}");
    console.assistant_named("Support (console)").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn removing_blocks_resets_the_copilot_first_and_deletes_what_it_pointed_at_after() {
    let (case, console) = applied_example().await;
    let id = console.assistant_id("Support assistant").await;
    let head = EXAMPLE
        .split("canned_response \"cancel_offer\"")
        .next()
        .expect("head");
    let assistant = EXAMPLE
        .split("assistant \"support\"")
        .nth(1)
        .and_then(|rest| rest.split("copilot \"support\"").next())
        .expect("the assistant block");
    write(&case, &format!("{head}assistant \"support\"{assistant}"));
    let plan = case.plan(&[]).await;
    assert!(
        plan.stdout
            .contains("copilot.support will be reset: no rules, not live on its queues"),
        "{}",
        plan.stdout
    );
    let apply = case.apply(&["--parallelism", "1"]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let copilot = console.copilot(&id).await;
    assert_eq!(copilot["liveOnQueue"], false);
    assert_eq!(copilot["ruleEngineConfig"]["rules"], json!([]));
    assert_eq!(copilot["defaultLanguage"], "en-US", "its language stays");
    assert!(console.checklists().await.is_empty());
    // The audit record of the last run tells the order: the copilot let go of
    // them first.
    let audit = case.project.run(&["audit", "show"]);
    let last_run = &audit.stdout[audit.stdout.rfind("run_started").expect("a run")..];
    let position = |address: &str| {
        last_run
            .find(address)
            .unwrap_or_else(|| panic!("{address}: {}", audit.stdout))
    };
    assert!(
        position("copilot.support") < position("agent_checklist.greeting")
            && position("copilot.support") < position("canned_response.cancel_offer"),
        "{}",
        audit.stdout
    );
    no_changes(&case).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_queue_an_outside_assistant_serves_is_refused_until_the_block_takes_it_over() {
    let case = Case::new(EXAMPLE).await;
    let console = Console::of(&case).await;
    let support = example_queue("support_queue_id");
    console.outside_assistant("Legacy bot", &[&support]).await;

    let plan = case.plan(&[]).await;
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(
        plan.stderr.contains(&format!(
            "queue `{support}` is served by assistant \"Legacy bot\""
        )) && plan.stderr.contains("take_over = true"),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stderr.contains("main.hcl:"),
        "names where: {}",
        plan.stderr
    );

    write(
        &case,
        &EXAMPLE.replacen(
            "id          = var.support_queue_id",
            "id          = var.support_queue_id\n    take_over   = true",
            1,
        ),
    );
    let plan = case.plan(&[]).await;
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(
        plan.stdout.contains("Warning:")
            && plan.stdout.contains(&format!(
                "takes queue `{support}` from assistant \"Legacy bot\""
            )),
        "{}",
        plan.stdout
    );
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let served: Vec<(String, String)> = console.bindings().await;
    assert!(
        served.contains(&(support.clone(), "Support assistant".to_owned())),
        "{served:?}"
    );
    assert!(
        !served.iter().any(|(_, who)| who == "Legacy bot"),
        "{served:?}"
    );
    no_changes(&case).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn moving_a_queue_between_managed_assistants_is_one_patch_and_no_delete() {
    let support = example_queue("support_queue_id");
    let billing = example_queue("billing_queue_id");
    let config = |second: &str| {
        format!(
            "assistant \"front\" {{\n  name = \"Front desk\"\n  queue {{\n    id          = \"{support}\"\n    media_types = [\"Call\"]\n  }}\n{second}}}\n\nassistant \"back\" {{\n  name = \"Back office\"\n}}\n"
        )
    };
    let moved = |first: &str| {
        format!(
            "assistant \"front\" {{\n  name = \"Front desk\"\n  queue {{\n    id          = \"{support}\"\n    media_types = [\"Call\"]\n  }}\n}}\n\nassistant \"back\" {{\n  name = \"Back office\"\n{first}}}\n"
        )
    };
    let billing_queue = format!(
        "  queue {{\n    id          = \"{billing}\"\n    media_types = [\"Message\"]\n  }}\n"
    );
    let case = Case::new(&config(&billing_queue)).await;
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());

    write(&case, &moved(&billing_queue));
    let before = stats(&case).await;
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let writes = writes_since(&before, &stats(&case).await);
    assert!(
        writes
            .iter()
            .any(|(e, n)| e.starts_with("PATCH ") && e.ends_with("/queues") && *n == 1)
            && !writes.iter().any(|(e, _)| e.starts_with("DELETE ")),
        "{writes:?}"
    );
    let console = Console::of(&case).await;
    let served = console.bindings().await;
    assert!(
        served.contains(&(billing.clone(), "Back office".to_owned())),
        "{served:?}"
    );
    assert!(
        served.contains(&(support.clone(), "Front desk".to_owned())),
        "{served:?}"
    );
    no_changes(&case).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_assistants_claiming_one_queue_is_a_diagnostic() {
    let config = "assistant \"a\" {\n  name = \"A\"\n  queue {\n    id          = \"q-1\"\n    media_types = [\"Call\"]\n  }\n}\n\nassistant \"b\" {\n  name = \"B\"\n  queue {\n    id          = \"q-1\"\n    media_types = [\"Message\"]\n  }\n}\n";
    let case = Case::new(config).await;
    let run = case.project.run(&["validate", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr
            .contains("queue `q-1` is bound by two assistants")
            && run.stderr.contains("queue.duplicate"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_a_copilot_language_is_a_plan_error_not_a_write() {
    let (case, _console) = applied_example().await;
    write(
        &case,
        &EXAMPLE.replace(
            "default_language = \"en-US\"",
            "default_language = \"es-ES\"",
        ),
    );
    let before = stats(&case).await;
    let plan = case.plan(&[]).await;
    assert_eq!(plan.code, 1, "{}", plan.transcript());
    assert!(
        plan.stderr
            .contains("`default_language` cannot change from \"en-US\" to \"es-ES\""),
        "{}",
        plan.stderr
    );
    assert!(writes_since(&before, &stats(&case).await).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_without_copilot_edit_is_told_which_permission_it_lacks() {
    let mut permissions: Vec<String> = [
        "assistants:assistant:view",
        "assistants:assistant:add",
        "assistants:assistant:edit",
        "assistants:queue:view",
        "assistants:queue:edit",
        "assistants:copilot:view",
        "assistants:agentchecklist:view",
        "assistants:agentchecklist:add",
        "responses:library:view",
        "responses:library:add",
        "responses:response:view",
        "responses:response:add",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    permissions.sort();
    let options = EmulatorOptions {
        clients: vec![ClientGrant {
            id: "no-copilot".into(),
            secret: "no-copilot-secret".into(),
            permissions,
        }],
        ..EmulatorOptions::default()
    };
    let case = Case::with_options(EXAMPLE, options).await;
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
            ("GENESYSCLOUD_OAUTHCLIENT_ID", "no-copilot"),
            ("GENESYSCLOUD_OAUTHCLIENT_SECRET", "no-copilot-secret"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.transcript().contains("assistants:copilot:edit"),
        "{}",
        run.transcript()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn creates_whose_answers_are_lost_in_killed_runs_exist_once_after_the_next_apply() {
    let case = Case::new(EXAMPLE).await;
    let base = case.emulator.base_url();
    // First the checklist's create is processed and its answer held as the run
    // dies; then, in the next run, the assistant's.
    for path in [CHECKLISTS, ASSISTANTS] {
        let hold = Hold::arm(&base, "POST", path, Stage::After).await;
        let mut child = case.spawn_apply(&["--parallelism", "1"]);
        hold.caught().await;
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        hold.drop_connection().await;
    }
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    let console = Console::of(&case).await;
    assert_eq!(console.checklists().await.len(), 1, "one checklist");
    let assistants = console.assistants().await;
    assert_eq!(assistants.len(), 1, "one assistant: {assistants:?}");
    let state = assistform::state::read(&case.project.path().join("state"))
        .expect("state")
        .expect("a state");
    assert_eq!(state.resources.len(), 5, "every object is in the state");
    assert_eq!(
        state
            .resources
            .iter()
            .find(|(a, _)| a.kind() == "assistant")
            .map(|(_, r)| r.id.as_str()),
        assistants[0]["id"].as_str()
    );
    assert_eq!(console.bindings().await.len(), 2, "its queues are bound");
    no_changes(&case).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn import_all_writes_references_between_the_new_kinds_and_round_trips() {
    let (case, console) = applied_example().await;
    let id = console.assistant_id("Support assistant").await;
    // A rule set in the console that points at a checklist no import holds.
    let mut copilot = console.copilot(&id).await;
    copilot["ruleEngineConfig"]["rules"]
        .as_array_mut()
        .expect("rules")
        .push(json!({"id": "wrap", "enabled": true, "rule": {
            "conditions": [{"conditionType": "ConversationEnd", "conditionValues": []}],
            "actions": [{"actionType": "Checklist", "attributes": {"checklistId": "checklist-elsewhere"}}],
        }}));
    console.put_copilot(&id, copilot).await;
    std::fs::remove_dir_all(case.project.path().join("state")).expect("forget the state");
    std::fs::remove_file(case.project.path().join("main.hcl")).expect("forget the config");

    let import = case
        .run(&["import", "--all", "--out", "imported.hcl"])
        .await;
    assert_eq!(import.code, 0, "{}", import.transcript());
    let written = case.project.read("imported.hcl");
    for expected in [
        "copilot \"support_assistant\"",
        "assistant_id     = assistant.support_assistant.id",
        "checklistId = agent_checklist.greet_and_verify.id",
        "responseId = canned_response.before_you_cancel.id",
        "checklistId = \"checklist-elsewhere\" # agent_checklist not in this import",
        "rule \"greet\"",
    ] {
        assert!(written.contains(expected), "{expected}:\n{written}");
    }
    let plan = case.plan(&[]).await;
    assert!(
        plan.stdout
            .contains("Plan: 5 to import, 0 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.transcript()
    );
    let apply = case.apply(&[]).await;
    assert_eq!(apply.code, 0, "{}", apply.transcript());
    no_changes(&case).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_checklist_an_outside_copilot_uses_is_a_warning_naming_its_assistant() {
    let checklist = EXAMPLE
        .split("agent_checklist \"greeting\"")
        .nth(1)
        .and_then(|rest| rest.split("assistant \"support\"").next())
        .expect("the checklist block");
    let case = Case::new(&format!("agent_checklist \"greeting\"{checklist}")).await;
    assert_eq!(case.apply(&[]).await.code, 0);
    let console = Console::of(&case).await;
    let checklist_id = console.checklists().await[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let legacy = console.outside_assistant("Legacy bot", &[]).await;
    console
        .put_copilot(
            &legacy,
            json!({"liveOnQueue": true, "defaultLanguage": "en-US", "ruleEngineConfig": {"rules": [{
                "id": "start", "enabled": true, "rule": {
                    "conditions": [{"conditionType": "ConversationStart", "conditionValues": []}],
                    "actions": [{"actionType": "Checklist", "attributes": {"checklistId": checklist_id}}],
                }}]}}),
        )
        .await;
    write(&case, "");
    let plan = case.plan(&[]).await;
    assert_eq!(plan.code, 0, "{}", plan.transcript());
    assert!(
        plan.stdout.contains(&format!(
            "Warning: `agent_checklist.greeting` is deleted, but the copilot of assistant \"Legacy bot\" (`{legacy}`) points at it"
        )),
        "{}",
        plan.stdout
    );
}
