//! Response Management (GENESYS.md): libraries and canned responses, their
//! versions, their checks, page-number listings, the query endpoint and the search
//! index behind it, and the emulator's seed for them.

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use super::{Emu, EmulatorOptions, error_body, options};
use crate::hold::{Hold, Stage};

pub const LIBRARIES: &str = "/api/v2/responsemanagement/libraries";
pub const RESPONSES: &str = "/api/v2/responsemanagement/responses";
pub const QUERY: &str = "/api/v2/responsemanagement/responses/query";

pub async fn send(emu: &Emu, method: Method, path: &str, body: &Value) -> Response {
    emu.api(method, path)
        .json(body)
        .send()
        .await
        .expect("answered")
}

/// The body of a 200 answer.
pub async fn ok(response: Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON answer");
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

pub async fn create_library(emu: &Emu, name: &str) -> Value {
    ok(send(emu, Method::POST, LIBRARIES, &json!({"name": name})).await).await
}

/// A valid response body in the libraries `ids`.
pub fn response(name: &str, ids: &[&str]) -> Value {
    let libraries: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
    json!({
        "name": name,
        "libraries": libraries,
        "interactionType": "chat",
        "texts": [{"content": format!("Hello from {name}"), "contentType": "text/plain", "type": "body"}],
    })
}

pub async fn create_response(emu: &Emu, body: &Value) -> Value {
    ok(send(emu, Method::POST, RESPONSES, body).await).await
}

/// `POST /__emulator/responsemanagement`.
pub async fn seed(emu: &Emu, body: &Value) -> Value {
    let response = emu.admin("/__emulator/responsemanagement", body).await;
    ok(response).await
}

async fn query(emu: &Emu, body: &Value) -> Value {
    ok(send(emu, Method::POST, QUERY, body).await).await["results"].clone()
}

fn ids(page: &Value) -> Vec<String> {
    page["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| e["id"].as_str().expect("an id").to_owned())
        .collect()
}

fn id(object: &Value) -> String {
    object["id"].as_str().expect("an id").to_owned()
}

#[tokio::test]
async fn a_library_is_created_read_replaced_under_its_version_and_deleted() {
    let emu = Emu::start().await;
    let created = ok(send(
        &emu,
        Method::POST,
        LIBRARIES,
        &json!({"name": "Billing", "id": "mine", "version": 9, "selfUri": "/elsewhere"}),
    )
    .await)
    .await;
    let library = id(&created);
    assert_ne!(library, "mine");
    assert!(uuid::Uuid::parse_str(&library).is_ok(), "{library}");
    assert_eq!(created["version"], 1);
    assert_eq!(created["name"], "Billing");
    assert_eq!(created["createdBy"], json!({"id": "test-client"}));
    assert!(created["dateCreated"].as_str().unwrap().ends_with('Z'));
    assert_eq!(created["selfUri"], format!("{LIBRARIES}/{library}"));
    let path = format!("{LIBRARIES}/{library}");
    assert_eq!(ok(emu.get(&path).await).await, created);

    let renamed = ok(send(
        &emu,
        Method::PUT,
        &path,
        &json!({"name": "Billing & refunds", "version": 1}),
    )
    .await)
    .await;
    assert_eq!(renamed["version"], 2);
    assert_eq!(renamed["name"], "Billing & refunds");
    assert_eq!(renamed["dateCreated"], created["dateCreated"]);

    let stale = send(
        &emu,
        Method::PUT,
        &path,
        &json!({"name": "Old", "version": 1}),
    )
    .await;
    let body = error_body(stale, 409, "version.mismatch").await;
    assert_eq!(body["message"], "Unexpected version was provided");
    let unversioned = send(&emu, Method::PUT, &path, &json!({"name": "Old"})).await;
    let body = error_body(unversioned, 400, "bad.request").await;
    assert!(
        body["message"].as_str().unwrap().contains("`version`"),
        "{body}"
    );
    assert_eq!(body["messageParams"]["field"], "version");
    assert_eq!(ok(emu.get(&path).await).await["name"], "Billing & refunds");

    let deleted = emu.api(Method::DELETE, &path).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    error_body(emu.get(&path).await, 404, "not.found").await;
    let again = emu.api(Method::DELETE, &path).send().await.unwrap();
    error_body(again, 404, "not.found").await;
    let missing = send(
        &emu,
        Method::PUT,
        &path,
        &json!({"name": "X", "version": 2}),
    )
    .await;
    error_body(missing, 404, "not.found").await;
}

#[tokio::test]
async fn a_response_keeps_what_it_was_sent_ignores_read_only_fields_and_names_its_libraries_as_they_are_now()
 {
    let emu = Emu::start().await;
    let holds = id(&create_library(&emu, "Holds").await);
    let billing = id(&create_library(&emu, "Billing").await);
    let sent = json!({
        "id": "chosen-by-client", "version": 7, "selfUri": "/x", "dateCreated": "2001-01-01T00:00:00Z",
        "createdBy": {"id": "someone-else"},
        "name": "Account on hold",
        "libraries": [{"id": holds, "name": "a stale name"}, {"id": billing}],
        "interactionType": "email",
        "responseType": "CampaignEmailTemplate",
        "texts": [
            {"content": "Dear {{CUSTOMER_NAME}}, order {{ order_id }} is on hold.", "contentType": "text/html", "type": "body"},
            {"content": "Your order", "contentType": "text/plain", "type": "subject"}
        ],
        "substitutions": [{"id": "order_id", "description": "The order", "defaultValue": "your order"}],
        "footer": {"type": "Signature", "applicableResources": ["Campaign"]},
        "assets": [{"id": "asset-1", "assetUsage": "FileAttachments"}],
        "messagingTemplate": {"whatsApp": {"name": "hold", "language": "en_US"}},
        "somethingNew": {"kept": true},
    });
    let created = create_response(&emu, &sent).await;
    let response = id(&created);
    assert_ne!(response, "chosen-by-client");
    assert_eq!(created["version"], 1);
    assert_eq!(created["createdBy"], json!({"id": "test-client"}));
    assert_ne!(created["dateCreated"], "2001-01-01T00:00:00Z");
    assert_eq!(created["selfUri"], format!("{RESPONSES}/{response}"));
    for kept in [
        "name",
        "interactionType",
        "responseType",
        "texts",
        "substitutions",
        "footer",
        "assets",
        "messagingTemplate",
        "somethingNew",
    ] {
        assert_eq!(created[kept], sent[kept], "{kept}");
    }
    assert_eq!(
        created["libraries"],
        json!([
            {"id": holds, "name": "Holds", "selfUri": format!("{LIBRARIES}/{holds}")},
            {"id": billing, "name": "Billing", "selfUri": format!("{LIBRARIES}/{billing}")}
        ])
    );

    let renamed = send(
        &emu,
        Method::PUT,
        &format!("{LIBRARIES}/{holds}"),
        &json!({"name": "Account holds", "version": 1}),
    )
    .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let path = format!("{RESPONSES}/{response}");
    let read = ok(emu.get(&path).await).await;
    assert_eq!(read["libraries"][0]["name"], "Account holds");

    let mut edit = read.clone();
    edit["texts"] = json!([{"content": "Updated", "contentType": "text/plain"}]);
    edit["libraries"] = json!([{"id": billing}]);
    edit.as_object_mut().unwrap().remove("footer");
    let updated = ok(send(&emu, Method::PUT, &path, &edit).await).await;
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["texts"], edit["texts"]);
    assert_eq!(updated["libraries"].as_array().unwrap().len(), 1);
    assert!(updated.get("footer").is_none(), "a PUT replaces: {updated}");
    assert_eq!(updated["dateCreated"], created["dateCreated"]);

    let stale = send(&emu, Method::PUT, &path, &read).await;
    let body = error_body(stale, 409, "version.mismatch").await;
    assert_eq!(body["message"], "Unexpected version was provided");
    assert_eq!(ok(emu.get(&path).await).await["version"], 2);

    let deleted = emu.api(Method::DELETE, &path).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    error_body(emu.get(&path).await, 404, "not.found").await;
}

#[tokio::test]
async fn invalid_bodies_are_refused_naming_each_field() {
    let emu = Emu::start().await;
    let library = id(&create_library(&emu, "L").await);
    let nameless = send(
        &emu,
        Method::POST,
        LIBRARIES,
        &json!({"description": "no name"}),
    )
    .await;
    let body = error_body(nameless, 400, "bad.request").await;
    assert!(
        body["message"].as_str().unwrap().contains("`name`"),
        "{body}"
    );
    assert_eq!(body["messageParams"]["field"], "name");

    let cases = [
        (
            json!({"libraries": [{"id": library}]}),
            "name",
            "required.field.missing",
        ),
        (
            json!({"name": "N", "libraries": []}),
            "libraries",
            "required.field.missing",
        ),
        (
            json!({"name": "N", "libraries": [{"id": "no-such-library"}]}),
            "libraries[0].id",
            "library.not.found",
        ),
        (
            json!({"name": "N", "libraries": [{"id": library}], "interactionType": "fax"}),
            "interactionType",
            "invalid.value",
        ),
        (
            json!({"name": "N", "libraries": [{"id": library}], "responseType": "Poem"}),
            "responseType",
            "invalid.value",
        ),
        (
            json!({"name": "N", "libraries": [{"id": library}], "texts": [{"contentType": "text/plain"}]}),
            "texts[0].content",
            "required.field.missing",
        ),
        (
            json!({"name": "N", "libraries": [{"id": library}], "texts": [{"content": "x", "contentType": "text/rtf"}]}),
            "texts[0].contentType",
            "invalid.value",
        ),
        (
            json!({"name": "N", "libraries": [{"id": library}], "texts": [{"content": "x", "type": "footer"}]}),
            "texts[0].type",
            "invalid.value",
        ),
        (
            json!({"name": "N", "libraries": [{"id": library}], "substitutions": [{"description": "d"}]}),
            "substitutions[0].id",
            "required.field.missing",
        ),
        (
            json!({"name": "N", "libraries": [{"id": library}], "texts": [{"content": "Hi {{AGENT_NAME}}, order {{order_id}}"}]}),
            "texts[0].content",
            "response.substitution.undeclared",
        ),
    ];
    for (sent, field, code) in cases {
        let refused = send(&emu, Method::POST, RESPONSES, &sent).await;
        let body = error_body(refused, 400, "bad.request").await;
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("`{field}`")),
            "{field}: {message}"
        );
        assert_eq!(body["messageParams"]["field"], field);
        assert_eq!(body["errors"][0]["code"], code, "{body}");
        assert_eq!(body["errors"][0]["messageParams"]["field"], field);
    }
    let undeclared = send(&emu, Method::POST, RESPONSES, &json!({"name": "N", "libraries": [{"id": library}], "texts": [{"content": "{{order_id}}"}]})).await;
    let body = error_body(undeclared, 400, "bad.request").await;
    assert!(
        body["message"].as_str().unwrap().contains("{{order_id}}"),
        "{body}"
    );
    let unknown = send(
        &emu,
        Method::POST,
        RESPONSES,
        &json!({"name": "N", "libraries": [{"id": "no-such-library"}]}),
    )
    .await;
    let body = error_body(unknown, 400, "bad.request").await;
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("no-such-library"),
        "{body}"
    );

    let list = ok(emu.get(&format!("{RESPONSES}?libraryId={library}")).await).await;
    assert_eq!(list["total"], 0, "nothing refused was stored");
}

