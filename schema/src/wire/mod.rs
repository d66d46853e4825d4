//! JSON bodies exchanged between the device and the relay under `/api/v1`.
//!
//! Times are milliseconds since the Unix epoch (`*_at_ms`); positions are
//! WGS-84 degrees; photos are named by the lowercase hex SHA-256 of the
//! upload copy's bytes.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{Domain, FocusTag, IssueSource, IssueStatus, PositionSource};

mod patrol;
mod registry;
mod timeline;

pub use patrol::{NewVisit, PointRecord, Subject, VisitRecord};
pub use registry::{
    column, editable, required, sql_value, ConflictRecord, RegistryDelete, RegistryEdit, EDITABLE,
};
pub use timeline::{IssueEventRecord, NewIssueEvent};

/// The largest photo the relay accepts, in bytes.
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;
/// The most operations one push may carry.
pub const MAX_OPS_PER_PUSH: usize = 500;
/// The most changes one pull page returns.
pub const MAX_PULL_LIMIT: u32 = 1000;

/// `POST /api/v1/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    pub account: String,
    pub password: String,
    /// A stable id the device minted for itself.
    pub device_id: String,
}

/// The answer to a successful login.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginResponse {
    /// Bearer token for every later call; bound to `grid.code`.
    pub token: String,
    pub account: String,
    pub display_name: String,
    pub grid: GridInfo,
    pub server_time_ms: i64,
}

/// A grid and where it sits in the division hierarchy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridInfo {
    /// e.g. `410108001001-03`: the community's 12-digit code and a number.
    pub code: String,
    pub name: String,
    pub district: Division,
    pub township: Division,
    pub community: Division,
    /// The grid as one or more polygons, each an outer ring of `[lon, lat]`
    /// pairs, WGS-84 (a grid cut from a ragged boundary may come in parts).
    pub boundary: Vec<Vec<[f64; 2]>>,
}

/// One administrative division: code and name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Division {
    pub code: String,
    pub name: String,
}

/// What an operation acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Household,
    Resident,
    Enterprise,
    Issue,
    /// A step in an issue's timeline; created, never changed.
    IssueEvent,
    /// Two edits of one field; pulled, resolved by a later edit.
    Conflict,
    /// A leader's visit to a household or enterprise; created, never changed.
    Visit,
    /// Points credited to a leader by the relay's rules; pulled only.
    PointEntry,
}

impl Entity {
    pub fn code(self) -> &'static str {
        match self {
            Entity::Household => "household",
            Entity::Resident => "resident",
            Entity::Enterprise => "enterprise",
            Entity::Issue => "issue",
            Entity::IssueEvent => "issue_event",
            Entity::Conflict => "conflict",
            Entity::Visit => "visit",
            Entity::PointEntry => "point_entry",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "household" => Some(Entity::Household),
            "resident" => Some(Entity::Resident),
            "enterprise" => Some(Entity::Enterprise),
            "issue" => Some(Entity::Issue),
            "issue_event" => Some(Entity::IssueEvent),
            "conflict" => Some(Entity::Conflict),
            "visit" => Some(Entity::Visit),
            "point_entry" => Some(Entity::PointEntry),
            _ => None,
        }
    }
}

/// What an operation does to its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Delete,
}

/// One change a device made, as it travels in a push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// UUIDv7 minted on the device; the relay applies each id once.
    pub id: Uuid,
    pub entity: Entity,
    pub row_id: Uuid,
    pub action: Action,
    /// What the operation carries: for `issue` + `create` a [`NewReport`];
    /// for `issue_event` + `create` a [`NewIssueEvent`]; for a registry row's
    /// `create` its record's fields, `update` a [`RegistryEdit`] and
    /// `delete` a [`RegistryDelete`].
    pub fields: serde_json::Value,
    /// The account that made the change.
    pub author: String,
    pub device_id: String,
    /// Hybrid logical clock stamp: `<wall ms>-<counter>-<device>`, zero-padded
    /// so that stamps sort as text.
    pub hlc: String,
    /// When the device says it made the change; recorded, never trusted for order.
    pub created_at_ms: i64,
}

/// The fields of a report filed on a device (`issue` + `create`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewReport {
    pub domain: Domain,
    #[serde(default)]
    pub focus_tag: Option<FocusTag>,
    /// A sub-category code of the domain (see `domain::SUBCATEGORIES`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcategory: Option<String>,
    /// The household, resident or enterprise the report is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
    pub description: String,
    #[serde(default)]
    pub position: Option<Position>,
    /// SHA-256 of each photo, in the order the leader attached them.
    #[serde(default)]
    pub photos: Vec<String>,
    pub reported_at_ms: i64,
}

