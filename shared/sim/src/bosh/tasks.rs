//! VmState tasks: created by `vms?format=full`, polled to `done`, result read as NDJSON.

use std::collections::HashMap;

use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{authorize, rows};
use crate::server::Shared;
use crate::server::respond::{bosh_error, json};
use crate::timefmt::now_unix;

/// Old tasks are forgotten past this many, like a director's task cleanup.
const MAX_TASKS: usize = 10_000;
const FIRST_TASK_ID: u64 = 1_000;

#[derive(Debug)]
struct Task {
    deployment: u32,
    deployment_name: String,
    /// `instances?format=full` (active VMs only) rather than `vms?format=full`.
    instances: bool,
    polls: u32,
    created_at: i64,
}

#[derive(Debug, Default)]
pub(crate) struct BoshTasks {
    issued: u64,
    tasks: HashMap<u64, Task>,
}

impl BoshTasks {
    pub(crate) fn create(&mut self, deployment: u32, name: &str, instances: bool) -> u64 {
        let id = FIRST_TASK_ID + self.issued;
        self.issued += 1;
        self.tasks.insert(
            id,
            Task { deployment, deployment_name: name.to_owned(), instances, polls: 0, created_at: now_unix() },
        );
        // Ids only grow, so the task MAX_TASKS behind this one is the oldest kept.
        if let Some(stale) = id.checked_sub(MAX_TASKS as u64) {
            self.tasks.remove(&stale);
        }
        id
    }
}

fn task_state(polls: u32, polls_until_done: u32) -> &'static str {
    if polls >= polls_until_done {
        "done"
    } else if polls <= 1 {
        "queued"
    } else {
        "processing"
    }
}

fn not_found(id: &str) -> Response {
    bosh_error(StatusCode::NOT_FOUND, 10001, &format!("Task {id} not found"))
}

pub(crate) async fn task(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Response {
    if let Err(r) = authorize(&state, &headers, uri.path()) {
        return r;
    }
    let Ok(task_id) = id.parse::<u64>() else { return not_found(&id) };
    let polls_until_done = state.task_polls_until_done;
    let snapshot = state.bosh_tasks.lock().ok().and_then(|mut tasks| {
        let task = tasks.tasks.get_mut(&task_id)?;
        task.polls = task.polls.saturating_add(1);
        Some((task.polls, task.created_at, task.deployment_name.clone()))
    });
    let Some((polls, created_at, deployment)) = snapshot else { return not_found(&id) };
    let state_name = task_state(polls, polls_until_done);
    json(
        StatusCode::OK,
        &json!({
            "id": task_id,
            "state": state_name,
            "description": "retrieve vm-stats",
            "timestamp": created_at,
            "started_at": if state_name == "queued" { serde_json::Value::Null } else { json!(created_at) },
            "result": if state_name == "done" { json!("") } else { serde_json::Value::Null },
            "user": state.credentials.bosh_client,
            "deployment": deployment,
            "context_id": "",
        }),
    )
}

pub(crate) async fn output(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(r) = authorize(&state, &headers, uri.path()) {
        return r;
    }
    let Ok(task_id) = id.parse::<u64>() else { return not_found(&id) };
    let snapshot = state
        .bosh_tasks
        .lock()
        .ok()
        .and_then(|tasks| tasks.tasks.get(&task_id).map(|t| (t.deployment, t.instances, t.polls, t.created_at)));
    let Some((deployment, instances, polls, created_at)) = snapshot else { return not_found(&id) };
    let done = task_state(polls, state.task_polls_until_done) == "done";
    let kind = crate::query_pairs(raw.as_deref())
        .into_iter()
        .find(|(k, _)| k == "type")
        .map_or_else(|| "debug".to_owned(), |(_, v)| v);
    let body = match kind.as_str() {
        // The director writes the result file only when the task finishes.
        "result" if done => rows::ndjson(&state.world, deployment, instances),
        "result" => String::new(),
        "event" => {
            let stage = json!({"time": created_at, "stage": "Retrieving VM states", "tags": [], "total": 1,
                "task": "Retrieving VM states", "index": 1, "state": if done { "finished" } else { "started" }, "progress": if done { 100 } else { 0 }});
            format!("{stage}\n")
        }
        _ => format!("I, [{}] INFO -- TaskHelper: Director Version: 282.1.2\n", crate::timefmt::rfc3339(created_at)),
    };
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_progress_with_polls() {
        assert_eq!(task_state(1, 2), "queued");
        assert_eq!(task_state(2, 2), "done");
        assert_eq!(task_state(1, 1), "done");
        assert_eq!(task_state(2, 3), "processing");
    }
}