#[tokio::test]
async fn libraries_are_listed_by_page_number_sorted_by_id_at_most_100_a_page() {
    let emu = Emu::start().await;
    let libraries: Vec<Value> = (0..130)
        .map(|i| json!({"name": format!("Library {i:03}")}))
        .collect();
    seed(&emu, &json!({"libraries": libraries})).await;
    let first = ok(emu.get(LIBRARIES).await).await;
    assert_eq!(
        (first["pageSize"].clone(), first["pageNumber"].clone()),
        (json!(25), json!(1))
    );
    assert_eq!(
        (first["total"].clone(), first["pageCount"].clone()),
        (json!(130), json!(6))
    );
    assert_eq!(
        first["firstUri"],
        format!("{LIBRARIES}?pageSize=25&pageNumber=1")
    );
    assert_eq!(
        first["selfUri"],
        format!("{LIBRARIES}?pageSize=25&pageNumber=1")
    );
    assert_eq!(
        first["nextUri"],
        format!("{LIBRARIES}?pageSize=25&pageNumber=2")
    );
    assert_eq!(
        first["lastUri"],
        format!("{LIBRARIES}?pageSize=25&pageNumber=6")
    );
    assert!(first.get("previousUri").is_none());

    let mut all = Vec::new();
    for number in 1..=2 {
        let page = ok(emu
            .get(&format!("{LIBRARIES}?pageSize=100&pageNumber={number}"))
            .await)
        .await;
        all.extend(ids(&page));
        if number == 2 {
            assert_eq!(
                page["previousUri"],
                format!("{LIBRARIES}?pageSize=100&pageNumber=1")
            );
            assert!(page.get("nextUri").is_none());
        }
    }
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!((all.len(), &all), (130, &sorted));

    for query in [
        "?pageSize=101",
        "?pageSize=0",
        "?pageSize=many",
        "?pageNumber=0",
    ] {
        let refused = emu.get(&format!("{LIBRARIES}{query}")).await;
        let body = error_body(refused, 400, "bad.request").await;
        let parameter = body["messageParams"]["parameter"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            body["message"].as_str().unwrap().contains(&parameter),
            "{body}"
        );
    }
    let prefixed = ok(emu
        .get(&format!(
            "{LIBRARIES}?libraryPrefix=library%2012&pageSize=5"
        ))
        .await)
    .await;
    assert_eq!(prefixed["total"], 10);
    assert_eq!(
        prefixed["nextUri"],
        format!("{LIBRARIES}?libraryPrefix=library+12&pageSize=5&pageNumber=2")
    );
}

