//! JSON renderings of CC v3 resources.

use serde_json::{Value, json};

use crate::generate::workload::{BUILDPACKS, DOCKER};
use crate::model::{App, Org, Process, ProcessType, Segment, Space, World};
use crate::rng::{fmt_guid, mix};
use crate::timefmt::rfc3339;

fn link(href: String) -> Value {
    json!({"href": href})
}

fn post_link(href: String) -> Value {
    json!({"href": href, "method": "POST"})
}

fn metadata() -> Value {
    json!({"labels": {}, "annotations": {}})
}

fn derived_guid(guid: u128, salt: u64) -> String {
    let hi = mix(guid as u64, salt);
    let lo = mix((guid >> 64) as u64, salt);
    // Keep the version-4 / variant bits so derived ids still look like v4 UUIDs.
    let raw = (u128::from(hi) << 64) | u128::from(lo);
    fmt_guid((raw & !(0xF_u128 << 76) | (0x4_u128 << 76)) & !(0x3_u128 << 62) | (0x2_u128 << 62))
}

pub(crate) fn droplet_guid(app: &App) -> String {
    derived_guid(app.guid, 0xD0)
}

pub(crate) fn app(world: &World, base: &str, app: &App) -> Value {
    let guid = fmt_guid(app.guid);
    let space_guid = world.spaces.get(app.space as usize).map(|s| fmt_guid(s.guid)).unwrap_or_default();
    let lifecycle = if app.buildpack == DOCKER {
        json!({"type": "docker", "data": {}})
    } else {
        let buildpack = BUILDPACKS.get(usize::from(app.buildpack)).copied().unwrap_or("binary_buildpack");
        json!({"type": "buildpack", "data": {"buildpacks": [buildpack], "stack": "cflinuxfs4"}})
    };
    let a = format!("{base}/v3/apps/{guid}");
    json!({
        "guid": guid,
        "created_at": rfc3339(app.created_at),
        "updated_at": rfc3339(app.updated_at),
        "name": app.name,
        "state": if app.started { "STARTED" } else { "STOPPED" },
        "lifecycle": lifecycle,
        "relationships": {
            "space": {"data": {"guid": space_guid}},
            "current_droplet": {"data": {"guid": droplet_guid(app)}},
        },
        "metadata": metadata(),
        "links": {
            "self": link(a.clone()),
            "environment_variables": link(format!("{a}/environment_variables")),
            "space": link(format!("{base}/v3/spaces/{space_guid}")),
            "processes": link(format!("{a}/processes")),
            "packages": link(format!("{a}/packages")),
            "current_droplet": link(format!("{a}/droplets/current")),
            "droplets": link(format!("{a}/droplets")),
            "tasks": link(format!("{a}/tasks")),
            "start": post_link(format!("{a}/actions/start")),
            "stop": post_link(format!("{a}/actions/stop")),
            "revisions": link(format!("{a}/revisions")),
            "deployed_revisions": link(format!("{a}/revisions/deployed")),
            "features": link(format!("{a}/features")),
        },
    })
}

fn command(world: &World, process: &Process) -> String {
    let buildpack = world.apps.get(process.app as usize).map_or(0, |a| a.buildpack);
    match (process.kind, buildpack) {
        (ProcessType::Worker, _) => "bin/worker --queue default".to_owned(),
        (_, 0) => "JAVA_OPTS=\"-agentpath:$PWD/.java-buildpack/open_jdk_jre/bin/jvmkill\" exec $PWD/.java-buildpack/open_jdk_jre/bin/java -cp $PWD/. org.springframework.boot.loader.launch.JarLauncher".to_owned(),
        (_, 1) => "npm start".to_owned(),
        (_, 3) => "python app.py".to_owned(),
        (_, 4) => "$HOME/boot.sh".to_owned(),
        _ => "./app".to_owned(),
    }
}

