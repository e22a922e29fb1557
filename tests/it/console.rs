//! The org as someone in the Genesys console sees it: plain API calls with a
//! token of their own, beside what assistform does.

use serde_json::Value;

use crate::org::{Case, ID, SECRET};

/// The org as someone in the Genesys console sees it.
pub struct Console {
    pub base: String,
    pub token: String,
    pub http: reqwest::Client,
}

impl Console {
    pub async fn of(case: &Case) -> Console {
        Console::as_client(case, ID, SECRET).await
    }

    pub async fn as_client(case: &Case, id: &str, secret: &str) -> Console {
        assistform::remote::install_crypto_provider();
        let http = reqwest::Client::new();
        let base = case.emulator.base_url();
        let token: Value = http
            .post(format!("{base}/oauth/token"))
            .basic_auth(id, Some(secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("token json");
        Console {
            base,
            token: token["access_token"].as_str().expect("token").to_owned(),
            http,
        }
    }

    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }
}