/// A position with its accuracy and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub lat: f64,
    pub lon: f64,
    /// Radius of the 68% confidence circle, metres; `None` when unknown.
    #[serde(default)]
    pub accuracy_m: Option<f64>,
    pub source: PositionSource,
}

/// `POST /api/v1/push`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushRequest {
    pub ops: Vec<Operation>,
}

/// The answer to a push: one result per operation, in request order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<OpResult>,
    pub server_time_ms: i64,
}

/// What became of one operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpResult {
    pub op_id: Uuid,
    pub outcome: Outcome,
    /// Machine-readable reason when rejected or deferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When the relay first received this operation.
    pub received_at_ms: i64,
}

/// The outcome of one operation at the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Applied now, as sent.
    Applied,
    /// Kept, but not exactly as sent: merged with edits made since its base
    /// (a recorded conflict, if any, is named by `code`), or a timeline step
    /// kept without moving the issue (`stale_transition`).
    Merged,
    /// Seen before; the original result stands and nothing changed.
    Duplicate,
    /// Refused for good; `code` says why. The device shows it to the leader.
    Rejected,
    /// Not applied yet, try again later (e.g. a photo has not arrived).
    Retry,
}

/// `GET /api/v1/pull?since=<cursor>&limit=<n>`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<Change>,
    /// Pass as `since` next time.
    pub cursor: i64,
    /// More changes wait beyond this page.
    pub has_more: bool,
    pub server_time_ms: i64,
}

/// The current state of one row, as of server sequence `seq`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub seq: i64,
    pub entity: Entity,
    pub row_id: Uuid,
    /// `None` when the row was deleted.
    pub data: Option<serde_json::Value>,
}

/// A household as it travels in a pull.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HouseholdRecord {
    pub id: Uuid,
    pub grid_code: String,
    pub address: String,
    pub head_name: String,
    pub members: u32,
    pub version: i64,
}

/// A resident as it travels in a pull. `citizen_id` and `phone` are
/// personal data: masked in lists, never logged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResidentRecord {
    pub id: Uuid,
    pub grid_code: String,
    pub household_id: Uuid,
    pub name: String,
    pub gender: String,
    pub birth_date: String,
    pub citizen_id: String,
    #[serde(default)]
    pub phone: Option<String>,
    pub relation: String,
    /// Key-care tags: `elderly_alone`, `disabled`, `low_income`, ...
    #[serde(default)]
    pub care_tags: Vec<String>,
    #[serde(default)]
    pub moved_out_at_ms: Option<i64>,
    pub version: i64,
}

/// An enterprise as it travels in a pull.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnterpriseRecord {
    pub id: Uuid,
    pub grid_code: String,
    pub name: String,
    pub credit_code: String,
    pub legal_representative: String,
    pub address: String,
    pub industry: String,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    pub version: i64,
}

/// An issue as it travels in a pull.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueRecord {
    pub id: Uuid,
    pub grid_code: String,
    pub domain: Domain,
    #[serde(default)]
    pub focus_tag: Option<FocusTag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcategory: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
    pub description: String,
    pub status: IssueStatus,
    pub source: IssueSource,
    #[serde(default)]
    pub position: Option<Position>,
    #[serde(default)]
    pub address: Option<String>,
    pub photos: Vec<String>,
    /// The account that filed it, when it was filed on a device.
    #[serde(default)]
    pub reported_by: Option<String>,
    pub reported_at_ms: i64,
    /// When the relay received it.
    pub received_at_ms: i64,
    #[serde(default)]
    pub deadline_at_ms: Option<i64>,
    pub updated_at_ms: i64,
    pub version: i64,
}

/// `PUT /api/v1/photos/{sha256}` with the bytes stores a photo and answers
/// this. A `PUT` that carries `Content-Range: bytes <from>-<to>/<total>`
/// sends one part of it; `GET /api/v1/photos/{sha256}/upload` says how many
/// bytes have arrived, so an interrupted upload resumes from there.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhotoReceipt {
    pub sha256: String,
    pub bytes: u64,
    pub content_type: String,
}

/// How far an upload has got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadStatus {
    pub sha256: String,
    /// Bytes the relay holds of this photo: its size once complete.
    pub received: u64,
    pub complete: bool,
}

/// Every error body the relay sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable, machine-readable: the UI chooses its message by this.
    pub code: String,
    /// A human-readable explanation in English, for operators.
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}