pub(crate) fn process(world: &World, base: &str, process: &Process) -> Value {
    let guid = fmt_guid(process.guid);
    let app = world.apps.get(process.app as usize);
    let app_guid = app.map(|a| fmt_guid(a.guid)).unwrap_or_default();
    let space_guid = app.and_then(|a| world.spaces.get(a.space as usize)).map(|s| fmt_guid(s.guid)).unwrap_or_default();
    let created = app.map_or(0, |a| a.created_at) + i64::from(process.kind == ProcessType::Worker);
    let updated = app.map_or(0, |a| a.updated_at);
    let health_check = match process.kind {
        ProcessType::Web => {
            json!({"type": "port", "data": {"timeout": null, "invocation_timeout": null, "interval": null}})
        }
        ProcessType::Worker => {
            json!({"type": "process", "data": {"timeout": null, "invocation_timeout": null, "interval": null}})
        }
    };
    let p = format!("{base}/v3/processes/{guid}");
    json!({
        "guid": guid,
        "created_at": rfc3339(created),
        "updated_at": rfc3339(updated),
        "version": derived_guid(process.guid, 0x7E),
        "type": process.kind.as_str(),
        "command": command(world, process),
        "user": "vcap",
        "instances": process.instances,
        "memory_in_mb": process.memory_mb,
        "disk_in_mb": process.disk_mb,
        "log_rate_limit_in_bytes_per_second": process.log_rate_limit,
        "health_check": health_check,
        "readiness_health_check": {"type": "process", "data": {"invocation_timeout": null, "interval": null}},
        "relationships": {
            "app": {"data": {"guid": app_guid}},
            "revision": {"data": {"guid": derived_guid(process.guid, 0x5E)}},
        },
        "metadata": metadata(),
        "links": {
            "self": link(p.clone()),
            "scale": post_link(format!("{p}/actions/scale")),
            "app": link(format!("{base}/v3/apps/{app_guid}")),
            "space": link(format!("{base}/v3/spaces/{space_guid}")),
            "stats": link(format!("{p}/stats")),
            "process_instances": link(format!("{p}/process_instances")),
        },
    })
}

pub(crate) fn space(world: &World, base: &str, space: &Space) -> Value {
    let guid = fmt_guid(space.guid);
    let org_guid = world.orgs.get(space.org as usize).map(|o| fmt_guid(o.guid)).unwrap_or_default();
    json!({
        "guid": guid,
        "created_at": rfc3339(space.created_at),
        "updated_at": rfc3339(space.created_at),
        "name": space.name,
        "relationships": {
            "organization": {"data": {"guid": org_guid}},
            "quota": {"data": null},
        },
        "metadata": metadata(),
        "links": {
            "self": link(format!("{base}/v3/spaces/{guid}")),
            "features": link(format!("{base}/v3/spaces/{guid}/features")),
            "organization": link(format!("{base}/v3/organizations/{org_guid}")),
            "apply_manifest": post_link(format!("{base}/v3/spaces/{guid}/actions/apply_manifest")),
        },
    })
}

pub(crate) fn org(base: &str, org: &Org) -> Value {
    let guid = fmt_guid(org.guid);
    let quota = derived_guid(0x0A, 0x9A);
    json!({
        "guid": guid,
        "created_at": rfc3339(org.created_at),
        "updated_at": rfc3339(org.created_at),
        "name": org.name,
        "suspended": false,
        "relationships": {"quota": {"data": {"guid": quota}}},
        "metadata": metadata(),
        "links": {
            "self": link(format!("{base}/v3/organizations/{guid}")),
            "domains": link(format!("{base}/v3/organizations/{guid}/domains")),
            "default_domain": link(format!("{base}/v3/organizations/{guid}/domains/default")),
            "quota": link(format!("{base}/v3/organization_quotas/{quota}")),
        },
    })
}

pub(crate) fn segment(base: &str, segment: &Segment) -> Value {
    let guid = fmt_guid(segment.guid);
    json!({
        "guid": guid,
        "created_at": rfc3339(segment.created_at),
        "updated_at": rfc3339(segment.created_at),
        "name": segment.name,
        "metadata": metadata(),
        "links": {
            "self": link(format!("{base}/v3/isolation_segments/{guid}")),
            "organizations": link(format!("{base}/v3/isolation_segments/{guid}/organizations")),
        },
    })
}

/// Instance guid of one index of a process: stable, derived, not stored.
pub(crate) fn instance_guid(process: &Process, index: u32) -> String {
    derived_guid(process.guid ^ u128::from(index), 0x1A + u64::from(index))
}