#[tokio::test]
async fn responses_are_listed_by_library_which_the_listing_requires() {
    let emu = Emu::start().await;
    let a = id(&create_library(&emu, "A").await);
    let b = id(&create_library(&emu, "B").await);
    let only_a = id(&create_response(&emu, &response("only a", &[&a])).await);
    let both = id(&create_response(&emu, &response("both", &[&a, &b])).await);
    let missing = emu.get(RESPONSES).await;
    let body = error_body(missing, 400, "bad.request").await;
    assert!(
        body["message"].as_str().unwrap().contains("`libraryId`"),
        "{body}"
    );
    assert_eq!(body["messageParams"]["parameter"], "libraryId");

    let in_a = ok(emu.get(&format!("{RESPONSES}?libraryId={a}")).await).await;
    let mut expected = vec![only_a, both.clone()];
    expected.sort();
    assert_eq!(ids(&in_a), expected);
    assert_eq!(
        in_a["selfUri"],
        format!("{RESPONSES}?libraryId={a}&pageSize=25&pageNumber=1")
    );
    let in_b = ok(emu
        .get(&format!("{RESPONSES}?libraryId={b}&pageSize=1"))
        .await)
    .await;
    assert_eq!(ids(&in_b), [both]);
    error_body(
        emu.get(&format!("{RESPONSES}?libraryId={a}&pageSize=101"))
            .await,
        400,
        "bad.request",
    )
    .await;
}

