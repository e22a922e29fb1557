//! Genesys Cloud regions and how they map to hosts (API.md, "Hosts and regions").

use reqwest::Url;

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

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}
