//! BOSH director JSON as it travels. Vitals are strings on the wire; numbers are accepted too.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(crate) struct Info {
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) version: String,
    #[serde(default)]
    pub(crate) user_authentication: Option<UserAuthentication>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct UserAuthentication {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) options: Option<AuthOptions>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AuthOptions {
    #[serde(default)]
    pub(crate) url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Deployment {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) releases: Option<Vec<NamedRef>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct NamedRef {
    pub(crate) name: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Task {
    pub(crate) state: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DirectorError {
    #[serde(default)]
    pub(crate) code: i64,
    #[serde(default)]
    pub(crate) description: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct VmRow {
    #[serde(default)]
    pub(crate) vm_cid: Option<String>,
    #[serde(default)]
    pub(crate) active: Option<bool>,
    #[serde(default)]
    pub(crate) ips: Vec<String>,
    pub(crate) job_name: String,
    #[serde(default)]
    pub(crate) index: Option<u32>,
    #[serde(default)]
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) az: Option<String>,
    #[serde(default)]
    pub(crate) job_state: Option<String>,
    #[serde(default)]
    pub(crate) vm_type: Option<String>,
    #[serde(default)]
    pub(crate) cloud_properties: Option<CloudProperties>,
    #[serde(default)]
    pub(crate) vitals: Option<VitalsWire>,
    #[serde(default)]
    pub(crate) processes: Vec<ProcessWire>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CloudProperties {
    #[serde(default)]
    pub(crate) cpu: Option<Number>,
    #[serde(default)]
    pub(crate) ram: Option<Number>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ProcessWire {
    #[serde(default)]
    pub(crate) name: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct VitalsWire {
    #[serde(default)]
    pub(crate) cpu: Option<CpuWire>,
    #[serde(default)]
    pub(crate) mem: Option<MemWire>,
    #[serde(default)]
    pub(crate) load: Option<Vec<Number>>,
    #[serde(default)]
    pub(crate) disk: Option<DiskWire>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CpuWire {
    #[serde(default)]
    pub(crate) sys: Option<Number>,
    #[serde(default)]
    pub(crate) user: Option<Number>,
    #[serde(default)]
    pub(crate) wait: Option<Number>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct MemWire {
    #[serde(default)]
    pub(crate) kb: Option<Number>,
    #[serde(default)]
    pub(crate) percent: Option<Number>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DiskWire {
    #[serde(default)]
    pub(crate) ephemeral: Option<DiskUse>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DiskUse {
    #[serde(default)]
    pub(crate) percent: Option<Number>,
}

/// A number the agent sends as a string ("22.4"), or as a JSON number.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum Number {
    Float(f64),
    Text(String),
}

impl Number {
    /// The value when it is a finite number; garbage strings become `None`, not errors.
    pub(crate) fn value(&self) -> Option<f64> {
        let v = match self {
            Self::Float(f) => *f,
            Self::Text(s) => s.trim().parse().ok()?,
        };
        v.is_finite().then_some(v)
    }

    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    pub(crate) fn whole(&self) -> Option<u64> {
        self.value().filter(|v| *v >= 0.0 && *v < 1.8e19).map(|v| v.round() as u64)
    }
}
