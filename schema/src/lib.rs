//! The contract between the Gridline app and its relay.
//!
//! Both sides depend on this crate and on nothing of each other. It holds:
//!
//! - [`domain`]: the words of grid work — the seven domains, focus tags,
//!   issue statuses and sources — each with a stable code and Chinese and
//!   English labels;
//! - [`lifecycle`]: the steps of an issue's life and who may take them;
//! - [`wire`]: the JSON bodies that cross between device and relay;
//! - [`migrate`] and the SQL files under `migrations/`: the schemas of the
//!   device database and the relay database, applied by one runner;
//! - [`validate`]: citizen ID numbers (GB 11643), unified social credit codes
//!   (GB 32100) and mainland mobile numbers, checked the same way on both
//!   sides;
//! - [`geo`]: WGS-84 / GCJ-02 conversion and point-in-polygon tests.

#[macro_use]
pub mod domain;
pub mod geo;
pub mod lifecycle;
pub mod migrate;
pub mod subcategory;
pub mod validate;
pub mod wire;

pub use domain::{CareTag, Domain, FocusTag, IssueSource, IssueStatus, PositionSource};
