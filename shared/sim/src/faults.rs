//! Fault injection: the public rule types and the engine that decides, per request, which
//! rule fires.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::rng::mix;

/// The five simulated services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Upstream {
    Cf,
    Uaa,
    LogCache,
    Bosh,
    BoshUaa,
}

impl Upstream {
    pub const ALL: [Upstream; 5] = [Upstream::Cf, Upstream::Uaa, Upstream::LogCache, Upstream::Bosh, Upstream::BoshUaa];

    pub fn as_str(self) -> &'static str {
        match self {
            Upstream::Cf => "cf",
            Upstream::Uaa => "uaa",
            Upstream::LogCache => "log_cache",
            Upstream::Bosh => "bosh",
            Upstream::BoshUaa => "bosh_uaa",
        }
    }
}

impl fmt::Display for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Added latency. The most specific setting wins: route, then upstream, then default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LatencyFaults {
    pub default_ms: u64,
    pub per_upstream: BTreeMap<Upstream, u64>,
    /// Keyed by route template, e.g. `/v3/processes/:guid/stats`.
    pub per_route: BTreeMap<String, u64>,
}

/// Answer matching requests with `status` in the upstream's own error format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorRule {
    pub upstream: Upstream,
    #[serde(default)]
    pub route: Option<String>,
    pub status: u16,
    /// Probability per matching request (deterministic sequence from the seed).
    #[serde(default = "always")]
    pub rate: f64,
    /// Only the first `count` matching requests are candidates.
    #[serde(default)]
    pub count: Option<u64>,
}

fn always() -> f64 {
    1.0
}

/// The first `count` matching requests get 429 with `Retry-After`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitRule {
    pub upstream: Upstream,
    #[serde(default)]
    pub route: Option<String>,
    pub count: u64,
    pub retry_after_secs: u64,
}

/// The first `count` matching requests are answered as if their token were invalid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthFailureRule {
    pub upstream: Upstream,
    #[serde(default)]
    pub route: Option<String>,
    pub count: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MalformedMode {
    /// The body cut in half.
    Truncate,
    /// Bytes that are not JSON at all.
    Garbage,
    /// Valid JSON with numbers, strings and booleans swapped for other types.
    WrongTypes,
}

/// Corrupt the body of successful (2xx) matching responses; all of them without `count`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MalformedRule {
    pub upstream: Upstream,
    #[serde(default)]
    pub route: Option<String>,
    pub mode: MalformedMode,
    #[serde(default)]
    pub count: Option<u64>,
}

/// All injected faults; `PUT /__sim/faults` replaces the whole set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    pub latency: LatencyFaults,
    pub errors: Vec<ErrorRule>,
    pub rate_limits: Vec<RateLimitRule>,
    pub auth_failures: Vec<AuthFailureRule>,
    pub malformed: Vec<MalformedRule>,
    /// Lifetime of newly issued access tokens (default 1199 s).
    pub token_lifetime_secs: Option<u64>,
    /// The BOSH director's listener refuses connections while true.
    pub bosh_unreachable: bool,
}

/// What the middleware must do instead of (or before) calling the handler.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum FaultAction {
    RateLimited { retry_after_secs: u64 },
    Error { status: u16 },
    AuthFailure,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Decision {
    pub(crate) latency_ms: u64,
    pub(crate) action: Option<FaultAction>,
}

fn matches(rule_upstream: Upstream, rule_route: Option<&String>, upstream: Upstream, route: &str) -> bool {
    rule_upstream == upstream && rule_route.is_none_or(|r| r == route)
}

/// Faults plus how many requests each rule has matched so far.
#[derive(Debug, Default)]
pub(crate) struct FaultEngine {
    faults: Faults,
    seed: u64,
    error_hits: Vec<u64>,
    rate_limit_hits: Vec<u64>,
    auth_hits: Vec<u64>,
    malformed_hits: Vec<u64>,
}

impl FaultEngine {
    pub(crate) fn new(faults: Faults, seed: u64) -> Self {
        let mut engine = Self { seed, ..Self::default() };
        engine.replace(faults);
        engine
    }

    pub(crate) fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Replaces every rule and restarts their counters.
    pub(crate) fn replace(&mut self, faults: Faults) {
        self.error_hits = vec![0; faults.errors.len()];
        self.rate_limit_hits = vec![0; faults.rate_limits.len()];
        self.auth_hits = vec![0; faults.auth_failures.len()];
        self.malformed_hits = vec![0; faults.malformed.len()];
        self.faults = faults;
    }

    pub(crate) fn latency_ms(&self, upstream: Upstream, route: &str) -> u64 {
        let latency = &self.faults.latency;
        latency
            .per_route
            .get(route)
            .or_else(|| latency.per_upstream.get(&upstream))
            .copied()
            .unwrap_or(latency.default_ms)
    }

