//! Refresh through the list endpoint, and read, create-or-replace, delete.

use std::sync::Mutex;

use assistform::remote::{PAGE_SIZE, RemoteError};

use super::{client, requests, seed, spec};
use crate::emulator::Emu;

#[tokio::test]
async fn list_reads_every_prompt_in_pages_of_500_and_sorts_them() {
    let emu = Emu::start().await;
    let client = client(&emu);
    for n in [0, 1, 500, 501, 1234] {
        emu.admin("/__emulator/reset", &serde_json::json!({})).await;
        let ids = seed(&emu, n).await;
        let seen = Mutex::new(Vec::new());
        let prompts = client
            .list_prompts(&|done, total| seen.lock().unwrap().push((done, total)))
            .await
            .expect("the list is read");
        let listed: Vec<&str> = prompts.iter().map(|p| p.spec.id.as_str()).collect();
        assert_eq!(listed, ids, "{n} prompts");
        if let Some(first) = prompts.first() {
            assert_eq!(first.spec, spec(&first.spec.id));
            assert_eq!(first.version, 1);
        }
        let pages = n.div_ceil(PAGE_SIZE).max(1);
        assert_eq!(requests(&emu, "GET").await, pages as u64, "{n} prompts");
        let seen = seen.into_inner().unwrap();
        assert_eq!(seen.len(), pages);
        assert_eq!(seen.last(), Some(&(pages, pages)));
    }
}

#[tokio::test]
async fn create_read_replace_delete_with_versions() {
    let emu = Emu::start().await;
    let client = client(&emu);
    assert_eq!(client.get_prompt("hold").await.expect("a read"), None);

    let created = client
        .put_prompt(&spec("hold"), None)
        .await
        .expect("created");
    assert_eq!(created.version, 1);
    assert_eq!(created.spec, spec("hold"));
    assert_eq!(created.modified_by.id, "test-client");
    assert_eq!(
        client.get_prompt("hold").await.expect("a read"),
        Some(created.clone())
    );

    let mut renamed = spec("hold");
    renamed.name = "Renamed".into();
    let replaced = client
        .put_prompt(&renamed, Some(1))
        .await
        .expect("replaced");
    assert_eq!(
        (replaced.version, replaced.spec.name.as_str()),
        (2, "Renamed")
    );

    // The version read is stale now, and a create of an existing prompt conflicts.
    for version in [Some(1), None] {
        let conflict = client.put_prompt(&renamed, version).await.expect_err("409");
        assert!(conflict.is_version_conflict(), "{conflict}");
        assert_eq!(conflict.code(), Some("version.mismatch"));
        let message = conflict.to_string();
        assert!(
            message.starts_with("PUT /api/v2/agent-assist/prompts/hold: 409 version.mismatch: The prompt `hold` is at version 2"),
            "{message}"
        );
        assert!(message.contains(" (contextId "), "{message}");
    }

    let stale = client
        .delete_prompt("hold", Some(1))
        .await
        .expect_err("409");
    assert!(stale.is_version_conflict(), "{stale}");
    assert!(
        stale
            .to_string()
            .starts_with("DELETE /api/v2/agent-assist/prompts/hold?version=1: 409"),
        "{stale}"
    );
    client
        .delete_prompt("hold", Some(2))
        .await
        .expect("deleted");
    assert_eq!(client.get_prompt("hold").await.expect("a read"), None);
    let gone = client.delete_prompt("hold", None).await.expect_err("404");
    assert!(gone.is_not_found() && !gone.is_version_conflict(), "{gone}");
    let missing = client
        .put_prompt(&spec("hold"), Some(3))
        .await
        .expect_err("404");
    assert!(missing.is_not_found(), "{missing}");

    let metrics = client.metrics();
    assert_eq!(
        (metrics.retries, metrics.throttled, metrics.token_fetches),
        (0, 0, 1)
    );
    assert_eq!(metrics.requests, 11);
}

#[tokio::test]
async fn a_rejected_prompt_is_not_retried_and_names_the_problem() {
    let emu = Emu::start().await;
    let client = client(&emu);
    let mut bad = spec("bad");
    bad.display.content = "Hello {{favouriteColour}}".into();
    let error = client.put_prompt(&bad, None).await.expect_err("400");
    match &error {
        RemoteError::Api {
            status,
            code,
            context_id,
            ..
        } => {
            assert_eq!((*status, code.as_str()), (400, "bad.request"));
            assert!(context_id.as_deref().is_some_and(|c| !c.is_empty()));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert_eq!(client.metrics().retries, 0);
    assert_eq!(requests(&emu, "PUT").await, 1);
}

#[tokio::test]
async fn concurrent_requests_share_one_token() {
    let emu = Emu::start().await;
    seed(&emu, 3).await;
    let client = client(&emu);
    let mut tasks = Vec::new();
    for i in 0..20 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client.get_prompt(&format!("p{}", i % 3)).await
        }));
    }
    for task in tasks {
        assert!(task.await.expect("joined").expect("read").is_some());
    }
    assert_eq!(client.metrics().token_fetches, 1);
    assert_eq!(
        requests(&emu, "POST").await,
        2,
        "the test's own token and the client's"
    );
}

/// Callers run these in spawned tasks (apply, refresh with a progress bar).
#[test]
fn the_client_and_its_futures_are_send() {
    fn send<T: Send + Sync + 'static>(_: &T) {}
    fn future<T: std::future::Future + Send>(_: T) {}
    let connection = assistform::remote::Connection::explicit("http://127.0.0.1:9", "id", "secret")
        .expect("loopback");
    let client = assistform::remote::Client::new(connection, super::fast()).expect("a client");
    send(&client);
    future(client.list_prompts(&|_, _| {}));
    future(client.get_prompt("p"));
    future(client.put_prompt_outcome(&spec("p"), Some(1)));
    future(client.delete_prompt_outcome("p", None));
}
