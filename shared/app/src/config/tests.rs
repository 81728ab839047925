use super::*;
use crate::config::AuthConfig;

fn settings(pairs: &[(&str, &str)]) -> Settings {
    Settings::default().with_layer(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())))
}

const MINIMAL: &[(&str, &str)] = &[
    ("CF_API_URL", "https://api.example.com"),
    ("CF_USERNAME", "admin"),
    ("CF_PASSWORD", "pw-value-123"),
    ("AUTH_MODE", "disabled"),
];

#[test]
fn minimal_user_configuration_runs_without_bosh() {
    let (config, warnings) = Config::load(&settings(MINIMAL)).unwrap();
    assert_eq!(config.foundation, "default");
    assert_eq!(config.cache.ttl, Duration::from_secs(300));
    assert!(config.bosh.is_none());
    assert!(warnings.iter().any(|w| w.contains("BOSH_ENVIRONMENT")));
    assert!(matches!(config.cf.credentials, CfCredentials::User { .. }));
    assert_eq!(config.cf.oauth_client.0, "cf");
    assert!(config.cf.oauth_client.1.is_empty());
}

#[test]
fn missing_cf_variables_are_named() {
    let err = Config::load(&settings(&[])).unwrap_err().to_string();
    assert!(err.starts_with("CF_API_URL is required"), "{err}");
    let err = Config::load(&settings(&[("CF_API_URL", "https://x")])).unwrap_err().to_string();
    assert!(err.contains("CF_USERNAME"), "{err}");
    let err = Config::load(&settings(&[("CF_API_URL", "https://x"), ("CF_USERNAME", "u")])).unwrap_err().to_string();
    assert!(err.starts_with("CF_PASSWORD is required"), "{err}");
    let err = Config::load(&settings(&[("CF_API_URL", "https://x"), ("CF_CLIENT_ID", "c")])).unwrap_err().to_string();
    assert!(err.starts_with("CF_CLIENT_SECRET is required"), "{err}");
}

#[test]
fn client_credentials_win_over_user_credentials() {
    let mut pairs = MINIMAL.to_vec();
    pairs.extend([("CF_CLIENT_ID", "analyzer"), ("CF_CLIENT_SECRET", "s3cr3t")]);
    let (config, _) = Config::load(&settings(&pairs)).unwrap();
    assert!(matches!(config.cf.credentials, CfCredentials::Client { ref client_id, .. } if client_id == "analyzer"));
}

#[test]
fn bosh_needs_client_and_secret_and_pem() {
    let mut pairs = MINIMAL.to_vec();
    pairs.push(("BOSH_ENVIRONMENT", "10.0.0.6"));
    let err = Config::load(&settings(&pairs)).unwrap_err().to_string();
    assert!(err.starts_with("BOSH_CLIENT is required"), "{err}");
    pairs.extend([("BOSH_CLIENT", "ops_manager"), ("BOSH_CLIENT_SECRET", "bosh-secret-value")]);
    pairs.push(("BOSH_CA_CERT", "not a pem"));
    let err = Config::load(&settings(&pairs)).unwrap_err().to_string();
    assert!(err.starts_with("BOSH_CA_CERT is invalid"), "{err}");
    assert!(!err.contains("not a pem"), "values are never echoed: {err}");
    pairs.pop();
    pairs.push(("BOSH_DEPLOYMENTS", "cf-abc, p-isolation-segment-x-def"));
    let (config, _) = Config::load(&settings(&pairs)).unwrap();
    let bosh = config.bosh.unwrap();
    assert_eq!(bosh.deployments.unwrap(), ["cf-abc", "p-isolation-segment-x-def"]);
    assert_eq!(bosh.retry.retries, 3);
    assert_eq!(bosh.retry.base_delay, Duration::from_secs(1));
}

#[test]
fn invalid_numbers_and_names_are_rejected_without_echoing_values() {
    for (var, value) in
        [("CACHE_TTL", "soon"), ("CACHE_TTL", "0"), ("FOUNDATION", "a b/c"), ("CF_SKIP_SSL_VALIDATION", "maybe")]
    {
        let mut pairs = MINIMAL.to_vec();
        pairs.push((var, value));
        let err = Config::load(&settings(&pairs)).unwrap_err().to_string();
        assert!(err.starts_with(&format!("{var} is invalid")), "{err}");
        assert!(!err.contains(value), "{err}");
    }
}

