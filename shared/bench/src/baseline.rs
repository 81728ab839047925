//! The per-app crawl the seed design and the peer tool use, reproduced for comparison: page
//! through apps 100 at a time, then for every app, one after the other, read its processes,
//! its space's isolation segment (and that segment's name), and the stats of each process.

use capacity_clients::ClientError;
use capacity_clients::cf::CfClient;
use serde::Deserialize;

#[derive(Deserialize)]
struct Page<T> {
    resources: Vec<T>,
    pagination: Pagination,
}

#[derive(Deserialize)]
struct Pagination {
    next: Option<Href>,
}

#[derive(Deserialize)]
struct Href {
    href: String,
}

#[derive(Deserialize)]
struct AppRef {
    guid: String,
    relationships: Relationships,
}

#[derive(Deserialize)]
struct Relationships {
    space: ToOne,
}

#[derive(Deserialize)]
struct ToOne {
    data: Option<Guid>,
}

#[derive(Deserialize)]
struct Guid {
    guid: String,
}

#[derive(Deserialize)]
struct ProcessRef {
    guid: String,
    instances: u32,
}

/// Crawls like the peer; returns how many instances' stats it read.
pub(crate) async fn crawl(cf: &CfClient, api_url: &str) -> Result<u64, ClientError> {
    let mut apps: Vec<AppRef> = Vec::new();
    let mut path = "v3/apps?per_page=100".to_owned();
    loop {
        let page: Page<AppRef> = cf.get("/v3/apps", &path).await?;
        apps.extend(page.resources);
        match page.pagination.next {
            Some(next) => path = next.href.trim_start_matches(api_url).trim_start_matches('/').to_owned(),
            None => break,
        }
    }
    let mut instances = 0u64;
    for app in &apps {
        let processes: Page<ProcessRef> =
            cf.get("/v3/apps/:guid/processes", &format!("v3/apps/{}/processes", app.guid)).await?;
        if let Some(space) = &app.relationships.space.data {
            let segment: ToOne = cf
                .get(
                    "/v3/spaces/:guid/relationships/isolation_segment",
                    &format!("v3/spaces/{}/relationships/isolation_segment", space.guid),
                )
                .await?;
            if let Some(segment) = segment.data {
                let _: serde_json::Value =
                    cf.get("/v3/isolation_segments/:guid", &format!("v3/isolation_segments/{}", segment.guid)).await?;
            }
        }
        for process in processes.resources.iter().filter(|p| p.instances > 0) {
            let stats = cf.process_stats(&process.guid).await?;
            instances += stats.len() as u64;
        }
    }
    Ok(instances)
}
