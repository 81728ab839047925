//! Public configuration of a simulator run.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::faults::Faults;

/// How big the simulated foundation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// 10 cells, 200 apps.
    #[default]
    Small,
    /// 100 cells, 2,000 apps.
    Medium,
    /// 500 cells, 20,000 apps.
    Large,
    /// 1,000 cells, ~50,000 apps, ~250,000 app instances.
    Huge,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Small => "small",
            Profile::Medium => "medium",
            Profile::Large => "large",
            Profile::Huge => "huge",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for an unknown profile name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown profile '{0}' (expected small, medium, large or huge)")]
pub struct UnknownProfile(pub String);

impl FromStr for Profile {
    type Err = UnknownProfile;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "small" => Ok(Profile::Small),
            "medium" => Ok(Profile::Medium),
            "large" => Ok(Profile::Large),
            "huge" => Ok(Profile::Huge),
            _ => Err(UnknownProfile(s.to_owned())),
        }
    }
}

/// The fake credentials the simulated UAAs accept. Not secrets: they exist only here, and the
/// defaults are printed by `foundation-sim` and documented in the README.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimCredentials {
    /// CF admin user (password grant through the cf CLI client `cf`, or the dashboard sign-in).
    pub cf_username: String,
    pub cf_password: String,
    /// The analyzer's confidential client (client_credentials).
    pub cf_client_id: String,
    pub cf_client_secret: String,
    pub bosh_client: String,
    pub bosh_client_secret: String,
    /// Read-only dashboard user: scopes `openid` and `diego_capacity.viewer` only.
    pub viewer_username: String,
    pub viewer_password: String,
    /// The dashboard's public client: no secret, `authorization_code` (PKCE S256) and
    /// `refresh_token`, redirect URIs on 127.0.0.1 / localhost.
    pub dashboard_client_id: String,
}

impl Default for SimCredentials {
    fn default() -> Self {
        Self {
            cf_username: "admin".to_owned(),
            cf_password: "sim-admin-password".to_owned(),
            cf_client_id: "capacity-analyzer".to_owned(),
            cf_client_secret: "sim-client-secret".to_owned(),
            bosh_client: "ops_manager".to_owned(),
            bosh_client_secret: "sim-bosh-secret".to_owned(),
            viewer_username: "viewer".to_owned(),
            viewer_password: "sim-viewer-password".to_owned(),
            dashboard_client_id: "diego_capacity_dashboard".to_owned(),
        }
    }
}

/// Everything that shapes a simulator run.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub profile: Profile,
    pub seed: u64,
    pub faults: Faults,
    /// 0 = every listener on an ephemeral port; else cf=P, uaa=P+1, log_cache=P+2, bosh=P+3,
    /// bosh_uaa=P+4.
    pub base_port: u16,
    /// How many `GET /tasks/:id` (the first included) it takes for a BOSH task to be `done`.
    pub task_polls_until_done: u32,
    pub credentials: SimCredentials,
    /// Serve the BOSH director over HTTPS with a certificate signed by a generated CA
    /// (see `SimHandle::bosh_ca_pem`).
    pub bosh_tls: bool,
    /// How long an authorization code from `/login.do` stays redeemable (UAA: 300 s). 0 makes
    /// every code already expired, for tests.
    pub auth_code_lifetime_secs: u64,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            profile: Profile::Small,
            seed: 1,
            faults: Faults::default(),
            base_port: 0,
            task_polls_until_done: 2,
            credentials: SimCredentials::default(),
            bosh_tls: false,
            auth_code_lifetime_secs: 300,
        }
    }
}
