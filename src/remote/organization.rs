//! Which org the client is connected to: `GET /api/v2/organizations/me`.

use reqwest::Method;

use super::client::{Client, decode};
use super::error::RemoteError;
use crate::org::Organization;

impl Client {
    /// The org this client's credentials belong to.
    ///
    /// # Errors
    ///
    /// Any [`RemoteError`].
    pub async fn organization(&self) -> Result<Organization, RemoteError> {
        let url = self.connection().api_url(&["organizations", "me"]);
        let answer = self.call(Method::GET, url, None).await?;
        decode(&answer)
    }
}
