//! Where to connect: Genesys Cloud regions and how they map to hosts (API.md,
//! "Hosts and regions"), the `genesys` block's settings, and how an explicit base
//! URL is read. A leaf: the configuration and the client both use it, and it uses
//! neither.

use url::Url;

/// The connection settings of the `genesys` block: a region or an API URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GenesysSettings {
    pub region: Option<String>,
    pub api_url: Option<String>,
}

/// `(region, domain)` for every region Genesys Cloud serves.
pub const REGIONS: &[(&str, &str)] = &[
    ("us-east-1", "mypurecloud.com"),
    ("us-east-2", "use2.us-gov-pure.cloud"),
    ("us-west-2", "usw2.pure.cloud"),
    ("ca-central-1", "cac1.pure.cloud"),
    ("sa-east-1", "sae1.pure.cloud"),
    ("mx-central-1", "mxc1.pure.cloud"),
    ("eu-west-1", "mypurecloud.ie"),
    ("eu-west-2", "euw2.pure.cloud"),
    ("eu-central-1", "mypurecloud.de"),
    ("eu-central-2", "euc2.pure.cloud"),
    ("eusc-de-east-1", "edee1.eusc-pure.cloud"),
    ("me-central-1", "mec1.pure.cloud"),
    ("ap-south-1", "aps1.pure.cloud"),
    ("ap-southeast-1", "apse1.pure.cloud"),
    ("ap-southeast-2", "mypurecloud.com.au"),
    ("ap-northeast-1", "mypurecloud.jp"),
    ("ap-northeast-2", "apne2.pure.cloud"),
    ("ap-northeast-3", "apne3.pure.cloud"),
];

/// The domain of `region`, given by name (`eu-west-1`) or as a bare domain
/// (`mypurecloud.ie`).
pub fn domain(region: &str) -> Option<&'static str> {
    let region = region.trim().to_ascii_lowercase();
    REGIONS
        .iter()
        .find(|(name, domain)| *name == region || *domain == region)
        .map(|(_, domain)| *domain)
}

/// The names of all regions, for messages.
pub fn names() -> String {
    REGIONS
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks an explicit base URL: `https://…`, or `http://` to a loopback address only,
/// because a token sent in clear text anywhere else could be read on the way.
///
/// # Errors
///
/// A message saying what is wrong with the URL.
pub fn parse_base_url(raw: &str) -> Result<Url, String> {
    let url = Url::parse(raw.trim()).map_err(|e| format!("`{raw}` is not a valid URL: {e}"))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(format!(
            "`{raw}` uses plain http to a host that is not loopback; use https (plain http is allowed only to 127.0.0.1, ::1 or localhost)"
        )),
        other => Err(format!("`{raw}` has scheme `{other}`; use https")),
    }
}

/// An explicit base URL, without a trailing slash, query or fragment, so that paths
/// append cleanly.
///
/// # Errors
///
/// A message saying what is wrong with the URL.
pub fn base_url(raw: &str) -> Result<Url, String> {
    // Checked first, because the other messages quote the URL: credentials in it
    // would end up in messages and logs.
    if let Ok(mut url) = Url::parse(raw.trim())
        && (!url.username().is_empty() || url.password().is_some())
    {
        let _ = url.set_username("");
        let _ = url.set_password(None);
        return Err(format!(
            "`{}` carries credentials; give the OAuth client through the environment instead",
            origin(&url)
        ));
    }
    let mut url = parse_base_url(raw)?;
    if url.cannot_be_a_base() || url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{raw}` has no host"));
    }
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    Ok(url)
}

/// The URL as a person would write it: scheme, host, port and any path prefix.
pub fn origin(url: &Url) -> String {
    url.as_str().trim_end_matches('/').to_owned()
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}