#[test]
fn secret_store_layer_takes_precedence_over_the_environment() {
    let s = settings(MINIMAL).with_priority_layer([("cf_password".to_owned(), "from-secret-store".to_owned())]);
    let (config, _) = Config::load(&s).unwrap();
    match config.cf.credentials {
        CfCredentials::User { password, .. } => assert_eq!(password.expose(), "from-secret-store"),
        CfCredentials::Client { .. } => panic!("expected user credentials"),
    }
}

#[test]
fn empty_values_count_as_unset() {
    let mut pairs = MINIMAL.to_vec();
    pairs.push(("BOSH_ENVIRONMENT", "  "));
    let (config, _) = Config::load(&settings(&pairs)).unwrap();
    assert!(config.bosh.is_none());
}

#[test]
fn authentication_is_on_by_default_and_needs_an_issuer() {
    let mut pairs: Vec<(&str, &str)> = MINIMAL.iter().copied().filter(|(k, _)| *k != "AUTH_MODE").collect();
    let err = Config::load(&settings(&pairs)).unwrap_err().to_string();
    assert!(err.starts_with("AUTH_ISSUER is required"), "{err}");
    pairs.push(("AUTH_ISSUER", "https://uaa.sys.example.com/oauth/token"));
    let (config, warnings) = Config::load(&settings(&pairs)).unwrap();
    let AuthConfig::Uaa(uaa) = config.auth else { panic!("uaa expected") };
    assert_eq!(uaa.jwks_url, "https://uaa.sys.example.com/token_keys");
    assert_eq!(uaa.tokens.audience, "diego_capacity");
    assert_eq!(uaa.tokens.viewer_scopes, ["diego_capacity.viewer"]);
    assert_eq!(uaa.ui.authorize_url, "https://uaa.sys.example.com/oauth/authorize");
    assert!(!warnings.iter().any(|w| w.contains("AUTH_MODE")));
    let (_, warnings) = Config::load(&settings(MINIMAL)).unwrap();
    assert!(warnings.iter().any(|w| w.contains("AUTH_MODE=disabled")), "disabled auth is warned about");
    pairs.push(("API_KEYS", "ci:viewer:not-hex-secret-ish"));
    let err = Config::load(&settings(&pairs)).unwrap_err().to_string();
    assert!(err.starts_with("API_KEYS is invalid") && !err.contains("not-hex-secret-ish"), "{err}");
}

/// `cf push` with the shipped manifest, its placeholders filled and the bound service's
/// credentials, must give a server that starts with authentication on.
#[test]
fn the_cloud_foundry_manifest_configures_a_server_with_authentication() {
    let manifest = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../manifest.yml"));
    let env_block = manifest.split("    env:\n").nth(1).expect("manifest.yml has an env block");
    let mut pairs: Vec<(String, String)> = env_block
        .lines()
        .take_while(|line| line.starts_with("      "))
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.trim().split_once(": "))
        .map(|(key, value)| {
            let value = match value.trim_matches('"') {
                "((cf_api_url))" => "https://api.sys.example.com",
                "((auth_issuer))" => "https://uaa.sys.example.com/oauth/token",
                "((bosh_environment))" => "10.0.0.6",
                v if v.starts_with("((") => "prod-east",
                v => v,
            };
            (key.to_owned(), value.to_owned())
        })
        .collect();
    assert!(pairs.iter().any(|(k, _)| k == "CF_API_URL"), "{pairs:?}");
    pairs.push(("CF_PASSWORD".to_owned(), "from-the-service".to_owned()));
    pairs.push(("BOSH_CLIENT_SECRET".to_owned(), "from-the-service".to_owned()));
    let (config, _) = Config::load(&Settings::default().with_layer(pairs)).unwrap();
    let AuthConfig::Uaa(uaa) = &config.auth else { panic!("authentication is off") };
    assert_eq!(uaa.tokens.issuer, "https://uaa.sys.example.com/oauth/token");
    assert!(config.bosh.is_some());
}
