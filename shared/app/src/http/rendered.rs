//! Response bodies rendered once per analysis and reused: a warm `/api/dashboard` or
//! `/api/cells` costs a cache lookup and a copy, not a serialisation of every cell and app.
//! Only `metadata` (timestamps, ages) is written per request and spliced in front.

use std::sync::{Arc, Mutex, PoisonError};

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::{BufMut, Bytes, BytesMut};
use capacity_core::FoundationAnalysis;

use super::error::ApiError;
use super::metadata::Metadata;

/// Rendered bodies, keyed by view and by the analysis they were rendered from.
#[derive(Debug, Default)]
pub struct Rendered {
    entries: Mutex<Vec<(&'static str, Arc<FoundationAnalysis>, Bytes)>>,
}

impl Rendered {
    /// The body of `view` for `analysis`, rendering it when the analysis is new. The body is a
    /// JSON object.
    pub(crate) fn body(
        &self,
        view: &'static str,
        analysis: &Arc<FoundationAnalysis>,
        render: impl FnOnce() -> Result<Vec<u8>, serde_json::Error>,
    ) -> Result<Bytes, ApiError> {
        {
            let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((_, _, body)) = entries.iter().find(|(v, a, _)| *v == view && Arc::ptr_eq(a, analysis)) {
                return Ok(body.clone());
            }
        }
        let body = Bytes::from(render().map_err(|e| ApiError::from(crate::error::AppError::Internal(e.to_string())))?);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        // Holding the analysis keeps its address from being reused while the entry lives.
        entries.retain(|(v, _, _)| *v != view);
        entries.push((view, analysis.clone(), body.clone()));
        Ok(body)
    }
}

/// `{"metadata": …, <the body's members>}` as a JSON response.
pub(crate) fn with_metadata(metadata: &Metadata, body: &[u8]) -> Result<Response, ApiError> {
    let meta =
        serde_json::to_vec(metadata).map_err(|e| ApiError::from(crate::error::AppError::Internal(e.to_string())))?;
    let members = body.strip_prefix(b"{").unwrap_or(body);
    let mut out = BytesMut::with_capacity(meta.len() + members.len() + 16);
    out.put_slice(b"{\"metadata\":");
    out.put_slice(&meta);
    if members != b"}" {
        out.put_u8(b',');
    }
    out.put_slice(members);
    let mut response = out.freeze().into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use capacity_core::{AnalysisOptions, CfSnapshot, analyse};

    use super::*;
    use crate::service::{FetchStatus, SourceMeta};

    fn analysis() -> Arc<FoundationAnalysis> {
        Arc::new(analyse(&CfSnapshot::default(), None, None, &AnalysisOptions::default()))
    }

    fn metadata() -> Metadata {
        let source = |used| SourceMeta {
            used,
            status: used.then_some(FetchStatus::Fresh),
            collected_at: Some(1_700_000_000),
            refreshed: false,
            reason: None,
        };
        Metadata::new("prod", &[source(true), source(true), source(false)])
    }

    #[test]
    fn renders_once_per_analysis_and_view() {
        let rendered = Rendered::default();
        let renders = Cell::new(0);
        let render = |text: &'static str| {
            renders.set(renders.get() + 1);
            Ok(text.as_bytes().to_vec())
        };
        let first = analysis();
        assert_eq!(rendered.body("cells", &first, || render("{\"a\":1}")).unwrap(), "{\"a\":1}");
        assert_eq!(rendered.body("cells", &first, || render("{\"a\":2}")).unwrap(), "{\"a\":1}");
        assert_eq!(renders.get(), 1);
        // Another view of the same analysis has its own body.
        assert_eq!(rendered.body("segments", &first, || render("{\"s\":1}")).unwrap(), "{\"s\":1}");
        // An equal but new analysis (a refresh) renders again and replaces the old body.
        let second = analysis();
        assert_eq!(rendered.body("cells", &second, || render("{\"a\":3}")).unwrap(), "{\"a\":3}");
        assert_eq!(rendered.body("cells", &second, || render("{\"a\":4}")).unwrap(), "{\"a\":3}");
        assert_eq!(renders.get(), 3);
        assert_eq!(rendered.entries.lock().unwrap().len(), 2);
    }

    #[test]
    fn a_failed_render_is_an_error_and_is_not_kept() {
        let rendered = Rendered::default();
        let first = analysis();
        let failure = || Err(serde_json::from_str::<u8>("x").unwrap_err());
        assert!(rendered.body("cells", &first, failure).is_err());
        assert_eq!(rendered.body("cells", &first, || Ok(b"{}".to_vec())).unwrap(), "{}");
    }

    async fn json_of(response: Response) -> serde_json::Value {
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn metadata_is_spliced_in_front_of_the_members() {
        let json = json_of(with_metadata(&metadata(), b"{\"total\":2,\"cells\":[1,2]}").unwrap()).await;
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 3);
        assert_eq!(json["metadata"]["foundation"], "prod");
        assert_eq!(json["metadata"]["sources"]["log_cache"]["status"], "not_used");
        assert_eq!(json["total"], 2);
        assert_eq!(json["cells"], serde_json::json!([1, 2]));
        // An empty object gets no dangling comma.
        let empty = json_of(with_metadata(&metadata(), b"{}").unwrap()).await;
        assert_eq!(empty.as_object().unwrap().len(), 1);
    }
}
