//! Webhook hooks: the event JSON POSTed to a URL.

use std::time::Duration;

/// POSTs `body` as JSON to `url`; the status when it is 2xx.
///
/// # Errors
///
/// A message naming the URL and what went wrong: no answer within `timeout`, or a
/// status that is not 2xx.
pub async fn post(url: &str, body: &serde_json::Value, timeout: Duration) -> Result<u16, String> {
    crate::tls::install_crypto_provider();
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
    let response = client.post(url).json(body).send().await.map_err(|e| {
        if e.is_timeout() {
            format!("POST {url}: no answer within {} s", timeout.as_secs())
        } else {
            format!("POST {url}: {e}")
        }
    })?;
    let status = response.status();
    if status.is_success() {
        Ok(status.as_u16())
    } else {
        Err(format!("POST {url}: answered {status}"))
    }
}
