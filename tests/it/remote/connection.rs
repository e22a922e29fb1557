//! Where and as whom to connect: precedence, regions, URLs, credentials, secrecy.

use assistform::region::GenesysSettings;
use assistform::remote::{Client, ClientOptions, Connection, RemoteError};

const SECRET: &str = "s3cr3t-value-never-shown";

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn credentials() -> Vec<(&'static str, &'static str)> {
    vec![
        ("GENESYSCLOUD_OAUTHCLIENT_ID", "client-1"),
        ("GENESYSCLOUD_OAUTHCLIENT_SECRET", SECRET),
    ]
}

fn block(region: Option<&str>, api_url: Option<&str>) -> GenesysSettings {
    GenesysSettings {
        region: region.map(str::to_owned),
        api_url: api_url.map(str::to_owned),
    }
}

fn resolve(
    block: &GenesysSettings,
    extra: &[(&str, &str)],
    region: Option<&str>,
    api_url: Option<&str>,
) -> Result<Connection, RemoteError> {
    let mut pairs = credentials();
    pairs.extend_from_slice(extra);
    Connection::resolve(block, &env(&pairs), region, api_url)
}

fn host(
    block: &GenesysSettings,
    extra: &[(&str, &str)],
    region: Option<&str>,
    url: Option<&str>,
) -> String {
    resolve(block, extra, region, url)
        .expect("the connection resolves")
        .describe()
}

fn config_error(result: Result<Connection, RemoteError>) -> String {
    match result {
        Err(e @ RemoteError::Config { .. }) => e.to_string(),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn the_block_then_the_environment_then_the_flags() {
    let eu = block(Some("eu-west-1"), None);
    assert_eq!(host(&eu, &[], None, None), "https://api.mypurecloud.ie");
    let env_region = [("GENESYSCLOUD_REGION", "eu-central-1")];
    assert_eq!(
        host(&eu, &env_region, None, None),
        "https://api.mypurecloud.de"
    );
    assert_eq!(
        host(&eu, &env_region, Some("ap-southeast-2"), None),
        "https://api.mypurecloud.com.au"
    );
    // A higher level's URL beats a lower level's region, and the other way round.
    let env_url = [("GENESYSCLOUD_API_URL", "https://proxy.example.com/genesys/")];
    assert_eq!(
        host(&eu, &env_url, None, None),
        "https://proxy.example.com/genesys"
    );
    assert_eq!(
        host(&eu, &env_url, Some("us-east-1"), None),
        "https://api.mypurecloud.com"
    );
    assert_eq!(
        host(&eu, &env_region, None, Some("http://127.0.0.1:8080")),
        "http://127.0.0.1:8080"
    );
    // Within one level, the URL is the more specific.
    let both = block(Some("eu-west-1"), Some("https://gateway.example.org"));
    assert_eq!(host(&both, &[], None, None), "https://gateway.example.org");
}

#[test]
fn aliases_bare_domains_and_credentials() {
    let aliases = env(&[
        ("GENESYS_REGION", "mypurecloud.jp"),
        ("GENESYS_CLIENT_ID", "alias-client"),
        ("GENESYS_CLIENT_SECRET", SECRET),
    ]);
    let connection = Connection::resolve(&GenesysSettings::default(), &aliases, None, None)
        .expect("aliases suffice");
    assert_eq!(connection.describe(), "https://api.mypurecloud.jp");
    assert_eq!(connection.client_id(), "alias-client");

    // The provider's names win over the aliases; empty values count as unset.
    let mut both = aliases.clone();
    both.extend(env(&[
        ("GENESYSCLOUD_OAUTHCLIENT_ID", "provider-client"),
        ("GENESYSCLOUD_REGION", ""),
    ]));
    let connection =
        Connection::resolve(&GenesysSettings::default(), &both, None, None).expect("resolves");
    assert_eq!(connection.client_id(), "provider-client");
    assert_eq!(connection.describe(), "https://api.mypurecloud.jp");
}

#[test]
fn unknown_regions_and_bad_urls_are_refused() {
    let message = config_error(resolve(
        &GenesysSettings::default(),
        &[],
        Some("eu-wset-1"),
        None,
    ));
    assert!(
        message.contains("unknown Genesys Cloud region `eu-wset-1`"),
        "{message}"
    );
    assert!(message.contains("did you mean `eu-west-1`?"), "{message}");
    assert!(message.contains("ap-northeast-3"), "{message}");

    let message = config_error(resolve(
        &GenesysSettings::default(),
        &[],
        None,
        Some("http://genesys.example.com"),
    ));
    assert!(message.contains("--api-url"), "{message}");
    assert!(message.contains("plain http"), "{message}");

    let message = config_error(resolve(
        &block(None, Some("https://user:pw@example.com")),
        &[],
        None,
        None,
    ));
    assert!(message.contains("carries credentials"), "{message}");
    assert!(!message.contains("pw"), "{message}");
}

#[test]
fn no_region_asks_for_one() {
    let message = config_error(resolve(&GenesysSettings::default(), &[], None, None));
    assert_eq!(
        message,
        "no Genesys Cloud region: set `region` in the `genesys` block, GENESYSCLOUD_REGION or GENESYS_REGION, or pass `--region`; or give an API URL with `api_url`, GENESYSCLOUD_API_URL or `--api-url`"
    );
}

#[test]
fn missing_credentials_name_the_variables_and_the_emulator() {
    let eu = block(Some("eu-west-1"), None);
    let error = Connection::resolve(&eu, &[], None, None).expect_err("no credentials");
    assert!(matches!(error, RemoteError::MissingCredentials { .. }));
    assert_eq!(
        error.to_string(),
        "no Genesys Cloud OAuth client credentials: GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET not set; set GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET (or GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET), or try assistform without an account with `--emulator`"
    );
    let only_id = env(&[("GENESYS_CLIENT_ID", "c")]);
    let error = Connection::resolve(&eu, &only_id, None, None).expect_err("no secret");
    assert!(
        error.to_string().starts_with(
            "no Genesys Cloud OAuth client credentials: GENESYSCLOUD_OAUTHCLIENT_SECRET not set;"
        ),
        "{error}"
    );
}

#[test]
fn debug_output_never_shows_the_secret() {
    let connection = resolve(&block(Some("eu-west-1"), None), &[], None, None).expect("resolves");
    let shown = format!("{connection:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("***"), "{shown}");
    let client = Client::new(connection, ClientOptions::default()).expect("a client");
    let shown = format!("{client:?} {:#?}", client.clone());
    assert!(!shown.contains(SECRET), "{shown}");

    let explicit = Connection::explicit("http://localhost:9", "id", SECRET).expect("loopback");
    assert!(!format!("{explicit:?}").contains(SECRET));
    assert!(Connection::explicit("http://10.0.0.1:9", "id", SECRET).is_err());
}
