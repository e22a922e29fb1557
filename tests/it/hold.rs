//! The emulator's request holds, from a test: park a request at an exact point and
//! decide later what becomes of it. No test orders events by sleeping.

use serde_json::{Value, json};

/// An armed hold on one request.
pub struct Hold {
    base: String,
    id: u64,
}

/// Where the hold parks its request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Before the emulator processes it.
    Before,
    /// Processed, its answer not yet sent.
    After,
}

impl Hold {
    /// Arms a hold for the next `method` request to `path` (a trailing `*` matches any rest).
    pub async fn arm(base_url: &str, method: &str, path: &str, stage: Stage) -> Hold {
        let stage = match stage {
            Stage::Before => "before",
            Stage::After => "after",
        };
        let armed = post(
            &format!("{base_url}/__emulator/holds"),
            json!({"method": method, "path": path, "stage": stage}),
        )
        .await;
        Hold {
            base: base_url.to_owned(),
            id: armed["id"].as_u64().expect("hold id"),
        }
    }

    /// Waits until the hold has caught its request; returns the request's path.
    /// Fails the test after a minute, which only a broken test reaches.
    pub async fn caught(&self) -> String {
        let hold = post(
            &format!(
                "{}/__emulator/holds/{}/wait?timeout_ms=60000",
                self.base, self.id
            ),
            Value::Null,
        )
        .await;
        hold["caught"].as_str().expect("caught path").to_owned()
    }

    /// Waits until the held request's client has given up on it (closed its
    /// connection) and the emulator has dropped the request: after that nothing of
    /// it can happen any more. Fails the test after a minute, which only a broken
    /// test, or an emulator that kept the request, reaches.
    pub async fn abandoned(&self) {
        let hold = post(
            &format!(
                "{}/__emulator/holds/{}/wait?until=abandoned&timeout_ms=60000",
                self.base, self.id
            ),
            Value::Null,
        )
        .await;
        assert_eq!(hold["abandoned"], true, "{hold}");
    }

    /// Lets the request go on as if never held.
    pub async fn release(self) {
        self.then(json!({"then": "answer"})).await;
    }

    /// Closes the request's connection without an answer.
    pub async fn drop_connection(self) {
        self.then(json!({"then": "drop"})).await;
    }

    /// Answers the request with `status` instead of its own answer.
    pub async fn fail(self, status: u16) {
        self.then(json!({"then": "fail", "status": status})).await;
    }

    async fn then(self, verdict: Value) {
        post(
            &format!("{}/__emulator/holds/{}/release", self.base, self.id),
            verdict,
        )
        .await;
    }
}

async fn post(url: &str, body: Value) -> Value {
    assistform::remote::install_crypto_provider();
    let request = reqwest::Client::new().post(url);
    let request = if body.is_null() {
        request
    } else {
        request.json(&body)
    };
    let response = request.send().await.expect("emulator control");
    let status = response.status();
    let value: Value = response.json().await.expect("control answer");
    assert!(status.is_success(), "{url}: {status} {value}");
    value
}
