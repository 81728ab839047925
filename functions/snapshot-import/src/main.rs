//! Lambda function serving `POST /api/snapshot/import` behind the API Gateway HTTP API.

use capacity_app::http::Endpoint;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    capacity_lambda::run_http(&[Endpoint::SnapshotImport]).await
}