#[tokio::test]
async fn the_query_filters_matches_phrases_and_pages_up_to_500() {
    let emu = Emu::start().await;
    let responses: Vec<Value> = (0..620)
        .map(|i| {
            let library = ["Alpha", "Beta", "Gamma"][i % 3];
            json!({"name": format!("Response {i:03}"), "libraryNames": [library],
                   "texts": [{"content": if i == 7 { "Your REFUND is on its way" } else { "Thanks" }}]})
        })
        .collect();
    let seeded = seed(&emu, &json!({"libraries": [{"name": "Alpha"}, {"name": "Beta"}, {"name": "Gamma"}], "responses": responses})).await;
    let alpha = id(&seeded["libraries"][0]);
    let beta = id(&seeded["libraries"][1]);
    let in_alpha_or_beta =
        json!([{"name": "libraryId", "operator": "IN", "values": [alpha, beta]}]);

    let first = query(&emu, &json!({"pageSize": 500, "filters": in_alpha_or_beta})).await;
    assert_eq!(first["total"], 414);
    assert_eq!(first["pageCount"], 1);
    let all = query(&emu, &json!({"pageSize": 500})).await;
    assert_eq!(
        (all["total"].clone(), all["pageCount"].clone()),
        (json!(620), json!(2))
    );
    let mut paged = ids(&all);
    assert_eq!(paged.len(), 500);
    let second = query(&emu, &json!({"pageSize": 500, "pageNumber": 2})).await;
    paged.extend(ids(&second));
    let mut sorted = paged.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(paged, sorted, "in id order, each once");
    assert_eq!(paged.len(), 620);

    let default = query(&emu, &json!({})).await;
    assert_eq!(
        (default["pageSize"].clone(), ids(&default).len()),
        (json!(25), 25)
    );
    let named = query(
        &emu,
        &json!({"filters": [{"name": "name", "operator": "EQUALS", "values": ["Response 004"]}]}),
    )
    .await;
    assert_eq!(named["entities"][0]["name"], "Response 004");
    assert_eq!(named["total"], 1);
    let phrase = query(&emu, &json!({"queryPhrase": "refund"})).await;
    assert_eq!(phrase["entities"][0]["name"], "Response 007");
    assert_eq!(phrase["total"], 1);
    let by_name = query(
        &emu,
        &json!({"queryPhrase": "RESPONSE 61", "filters": in_alpha_or_beta}),
    )
    .await;
    assert_eq!(by_name["total"], 7, "610..619 outside Gamma");

    for (body, needle) in [
        (json!({"pageSize": 501}), "pageSize"),
        (
            json!({"filters": [{"name": "text.contentType", "operator": "IN", "values": ["text/plain"]}]}),
            "unsupported",
        ),
        (
            json!({"filters": [{"name": "name", "operator": "CONTAINS", "values": ["x"]}]}),
            "unsupported",
        ),
    ] {
        let refused = send(&emu, Method::POST, QUERY, &body).await;
        let error = error_body(refused, 400, "bad.request").await;
        assert!(
            error["message"].as_str().unwrap().contains(needle),
            "{error}"
        );
    }
}

