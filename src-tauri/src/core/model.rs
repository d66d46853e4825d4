//! What the screens receive: serde types in camelCase for the web view.
//!
//! Positions are numbers (WGS-84 degrees, metres), never formatted text.

use gridline_schema::wire::Division;
use gridline_schema::{Domain, FocusTag, IssueSource, IssueStatus, PositionSource};
use serde::{Deserialize, Serialize};

use super::error::ErrorInfo;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub account: String,
    pub display_name: String,
    pub server: String,
    pub grid: GridSummary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GridSummary {
    pub code: String,
    pub name: String,
    pub district: Division,
    pub township: Division,
    pub community: Division,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncState {
    /// Operations waiting to reach the relay.
    pub pending: i64,
    /// Operations the relay refused; they stay visible with their reason.
    pub rejected: i64,
    pub last_sync_at_ms: Option<i64>,
    pub last_error: Option<ErrorInfo>,
    pub syncing: bool,
    /// The relay's clock minus the phone's, as of the last answer, in ms.
    pub clock_offset_ms: Option<i64>,
    /// The phone's clock is more than [`CLOCK_WARN_MS`] off the relay's, or
    /// reads earlier than the last sync: the leader should set it right.
    /// Nothing depends on it being right; times the relay records are its own.
    pub clock_suspect: bool,
}

/// How far the phone's clock may be off before the leader is told.
pub const CLOCK_WARN_MS: i64 = 5 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HomeSummary {
    pub session: Session,
    pub residents: i64,
    pub households: i64,
    pub enterprises: i64,
    pub open_issues: i64,
    pub sync: SyncState,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Position {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f64>,
    pub source: PositionSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhotoInfo {
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub exif_position: Option<LatLon>,
    pub taken_at: Option<String>,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewReportInput {
    pub domain: Domain,
    #[serde(default)]
    pub focus_tag: Option<FocusTag>,
    /// A sub-category code of the domain.
    #[serde(default)]
    pub subcategory: Option<String>,
    /// The household, resident or enterprise it is about.
    #[serde(default)]
    pub subject: Option<SubjectRef>,
    pub description: String,
    #[serde(default)]
    pub position: Option<Position>,
    #[serde(default)]
    pub photos: Vec<String>,
}

/// A registry row a report is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectRef {
    pub entity: gridline_schema::wire::Entity,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhotoRef {
    pub sha256: String,
    pub url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncMark {
    Pending,
    Synced,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportItem {
    pub id: String,
    pub domain: Domain,
    pub focus_tag: Option<FocusTag>,
    pub description: String,
    pub status: IssueStatus,
    pub reported_at_ms: i64,
    pub received_at_ms: Option<i64>,
    /// When the district accepted or dispatched it, as the relay recorded.
    pub accepted_at_ms: Option<i64>,
    pub sync: SyncMark,
    pub sync_error: Option<ErrorInfo>,
    pub position: Option<Position>,
    pub photos: Vec<PhotoRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskItem {
    pub id: String,
    pub domain: Domain,
    pub description: String,
    pub status: IssueStatus,
    pub source: IssueSource,
    pub address: Option<String>,
    pub reported_at_ms: i64,
    pub deadline_at_ms: Option<i64>,
    pub position: Option<Position>,
    /// The photos filed with it: the "before" of the scene.
    pub photos: Vec<PhotoRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncOutcome {
    pub pushed: i64,
    pub rejected: i64,
    pub pulled: i64,
    pub sync: SyncState,
}
