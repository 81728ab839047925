//! Scheduled (EventBridge) Lambda function keeping the DynamoDB cache warm.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    capacity_lambda::run_warm_cache().await
}
