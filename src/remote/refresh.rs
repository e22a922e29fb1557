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
        self.pages(Pages::List { path }, PAGE_SIZE, progress).await
    }

    /// [`Client::list_all`] for any page-number source and page size: a list
    /// endpoint, or a search endpoint queried with a body.
    ///
    /// # Errors
    ///
    /// The first page request that fails for good; the others are then abandoned.
    pub async fn pages<T: DeserializeOwned + Send + 'static>(
        &self,
        source: Pages,
        size: usize,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Vec<T>, RemoteError> {
        let path = source.path();
        let source = std::sync::Arc::new(source);
        let first: Page<T> = self.page(&source, size, 1).await?;
        let pages = first
            .page_count
            .or_else(|| first.total.map(|t| t.div_ceil(size.max(1))))
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
            in_flight.spawn(self.clone().owned_page(source.clone(), size, next));
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
                in_flight.spawn(self.clone().owned_page(source.clone(), size, next));
                next += 1;
            }
        }
        Ok(entities)
    }

    async fn owned_page<T: DeserializeOwned>(
        self,
        source: std::sync::Arc<Pages>,
        size: usize,
        number: usize,
    ) -> Result<Page<T>, RemoteError> {
        self.page(&source, size, number).await
    }

    async fn page<T: DeserializeOwned>(
        &self,
        source: &Pages,
        size: usize,
        number: usize,
    ) -> Result<Page<T>, RemoteError> {
        let mut url = self.connection().api_url(source.path());
        match source {
            Pages::List { .. } => {
                url.query_pairs_mut()
                    .append_pair("pageSize", &size.to_string())
                    .append_pair("pageNumber", &number.to_string());
                let answer = self.call(Method::GET, url, None).await?;
                decode(&answer)
            }
            Pages::Query { body, .. } => {
                let mut body = body.clone();
                if let Some(fields) = body.as_object_mut() {
                    fields.insert("pageSize".into(), size.into());
                    fields.insert("pageNumber".into(), number.into());
                }
                // A query only reads: repeating it is safe, as a GET is.
                let answer = self.call(Method::POST, url, Some(body.to_string())).await?;
                let results: Results<T> = decode(&answer)?;
                Ok(results.results)
            }
        }
    }
}

impl Client {
    /// Every entity of a collection with **cursor paging** (`{entities, nextUri}`,
    /// no total): one page after another, each through the `nextUri` the one
    /// before gave. `progress(done, 0)` counts the pages; the total is unknown.
    ///
    /// # Errors
    ///
    /// A page that fails for good; a `nextUri` that leaves the API's host, or that
    /// repeats a page (a server that would page forever).
    pub async fn cursor_pages<T: DeserializeOwned>(
        &self,
        path: &[&str],
        size: usize,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Vec<T>, RemoteError> {
        self.cursor_pages_with(path, &[], size, progress).await
    }

    /// [`Client::cursor_pages`], with `query` on the first page (`expand=copilot`);
    /// the later pages' addresses carry it as the server wrote them.
    ///
    /// # Errors
    ///
    /// As [`Client::cursor_pages`].
    pub async fn cursor_pages_with<T: DeserializeOwned>(
        &self,
        path: &[&str],
        query: &[(&str, &str)],
        size: usize,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Vec<T>, RemoteError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        #[serde(bound = "T: DeserializeOwned")]
        struct CursorPage<T> {
            entities: Vec<T>,
            #[serde(default)]
            next_uri: Option<String>,
        }
        let first = self.connection().api_url(path);
        let mut url = first.clone();
        url.query_pairs_mut()
            .append_pair("pageSize", &size.to_string())
            .extend_pairs(query);
        let mut seen = std::collections::BTreeSet::new();
        let mut entities = Vec::new();
        loop {
            let answer = self.call(Method::GET, url.clone(), None).await?;
            let page: CursorPage<T> = decode(&answer)?;
            entities.extend(page.entities);
            progress(seen.len() + 1, 0);
            let Some(next) = page.next_uri.filter(|n| !n.is_empty()) else {
                return Ok(entities);
            };
            let request = wire::label(&Method::GET, &url);
            let joined = first
                .join(&next)
                .ok()
                .filter(|n| n.origin() == first.origin());
            let Some(joined) = joined else {
                return Err(RemoteError::Decode {
                    request,
                    message: format!("the next page's address `{next}` is not on the API's host"),
                });
            };
            if !seen.insert(joined.to_string()) {
                return Err(RemoteError::Decode {
                    request,
                    message: format!("the next page's address `{next}` repeats one already read"),
                });
            }
            url = joined;
        }
    }
}

/// Where pages come from.
#[derive(Clone, Debug)]
pub enum Pages {
    /// `GET path?pageSize&pageNumber`.
    List { path: &'static [&'static str] },
    /// `POST path` with `body` and its `pageSize` and `pageNumber`, answered as
    /// `{"results": page}`: a search endpoint.
    Query {
        path: &'static [&'static str],
        body: serde_json::Value,
    },
}

impl Pages {
    fn path(&self) -> &'static [&'static str] {
        match self {
            Pages::List { path } | Pages::Query { path, .. } => path,
        }
    }
}

#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct Results<T> {
    results: Page<T>,
}
