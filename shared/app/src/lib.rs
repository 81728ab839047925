//! The application layer: configuration, the collect use case, cache and secret ports with
//! their adapters, the capacity service (cache + single flight + analysis), and the HTTP routes
//! shared by every Lambda function and by `capacity-server`.

pub mod auth;
pub mod bootstrap;
pub mod cache;
pub mod collector;
pub mod config;
pub mod error;
pub mod http;
pub mod secrets;
pub mod service;
pub mod telemetry;

pub use collector::Collector;
pub use config::Config;
pub use error::AppError;