#[tokio::test]
async fn a_frozen_index_answers_queries_from_its_snapshot_while_reads_stay_current() {
    let emu = Emu::start().await;
    let library = id(&create_library(&emu, "L").await);
    let early = create_response(&emu, &response("early", &[&library])).await;
    let frozen = emu
        .admin("/__emulator/index", &json!({"frozen": true}))
        .await;
    assert_eq!(ok(frozen).await, json!({"frozen": true}));
    let late = id(&create_response(&emu, &response("late", &[&library])).await);
    let mut edit = early.clone();
    edit["name"] = json!("early, edited");
    ok(send(
        &emu,
        Method::PUT,
        &format!("{RESPONSES}/{}", id(&early)),
        &edit,
    )
    .await)
    .await;

    let seen = query(&emu, &json!({})).await;
    assert_eq!(ids(&seen), [id(&early)]);
    assert_eq!(seen["entities"][0]["name"], "early");
    assert_eq!(
        ok(emu.get(&format!("{RESPONSES}/{late}")).await).await["name"],
        "late"
    );
    let listed = ok(emu.get(&format!("{RESPONSES}?libraryId={library}")).await).await;
    assert_eq!(listed["total"], 2);

    ok(emu
        .admin("/__emulator/index", &json!({"frozen": false}))
        .await)
    .await;
    let caught_up = query(&emu, &json!({"queryPhrase": "early"})).await;
    assert_eq!(caught_up["entities"][0]["name"], "early, edited");
    assert_eq!(query(&emu, &json!({})).await["total"], 2);
}

#[tokio::test]
async fn a_library_that_still_holds_responses_is_not_deleted() {
    let emu = Emu::start().await;
    let library = id(&create_library(&emu, "Busy").await);
    let other = id(&create_library(&emu, "Other").await);
    let first = id(&create_response(&emu, &response("one", &[&library])).await);
    let second = id(&create_response(&emu, &response("two", &[&library, &other])).await);
    let path = format!("{LIBRARIES}/{library}");
    let refused = emu.api(Method::DELETE, &path).send().await.unwrap();
    let body = error_body(refused, 400, "library.not.empty").await;
    assert!(
        body["message"].as_str().unwrap().contains("2 responses"),
        "{body}"
    );
    for response in [first, second] {
        let deleted = emu
            .api(Method::DELETE, &format!("{RESPONSES}/{response}"))
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    }
    let deleted = emu.api(Method::DELETE, &path).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_has_still_created_the_response() {
    let emu = Emu::start().await;
    let library = id(&create_library(&emu, "L").await);
    let hold = Hold::arm(&emu.emulator.base_url(), "POST", RESPONSES, Stage::After).await;
    let create = emu
        .api(Method::POST, RESPONSES)
        .json(&response("lost", &[&library]))
        .send();
    let control = async {
        assert_eq!(hold.caught().await, RESPONSES);
        hold.drop_connection().await;
    };
    let (answer, ()) = tokio::join!(create, control);
    assert!(answer.is_err(), "the answer was lost");
    let listed = ok(emu.get(&format!("{RESPONSES}?libraryId={library}")).await).await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["entities"][0]["name"], "lost");
}

