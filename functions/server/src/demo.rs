//! Demo mode: the foundation simulator in-process on loopback, and the settings that point the
//! analyzer at it.

use capacity_sim::{Profile, SimConfig, SimHandle, Simulator};

/// A running simulator and the configuration layer that targets it.
pub(crate) struct Demo {
    pub(crate) sim: SimHandle,
    pub(crate) settings: Vec<(String, String)>,
}

/// Starts the simulator (on `base_port`, or ephemeral ports when 0). Authentication is disabled
/// unless `with_auth`, which signs users in against the simulator's UAA.
pub(crate) async fn start(
    profile: Profile,
    seed: u64,
    base_port: u16,
    with_auth: bool,
) -> Result<Demo, capacity_sim::SimError> {
    let sim = Simulator::start(SimConfig { profile, seed, base_port, ..SimConfig::default() }).await?;
    let c = &sim.credentials;
    let settings = [
        ("CF_API_URL", sim.urls.cf.as_str()),
        ("CF_USERNAME", c.cf_username.as_str()),
        ("CF_PASSWORD", c.cf_password.as_str()),
        ("BOSH_ENVIRONMENT", sim.urls.bosh.as_str()),
        ("BOSH_CLIENT", c.bosh_client.as_str()),
        ("BOSH_CLIENT_SECRET", c.bosh_client_secret.as_str()),
        // Faster than a real director, so that an injected BOSH fault degrades within seconds.
        ("BOSH_TASK_POLL_MS", "100"),
        ("BOSH_RETRY_BASE_MS", "250"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect::<Vec<_>>();
    let mut settings = settings;
    if with_auth {
        settings.push(("AUTH_MODE".to_owned(), "uaa".to_owned()));
        settings.push(("AUTH_ISSUER".to_owned(), format!("{}/oauth/token", sim.urls.uaa)));
    } else {
        settings.push(("AUTH_MODE".to_owned(), "disabled".to_owned()));
    }
    Ok(Demo { sim, settings })
}
