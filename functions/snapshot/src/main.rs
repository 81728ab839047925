//! Lambda function serving `GET /api/snapshot` behind the API Gateway HTTP API.

use capacity_app::http::Endpoint;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    capacity_lambda::run_http(&[Endpoint::SnapshotExport]).await
}