#[tokio::test]
async fn the_seed_builds_50_libraries_of_100_responses_in_one_call() {
    let emu = Emu::start().await;
    let libraries: Vec<Value> = (0..50)
        .map(|l| json!({"name": format!("Library {l:02}")}))
        .collect();
    let responses: Vec<Value> = (0..5000)
        .map(|i| json!({"name": format!("Response {i:04}"), "libraryNames": [format!("Library {:02}", i / 100)],
                        "texts": [{"content": "Hello {{CUSTOMER_NAME}}"}]}))
        .collect();
    let seeded = seed(
        &emu,
        &json!({"libraries": libraries, "responses": responses}),
    )
    .await;
    assert_eq!(seeded["libraries"].as_array().unwrap().len(), 50);
    assert_eq!(seeded["responses"].as_array().unwrap().len(), 5000);
    assert_eq!(
        seeded["responses"][4999]["libraries"][0]["name"],
        "Library 49"
    );
    assert_eq!(
        seeded["responses"][0]["createdBy"],
        json!({"id": "emulator"})
    );
    let library = id(&seeded["libraries"][49]);
    let listed = ok(emu
        .get(&format!("{RESPONSES}?libraryId={library}&pageSize=100"))
        .await)
    .await;
    assert_eq!(
        (listed["total"].clone(), ids(&listed).len()),
        (json!(100), 100)
    );

    let bad = emu
        .admin(
            "/__emulator/responsemanagement",
            &json!({"responses": [{"name": "x", "libraryNames": ["Nowhere"]}]}),
        )
        .await;
    let body = error_body(bad, 400, "bad.request").await;
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("`responses[0]`"),
        "{body}"
    );
    assert_eq!(
        query(&emu, &json!({})).await["total"],
        5000,
        "a refused seed adds nothing"
    );
}

#[tokio::test]
async fn the_date_created_follows_the_emulator_clock() {
    let emu = Emu::start().await;
    let before = create_library(&emu, "Before").await;
    // Less than the token's lifetime of a day.
    emu.advance_clock(3 * 3_600_000).await;
    let after = create_library(&emu, "After").await;
    let at = |v: &Value| humantime::parse_rfc3339(v["dateCreated"].as_str().unwrap()).unwrap();
    let gap = at(&after).duration_since(at(&before)).unwrap();
    assert!(
        gap.as_secs() >= 10_800 && gap.as_secs() < 10_800 + 600,
        "{gap:?}"
    );
}

#[tokio::test]
async fn a_reset_clears_the_catalog_and_a_restart_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.json");
    std::fs::write(&path, br#"{"format_version": 1, "prompts": []}"#).unwrap();
    let data = || EmulatorOptions {
        data: Some(path.clone()),
        ..options()
    };
    let emu = Emu::with(data()).await;
    let library = id(&create_library(&emu, "Kept").await);
    let response = create_response(
        &emu,
        &json!({"name": "Kept", "libraries": [{"id": library}], "footer": {"type": "Signature"}}),
    )
    .await;
    emu.emulator.shutdown().await;

    let again = Emu::with(data()).await;
    let read = ok(again.get(&format!("{RESPONSES}/{}", id(&response))).await).await;
    assert_eq!(read, response);
    let fresh = create_library(&again, "Fresh").await;
    assert_ne!(id(&fresh), library);
    let reset = again.admin("/__emulator/reset", &json!({})).await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    error_body(
        again.get(&format!("{LIBRARIES}/{library}")).await,
        404,
        "not.found",
    )
    .await;
    assert_eq!(ok(again.get(LIBRARIES).await).await["total"], 0);
    assert_eq!(query(&again, &json!({})).await["total"], 0);
}

#[tokio::test]
async fn stats_count_requests_by_endpoint() {
    let emu = Emu::start().await;
    for _ in 0..3 {
        query(&emu, &json!({})).await;
    }
    ok(emu.get(LIBRARIES).await).await;
    emu.get(&format!("{LIBRARIES}/nope")).await;
    emu.get("/api/v2/nowhere").await;
    let stats = emu.stats().await;
    assert_eq!(
        stats["endpoints"],
        json!({
            "POST /oauth/token": 1,
            "POST /api/v2/responsemanagement/responses/query": 3,
            "GET /api/v2/responsemanagement/libraries": 1,
            "GET /api/v2/responsemanagement/libraries/{libraryId}": 1,
            "GET (unknown path)": 1,
        })
    );
    assert_eq!(stats["requests"]["POST"], 4);
    assert_eq!(stats["status"]["404"], 2);
}
