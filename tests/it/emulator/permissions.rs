//! OAuth clients held to the permissions the SDK's digest gives each Response
//! Management operation: 403 bodies for ALL and ANY modes, what stays open, clients
//! from options, from `POST /__emulator/clients` and from a `--clients` file.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use assistform::emulator::ClientGrant;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::responses::{
    LIBRARIES, QUERY, RESPONSES, create_library, create_response, ok, response,
};
use super::{Emu, EmulatorOptions, PROMPTS, client, error_body, options, prompt};

fn grant(id: &str, secret: &str, permissions: &[&str]) -> ClientGrant {
    ClientGrant {
        id: id.into(),
        secret: secret.into(),
        permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
    }
}

/// An emulator whose `reader` may only view libraries and responses.
async fn with_reader() -> Emu {
    Emu::with(EmulatorOptions {
        clients: vec![grant(
            "reader",
            "reader-secret",
            &["responses:library:view", "responses:response:view"],
        )],
        ..options()
    })
    .await
}

/// The token answer for `id:secret` at `base`.
async fn token_answer(base: &str, id: &str, secret: &str) -> reqwest::Response {
    client()
        .post(format!("{base}/oauth/token"))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("answered")
}

async fn token(base: &str, id: &str, secret: &str) -> String {
    let body = ok(token_answer(base, id, secret).await).await;
    body["access_token"].as_str().expect("a token").to_owned()
}

async fn call(
    emu: &Emu,
    token: &str,
    method: Method,
    path: &str,
    body: &Value,
) -> reqwest::Response {
    let request = emu
        .http
        .request(method.clone(), emu.url(path))
        .bearer_auth(token);
    let request = if method == Method::GET || method == Method::DELETE {
        request
    } else {
        request.json(body)
    };
    request.send().await.expect("answered")
}

#[tokio::test]
async fn a_reader_reads_but_is_refused_writes_with_the_missing_permissions_named() {
    let emu = with_reader().await;
    let library = create_library(&emu, "L").await;
    let library_id = library["id"].as_str().unwrap().to_owned();
    let created = create_response(&emu, &response("R", &[&library_id])).await;
    let reader = token(&emu.emulator.base_url(), "reader", "reader-secret").await;

    let listed = ok(call(&emu, &reader, Method::GET, LIBRARIES, &Value::Null).await).await;
    assert_eq!(listed["total"], 1);
    let path = format!("{LIBRARIES}/{library_id}");
    ok(call(&emu, &reader, Method::GET, &path, &Value::Null).await).await;
    let by_library = format!("{RESPONSES}?libraryId={library_id}");
    ok(call(&emu, &reader, Method::GET, &by_library, &Value::Null).await).await;
    let found = ok(call(&emu, &reader, Method::POST, QUERY, &json!({})).await).await;
    assert_eq!(found["results"]["total"], 1);

    // PUT on a library needs ALL of its permissions: the missing ones are named.
    let mut edit = library.clone();
    edit["name"] = json!("Renamed");
    let refused = call(&emu, &reader, Method::PUT, &path, &edit).await;
    let body = error_body(refused, 403, "missing.permissions").await;
    assert_eq!(
        body["message"],
        "Unable to perform the requested action. You are missing the following permission(s): responses:library:edit"
    );
    assert_eq!(
        body["messageParams"]["permissions"],
        "responses:library:edit"
    );

    // Creating a response needs ANY of its permissions: the choices are named.
    let refused = call(
        &emu,
        &reader,
        Method::POST,
        RESPONSES,
        &response("R2", &[&library_id]),
    )
    .await;
    let body = error_body(refused, 403, "missing.any.permissions").await;
    assert_eq!(
        body["message"],
        "Unable to perform the requested action. You must have at least one of the following permissions assigned: responses:response:add"
    );
    assert_eq!(
        body["messageParams"]["permissions"],
        "responses:response:add"
    );

    let response_path = format!("{RESPONSES}/{}", created["id"].as_str().unwrap());
    for (method, path, needed) in [
        (
            Method::PUT,
            response_path.as_str(),
            "responses:response:edit",
        ),
        (
            Method::DELETE,
            response_path.as_str(),
            "responses:response:delete",
        ),
        (Method::POST, LIBRARIES, "responses:library:add"),
        (Method::DELETE, path.as_str(), "responses:library:delete"),
    ] {
        let refused = call(&emu, &reader, method.clone(), path, &created).await;
        let body = error_body(refused, 403, "missing.any.permissions").await;
        assert_eq!(
            body["messageParams"]["permissions"], needed,
            "{method} {path}"
        );
    }
    // Nothing the reader was refused happened.
    assert_eq!(ok(emu.get(&path).await).await, library);
    assert_eq!(ok(emu.get(&response_path).await).await, created);
}

#[tokio::test]
async fn a_client_without_permissions_still_reaches_the_org_and_the_prompts() {
    let emu = Emu::with(EmulatorOptions {
        clients: vec![grant("nobody", "pw", &[])],
        ..options()
    })
    .await;
    let nobody = token(&emu.emulator.base_url(), "nobody", "pw").await;
    let org = ok(call(
        &emu,
        &nobody,
        Method::GET,
        "/api/v2/organizations/me",
        &Value::Null,
    )
    .await)
    .await;
    assert_eq!(org["id"], "emulator-org");
    let put = call(
        &emu,
        &nobody,
        Method::PUT,
        &format!("{PROMPTS}/p"),
        &prompt("p"),
    )
    .await;
    assert_eq!(put.status(), StatusCode::CREATED);
    let prompt = ok(call(
        &emu,
        &nobody,
        Method::GET,
        &format!("{PROMPTS}/p"),
        &Value::Null,
    )
    .await)
    .await;
    assert_eq!(prompt["modifiedBy"]["id"], "nobody");
    let refused = call(&emu, &nobody, Method::GET, LIBRARIES, &Value::Null).await;
    error_body(refused, 403, "missing.any.permissions").await;
    // The permission check comes before the lookup: no 404 tells what exists.
    let unknown = call(
        &emu,
        &nobody,
        Method::GET,
        &format!("{RESPONSES}/nothing"),
        &Value::Null,
    )
    .await;
    error_body(unknown, 403, "missing.any.permissions").await;
}

