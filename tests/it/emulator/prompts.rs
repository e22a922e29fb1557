//! Read, create-or-replace and delete, with the version rules.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Emu, PROMPTS, error_body, prompt};

#[tokio::test]
async fn put_creates_then_replaces_with_the_version_rules() {
    let emu = Emu::start().await;
    let created = emu.put("hold", &prompt("hold")).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["version"], 1);
    assert_eq!(created["modifiedBy"]["id"], "test-client");
    assert_eq!(created["selfUri"], format!("{PROMPTS}/hold"));
    let date = created["dateModified"].as_str().unwrap();
    assert!(date.ends_with('Z') && date.len() == 24, "{date}");
    assert_eq!(
        created["display"]["content"],
        prompt("hold")["display"]["content"]
    );

    let read = emu.get(&format!("{PROMPTS}/hold")).await;
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(read.json::<Value>().await.unwrap(), created);

    let mut update = prompt("hold");
    update["name"] = json!("Renamed");
    update["version"] = json!(1);
    let replaced = emu.put("hold", &update).await;
    assert_eq!(replaced.status(), StatusCode::OK);
    let replaced: Value = replaced.json().await.unwrap();
    assert_eq!(replaced["version"], 2);
    assert_eq!(replaced["name"], "Renamed");

    // A stale version and a missing one both conflict, and change nothing.
    let stale = error_body(emu.put("hold", &update).await, 409, "version.mismatch").await;
    assert!(
        stale["message"].as_str().unwrap().contains("version 2"),
        "{stale}"
    );
    let unversioned = emu.put("hold", &prompt("hold")).await;
    error_body(unversioned, 409, "version.mismatch").await;
    let mut zero = prompt("hold");
    zero["version"] = json!(0);
    error_body(emu.put("hold", &zero).await, 409, "version.mismatch").await;
    let now: Value = emu
        .get(&format!("{PROMPTS}/hold"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now, replaced);
}

#[tokio::test]
async fn put_with_a_version_for_a_missing_prompt_is_not_found() {
    let emu = Emu::start().await;
    let mut body = prompt("ghost");
    body["version"] = json!(3);
    error_body(emu.put("ghost", &body).await, 404, "not.found").await;
    error_body(emu.get(&format!("{PROMPTS}/ghost")).await, 404, "not.found").await;
    body["version"] = json!(0);
    assert_eq!(emu.put("ghost", &body).await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn server_owned_fields_in_a_body_are_ignored() {
    let emu = Emu::start().await;
    let mut body = prompt("owned");
    body["dateModified"] = json!("1999-01-01T00:00:00.000Z");
    body["modifiedBy"] = json!({"id": "mallory"});
    body["selfUri"] = json!("/elsewhere");
    let created: Value = emu.put("owned", &body).await.json().await.unwrap();
    assert_eq!(created["version"], 1);
    assert_eq!(created["modifiedBy"]["id"], "test-client");
    assert_eq!(created["selfUri"], format!("{PROMPTS}/owned"));
    assert_ne!(created["dateModified"], "1999-01-01T00:00:00.000Z");
}

#[tokio::test]
async fn the_body_id_must_match_the_path_or_be_absent() {
    let emu = Emu::start().await;
    let body = error_body(emu.put("one", &prompt("two")).await, 400, "bad.request").await;
    assert!(body["message"].as_str().unwrap().contains("`id`"), "{body}");
    let mut anonymous = prompt("x");
    anonymous.as_object_mut().unwrap().remove("id");
    let created = emu.put("one", &anonymous).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.json::<Value>().await.unwrap()["id"], "one");
}

#[tokio::test]
async fn delete_honours_the_optional_version() {
    let emu = Emu::start().await;
    emu.put("gone", &prompt("gone")).await;
    let path = format!("{PROMPTS}/gone");
    let wrong = emu
        .api(Method::DELETE, &format!("{path}?version=7"))
        .send()
        .await
        .unwrap();
    error_body(wrong, 409, "version.mismatch").await;
    let right = emu
        .api(Method::DELETE, &format!("{path}?version=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::NO_CONTENT);
    error_body(emu.get(&path).await, 404, "not.found").await;
    let again = emu.api(Method::DELETE, &path).send().await.unwrap();
    error_body(again, 404, "not.found").await;

    emu.put("gone", &prompt("gone")).await;
    let unversioned = emu.api(Method::DELETE, &path).send().await.unwrap();
    assert_eq!(unversioned.status(), StatusCode::NO_CONTENT);
    let bad = emu
        .api(Method::DELETE, &format!("{path}?version=two"))
        .send()
        .await
        .unwrap();
    error_body(bad, 400, "bad.request").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_puts_with_one_version_have_exactly_one_winner() {
    let emu = Arc::new(Emu::start().await);
    emu.put("race", &prompt("race")).await;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let emu = emu.clone();
            tokio::spawn(async move {
                let mut body = prompt("race");
                body["name"] = json!(format!("writer {i}"));
                body["version"] = json!(1);
                emu.put("race", &body).await.status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let won = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let lost = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((won, lost), (1, 19), "{statuses:?}");
    let now: Value = emu
        .get(&format!("{PROMPTS}/race"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now["version"], 2);
}
