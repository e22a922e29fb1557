//! Agent Copilot's assistants and their queues (GENESYS.md): create, read, patch,
//! delete, cursor paging with `expand=copilot`, one assistant per queue, known
//! queues, the bindings listing, permissions, the seed, persistence and counters.

use assistform::emulator::{ClientGrant, Emulator};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use super::responses::{ok, send};
use super::{Emu, EmulatorOptions, error_body, options};

pub const ASSISTANTS: &str = "/api/v2/assistants";
pub const ALL_QUEUES: &str = "/api/v2/assistants/queues";
/// Two of the queues every emulator knows (docs/emulator.md lists them).
pub const SUPPORT: &str = "5f1c9a3e-2b7d-4c61-9e0a-3d8b6f4a1c01";
pub const BILLING: &str = "5f1c9a3e-2b7d-4c61-9e0a-3d8b6f4a1c02";

/// A valid assistant body named `name`.
pub fn assistant(name: &str) -> Value {
    json!({
        "name": name,
        "transcriptionConfig": {"vendorName": "Genesys"},
        "knowledgeSuggestionConfig": {"vendorName": "GenesysKnowledge"},
    })
}

pub async fn create(emu: &Emu, name: &str) -> Value {
    ok(send(emu, Method::POST, ASSISTANTS, &assistant(name)).await).await
}

pub fn id(object: &Value) -> String {
    object["id"].as_str().expect("an id").to_owned()
}

