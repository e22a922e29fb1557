//! Every object of a collection, read through its list endpoint in pages of 500
//! (never one GET per object): the first page says how many there are, and the
//! rest are fetched concurrently.

use reqwest::Method;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tokio::task::JoinSet;

use super::client::{Client, decode};
use super::error::RemoteError;
use super::wire;

/// The largest page the API serves.
pub const PAGE_SIZE: usize = 500;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(bound = "T: DeserializeOwned")]
struct Page<T> {
    entities: Vec<T>,
    #[serde(default)]
    total: Option<usize>,
    #[serde(default)]
    page_count: Option<usize>,
}

impl Client {
    /// Every entity of the collection at `path` (segments under `/api/v2`), in the
    /// order the pages hold them; an entity created or deleted while the pages were
    /// read may shift one in or out of a page, so the caller drops duplicates.
    /// `progress(done, total)` is called with the pages read so far as they arrive.
    ///
    /// # Errors
    ///
    /// The first page request that fails for good; the others are then abandoned.
    pub async fn list_all<T: DeserializeOwned + Send + 'static>(
        &self,
        path: &'static [&'static str],
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Vec<T>, RemoteError> {
        let first: Page<T> = self.page(path, 1).await?;
        let pages = first
            .page_count
            .or_else(|| first.total.map(|t| t.div_ceil(PAGE_SIZE)))
            .unwrap_or(1)
            .max(1);
        let mut entities = first.entities;
        let mut done = 1;
        progress(done, pages);

        // At most `page_concurrency` pages in flight: a new one starts as one ends.
        // Dropping the set (on an error) aborts the pages still in flight.
        let mut in_flight = JoinSet::new();
        let mut next = 2;
        let limit = self.options().page_concurrency.max(1);
        while next <= pages && in_flight.len() < limit {
            in_flight.spawn(self.clone().owned_page(path, next));
            next += 1;
        }
        while let Some(joined) = in_flight.join_next().await {
            let page: Page<T> = match joined {
                Ok(page) => page?,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => {
                    return Err(RemoteError::Transport {
                        request: wire::label(&Method::GET, &self.connection().api_url(path)),
                        message: "the page request was cancelled".into(),
                        sent: true,
                    });
                }
            };
            entities.extend(page.entities);
            done += 1;
            progress(done, pages);
            if next <= pages {
                in_flight.spawn(self.clone().owned_page(path, next));
                next += 1;
            }
        }
        Ok(entities)
    }

    async fn owned_page<T: DeserializeOwned>(
        self,
        path: &'static [&'static str],
        number: usize,
    ) -> Result<Page<T>, RemoteError> {
        self.page(path, number).await
    }

    async fn page<T: DeserializeOwned>(
        &self,
        path: &[&str],
        number: usize,
    ) -> Result<Page<T>, RemoteError> {
        let mut url = self.connection().api_url(path);
        url.query_pairs_mut()
            .append_pair("pageSize", &PAGE_SIZE.to_string())
            .append_pair("pageNumber", &number.to_string());
        let answer = self.call(Method::GET, url, None).await?;
        decode(&answer)
    }
}
