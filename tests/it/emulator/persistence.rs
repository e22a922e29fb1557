//! `data`: the org survives a restart; a bad file is refused and left alone.

use std::path::Path;

use assistform::emulator::{Emulator, EmulatorError};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Emu, EmulatorOptions, PROMPTS, options, prompt};

fn with_data(path: &Path) -> EmulatorOptions {
    EmulatorOptions {
        data: Some(path.to_owned()),
        ..options()
    }
}

async fn list(emu: &Emu) -> Value {
    emu.get(&format!("{PROMPTS}?pageSize=500"))
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_restart_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.json");
    let emu = Emu::with(with_data(&path)).await;
    emu.put("a", &prompt("a")).await;
    emu.put("b", &prompt("b")).await;
    emu.put("c", &prompt("c")).await;
    let mut update = prompt("a");
    update["version"] = json!(1);
    update["name"] = json!("Updated");
    assert_eq!(emu.put("a", &update).await.status(), StatusCode::OK);
    let deleted = emu
        .api(Method::DELETE, &format!("{PROMPTS}/b"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let mut seeded = prompt("console");
    seeded["version"] = json!(9);
    seeded["display"]["content"] = json!("{{notAVariable}}");
    emu.seed(&[seeded]).await;
    let before = list(&emu).await;
    emu.emulator.shutdown().await;

    let again = Emu::with(with_data(&path)).await;
    let after = list(&again).await;
    assert_eq!(after, before);
    assert_eq!(after["total"], 3);
    assert_eq!(after["entities"][0]["name"], "Updated");
    assert_eq!(after["entities"][0]["version"], 2);
    assert_eq!(after["entities"][2]["id"], "console");
    assert_eq!(after["entities"][2]["version"], 9);

    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("org.json")]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test]
async fn a_missing_file_is_an_empty_org_created_on_the_first_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.json");
    let emu = Emu::with(with_data(&path)).await;
    assert_eq!(list(&emu).await["total"], 0);
    assert!(!path.exists());
    emu.put("a", &prompt("a")).await;
    let saved: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(saved["prompts"][0]["id"], "a");
    let reset = emu
        .http
        .post(emu.url("/__emulator/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    let saved: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(saved["prompts"], json!([]));
}

#[tokio::test]
async fn a_corrupt_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.json");
    let corrupt = b"{\"prompts\": [\n  {\"id\": \"a\",, }\n]}\n";
    std::fs::write(&path, corrupt).unwrap();
    let err = Emulator::start(with_data(&path)).await.unwrap_err();
    match &err {
        EmulatorError::ParseData { line, column, .. } => {
            assert_eq!((*line, *column), (2, 14), "{err}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("org.json") && message.contains("line 2"),
        "{message}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), corrupt);

    std::fs::write(&path, b"{\"prompts\": [{\"id\": \"a\"}]}").unwrap();
    let err = Emulator::start(with_data(&path)).await.unwrap_err();
    assert!(matches!(err, EmulatorError::ParseData { .. }), "{err:?}");
}

#[tokio::test]
async fn an_unreadable_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = Emulator::start(with_data(dir.path())).await.unwrap_err();
    assert!(matches!(err, EmulatorError::ReadData { .. }), "{err:?}");
    assert!(err.to_string().contains(&dir.path().display().to_string()));
}
