//! Agent Copilot's agent checklists (GENESYS.md): create (200, or 202 when
//! switched), read, replace without versions, delete, cursor paging, filters, the
//! checks, permissions, holds, persistence and the counters.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use assistform::emulator::{ClientGrant, Emulator};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use super::responses::{create_library, ok, send};
use super::{Emu, EmulatorOptions, client, error_body, options};
use crate::hold::{Hold, Stage};

const CHECKLISTS: &str = "/api/v2/assistants/agentchecklists";

/// A valid checklist body named `name`.
fn checklist(name: &str) -> Value {
    json!({
        "name": name,
        "language": "en-US",
        "checklistItems": [
            {"name": "Greet the customer", "description": "By name", "important": true},
            {"name": "Verify the account", "automatedCheckEnabled": true, "exactPhraseMatch": false},
        ],
    })
}

async fn create(emu: &Emu, body: &Value) -> Value {
    ok(send(emu, Method::POST, CHECKLISTS, body).await).await
}

fn id(object: &Value) -> String {
    object["id"].as_str().expect("an id").to_owned()
}

fn ids(page: &Value) -> Vec<String> {
    page["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(id)
        .collect()
}

fn grant(id: &str, permissions: &[&str]) -> ClientGrant {
    ClientGrant {
        id: id.into(),
        secret: format!("{id}-secret"),
        permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
    }
}

async fn token(emu: &Emu, id: &str) -> String {
    let answer = emu
        .http
        .post(emu.url("/oauth/token"))
        .basic_auth(id, Some(format!("{id}-secret")))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("answered");
    ok(answer).await["access_token"]
        .as_str()
        .expect("a token")
        .to_owned()
}

/// `method path` as the client holding `token`.
async fn as_client(emu: &Emu, token: &str, method: Method, path: &str, body: &Value) -> Response {
    let request = emu.http.request(method, emu.url(path)).bearer_auth(token);
    let request = if body.is_null() {
        request
    } else {
        request.json(body)
    };
    request.send().await.expect("answered")
}

async fn delete(emu: &Emu, path: &str) -> Response {
    emu.api(Method::DELETE, path)
        .send()
        .await
        .expect("answered")
}

#[tokio::test]
async fn a_checklist_is_created_read_replaced_without_a_version_and_deleted() {
    let emu = Emu::with(EmulatorOptions {
        clients: vec![grant("editor", &["assistants:agentchecklist:*"])],
        ..options()
    })
    .await;
    let mut sent = checklist("Greeting");
    for (field, value) in [
        ("id", json!("mine")),
        ("version", json!(4)),
        ("selfUri", json!("/elsewhere")),
        ("dateCreated", json!("2001-01-01T00:00:00.000Z")),
        ("createdBy", json!({"id": "someone"})),
    ] {
        sent[field] = value;
    }
    sent["checklistItems"][0]["id"] = json!("item-mine");
    let created = create(&emu, &sent).await;
    let checklist_id = id(&created);
    assert!(uuid::Uuid::parse_str(&checklist_id).is_ok(), "{created}");
    assert_eq!(created["name"], "Greeting");
    assert_eq!(created["language"], "en-US");
    assert_eq!(created["createdBy"], json!({"id": "test-client"}));
    assert_eq!(created["modifiedBy"], json!({"id": "test-client"}));
    assert_eq!(created["dateModified"], created["dateCreated"]);
    assert_ne!(created["dateCreated"], "2001-01-01T00:00:00.000Z");
    let path = format!("{CHECKLISTS}/{checklist_id}");
    assert_eq!(created["selfUri"], path);
    assert!(created.get("version").is_none(), "no version: {created}");
    let items = created["checklistItems"].as_array().unwrap();
    let item_ids: Vec<String> = items.iter().map(id).collect();
    assert!(item_ids.iter().all(|i| uuid::Uuid::parse_str(i).is_ok()));
    assert_ne!(item_ids[0], item_ids[1]);
    assert_eq!(
        items[0],
        json!({"id": item_ids[0], "name": "Greet the customer", "description": "By name",
               "automatedCheckEnabled": false, "exactPhraseMatch": false, "important": true})
    );
    assert_eq!(
        items[1],
        json!({"id": item_ids[1], "name": "Verify the account",
               "automatedCheckEnabled": true, "exactPhraseMatch": false, "important": false})
    );
    assert_eq!(ok(emu.get(&path).await).await, created);

    // A PUT replaces the writable fields; a version, stale or not, changes nothing.
    emu.advance_clock(5_000).await;
    let editor = token(&emu, "editor").await;
    let mut edit = created.clone();
    edit["name"] = json!("Greeting, shorter");
    edit["language"] = json!("fr-FR");
    edit["checklistItems"] = json!([{"id": item_ids[0], "name": "Saluer"}]);
    edit["version"] = json!(1);
    for round in 0..2 {
        let replaced = ok(as_client(&emu, &editor, Method::PUT, &path, &edit).await).await;
        assert_eq!(replaced["name"], "Greeting, shorter", "round {round}");
        assert_eq!(replaced["language"], "fr-FR");
        let items = replaced["checklistItems"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["name"], "Saluer");
        assert!(
            items[0].get("description").is_none(),
            "replaced: {replaced}"
        );
        assert_eq!(items[0]["important"], false);
        assert_eq!(replaced["createdBy"], json!({"id": "test-client"}));
        assert_eq!(replaced["modifiedBy"], json!({"id": "editor"}));
        assert_eq!(replaced["dateCreated"], created["dateCreated"]);
        assert_ne!(replaced["dateModified"], created["dateModified"]);
        assert!(replaced.get("version").is_none());
        assert_eq!(ok(emu.get(&path).await).await, replaced);
    }

    assert_eq!(delete(&emu, &path).await.status(), StatusCode::NO_CONTENT);
    let gone = error_body(emu.get(&path).await, 404, "not.found").await;
    assert!(
        gone["message"].as_str().unwrap().contains(&checklist_id),
        "{gone}"
    );
    error_body(delete(&emu, &path).await, 404, "not.found").await;
    // An unknown id is a 404 whatever the body holds.
    let missing = send(&emu, Method::PUT, &path, &json!({})).await;
    error_body(missing, 404, "not.found").await;
}

#[tokio::test]
async fn creation_answers_202_with_an_empty_object_when_switched_and_still_creates() {
    let emu = Emu::start().await;
    let switched = emu
        .admin("/__emulator/checklists", &json!({"create_status": 202}))
        .await;
    assert_eq!(ok(switched).await, json!({"create_status": 202}));
    let accepted = send(&emu, Method::POST, CHECKLISTS, &checklist("Accepted")).await;
    assert_eq!(accepted.status(), StatusCode::ACCEPTED);
    assert_eq!(accepted.json::<Value>().await.unwrap(), json!({}));
    let listed = ok(emu.get(CHECKLISTS).await).await;
    assert_eq!(listed["entities"][0]["name"], "Accepted");
    let path = format!("{CHECKLISTS}/{}", id(&listed["entities"][0]));
    assert_eq!(ok(emu.get(&path).await).await, listed["entities"][0]);
    // A refused body is refused whatever the switch says.
    let refused = send(&emu, Method::POST, CHECKLISTS, &json!({"name": "N"})).await;
    error_body(refused, 400, "bad.request").await;

    let bad = emu
        .admin("/__emulator/checklists", &json!({"create_status": 201}))
        .await;
    let body = error_body(bad, 400, "bad.request").await;
    assert_eq!(body["messageParams"]["field"], "create_status");
    let read = emu.admin("/__emulator/checklists", &json!({})).await;
    assert_eq!(ok(read).await, json!({"create_status": 202}));
    let reset = emu.admin("/__emulator/reset", &json!({})).await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    create(&emu, &checklist("After the reset")).await;

    let started = Emu::with(EmulatorOptions {
        checklist_create_status: 202,
        ..options()
    })
    .await;
    let accepted = send(&started, Method::POST, CHECKLISTS, &checklist("A")).await;
    assert_eq!(accepted.status(), StatusCode::ACCEPTED);
    let refused = Emulator::start(EmulatorOptions {
        checklist_create_status: 201,
        ..options()
    })
    .await
    .unwrap_err();
    assert!(
        refused.to_string().contains("checklist_create_status"),
        "{refused}"
    );
}

#[tokio::test]
async fn thirty_checklists_page_by_cursor_ten_at_a_time() {
    let emu = Emu::start().await;
    let mut all = Vec::new();
    for i in 0..30 {
        all.push(id(
            &create(&emu, &checklist(&format!("Checklist {i:02}"))).await
        ));
    }
    all.sort();

    let first = ok(emu.get(&format!("{CHECKLISTS}?pageSize=10")).await).await;
    for absent in ["total", "pageCount", "pageNumber", "previousUri"] {
        assert!(first.get(absent).is_none(), "{absent} in {first}");
    }
    assert_eq!(first["selfUri"], format!("{CHECKLISTS}?pageSize=10"));
    let mut pages = vec![first];
    while let Some(next) = pages.last().unwrap()["nextUri"].as_str().map(str::to_owned) {
        assert!(
            next.starts_with(&format!("{CHECKLISTS}?pageSize=10&after=")),
            "{next}"
        );
        assert!(pages.len() < 3, "a page too many: {next}");
        let page = ok(emu.get(&next).await).await;
        assert_eq!(page["selfUri"], next);
        pages.push(page);
    }
    assert_eq!(pages.len(), 3);
    let listed: Vec<String> = pages.iter().flat_map(ids).collect();
    assert_eq!(listed, all, "every checklist once, by id");
    assert!(pages[2].get("nextUri").is_none());

    let back = pages[2]["previousUri"].as_str().unwrap().to_owned();
    assert_eq!(ids(&ok(emu.get(&back).await).await), ids(&pages[1]));
    let default = ok(emu.get(CHECKLISTS).await).await;
    assert_eq!(ids(&default), all[..25]);
    let most = ok(emu.get(&format!("{CHECKLISTS}?pageSize=100")).await).await;
    assert_eq!(ids(&most), all);
    assert!(most.get("nextUri").is_none());

    // A cursor stays good when the checklist it names is gone.
    let next = pages[0]["nextUri"].as_str().unwrap().to_owned();
    assert_eq!(
        delete(&emu, &format!("{CHECKLISTS}/{}", all[9]))
            .await
            .status(),
        204
    );
    assert_eq!(ids(&ok(emu.get(&next).await).await), ids(&pages[1]));

    for (query, parameter) in [
        ("pageSize=101", "pageSize"),
        ("pageSize=0", "pageSize"),
        ("pageSize=ten", "pageSize"),
        ("after=not-a-cursor", "after"),
        ("sortBy=color", "sortBy"),
        ("sortOrder=up", "sortOrder"),
    ] {
        let refused = emu.get(&format!("{CHECKLISTS}?{query}")).await;
        let body = error_body(refused, 400, "bad.request").await;
        assert_eq!(body["messageParams"]["parameter"], parameter, "{query}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains(&format!("`{parameter}`")),
            "{body}"
        );
    }
}

#[tokio::test]
async fn name_prefix_language_ids_and_sorting_shape_the_listing() {
    let emu = Emu::start().await;
    let mut by_name = std::collections::BTreeMap::new();
    for (name, language) in [
        ("Greeting A", "en-US"),
        ("greeting b", "fr-FR"),
        ("GREETING c", "en-US"),
        ("Closing", "en-US"),
    ] {
        let mut body = checklist(name);
        body["language"] = json!(language);
        by_name.insert(name, id(&create(&emu, &body).await));
    }
    let names = |page: &Value| -> Vec<String> {
        page["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let greetings = ok(emu
        .get(&format!(
            "{CHECKLISTS}?namePrefix=greet&sortBy=name&pageSize=2"
        ))
        .await)
    .await;
    assert_eq!(names(&greetings), ["Greeting A", "greeting b"]);
    let next = greetings["nextUri"].as_str().unwrap();
    assert!(
        next.starts_with(&format!(
            "{CHECKLISTS}?namePrefix=greet&sortBy=name&pageSize=2&after="
        )),
        "{next}"
    );
    assert_eq!(names(&ok(emu.get(next).await).await), ["GREETING c"]);
    // A cursor made for one order is refused by another.
    let after = next.split("after=").nth(1).unwrap();
    let foreign = emu
        .get(&format!("{CHECKLISTS}?sortBy=language&after={after}"))
        .await;
    let body = error_body(foreign, 400, "bad.request").await;
    assert_eq!(body["messageParams"]["parameter"], "after");

    let french = ok(emu.get(&format!("{CHECKLISTS}?language=fr-FR")).await).await;
    assert_eq!(names(&french), ["greeting b"]);
    let exact = ok(emu.get(&format!("{CHECKLISTS}?language=fr-fr")).await).await;
    assert!(names(&exact).is_empty(), "language matches exactly");
    let descending = ok(emu
        .get(&format!("{CHECKLISTS}?sortBy=name&sortOrder=desc"))
        .await)
    .await;
    assert_eq!(
        names(&descending),
        ["GREETING c", "greeting b", "Greeting A", "Closing"]
    );
    let chosen = format!(
        "{CHECKLISTS}?agentChecklistIds={},{}",
        by_name["Closing"], by_name["greeting b"]
    );
    let mut chosen_ids = ids(&ok(emu.get(&chosen).await).await);
    chosen_ids.sort();
    let mut expected = vec![by_name["Closing"].clone(), by_name["greeting b"].clone()];
    expected.sort();
    assert_eq!(chosen_ids, expected);
    let mixed = emu.get(&format!("{chosen}&namePrefix=C")).await;
    let body = error_body(mixed, 400, "bad.request").await;
    assert_eq!(body["messageParams"]["parameter"], "agentChecklistIds");
}

#[tokio::test]
async fn invalid_bodies_are_refused_naming_the_field_and_store_nothing() {
    let emu = Emu::start().await;
    let valid = checklist("Valid");
    let without = |field: &str| {
        let mut body = valid.clone();
        body.as_object_mut().unwrap().remove(field);
        body
    };
    let mut nameless_item = valid.clone();
    nameless_item["checklistItems"][1] = json!({"description": "no name"});
    let mut empty = valid.clone();
    empty["checklistItems"] = json!([]);
    let mut mistyped = valid.clone();
    mistyped["checklistItems"][0]["important"] = json!("yes");
    let cases = [
        (without("name"), "name", "required.field.missing"),
        (without("language"), "language", "required.field.missing"),
        (
            without("checklistItems"),
            "checklistItems",
            "required.field.missing",
        ),
        (empty, "checklistItems", "required.field.missing"),
        (
            nameless_item,
            "checklistItems[1].name",
            "required.field.missing",
        ),
        (mistyped, "checklistItems[0].important", "invalid.value"),
    ];
    let stored = create(&emu, &valid).await;
    let path = format!("{CHECKLISTS}/{}", id(&stored));
    for (body, field, code) in cases {
        for (method, target) in [(Method::POST, CHECKLISTS), (Method::PUT, path.as_str())] {
            let refused = send(&emu, method.clone(), target, &body).await;
            let error = error_body(refused, 400, "bad.request").await;
            let message = error["message"].as_str().unwrap();
            assert!(
                message.contains(&format!("`{field}`")),
                "{method} {field}: {message}"
            );
            assert_eq!(error["messageParams"]["field"], field);
            assert_eq!(error["errors"][0]["code"], code, "{error}");
        }
    }
    let everything = send(&emu, Method::POST, CHECKLISTS, &json!({})).await;
    let error = error_body(everything, 400, "bad.request").await;
    assert_eq!(error["errors"].as_array().unwrap().len(), 3, "{error}");
    let listed = ok(emu.get(CHECKLISTS).await).await;
    assert_eq!(ids(&listed), [id(&stored)], "nothing refused was stored");
    assert_eq!(ok(emu.get(&path).await).await, stored);
}

#[tokio::test]
async fn a_client_without_the_edit_permission_is_refused_with_it_named() {
    let emu = Emu::with(EmulatorOptions {
        clients: vec![grant(
            "author",
            &[
                "assistants:agentchecklist:view",
                "assistants:agentchecklist:add",
            ],
        )],
        ..options()
    })
    .await;
    let author = token(&emu, "author").await;
    let created =
        ok(as_client(&emu, &author, Method::POST, CHECKLISTS, &checklist("Mine")).await).await;
    assert_eq!(created["createdBy"], json!({"id": "author"}));
    let path = format!("{CHECKLISTS}/{}", id(&created));
    ok(as_client(&emu, &author, Method::GET, &path, &Value::Null).await).await;
    ok(as_client(&emu, &author, Method::GET, CHECKLISTS, &Value::Null).await).await;

    let mut edit = created.clone();
    edit["name"] = json!("Renamed");
    let refused = as_client(&emu, &author, Method::PUT, &path, &edit).await;
    let body = error_body(refused, 403, "missing.permissions").await;
    assert_eq!(
        body["message"],
        "Unable to perform the requested action. You are missing the following permission(s): assistants:agentchecklist:edit"
    );
    assert_eq!(
        body["messageParams"]["permissions"],
        "assistants:agentchecklist:edit"
    );
    let refused = as_client(&emu, &author, Method::DELETE, &path, &Value::Null).await;
    let body = error_body(refused, 403, "missing.permissions").await;
    assert_eq!(
        body["messageParams"]["permissions"],
        "assistants:agentchecklist:delete"
    );
    // The check comes before the lookup.
    let unknown = format!("{CHECKLISTS}/nothing");
    error_body(
        as_client(&emu, &author, Method::PUT, &unknown, &edit).await,
        403,
        "missing.permissions",
    )
    .await;
    assert_eq!(ok(emu.get(&path).await).await, created, "nothing changed");
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_has_still_created_the_checklist() {
    let emu = Emu::start().await;
    let hold = Hold::arm(&emu.emulator.base_url(), "POST", CHECKLISTS, Stage::After).await;
    let create = emu
        .api(Method::POST, CHECKLISTS)
        .json(&checklist("Lost"))
        .send();
    let control = async {
        assert_eq!(hold.caught().await, CHECKLISTS);
        hold.drop_connection().await;
    };
    let (answer, ()) = tokio::join!(create, control);
    assert!(answer.is_err(), "the answer was lost");
    let listed = ok(emu.get(CHECKLISTS).await).await;
    assert_eq!(listed["entities"][0]["name"], "Lost");
}

#[tokio::test]
async fn a_reset_clears_checklists_a_restart_keeps_them_and_stats_count_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.json");
    // A file from before checklists were served.
    std::fs::write(&path, br#"{"format_version": 1, "prompts": []}"#).unwrap();
    let data = || EmulatorOptions {
        data: Some(path.clone()),
        ..options()
    };
    let emu = Emu::with(data()).await;
    let library = create_library(&emu, "Beside").await;
    let kept = create(&emu, &checklist("Kept")).await;
    let one = format!("{CHECKLISTS}/{}", id(&kept));
    ok(emu.get(&one).await).await;
    error_body(
        emu.get(&format!("{CHECKLISTS}/nope")).await,
        404,
        "not.found",
    )
    .await;
    let stats = emu.stats().await;
    assert_eq!(
        stats["endpoints"],
        json!({
            "POST /oauth/token": 1,
            "POST /api/v2/responsemanagement/libraries": 1,
            "POST /api/v2/assistants/agentchecklists": 1,
            "GET /api/v2/assistants/agentchecklists/{agentChecklistId}": 2,
        })
    );
    emu.emulator.shutdown().await;

    let again = Emu::with(data()).await;
    assert_eq!(ok(again.get(&one).await).await, kept);
    let listed = ok(again.get(CHECKLISTS).await).await;
    assert_eq!(ids(&listed), [id(&kept)]);
    let fresh = create(&again, &checklist("Fresh")).await;
    assert_ne!(id(&fresh), id(&kept));
    assert_ne!(id(&fresh), id(&library));
    let reset = again.admin("/__emulator/reset", &json!({})).await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    error_body(again.get(&one).await, 404, "not.found").await;
    assert_eq!(ok(again.get(CHECKLISTS).await).await["entities"], json!([]));
    again.emulator.shutdown().await;
    let saved: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert!(saved.get("checklists").is_none(), "{saved}");
}

/// The emulator binary, stopped when dropped.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_takes_the_create_status_from_its_flag() {
    let bin = env!("CARGO_BIN_EXE_assistform");
    let start = ["emulator", "--listen", "127.0.0.1:0", "--client-id", "demo"];
    let refused = Command::new(bin)
        .args(start)
        .args([
            "--client-secret",
            "demo",
            "--checklist-create-status",
            "201",
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("--checklist-create-status"), "{stderr}");

    let mut child = Command::new(bin)
        .args(start)
        .args([
            "--client-secret",
            "demo",
            "--checklist-create-status",
            "202",
        ])
        .env_remove("ASSISTFORM_EMULATOR_CLIENT_SECRET")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let _running = Running(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    let http = client();
    let token: Value = http
        .post(format!("{base}/oauth/token"))
        .basic_auth("demo", Some("demo"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let created = http
        .post(format!("{base}{CHECKLISTS}"))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .json(&checklist("From the binary"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::ACCEPTED);
}
