//! Refresh: every prompt in the org, read through the list endpoint in pages of 500
//! (never one GET per prompt): the first page says how many there are, and the rest
//! are fetched concurrently.

use reqwest::Method;
use serde::Deserialize;
use tokio::task::JoinSet;

use super::client::{Client, decode};
use super::error::RemoteError;
use super::wire;
use crate::model::RemotePrompt;

/// The largest page the API serves.
pub const PAGE_SIZE: usize = 500;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    entities: Vec<RemotePrompt>,
    #[serde(default)]
    total: Option<usize>,
    #[serde(default)]
    page_count: Option<usize>,
}

impl Client {
    /// Every prompt in the org, sorted by id. `progress(done, total)` is called with
    /// the pages read so far as they arrive.
    ///
    /// # Errors
    ///
    /// The first page request that fails for good; the others are then abandoned.
    pub async fn list_prompts(
        &self,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Vec<RemotePrompt>, RemoteError> {
        let first = self.page(1).await?;
        let pages = first
            .page_count
            .or_else(|| first.total.map(|t| t.div_ceil(PAGE_SIZE)))
            .unwrap_or(1)
            .max(1);
        let mut prompts = first.entities;
        let mut done = 1;
        progress(done, pages);

        // At most `page_concurrency` pages in flight: a new one starts as one ends.
        // Dropping the set (on an error) aborts the pages still in flight.
        let mut in_flight = JoinSet::new();
        let mut next = 2;
        let limit = self.options().page_concurrency.max(1);
        while next <= pages && in_flight.len() < limit {
            in_flight.spawn(self.clone().owned_page(next));
            next += 1;
        }
        while let Some(joined) = in_flight.join_next().await {
            let page = match joined {
                Ok(page) => page?,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => {
                    return Err(RemoteError::Transport {
                        request: wire::label(
                            &Method::GET,
                            &self.connection().api_url(&["agent-assist", "prompts"]),
                        ),
                        message: "the page request was cancelled".into(),
                        sent: true,
                    });
                }
            };
            prompts.extend(page.entities);
            done += 1;
            progress(done, pages);
            if next <= pages {
                in_flight.spawn(self.clone().owned_page(next));
                next += 1;
            }
        }

        // A prompt created or deleted while the pages were read shifts the later
        // pages by one, so one may be seen twice: keep the newest.
        prompts.sort_by(|a, b| a.spec.id.cmp(&b.spec.id).then(b.version.cmp(&a.version)));
        prompts.dedup_by(|later, kept| later.spec.id == kept.spec.id);
        Ok(prompts)
    }

    async fn owned_page(self, number: usize) -> Result<Page, RemoteError> {
        self.page(number).await
    }

    async fn page(&self, number: usize) -> Result<Page, RemoteError> {
        let answer = self.call(Method::GET, self.list_url(number), None).await?;
        decode(&answer)
    }

    fn list_url(&self, page: usize) -> reqwest::Url {
        let mut url = self.connection().api_url(&["agent-assist", "prompts"]);
        url.query_pairs_mut()
            .append_pair("pageSize", &PAGE_SIZE.to_string())
            .append_pair("pageNumber", &page.to_string());
        url
    }
}