    /// Decides the fate of one request, consuming rule budgets. First firing rule wins, in
    /// the order rate limits, errors, auth failures.
    pub(crate) fn decide(&mut self, upstream: Upstream, route: &str) -> Decision {
        let latency_ms = self.latency_ms(upstream, route);
        for (i, rule) in self.faults.rate_limits.iter().enumerate() {
            if matches(rule.upstream, rule.route.as_ref(), upstream, route) && self.rate_limit_hits[i] < rule.count {
                self.rate_limit_hits[i] += 1;
                return Decision {
                    latency_ms,
                    action: Some(FaultAction::RateLimited { retry_after_secs: rule.retry_after_secs }),
                };
            }
        }
        for (i, rule) in self.faults.errors.iter().enumerate() {
            if !matches(rule.upstream, rule.route.as_ref(), upstream, route) {
                continue;
            }
            let seen = self.error_hits[i];
            if rule.count.is_some_and(|max| seen >= max) {
                continue;
            }
            self.error_hits[i] += 1;
            let roll = (mix(mix(self.seed, i as u64 + 1), seen) >> 11) as f64 / (1u64 << 53) as f64;
            if roll < rule.rate {
                return Decision { latency_ms, action: Some(FaultAction::Error { status: rule.status }) };
            }
        }
        for (i, rule) in self.faults.auth_failures.iter().enumerate() {
            if matches(rule.upstream, rule.route.as_ref(), upstream, route) && self.auth_hits[i] < rule.count {
                self.auth_hits[i] += 1;
                return Decision { latency_ms, action: Some(FaultAction::AuthFailure) };
            }
        }
        Decision { latency_ms, action: None }
    }

    /// Whether a successful response to this request should be corrupted, and how.
    pub(crate) fn malform(&mut self, upstream: Upstream, route: &str) -> Option<MalformedMode> {
        for (i, rule) in self.faults.malformed.iter().enumerate() {
            if matches(rule.upstream, rule.route.as_ref(), upstream, route)
                && rule.count.is_none_or(|max| self.malformed_hits[i] < max)
            {
                self.malformed_hits[i] += 1;
                return Some(rule.mode);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_count_limits_matches() {
        let faults = Faults {
            errors: vec![ErrorRule {
                upstream: Upstream::Cf,
                route: Some("/v3/apps".into()),
                status: 503,
                rate: 1.0,
                count: Some(2),
            }],
            ..Faults::default()
        };
        let mut engine = FaultEngine::new(faults, 1);
        assert!(engine.decide(Upstream::Cf, "/v3/spaces").action.is_none());
        assert!(engine.decide(Upstream::Cf, "/v3/apps").action.is_some());
        assert!(engine.decide(Upstream::Cf, "/v3/apps").action.is_some());
        assert!(engine.decide(Upstream::Cf, "/v3/apps").action.is_none());
    }

    #[test]
    fn error_rate_is_deterministic_and_roughly_right() {
        let faults = Faults {
            errors: vec![ErrorRule { upstream: Upstream::Bosh, route: None, status: 500, rate: 0.3, count: None }],
            ..Faults::default()
        };
        let run = || {
            let mut engine = FaultEngine::new(faults.clone(), 9);
            (0..1000).filter(|_| engine.decide(Upstream::Bosh, "/info").action.is_some()).count()
        };
        let hits = run();
        assert_eq!(hits, run());
        assert!((200..400).contains(&hits), "{hits}");
    }

    #[test]
    fn faults_json_round_trips() {
        let json = r#"{"latency":{"default_ms":5,"per_upstream":{"cf":20},"per_route":{"/v3/apps":50}},
            "errors":[{"upstream":"cf","status":503,"rate":0.5}],
            "rate_limits":[{"upstream":"cf","route":"/v3/processes","count":2,"retry_after_secs":1}],
            "malformed":[{"upstream":"bosh","mode":"wrong_types","count":1}],
            "token_lifetime_secs":30,"bosh_unreachable":true}"#;
        let faults: Faults = serde_json::from_str(json).unwrap_or_default();
        assert_eq!(faults.latency.per_upstream.get(&Upstream::Cf), Some(&20));
        assert_eq!(faults.errors[0].count, None);
        let engine = FaultEngine::new(faults, 1);
        assert_eq!(engine.latency_ms(Upstream::Cf, "/v3/apps"), 50);
        assert_eq!(engine.latency_ms(Upstream::Cf, "/v3/spaces"), 20);
        assert_eq!(engine.latency_ms(Upstream::Uaa, "/oauth/token"), 5);
    }
}
