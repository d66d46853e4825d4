//! The Gridline relay.
//!
//! Sits between grid leaders' phones and the district platform. Phones log
//! in, push operations (applied once each, by id) and pull the changes of
//! their own grid since a cursor; the platform reads and files issues
//! through Open311 GeoReport v2.
//!
//! - [`store`]: the SQLite database and the change log devices pull from;
//! - [`password`]: argon2id hashing of account passwords;
//! - [`demo`]: the Huiji District demo built from real division data;
//! - [`http`]: the router, handlers and the error type that becomes a response.

pub mod changes;
pub mod demo;
pub mod http;
pub mod password;
pub mod store;
pub mod telemetry;

pub use http::serve;
