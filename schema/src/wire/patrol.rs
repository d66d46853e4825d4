//! Visits made on patrol, what a report or visit is about, and the points
//! the relay credits.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Entity, Position};

/// The registry row a report or visit concerns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    /// `household`, `resident` or `enterprise`.
    pub entity: Entity,
    pub id: Uuid,
}

/// `visit` + `create`: a leader visited a household or enterprise. The
/// operation's `row_id` is the visit's id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewVisit {
    pub subject: Subject,
    pub note: String,
    #[serde(default)]
    pub photo: Option<String>,
    #[serde(default)]
    pub position: Option<Position>,
    /// When, by the device's clock.
    pub at_ms: i64,
}

/// A visit as it travels in a pull.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitRecord {
    pub id: Uuid,
    pub grid_code: String,
    pub account: String,
    pub subject: Subject,
    pub note: String,
    #[serde(default)]
    pub photo: Option<String>,
    #[serde(default)]
    pub position: Option<Position>,
    pub at_ms: i64,
    pub received_at_ms: i64,
}

/// Points credited to a leader, as they travel in a pull.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointRecord {
    pub id: Uuid,
    pub grid_code: String,
    pub account: String,
    /// `report_verified`, `visit` or `handled_on_time`.
    pub reason: String,
    /// The issue or visit the points are for.
    pub ref_id: Uuid,
    pub points: i64,
    pub at_ms: i64,
}
