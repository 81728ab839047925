#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

//! `CfClient::list` against a fake Cloud Controller whose pagination can misbehave: pages read
//! concurrently when they are numbered, `next.href` followed otherwise, and lists that change
//! shape or loop refused rather than returned partial.

use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use capacity_clients::ClientError;
use capacity_clients::UpstreamMetrics;
use capacity_clients::cf::{CfClient, CfConfig};
use capacity_clients::uaa::{Grant, TokenConfig};
use serde::Deserialize;
use serde_json::{Value, json};

const PER_PAGE: u64 = 5;
const TOTAL: u64 = 12;

/// How the fake CC paginates `/v3/things`.
#[derive(Clone, Copy, Debug)]
enum Mode {
    /// As CC does: `total_pages`, numbered absolute `next` links naming CC's external host.
    Numbered,
    /// No `total_pages`: only `next` links.
    NextOnly,
    /// `total_pages` says 3 but the third page still links to a fourth.
    Grows,
    /// Page 2 links back to page 1, without `total_pages`.
    Loops,
    /// `total_pages` far beyond any real foundation.
    Absurd,
}

#[derive(Clone)]
struct Fake {
    mode: Mode,
    /// Page numbers in the order they were asked for.
    asked: Arc<Mutex<Vec<u64>>>,
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<u64>,
    per_page: u64,
}

async fn things(State(fake): State<Fake>, Query(q): Query<PageQuery>) -> Json<Value> {
    let page = q.page.unwrap_or(1);
    fake.asked.lock().unwrap().push(page);
    let start = (page - 1) * q.per_page;
    let resources: Vec<Value> =
        (start..(start + q.per_page).min(TOTAL)).map(|i| json!({"guid": format!("thing-{i}")})).collect();
    let pages = TOTAL.div_ceil(q.per_page);
    // CC builds hrefs from its external URL, not the address we called.
    let href =
        |p: u64| json!({"href": format!("https://api.sys.example.com/v3/things?page={p}&per_page={}", q.per_page)});
    let next = match fake.mode {
        Mode::Grows if page == pages => href(page + 1),
        Mode::Loops if page == 2 => href(1),
        _ if page < pages => href(page + 1),
        _ => Value::Null,
    };
    let total_pages = match fake.mode {
        Mode::NextOnly | Mode::Loops => Value::Null,
        Mode::Absurd => json!(1_000_000_000_u64),
        Mode::Numbered | Mode::Grows => json!(pages),
    };
    Json(json!({
        "pagination": {"total_results": TOTAL, "total_pages": total_pages, "next": next},
        "resources": resources,
    }))
}

async fn start(mode: Mode) -> (CfClient, Arc<Mutex<Vec<u64>>>) {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let root = json!({"links": {"login": {"href": base}, "uaa": {"href": base}}});
    let app = Router::new()
        .route("/", get(move || async move { Json(root) }))
        .route(
            "/oauth/token",
            post(|| async { Json(json!({"access_token": "opaque", "token_type": "bearer", "expires_in": 3600})) }),
        )
        .route("/v3/things", get(things))
        .with_state(Fake { mode, asked: asked.clone() });
    tokio::spawn(async move { axum::serve(listener, app).await });
    let token = TokenConfig::new(Grant::Password { username: "u".into(), password: "p".to_owned().into() });
    let mut config = CfConfig::new(base, token);
    config.per_page = u32::try_from(PER_PAGE).unwrap();
    (CfClient::connect(config, Arc::new(UpstreamMetrics::default())).await.unwrap(), asked)
}

#[derive(Debug, Deserialize)]
struct Thing {
    guid: String,
}

fn guids(things: &[Thing]) -> Vec<String> {
    things.iter().map(|t| t.guid.clone()).collect()
}

fn expected() -> Vec<String> {
    (0..TOTAL).map(|i| format!("thing-{i}")).collect()
}

#[tokio::test]
async fn numbered_pages_are_read_concurrently_in_order_on_the_configured_host() {
    let (cf, asked) = start(Mode::Numbered).await;
    let things: Vec<Thing> = cf.list("/v3/things", "v3/things").await.unwrap();
    assert_eq!(guids(&things), expected());
    let mut pages = asked.lock().unwrap().clone();
    assert_eq!(pages[0], 1);
    pages.sort_unstable();
    assert_eq!(pages, vec![1, 2, 3]);
}

#[tokio::test]
async fn without_total_pages_next_links_are_followed() {
    let (cf, asked) = start(Mode::NextOnly).await;
    let things: Vec<Thing> = cf.list("/v3/things", "v3/things").await.unwrap();
    assert_eq!(guids(&things), expected());
    assert_eq!(*asked.lock().unwrap(), vec![1, 2, 3]);
}

#[tokio::test]
async fn an_absurd_page_count_is_not_trusted() {
    let (cf, asked) = start(Mode::Absurd).await;
    let things: Vec<Thing> = cf.list("/v3/things", "v3/things").await.unwrap();
    assert_eq!(guids(&things), expected());
    assert_eq!(*asked.lock().unwrap(), vec![1, 2, 3]);
}

#[tokio::test]
async fn a_list_that_grows_while_read_is_an_error_not_a_partial_list() {
    let (cf, _) = start(Mode::Grows).await;
    let error = cf.list::<Thing>("/v3/things", "v3/things").await.unwrap_err();
    assert!(matches!(error, ClientError::Protocol { .. }), "{error:?}");
    assert!(error.to_string().contains("pagination changed"), "{error}");
}

#[tokio::test]
async fn a_pagination_loop_is_an_error() {
    let (cf, asked) = start(Mode::Loops).await;
    let error = cf.list::<Thing>("/v3/things", "v3/things").await.unwrap_err();
    assert!(error.to_string().contains("loops back"), "{error}");
    // `?page=1&per_page=5` is not the first URL (`?per_page=5`), so it is read once; its next
    // link, page 2, has been read: the loop ends there.
    assert_eq!(*asked.lock().unwrap(), vec![1, 2, 1]);
}
