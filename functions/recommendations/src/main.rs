//! Lambda function serving `GET /api/recommendations` behind the API Gateway HTTP API.

use capacity_app::http::Endpoint;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    capacity_lambda::run_http(&[Endpoint::Recommendations]).await
}