#[tokio::test]
async fn clients_added_at_run_time_get_tokens_and_wildcards_cover_any_part() {
    let emu = Emu::start().await;
    let base = emu.emulator.base_url();
    let added = emu
        .admin(
            "/__emulator/clients",
            &json!({"id": "editor", "secret": "ed-secret", "permissions": ["responses:library:*"]}),
        )
        .await;
    let answer = ok(added).await;
    assert_eq!(
        answer,
        json!({"id": "editor", "permissions": ["responses:library:*"]})
    );

    let editor = token(&base, "editor", "ed-secret").await;
    let created = ok(call(
        &emu,
        &editor,
        Method::POST,
        LIBRARIES,
        &json!({"name": "Mine"}),
    )
    .await)
    .await;
    assert_eq!(created["createdBy"]["id"], "editor");
    let path = format!("{LIBRARIES}/{}", created["id"].as_str().unwrap());
    let edited = call(
        &emu,
        &editor,
        Method::PUT,
        &path,
        &json!({"name": "Still mine", "version": 1}),
    )
    .await;
    assert_eq!(ok(edited).await["version"], 2);
    let query = call(&emu, &editor, Method::POST, QUERY, &json!({})).await;
    error_body(query, 403, "missing.any.permissions").await;

    // Given again, the client's tokens carry the new permissions at once.
    emu.admin(
        "/__emulator/clients",
        &json!({"id": "editor", "secret": "ed-secret", "permissions": ["responses:*:view"]}),
    )
    .await;
    ok(call(&emu, &editor, Method::POST, QUERY, &json!({})).await).await;
    let refused = call(&emu, &editor, Method::DELETE, &path, &Value::Null).await;
    error_body(refused, 403, "missing.any.permissions").await;

    let wrong = token_answer(&base, "editor", "not-the-secret").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    for bad in [
        json!({"id": "test-client", "secret": "x", "permissions": []}),
        json!({"id": "", "secret": "x"}),
        json!({"id": "y", "secret": ""}),
    ] {
        let refused = emu.admin("/__emulator/clients", &bad).await;
        error_body(refused, 400, "bad.request").await;
    }
    let stats = emu.stats().await.to_string();
    assert!(
        !stats.contains("ed-secret") && !stats.contains("test-secret"),
        "{stats}"
    );
}

#[tokio::test]
async fn clients_given_twice_or_as_the_start_client_stop_the_start() {
    let twice = EmulatorOptions {
        clients: vec![grant("a", "1", &[]), grant("a", "2", &[])],
        ..options()
    };
    let err = assistform::emulator::Emulator::start(twice)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("`a` is given twice"), "{err}");
    let start = EmulatorOptions {
        clients: vec![grant("test-client", "other", &[])],
        ..options()
    };
    let err = assistform::emulator::Emulator::start(start)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("`test-client`"), "{err}");
    assert!(!format!("{:?}", grant("a", "hidden-secret", &[])).contains("hidden-secret"));
}

/// The emulator binary, stopped when dropped, so that a failed test leaves no
/// server behind.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_reads_its_clients_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clients.json");
    std::fs::write(
        &file,
        r#"{"clients": [{"id": "reader", "secret": "s3cret", "permissions": ["responses:library:view"]}]}"#,
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_assistform"))
        .args([
            "emulator",
            "--listen",
            "127.0.0.1:0",
            "--client-id",
            "demo",
            "--client-secret",
            "demo",
        ])
        .arg("--clients")
        .arg(&file)
        .env_remove("ASSISTFORM_EMULATOR_CLIENT_SECRET")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let _running = Running(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    assert!(!line.contains("s3cret"), "{line}");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    let reader = token(&base, "reader", "s3cret").await;
    let http = client();
    let listed = http
        .get(format!("{base}{LIBRARIES}"))
        .bearer_auth(&reader)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::OK);
    let refused = http
        .post(format!("{base}{LIBRARIES}"))
        .bearer_auth(&reader)
        .json(&json!({"name": "L"}))
        .send()
        .await
        .unwrap();
    error_body(refused, 403, "missing.any.permissions").await;
    let demo = token(&base, "demo", "demo").await;
    let created = http
        .post(format!("{base}{LIBRARIES}"))
        .bearer_auth(&demo)
        .json(&json!({"name": "L"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::OK);
}

#[test]
fn the_binary_names_a_clients_file_it_cannot_use() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clients.json");
    std::fs::write(
        &file,
        r#"{"clients": [{"id": "r", "secret": "s", "roles": []}]}"#,
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_assistform"))
        .args([
            "emulator",
            "--listen",
            "127.0.0.1:0",
            "--client-id",
            "demo",
            "--client-secret",
            "demo",
        ])
        .arg("--clients")
        .arg(&file)
        .env_remove("ASSISTFORM_EMULATOR_CLIENT_SECRET")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("clients.json") && stderr.contains("roles"),
        "{stderr}"
    );
}
