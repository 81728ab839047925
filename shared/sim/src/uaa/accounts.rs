//! Who the simulated UAAs know: OAuth clients, CF users and the scopes each may get.

use std::net::Ipv4Addr;

use url::{Host, Url};

use crate::config::SimCredentials;
use crate::faults::Upstream;
use crate::rng::{SplitMix64, fmt_guid, mix};

/// The cf CLI's public client: no secret.
pub(crate) const CF_CLI_CLIENT: &str = "cf";

/// Every grant type the token endpoint knows; anything else is `unsupported_grant_type`.
pub(crate) const GRANT_TYPES: [&str; 4] = ["authorization_code", "client_credentials", "password", "refresh_token"];

const ADMIN_SCOPES: [&str; 7] = [
    "cloud_controller.admin_read_only",
    "cloud_controller.read",
    "diego_capacity.operator",
    "diego_capacity.viewer",
    "doppler.firehose",
    "openid",
    "uaa.user",
];
const VIEWER_SCOPES: [&str; 2] = ["diego_capacity.viewer", "openid"];
const ANALYZER_SCOPES: [&str; 4] =
    ["cloud_controller.admin_read_only", "diego_capacity.viewer", "doppler.firehose", "openid"];

/// A client that authenticated at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Client {
    /// `cf`: public, password and refresh_token.
    CfCli,
    /// The analyzer's confidential client (client_credentials).
    Analyzer,
    /// The dashboard's public client: authorization_code with PKCE and refresh_token.
    Dashboard,
    /// The BOSH director UAA's only client.
    BoshDirector,
}

impl Client {
    /// `refresh_token` is accepted from every client; it only succeeds with a refresh token
    /// that was issued to that client.
    pub(crate) fn allows(self, grant_type: &str) -> bool {
        let own: &[&str] = match self {
            Client::CfCli => &["password"],
            Client::Analyzer | Client::BoshDirector => &["client_credentials"],
            Client::Dashboard => &["authorization_code"],
        };
        grant_type == "refresh_token" || own.contains(&grant_type)
    }

    /// Scopes of a client_credentials token.
    pub(crate) fn authorities(self) -> Vec<String> {
        match self {
            Client::BoshDirector => vec!["bosh.read".to_owned()],
            _ => owned(&ANALYZER_SCOPES),
        }
    }
}

/// The client behind an id and secret (HTTP Basic or form body), if the given UAA knows it.
pub(crate) fn client(upstream: Upstream, creds: &SimCredentials, id: &str, secret: &str) -> Option<Client> {
    if upstream == Upstream::BoshUaa {
        return (id == creds.bosh_client && secret == creds.bosh_client_secret).then_some(Client::BoshDirector);
    }
    if id == CF_CLI_CLIENT && secret.is_empty() {
        Some(Client::CfCli)
    } else if id == creds.dashboard_client_id && secret.is_empty() {
        Some(Client::Dashboard)
    } else if id == creds.cf_client_id && secret == creds.cf_client_secret {
        Some(Client::Analyzer)
    } else {
        None
    }
}

/// Scopes the dashboard client may ask for at `/oauth/authorize`.
pub(crate) fn dashboard_client_scopes() -> Vec<String> {
    owned(&ADMIN_SCOPES)
}

/// An authenticated CF user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) name: String,
    /// Everything the user's group memberships allow, sorted.
    pub(crate) scopes: Vec<String>,
}

/// Checks a username and password against the two simulated users.
pub(crate) fn authenticate(creds: &SimCredentials, seed: u64, username: &str, password: &str) -> Option<User> {
    let (salt, scopes): (u64, &[&str]) = if username == creds.cf_username && password == creds.cf_password {
        (0xAD, &ADMIN_SCOPES)
    } else if username == creds.viewer_username && password == creds.viewer_password {
        (0x7E, &VIEWER_SCOPES)
    } else {
        return None;
    };
    let id = fmt_guid(SplitMix64::new(mix(seed, salt)).guid());
    Some(User { id, name: username.to_owned(), scopes: owned(scopes) })
}

fn owned(scopes: &[&str]) -> Vec<String> {
    scopes.iter().map(|s| (*s).to_owned()).collect()
}

/// An absolute http(s) URL on 127.0.0.1 or localhost without credentials or fragment: the
/// dashboard client's registered redirect URIs (`http://127.0.0.1:*/**`, `http://localhost:*/**`)
/// and the origins CORS allows.
pub(crate) fn loopback_url(raw: &str) -> Option<Url> {
    let url = Url::parse(raw).ok()?;
    let loopback = match url.host()? {
        Host::Ipv4(ip) => ip == Ipv4Addr::LOCALHOST,
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv6(_) => false,
    };
    let plain = url.username().is_empty() && url.password().is_none() && url.fragment().is_none();
    (matches!(url.scheme(), "http" | "https") && loopback && plain).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_get_their_own_scopes() {
        let creds = SimCredentials::default();
        let admin = authenticate(&creds, 1, "admin", "sim-admin-password");
        let viewer = authenticate(&creds, 1, "viewer", "sim-viewer-password");
        assert!(admin.as_ref().is_some_and(|u| u.scopes.contains(&"diego_capacity.operator".to_owned())));
        assert_eq!(viewer.as_ref().map(|u| u.scopes.clone()), Some(owned(&VIEWER_SCOPES)));
        assert_ne!(admin.map(|u| u.id), viewer.map(|u| u.id));
        assert_eq!(authenticate(&creds, 1, "viewer", "sim-admin-password"), None);
    }

    #[test]
    fn clients_and_their_grants() {
        let creds = SimCredentials::default();
        let dashboard = client(Upstream::Uaa, &creds, "diego_capacity_dashboard", "");
        assert_eq!(dashboard, Some(Client::Dashboard));
        assert_eq!(client(Upstream::Uaa, &creds, "diego_capacity_dashboard", "x"), None);
        assert_eq!(client(Upstream::BoshUaa, &creds, "diego_capacity_dashboard", ""), None);
        assert!(Client::Dashboard.allows("authorization_code") && Client::Dashboard.allows("refresh_token"));
        assert!(!Client::Dashboard.allows("password") && !Client::CfCli.allows("authorization_code"));
    }

    #[test]
    fn only_loopback_http_urls() {
        for ok in ["http://127.0.0.1:5173/callback", "https://localhost/cb?x=1", "http://LOCALHOST:1"] {
            assert!(loopback_url(ok).is_some(), "{ok}");
        }
        for bad in [
            "https://evil.example/cb",
            "http://127.0.0.1.evil.example/",
            "http://127.0.0.2/",
            "http://user:pw@127.0.0.1/",
            "http://127.0.0.1/cb#frag",
            "ftp://127.0.0.1/",
            "/relative",
            "http://[::1]/",
        ] {
            assert!(loopback_url(bad).is_none(), "{bad}");
        }
    }
}
