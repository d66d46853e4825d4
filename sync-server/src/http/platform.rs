//! `POST /api/v1/platform/issues/{id}/events`: the district platform takes
//! a step in an issue's life (accept, dispatch with a deadline, return,
//! verify, close, supervise, or a note), with its API key in `X-Api-Key`.
//!
//! The step reaches the grid's devices on their next pull, like any change.
//! A request may carry its own `id`: sending it again answers the step
//! already taken instead of taking it twice.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use gridline_schema::lifecycle::{Actor, EventKind};
use gridline_schema::wire::{Entity, IssueEventRecord, NewIssueEvent};
use gridline_schema::IssueStatus;
use rusqlite::TransactionBehavior;
use serde::Deserialize;
use uuid::Uuid;

use super::auth::platform_key_name;
use super::error::ApiError;
use super::extract::ApiJson;
use super::state::AppState;
use super::timeline::{self, Taker};
use crate::{changes, store};

/// The header carrying the platform's API key.
pub const API_KEY_HEADER: &str = "x-api-key";

/// A step as the platform sends it.
#[derive(Debug, Deserialize)]
pub struct PlatformStep {
    /// Makes the request safe to repeat; minted by the relay if absent.
    #[serde(default)]
    pub id: Option<Uuid>,
    pub kind: EventKind,
    #[serde(default)]
    pub expected_status: Option<IssueStatus>,
    #[serde(default)]
    pub note: Option<String>,
    /// With `dispatch`: when the grid must have handled it.
    #[serde(default)]
    pub deadline_at_ms: Option<i64>,
}

pub async fn issue_event_create(
    State(state): State<AppState>,
    Path(issue_id): Path<Uuid>,
    headers: HeaderMap,
    ApiJson(step): ApiJson<PlatformStep>,
) -> Result<(StatusCode, Json<IssueEventRecord>), ApiError> {
    let forbidden = || {
        ApiError::Forbidden(format!(
            "a valid platform key in {API_KEY_HEADER} is required"
        ))
    };
    let key = headers
        .get(API_KEY_HEADER)
        .and_then(|k| k.to_str().ok())
        .ok_or_else(forbidden)?;
    let key_name = platform_key_name(&state, key)
        .await?
        .ok_or_else(forbidden)?;

    let event = state
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let event_id = step.id.unwrap_or_else(Uuid::now_v7);
            if let Some((_, Some(data))) = changes::current(&tx, Entity::IssueEvent, event_id)? {
                let event: IssueEventRecord =
                    serde_json::from_value(data).map_err(ApiError::internal)?;
                if event.issue_id == issue_id && event.kind == step.kind {
                    return Ok((StatusCode::OK, event));
                }
                return Err(ApiError::invalid(
                    "id_conflict",
                    "this step id was used for another step",
                ));
            }
            let now = store::now_ms();
            let new = NewIssueEvent {
                issue_id,
                kind: step.kind,
                expected_status: step.expected_status,
                note: step.note,
                photos: Vec::new(),
                position: None,
                at_ms: now,
            };
            let taker = Taker {
                actor: Actor::Platform,
                name: &key_name,
                grid_code: None,
            };
            let deadline = step
                .deadline_at_ms
                .filter(|_| step.kind == EventKind::Dispatch);
            let taken = timeline::take(&tx, &taker, event_id, &new, deadline, now)?
                .map_err(|refusal| ApiError::invalid(refusal.code, refusal.message))?;
            tx.commit()?;
            Ok((StatusCode::CREATED, taken.event))
        })
        .await?;
    tracing::info!(issue_id = %issue_id, kind = event.1.kind.code(), effective = event.1.effective, "platform step");
    Ok((event.0, Json(event.1)))
}
