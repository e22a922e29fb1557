//! The list endpoint: page sizes, page numbers, URIs, order.

use serde_json::Value;

use super::{Emu, PROMPTS, error_body, prompt};

/// An org of `n` prompts, `p0000`…, seeded out of order.
async fn org_of(n: usize) -> Emu {
    let emu = Emu::start().await;
    let prompts: Vec<Value> = (0..n).rev().map(|i| prompt(&format!("p{i:04}"))).collect();
    if n > 0 {
        emu.seed(&prompts).await;
    }
    emu
}

async fn page(emu: &Emu, query: &str) -> Value {
    let response = emu.get(&format!("{PROMPTS}{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

fn ids(page: &Value) -> Vec<String> {
    page["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

fn uri(size: usize, number: usize) -> String {
    format!("{PROMPTS}?pageSize={size}&pageNumber={number}")
}

#[tokio::test]
async fn an_empty_org_is_one_empty_page() {
    let emu = org_of(0).await;
    let body = page(&emu, "").await;
    assert_eq!(body["entities"], serde_json::json!([]));
    assert_eq!(body["total"], 0);
    assert_eq!(body["pageCount"], 0);
    assert_eq!(body["pageSize"], 25);
    assert_eq!(body["pageNumber"], 1);
    assert_eq!(body["firstUri"], uri(25, 1));
    assert_eq!(body["lastUri"], uri(25, 1));
    assert!(body.get("nextUri").is_none());
}

#[tokio::test]
async fn exactly_one_page_has_no_next() {
    let emu = org_of(25).await;
    let body = page(&emu, "").await;
    assert_eq!(ids(&body).len(), 25);
    assert_eq!(body["total"], 25);
    assert_eq!(body["pageCount"], 1);
    assert_eq!(body["selfUri"], uri(25, 1));
    assert!(body.get("nextUri").is_none());
}

#[tokio::test]
async fn pages_are_sorted_by_id_and_the_last_is_partial() {
    let emu = org_of(60).await;
    let first = page(&emu, "?pageSize=25&pageNumber=1").await;
    assert_eq!(first["pageCount"], 3);
    assert_eq!(first["total"], 60);
    assert_eq!(first["nextUri"], uri(25, 2));
    assert_eq!(first["lastUri"], uri(25, 3));
    let mut all = ids(&first);
    let second = page(&emu, "?pageSize=25&pageNumber=2").await;
    assert_eq!(second["nextUri"], uri(25, 3));
    all.extend(ids(&second));
    let last = page(&emu, "?pageNumber=3&pageSize=25").await;
    assert_eq!(ids(&last).len(), 10);
    assert!(last.get("nextUri").is_none());
    assert_eq!(last["selfUri"], uri(25, 3));
    all.extend(ids(&last));
    let expected: Vec<String> = (0..60).map(|i| format!("p{i:04}")).collect();
    assert_eq!(all, expected);
}

#[tokio::test]
async fn page_size_500_is_the_largest() {
    let emu = org_of(600).await;
    let body = page(&emu, "?pageSize=500").await;
    assert_eq!(ids(&body).len(), 500);
    assert_eq!(body["pageCount"], 2);
    for query in [
        "?pageSize=501",
        "?pageSize=0",
        "?pageSize=-1",
        "?pageSize=ten",
        "?pageNumber=0",
    ] {
        let response = emu.get(&format!("{PROMPTS}{query}")).await;
        error_body(response, 400, "bad.request").await;
    }
}

#[tokio::test]
async fn a_page_past_the_end_is_empty() {
    let emu = org_of(3).await;
    let body = page(&emu, "?pageSize=2&pageNumber=9").await;
    assert_eq!(ids(&body).len(), 0);
    assert_eq!(body["total"], 3);
    assert_eq!(body["pageCount"], 2);
    assert_eq!(body["pageNumber"], 9);
    assert!(body.get("nextUri").is_none());
    assert_eq!(body["lastUri"], uri(2, 2));
}
