//! Credentials from a Cloud Foundry service binding (`VCAP_SERVICES`).
//!
//! Bind a user-provided service or a CredHub service instance named `diego-capacity-analyzer`
//! (or tagged so, or named by `VCAP_SERVICE_NAME`) whose credentials are an object of
//! configuration variables in any case, e.g.
//! `{"cf_username": "capacity-reader", "cf_password": "…", "bosh_client_secret": "…"}`.
//! CF interpolates CredHub references before the app starts; an uninterpolated
//! `credhub-ref` is reported instead of being used as a value.

use serde_json::Value;

/// The service name looked for when `VCAP_SERVICE_NAME` is not set.
pub(crate) const DEFAULT_SERVICE: &str = "diego-capacity-analyzer";

/// Why `VCAP_SERVICES` could not be used. Never quotes a credential.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum VcapError {
    /// Not JSON, or not an object of service lists.
    #[error("VCAP_SERVICES is invalid: {0}")]
    Malformed(String),
    /// `VCAP_SERVICE_NAME` names a service that is not bound.
    #[error("VCAP_SERVICE_NAME names '{0}', but no bound service has that name")]
    NotBound(String),
    /// The credentials are not a flat object of values.
    #[error("the credentials of service '{service}' are invalid: {reason}")]
    BadCredentials {
        /// Service instance name.
        service: String,
        /// What is wrong (no value quoted).
        reason: String,
    },
}

/// The credentials of the analyzer's service binding as (VARIABLE, value) pairs; empty when no
/// such service is bound and none was asked for by name.
pub(crate) fn credentials(
    vcap_services: Option<&str>,
    wanted: Option<&str>,
) -> Result<Vec<(String, String)>, VcapError> {
    let Some(text) = vcap_services.filter(|t| !t.trim().is_empty()) else {
        return match wanted {
            Some(name) => Err(VcapError::NotBound(name.to_owned())),
            None => Ok(Vec::new()),
        };
    };
    let root: Value =
        serde_json::from_str(text).map_err(|e| VcapError::Malformed(format!("not JSON (line {})", e.line())))?;
    let Value::Object(offerings) = root else {
        return Err(VcapError::Malformed("expected an object of service offerings".to_owned()));
    };
    let name = wanted.unwrap_or(DEFAULT_SERVICE);
    let mut found = None;
    for (offering, instances) in &offerings {
        let Value::Array(instances) = instances else {
            return Err(VcapError::Malformed(format!("offering '{offering}' is not a list")));
        };
        for instance in instances {
            let instance_name = instance.get("name").and_then(Value::as_str).unwrap_or_default();
            let tagged = instance
                .get("tags")
                .and_then(Value::as_array)
                .is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some(name)));
            if instance_name == name || (wanted.is_none() && tagged) {
                found = Some((instance_name.to_owned(), instance));
                break;
            }
        }
    }
    let Some((service, instance)) = found else {
        return match wanted {
            Some(name) => Err(VcapError::NotBound(name.to_owned())),
            None => Ok(Vec::new()),
        };
    };
    let bad = |reason: &str| VcapError::BadCredentials { service: service.clone(), reason: reason.to_owned() };
    let Some(Value::Object(credentials)) = instance.get("credentials") else {
        return Err(bad("credentials must be an object"));
    };
    if credentials.contains_key("credhub-ref") {
        return Err(bad(
            "it holds a credhub-ref that CF did not interpolate; enable CredHub interpolation for the app",
        ));
    }
    credentials
        .iter()
        .map(|(key, value)| {
            let value = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return Err(bad(&format!("key '{key}' must be a string"))),
            };
            Ok((key.to_ascii_uppercase().replace('-', "_"), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER_PROVIDED: &str = r#"{
      "user-provided": [{
        "binding_guid": "44ceb72f-100b-4f50-87a2-7809c8b42b8d",
        "binding_name": null,
        "credentials": {"cf_username": "capacity-reader", "cf_password": "pw-1234", "BOSH_CLIENT_SECRET": "bs-5678", "bosh-ca-cert": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"},
        "instance_guid": "ab6f3cc1-6c48-4d9b-8bca-e7dbd3e0b0a7",
        "instance_name": "diego-capacity-analyzer",
        "label": "user-provided",
        "name": "diego-capacity-analyzer",
        "syslog_drain_url": null,
        "tags": [],
        "volume_mounts": []
      }]
    }"#;

    const CREDHUB: &str = r#"{
      "credhub": [{
        "binding_name": null,
        "credentials": {"cf_client_id": "capacity-analyzer", "cf_client_secret": "cs-9999"},
        "instance_name": "capacity-secrets",
        "label": "credhub",
        "name": "capacity-secrets",
        "plan": "default",
        "provider": null,
        "tags": ["credhub", "diego-capacity-analyzer"],
        "volume_mounts": []
      }],
      "p.mysql": [{"name": "other-db", "credentials": {"password": "x"}, "tags": []}]
    }"#;

    fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
        pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    #[test]
    fn user_provided_service_by_default_name() {
        let pairs = credentials(Some(USER_PROVIDED), None).unwrap();
        assert_eq!(get(&pairs, "CF_USERNAME"), Some("capacity-reader"));
        assert_eq!(get(&pairs, "CF_PASSWORD"), Some("pw-1234"));
        assert_eq!(get(&pairs, "BOSH_CLIENT_SECRET"), Some("bs-5678"));
        assert!(get(&pairs, "BOSH_CA_CERT").is_some_and(|pem| pem.starts_with("-----BEGIN")));
    }

    #[test]
    fn credhub_service_found_by_tag_or_by_name() {
        let pairs = credentials(Some(CREDHUB), None).unwrap();
        assert_eq!(get(&pairs, "CF_CLIENT_SECRET"), Some("cs-9999"));
        let by_name = credentials(Some(CREDHUB), Some("capacity-secrets")).unwrap();
        assert_eq!(by_name, pairs);
    }

    #[test]
    fn missing_bindings() {
        assert_eq!(credentials(None, None).unwrap(), Vec::new());
        assert_eq!(credentials(Some(r#"{"p.mysql": []}"#), None).unwrap(), Vec::new());
        assert_eq!(credentials(Some(CREDHUB), Some("nope")), Err(VcapError::NotBound("nope".into())));
        assert_eq!(credentials(None, Some("nope")), Err(VcapError::NotBound("nope".into())));
    }

    #[test]
    fn malformed_payloads_are_clear_and_do_not_echo_secrets() {
        for bad in [
            "{not json",
            r#"["diego-capacity-analyzer"]"#,
            r#"{"user-provided": {"name": "diego-capacity-analyzer"}}"#,
            r#"{"user-provided": [{"name": "diego-capacity-analyzer", "credentials": "pw-1234"}]}"#,
            r#"{"user-provided": [{"name": "diego-capacity-analyzer", "credentials": {"cf_password": {"v": "pw-1234"}}}]}"#,
            r#"{"credhub": [{"name": "diego-capacity-analyzer", "credentials": {"credhub-ref": "/c/pw-1234"}}]}"#,
        ] {
            let err = credentials(Some(bad), None).unwrap_err().to_string();
            assert!(!err.contains("pw-1234"), "{err}");
            assert!(err.contains("VCAP_SERVICES") || err.contains("credentials of service"), "{err}");
        }
    }
}
