//! Steps in an issue's timeline, as a device sends them and as a pull
//! returns them.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Position;
use crate::domain::IssueStatus;
use crate::lifecycle::EventKind;

/// `issue_event` + `create`: a step the leader took. The operation's
/// `row_id` is the event's id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewIssueEvent {
    pub issue_id: Uuid,
    pub kind: EventKind,
    /// The state the leader saw when taking the step. A step taken on an
    /// outdated view is kept in the timeline but does not move the issue.
    #[serde(default)]
    pub expected_status: Option<IssueStatus>,
    #[serde(default)]
    pub note: Option<String>,
    /// SHA-256 of each photo ("after" photos when handling).
    #[serde(default)]
    pub photos: Vec<String>,
    #[serde(default)]
    pub position: Option<Position>,
    /// When the leader took the step, by the device's clock.
    pub at_ms: i64,
}

/// One step of an issue's timeline, as it travels in a pull.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueEventRecord {
    pub id: Uuid,
    pub issue_id: Uuid,
    pub grid_code: String,
    pub kind: EventKind,
    pub from_status: IssueStatus,
    pub to_status: IssueStatus,
    /// False when the step was kept without moving the issue; `reason` says why.
    pub effective: bool,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub photos: Vec<String>,
    #[serde(default)]
    pub position: Option<Position>,
    /// The account that took it, or the platform's key name.
    pub actor: String,
    pub at_ms: i64,
    pub received_at_ms: i64,
}
