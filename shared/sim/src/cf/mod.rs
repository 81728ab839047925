//! Cloud Controller API v3.

mod lists;
mod query;
mod render;
mod segments;
mod show;
mod stats;

pub(crate) use render::instance_guid;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use serde_json::json;

use crate::server::Shared;
use crate::server::respond::{cf_error, cf_invalid_token, cf_not_authenticated, json};
use crate::uaa::tokens::TokenError;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/", get(root))
        .route("/v3", get(v3_root))
        .route("/v3/apps", get(lists::apps))
        .route("/v3/apps/{guid}", get(show::app))
        .route("/v3/apps/{guid}/processes", get(lists::app_processes))
        .route("/v3/apps/{guid}/processes/{process_type}/stats", get(stats::app_process_stats))
        .route("/v3/processes", get(lists::processes))
        .route("/v3/processes/{guid}", get(show::process))
        .route("/v3/processes/{guid}/stats", get(stats::process_stats))
        .route("/v3/spaces", get(lists::spaces))
        .route("/v3/spaces/{guid}", get(show::space))
        .route("/v3/spaces/{guid}/relationships/isolation_segment", get(segments::space_segment))
        .route("/v3/organizations", get(lists::orgs))
        .route("/v3/organizations/{guid}", get(show::org))
        .route("/v3/organizations/{guid}/relationships/default_isolation_segment", get(segments::org_default_segment))
        .route("/v3/isolation_segments", get(lists::segments))
        .route("/v3/isolation_segments/{guid}", get(show::segment))
        .route("/v3/isolation_segments/{guid}/relationships/spaces", get(segments::segment_spaces))
        .route("/v3/isolation_segments/{guid}/relationships/organizations", get(segments::segment_orgs))
}

/// Checks the bearer token the way CC does: signature, issuer, expiry, read scope.
pub(crate) fn authorize(state: &Shared, headers: &HeaderMap) -> Result<(), Response> {
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    match state.tokens.verify(auth, &state.urls.uaa) {
        Ok(claims) => {
            let allowed =
                ["cloud_controller.admin", "cloud_controller.admin_read_only", "cloud_controller.global_auditor"];
            if claims.scope.iter().any(|s| allowed.contains(&s.as_str())) {
                Ok(())
            } else {
                Err(cf_error(
                    StatusCode::FORBIDDEN,
                    10003,
                    "CF-NotAuthorized",
                    "You are not authorized to perform the requested action",
                ))
            }
        }
        Err(TokenError::Missing) => Err(cf_not_authenticated()),
        Err(TokenError::Invalid | TokenError::Expired) => Err(cf_invalid_token()),
    }
}

async fn root(State(state): State<Shared>) -> Response {
    let urls = &state.urls;
    let cf = &urls.cf;
    let host = cf.trim_start_matches("http://").trim_start_matches("https://");
    let host = host.split(':').next().unwrap_or("127.0.0.1");
    json(
        StatusCode::OK,
        &json!({"links": {
            "self": {"href": cf},
            "bits_service": null,
            "cloud_controller_v2": null,
            "cloud_controller_v3": {"href": format!("{cf}/v3"), "meta": {"version": "3.228.0"}},
            "network_policy_v0": {"href": format!("{cf}/networking/v0/external")},
            "network_policy_v1": {"href": format!("{cf}/networking/v1/external")},
            "login": {"href": urls.uaa},
            "uaa": {"href": urls.uaa},
            "credhub": null,
            "routing": {"href": format!("{cf}/routing")},
            "logging": {"href": format!("ws://{host}:4443")},
            "log_cache": {"href": urls.log_cache},
            "log_stream": {"href": format!("{}/v2/read", urls.log_cache)},
            "app_ssh": {"href": format!("{host}:2222"), "meta": {"host_key_fingerprint": "sim-host-key-fingerprint", "oauth_client": "ssh-proxy"}},
        }}),
    )
}

async fn v3_root(State(state): State<Shared>) -> Response {
    let v3 = format!("{}/v3", state.urls.cf);
    let mut links = serde_json::Map::new();
    links.insert("self".to_owned(), json!({"href": v3}));
    for name in [
        "apps",
        "isolation_segments",
        "organizations",
        "processes",
        "spaces",
        "tasks",
        "service_instances",
        "stacks",
        "buildpacks",
        "domains",
        "routes",
    ] {
        links.insert(name.to_owned(), json!({"href": format!("{v3}/{name}")}));
    }
    json(StatusCode::OK, &json!({"links": links}))
}