pub fn ids(page: &Value) -> Vec<String> {
    page["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(id)
        .collect()
}

pub fn grant(id: &str, permissions: &[&str]) -> ClientGrant {
    ClientGrant {
        id: id.into(),
        secret: format!("{id}-secret"),
        permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
    }
}

/// A token for a client made by [`grant`].
pub async fn token(emu: &Emu, id: &str) -> String {
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

/// `method path` as the client holding `token`; no body when `body` is null.
pub async fn as_client(
    emu: &Emu,
    token: &str,
    method: Method,
    path: &str,
    body: &Value,
) -> Response {
    let request = emu.http.request(method, emu.url(path)).bearer_auth(token);
    let request = if body.is_null() {
        request
    } else {
        request.json(body)
    };
    request.send().await.expect("answered")
}

pub async fn call(emu: &Emu, method: Method, path: &str) -> Response {
    emu.api(method, path).send().await.expect("answered")
}

/// `PATCH …/{assistant}/queues` with `queues` on `media`.
pub async fn bind(emu: &Emu, assistant: &str, queues: &[&str], media: &[&str]) -> Response {
    let body: Vec<Value> = queues
        .iter()
        .map(|q| json!({"id": q, "mediaTypes": media}))
        .collect();
    let path = format!("{ASSISTANTS}/{assistant}/queues");
    send(emu, Method::PATCH, &path, &Value::Array(body)).await
}

fn queue_ids(page: &Value) -> Vec<&str> {
    page["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|q| q["id"].as_str().expect("a queue id"))
        .collect()
}

#[tokio::test]
async fn an_assistant_is_created_read_patched_and_deleted_with_its_copilot_and_queues() {
    let emu = Emu::start().await;
    let mut sent = assistant("Support assistant");
    for (field, value) in [
        ("id", json!("mine")),
        ("state", json!("Inactive")),
        ("selfUri", json!("/elsewhere")),
        ("dateCreated", json!("2001-01-01T00:00:00.000Z")),
        (
            "copilot",
            json!({"liveOnQueue": true, "defaultLanguage": "fr-FR"}),
        ),
        ("futureSetting", json!({"kept": true})),
    ] {
        sent[field] = value;
    }
    let created = ok(send(&emu, Method::POST, ASSISTANTS, &sent).await).await;
    let assistant_id = id(&created);
    assert!(uuid::Uuid::parse_str(&assistant_id).is_ok(), "{created}");
    let path = format!("{ASSISTANTS}/{assistant_id}");
    assert_eq!(created["selfUri"], path);
    assert_eq!(created["state"], "Active");
    assert_eq!(created["name"], "Support assistant");
    assert_eq!(
        created["transcriptionConfig"],
        json!({"vendorName": "Genesys"})
    );
    assert_eq!(created["futureSetting"], json!({"kept": true}));
    assert_eq!(created["createdBy"], json!({"id": "test-client"}));
    assert_ne!(created["dateCreated"], "2001-01-01T00:00:00.000Z");
    assert!(
        created.get("copilot").is_none(),
        "only with expand: {created}"
    );
    assert!(created.get("version").is_none());
    assert_eq!(ok(emu.get(&path).await).await, created);

    // The copilot sent with the assistant was read-only: it has the default one.
    let expanded = ok(emu.get(&format!("{path}?expand=copilot")).await).await;
    assert_eq!(
        expanded["copilot"],
        json!({
            "liveOnQueue": false,
            "ruleEngineConfig": {"rules": [], "fallback": {"enabled": false, "actions": []}},
            "enabled": false,
            "selfUri": format!("{path}/copilot"),
        })
    );
    assert_eq!(
        ok(emu.get(&format!("{path}/copilot")).await).await,
        expanded["copilot"]
    );

    // A PATCH sets what it carries and keeps the rest; null removes a field.
    emu.advance_clock(5_000).await;
    let patch = json!({"name": "Renamed", "knowledgeSuggestionConfig": null, "state": "Inactive"});
    let patched = ok(send(&emu, Method::PATCH, &path, &patch).await).await;
    assert_eq!(patched["name"], "Renamed");
    assert!(
        patched.get("knowledgeSuggestionConfig").is_none(),
        "{patched}"
    );
    assert_eq!(
        patched["transcriptionConfig"],
        created["transcriptionConfig"]
    );
    assert_eq!(patched["futureSetting"], json!({"kept": true}));
    assert_eq!(patched["state"], "Active");
    assert_eq!(patched["dateCreated"], created["dateCreated"]);
    assert_ne!(patched["dateModified"], created["dateModified"]);
    assert_eq!(ok(emu.get(&path).await).await, patched);
    let refused = send(
        &emu,
        Method::PATCH,
        &path,
        &json!({"transcriptionConfig": {}}),
    )
    .await;
    let body = error_body(refused, 400, "bad.request").await;
    assert_eq!(
        body["messageParams"]["field"],
        "transcriptionConfig.vendorName"
    );
    assert_eq!(
        ok(emu.get(&path).await).await,
        patched,
        "nothing refused landed"
    );
    let put = send(&emu, Method::PUT, &path, &patched).await;
    error_body(put, 405, "method.not.allowed").await;

    // Deleting it takes its copilot and its queues along.
    ok(bind(&emu, &assistant_id, &[SUPPORT], &["Call"]).await).await;
    assert_eq!(
        call(&emu, Method::DELETE, &path).await.status(),
        StatusCode::NO_CONTENT
    );
    for gone in [
        path.clone(),
        format!("{path}/copilot"),
        format!("{path}/queues"),
    ] {
        let body = error_body(emu.get(&gone).await, 404, "not.found").await;
        assert!(
            body["message"].as_str().unwrap().contains(&assistant_id),
            "{body}"
        );
    }
    assert_eq!(ok(emu.get(ALL_QUEUES).await).await["entities"], json!([]));
    error_body(call(&emu, Method::DELETE, &path).await, 404, "not.found").await;
    let missing = send(&emu, Method::PATCH, &path, &json!({})).await;
    error_body(missing, 404, "not.found").await;
}

#[tokio::test]
async fn a_create_names_each_missing_or_unknown_field() {
    let emu = Emu::start().await;
    let cases = [
        (
            json!({"transcriptionConfig": {"vendorName": "Genesys"}}),
            "name",
            "required.field.missing",
        ),
        (
            json!({"name": "A"}),
            "transcriptionConfig.vendorName",
            "required.field.missing",
        ),
        (
            json!({"name": "A", "transcriptionConfig": {"vendorName": "Acme"}}),
            "transcriptionConfig.vendorName",
            "invalid.value",
        ),
        (
            json!({"name": "A", "transcriptionConfig": {"vendorName": "Unknown"},
                   "knowledgeSuggestionConfig": {"knowledgeBase": {"id": "kb"}}}),
            "knowledgeSuggestionConfig.vendorName",
            "required.field.missing",
        ),
    ];
    for (body, field, code) in cases {
        let refused = send(&emu, Method::POST, ASSISTANTS, &body).await;
        let error = error_body(refused, 400, "bad.request").await;
        assert_eq!(error["messageParams"]["field"], field, "{error}");
        assert_eq!(error["errors"][0]["code"], code, "{error}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains(&format!("`{field}`"))
        );
    }
    for vendor in ["Genesys", "GoogleDialogflow", "Unknown"] {
        let mut body = assistant(vendor);
        body["transcriptionConfig"]["vendorName"] = json!(vendor);
        ok(send(&emu, Method::POST, ASSISTANTS, &body).await).await;
    }
    let listed = ok(emu.get(ASSISTANTS).await).await;
    assert_eq!(ids(&listed).len(), 3, "nothing refused was stored");
}

#[tokio::test]
async fn assistants_page_by_cursor_with_their_copilots_and_no_total() {
    let emu = Emu::start().await;
    let mut all = Vec::new();
    for i in 0..25 {
        all.push(id(&create(&emu, &format!("Assistant {i:02}")).await));
    }
    all.sort();

    let first_uri = format!("{ASSISTANTS}?expand=copilot&pageSize=10");
    let first = ok(emu.get(&first_uri).await).await;
    for absent in [
        "total",
        "pageCount",
        "pageNumber",
        "pageSize",
        "previousUri",
    ] {
        assert!(first.get(absent).is_none(), "{absent} in {first}");
    }
    assert_eq!(first["selfUri"], first_uri);
    let mut pages = vec![first];
    while let Some(next) = pages.last().unwrap()["nextUri"].as_str().map(str::to_owned) {
        assert!(next.starts_with(&format!("{first_uri}&after=")), "{next}");
        assert!(pages.len() < 3, "a page too many: {next}");
        pages.push(ok(emu.get(&next).await).await);
    }
    assert_eq!(pages.len(), 3);
    assert_eq!(
        pages.iter().flat_map(ids).collect::<Vec<_>>(),
        all,
        "each once, by id"
    );
    for assistant in pages
        .iter()
        .flat_map(|p| p["entities"].as_array().unwrap().clone())
    {
        assert_eq!(assistant["copilot"]["liveOnQueue"], false, "{assistant}");
        assert_eq!(
            assistant["copilot"]["selfUri"],
            format!("{ASSISTANTS}/{}/copilot", id(&assistant))
        );
    }
    let back = pages[2]["previousUri"].as_str().unwrap();
    assert_eq!(ids(&ok(emu.get(back).await).await), ids(&pages[1]));
    let plain = ok(emu.get(ASSISTANTS).await).await;
    assert_eq!(ids(&plain), all[..25]);
    assert!(plain["entities"][0].get("copilot").is_none());

    let most = ok(emu.get(&format!("{ASSISTANTS}?pageSize=200")).await).await;
    assert_eq!(ids(&most), all);
    let limited = ok(emu.get(&format!("{ASSISTANTS}?limit=4")).await).await;
    assert_eq!(ids(&limited), all[..4], "the deprecated `limit`");
    let named = ok(emu.get(&format!("{ASSISTANTS}?name=Assistant%2007")).await).await;
    assert_eq!(named["entities"].as_array().unwrap().len(), 1);
    assert_eq!(named["entities"][0]["name"], "Assistant 07");

    for (query, parameter) in [
        ("pageSize=201", "pageSize"),
        ("pageSize=0", "pageSize"),
        ("limit=201", "limit"),
        ("after=not-a-cursor", "after"),
        ("expand=queues", "expand"),
    ] {
        let refused = emu.get(&format!("{ASSISTANTS}?{query}")).await;
        let body = error_body(refused, 400, "bad.request").await;
        assert_eq!(body["messageParams"]["parameter"], parameter, "{query}");
    }
}

#[tokio::test]
async fn a_queue_has_one_assistant_and_binding_it_elsewhere_takes_it() {
    let emu = Emu::start().await;
    let a = id(&create(&emu, "A").await);
    let b = id(&create(&emu, "B").await);
    let bound = ok(bind(&emu, &a, &[SUPPORT, BILLING], &["Call", "Message"]).await).await;
    assert_eq!(queue_ids(&bound), [SUPPORT, BILLING]);
    assert_eq!(
        bound["entities"][0]["mediaTypes"],
        json!(["Call", "Message"])
    );
    assert_eq!(bound["entities"][0]["assistant"]["id"], a.as_str());
    assert_eq!(
        bound["entities"][0]["selfUri"],
        format!("{ASSISTANTS}/{a}/queues/{SUPPORT}")
    );

    let moved = ok(bind(&emu, &b, &[BILLING], &["Email"]).await).await;
    assert_eq!(queue_ids(&moved), [BILLING]);
    let of_a = ok(emu.get(&format!("{ASSISTANTS}/{a}/queues")).await).await;
    assert_eq!(
        queue_ids(&of_a),
        [SUPPORT],
        "B took the billing queue from A"
    );
    let of_b = ok(emu.get(&format!("{ASSISTANTS}/{b}/queues")).await).await;
    assert_eq!(queue_ids(&of_b), [BILLING]);
    assert_eq!(of_b["entities"][0]["mediaTypes"], json!(["Email"]));
    for absent in ["total", "nextUri", "previousUri"] {
        assert!(of_b.get(absent).is_none(), "{absent} in {of_b}");
    }

    // One binding at a time, by its own path.
    let one = format!("{ASSISTANTS}/{a}/queues/{BILLING}");
    let put = send(&emu, Method::PUT, &one, &json!({"mediaTypes": ["Call"]})).await;
    assert_eq!(ok(put).await["assistant"]["id"], a.as_str());
    let read = ok(emu.get(&format!("{one}?expand=assistant")).await).await;
    assert_eq!(read["assistant"]["name"], "A");
    error_body(
        emu.get(&format!("{ASSISTANTS}/{b}/queues/{BILLING}")).await,
        404,
        "not.found",
    )
    .await;
    assert_eq!(
        call(&emu, Method::DELETE, &one).await.status(),
        StatusCode::NO_CONTENT
    );
    error_body(call(&emu, Method::DELETE, &one).await, 404, "not.found").await;

    // DELETE …/queues?queueIds= unbinds those the assistant serves, and no others.
    ok(bind(&emu, &b, &[BILLING], &["Email"]).await).await;
    let path = format!("{ASSISTANTS}/{a}/queues?queueIds={SUPPORT},{BILLING}");
    assert_eq!(
        call(&emu, Method::DELETE, &path).await.status(),
        StatusCode::NO_CONTENT
    );
    let all = ok(emu.get(ALL_QUEUES).await).await;
    assert_eq!(queue_ids(&all), [BILLING]);
    assert_eq!(all["entities"][0]["assistant"]["id"], b.as_str());
}

#[tokio::test]
async fn an_unknown_queue_is_refused_by_name_until_the_org_knows_it() {
    let emu = Emu::start().await;
    let a = id(&create(&emu, "A").await);
    let stranger = "0e4f7c1a-9b3d-4e2f-8a6c-5d1b2c3e4f50";
    let refused = bind(&emu, &a, &[SUPPORT, stranger], &["Call"]).await;
    let body = error_body(refused, 400, "bad.request").await;
    assert!(
        body["message"].as_str().unwrap().contains(stranger),
        "{body}"
    );
    assert_eq!(body["messageParams"]["field"], "[1].id");
    assert_eq!(body["errors"][0]["code"], "queue.not.found");
    let of_a = ok(emu.get(&format!("{ASSISTANTS}/{a}/queues")).await).await;
    assert_eq!(of_a["entities"], json!([]), "all or nothing");
    for (body, field) in [
        (json!([{"id": SUPPORT}]), "[0].mediaTypes"),
        (json!([{"id": SUPPORT, "mediaTypes": []}]), "[0].mediaTypes"),
        (
            json!([{"id": SUPPORT, "mediaTypes": ["Fax"]}]),
            "[0].mediaTypes[0]",
        ),
        (json!([{"mediaTypes": ["Call"]}]), "[0].id"),
    ] {
        let refused = send(
            &emu,
            Method::PATCH,
            &format!("{ASSISTANTS}/{a}/queues"),
            &body,
        )
        .await;
        let error = error_body(refused, 400, "bad.request").await;
        assert_eq!(error["messageParams"]["field"], field, "{error}");
    }

    let known = ok(emu
        .admin("/__emulator/queues", &json!({"ids": [stranger]}))
        .await)
    .await;
    let known: Vec<&str> = known["ids"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        known.len(),
        5,
        "the four defaults and the new one: {known:?}"
    );
    assert!(known.contains(&stranger) && known.contains(&SUPPORT));
    ok(bind(&emu, &a, &[stranger], &["Call"]).await).await;
    let bad = emu
        .admin("/__emulator/queues", &json!({"ids": ["a,b"]}))
        .await;
    assert_eq!(
        error_body(bad, 400, "bad.request").await["messageParams"]["field"],
        "ids[0]"
    );

    // A reset forgets the queue again; the defaults stay.
    let reset = emu.admin("/__emulator/reset", &json!({})).await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    let b = id(&create(&emu, "B").await);
    error_body(
        bind(&emu, &b, &[stranger], &["Call"]).await,
        400,
        "bad.request",
    )
    .await;
    ok(bind(&emu, &b, &[SUPPORT], &["Call"]).await).await;

    // `--queues` (here its option) adds to the defaults from the start.
    let started = Emu::with(EmulatorOptions {
        queues: vec![stranger.to_owned()],
        ..options()
    })
    .await;
    let c = id(&create(&started, "C").await);
    ok(bind(&started, &c, &[stranger, SUPPORT], &["Call"]).await).await;
    let refused = Emulator::start(EmulatorOptions {
        queues: vec!["not a queue".to_owned()],
        ..options()
    })
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("queues"), "{refused}");
}

#[tokio::test]
async fn the_bindings_listing_says_which_assistant_serves_which_queue() {
    let emu = Emu::start().await;
    let extra: Vec<String> = (0..5).map(|i| format!("extra-queue-{i}")).collect();
    ok(emu
        .admin("/__emulator/queues", &json!({"ids": extra}))
        .await)
    .await;
    let a = id(&create(&emu, "A").await);
    let b = id(&create(&emu, "B").await);
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    ok(bind(&emu, &a, &extra, &["Call"]).await).await;
    ok(bind(&emu, &b, &[SUPPORT, BILLING], &["Message"]).await).await;

    let wanted = format!(
        "{ALL_QUEUES}?queueIds={SUPPORT},{}&expand=assistant",
        extra[0]
    );
    let chosen = ok(emu.get(&wanted).await).await;
    let served: Vec<(&str, &str)> = chosen["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["id"].as_str().unwrap(),
                q["assistant"]["name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(served, [(SUPPORT, "B"), (extra[0], "A")]);
    assert_eq!(chosen["entities"][0]["assistant"]["id"], b.as_str());
    assert!(chosen["entities"][0]["assistant"].get("copilot").is_none());

    // Every binding, by cursor; without expand the assistant is named by id only.
    let mut listed = Vec::new();
    let mut next = Some(format!("{ALL_QUEUES}?pageSize=3"));
    while let Some(uri) = next {
        let page = ok(emu.get(&uri).await).await;
        assert!(page.get("total").is_none());
        for q in page["entities"].as_array().unwrap() {
            assert!(q["assistant"].get("name").is_none(), "{q}");
            listed.push(q["id"].as_str().unwrap().to_owned());
        }
        next = page["nextUri"].as_str().map(str::to_owned);
        assert!(listed.len() <= 7, "{listed:?}");
    }
    let mut expected: Vec<String> = extra.iter().map(|q| (*q).to_owned()).collect();
    expected.extend([SUPPORT.to_owned(), BILLING.to_owned()]);
    expected.sort();
    assert_eq!(listed, expected);
    let refused = emu.get(&format!("{ALL_QUEUES}?pageSize=201")).await;
    assert_eq!(
        error_body(refused, 400, "bad.request").await["messageParams"]["parameter"],
        "pageSize"
    );
    let page = ok(emu
        .get(&format!("{ASSISTANTS}/{a}/queues?pageSize=2"))
        .await)
    .await;
    assert_eq!(queue_ids(&page), extra[..2]);
    assert!(
        page["nextUri"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{ASSISTANTS}/{a}/queues?pageSize=2&after="))
    );
}

#[tokio::test]
async fn each_operation_needs_all_of_its_permissions_and_names_the_missing_one() {
    let emu = Emu::with(EmulatorOptions {
        clients: vec![
            grant(
                "viewer",
                &["assistants:assistant:view", "assistants:queue:view"],
            ),
            grant("nobody", &[]),
        ],
        ..options()
    })
    .await;
    let a = id(&create(&emu, "A").await);
    ok(bind(&emu, &a, &[SUPPORT], &["Call"]).await).await;
    let viewer = token(&emu, "viewer").await;
    let assistant = format!("{ASSISTANTS}/{a}");
    let queues = format!("{assistant}/queues");
    for path in [ASSISTANTS, assistant.as_str(), queues.as_str(), ALL_QUEUES] {
        ok(as_client(&emu, &viewer, Method::GET, path, &Value::Null).await).await;
    }
    let binding = json!([{"id": SUPPORT, "mediaTypes": ["Call"]}]);
    let one_queue = format!("{queues}/{SUPPORT}");
    let unknown = format!("{ASSISTANTS}/nothing");
    for (method, path, body, missing) in [
        (
            Method::POST,
            ASSISTANTS,
            json!({"name": "B"}),
            "assistants:assistant:add",
        ),
        (
            Method::PATCH,
            assistant.as_str(),
            json!({}),
            "assistants:assistant:edit",
        ),
        (
            Method::DELETE,
            assistant.as_str(),
            Value::Null,
            "assistants:assistant:delete",
        ),
        (
            Method::PATCH,
            queues.as_str(),
            binding.clone(),
            "assistants:queue:edit",
        ),
        (
            Method::DELETE,
            queues.as_str(),
            Value::Null,
            "assistants:queue:delete",
        ),
        (
            Method::PUT,
            one_queue.as_str(),
            json!({"mediaTypes": ["Call"]}),
            "assistants:queue:edit",
        ),
        (
            Method::DELETE,
            one_queue.as_str(),
            Value::Null,
            "assistants:queue:delete",
        ),
        // The check comes before the lookup.
        (
            Method::PATCH,
            unknown.as_str(),
            json!({}),
            "assistants:assistant:edit",
        ),
    ] {
        let refused = as_client(&emu, &viewer, method.clone(), path, &body).await;
        let error = error_body(refused, 403, "missing.permissions").await;
        assert_eq!(
            error["message"],
            format!(
                "Unable to perform the requested action. You are missing the following permission(s): {missing}"
            ),
            "{method} {path}"
        );
        assert_eq!(error["messageParams"]["permissions"], missing);
    }
    let nobody = token(&emu, "nobody").await;
    let refused = as_client(&emu, &nobody, Method::GET, ALL_QUEUES, &Value::Null).await;
    let error = error_body(refused, 403, "missing.permissions").await;
    assert_eq!(
        error["messageParams"]["permissions"],
        "assistants:queue:view"
    );
    let still = ok(emu.get(&queues).await).await;
    assert_eq!(
        queue_ids(&still),
        [SUPPORT],
        "nothing refused changed anything"
    );
}

#[tokio::test]
async fn the_seed_creates_assistants_copilots_and_queues_at_once_all_or_nothing() {
    let emu = Emu::start().await;
    let seeded_queue = "seeded-queue-1";
    let seed = json!({"assistants": [
        {
            "name": "Seeded A",
            "transcriptionConfig": {"vendorName": "Genesys"},
            "copilot": {
                "liveOnQueue": true, "defaultLanguage": "en-US",
                "ruleEngineConfig": {"rules": [{
                    "id": "rule-1", "enabled": true,
                    "rule": {"conditions": [{"conditionType": "ConversationStart", "conditionValues": []}],
                             "actions": [{"actionType": "Script", "attributes": {"scriptId": "s", "pageId": "p"}}]},
                }]},
            },
            "queues": [{"id": seeded_queue, "mediaTypes": ["Call"]}, {"id": SUPPORT, "mediaTypes": ["Email"]}],
        },
        {"name": "Seeded B", "transcriptionConfig": {"vendorName": "Unknown"},
         "queues": [{"id": SUPPORT, "mediaTypes": ["Message"]}]},
    ]});
    let answer = ok(emu.admin("/__emulator/assistants", &seed).await).await;
    let seeded: Vec<String> = answer["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seeded.len(), 2);
    let a = ok(emu
        .get(&format!("{ASSISTANTS}/{}?expand=copilot", seeded[0]))
        .await)
    .await;
    assert_eq!(a["name"], "Seeded A");
    assert_eq!(a["createdBy"], json!({"id": "emulator"}));
    assert_eq!(a["copilot"]["enabled"], true);
    assert_eq!(a["copilot"]["ruleEngineConfig"]["rules"][0]["id"], "rule-1");
    let b = ok(emu
        .get(&format!("{ASSISTANTS}/{}/copilot", seeded[1]))
        .await)
    .await;
    assert_eq!(b["liveOnQueue"], false, "the default copilot");
    let all = ok(emu.get(ALL_QUEUES).await).await;
    let served: Vec<(&str, &str)> = all["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["id"].as_str().unwrap(),
                q["assistant"]["id"].as_str().unwrap(),
            )
        })
        .collect();
    // B, later in the seed, took the support queue from A.
    assert_eq!(
        served,
        [
            (SUPPORT, seeded[1].as_str()),
            (seeded_queue, seeded[0].as_str())
        ]
    );

    let mut bad = seed.clone();
    bad["assistants"][1]["copilot"] = json!({"liveOnQueue": true, "defaultLanguage": "en-US",
        "ruleEngineConfig": {"rules": [], "fallback": {"actions": [{"actionType": "Checklist"}]}}});
    let refused = emu.admin("/__emulator/assistants", &bad).await;
    let error = error_body(refused, 400, "bad.request").await;
    assert_eq!(error["messageParams"]["entry"], "assistants[1]");
    assert_eq!(
        error["messageParams"]["field"],
        "ruleEngineConfig.fallback.actions[0].actionType"
    );
    assert_eq!(
        ids(&ok(emu.get(ASSISTANTS).await).await).len(),
        2,
        "all or nothing"
    );
    let stats = emu.stats().await;
    assert_eq!(stats["endpoints"]["POST /oauth/token"], 1);
    assert!(
        stats["endpoints"]
            .get("POST /__emulator/assistants")
            .is_none(),
        "{stats}"
    );
}

#[tokio::test]
async fn a_restart_keeps_assistants_copilots_and_queues_and_stats_count_by_template() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.json");
    // A file from before assistants were served.
    std::fs::write(&path, br#"{"format_version": 1, "prompts": []}"#).unwrap();
    let data = || EmulatorOptions {
        data: Some(path.clone()),
        ..options()
    };
    let emu = Emu::with(data()).await;
    let a = id(&create(&emu, "Kept").await);
    ok(emu
        .admin("/__emulator/queues", &json!({"ids": ["learned-queue"]}))
        .await)
    .await;
    ok(bind(&emu, &a, &["learned-queue", SUPPORT], &["Call"]).await).await;
    let copilot = json!({"liveOnQueue": true, "defaultLanguage": "en-US", "extra": 1});
    let copilot_path = format!("{ASSISTANTS}/{a}/copilot");
    ok(send(&emu, Method::PUT, &copilot_path, &copilot).await).await;
    let before = ok(emu.get(&format!("{ASSISTANTS}?expand=copilot")).await).await;
    let queues_before = ok(emu.get(ALL_QUEUES).await).await;
    let stats = emu.stats().await;
    assert_eq!(
        stats["endpoints"],
        json!({
            "POST /oauth/token": 1,
            "POST /api/v2/assistants": 1,
            "PATCH /api/v2/assistants/{assistantId}/queues": 1,
            "PUT /api/v2/assistants/{assistantId}/copilot": 1,
            "GET /api/v2/assistants": 1,
            "GET /api/v2/assistants/queues": 1,
        })
    );
    assert_eq!(stats["requests"]["PATCH"], 1);
    emu.emulator.shutdown().await;

    let again = Emu::with(data()).await;
    assert_eq!(
        ok(again.get(&format!("{ASSISTANTS}?expand=copilot")).await).await,
        before
    );
    assert_eq!(ok(again.get(ALL_QUEUES).await).await, queues_before);
    // The learned queue is still known after the restart.
    let b = id(&create(&again, "New").await);
    assert_ne!(b, a);
    ok(bind(&again, &b, &["learned-queue"], &["Call"]).await).await;
    let reset = again.admin("/__emulator/reset", &json!({})).await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    assert_eq!(ok(again.get(ASSISTANTS).await).await["entities"], json!([]));
    again.emulator.shutdown().await;
    let saved: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    for absent in ["assistants", "queue_bindings", "queues"] {
        assert!(saved.get(absent).is_none(), "{absent} in {saved}");
    }
}
