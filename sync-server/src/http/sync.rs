//! `POST /api/v1/push` and `GET /api/v1/pull`: the two halves of sync.
//!
//! A pull walks the change log of the token's grid only; the grid comes
//! from the token, never from the request, so one grid's leader cannot read
//! another grid's rows.

use axum::extract::State;
use axum::Json;
use gridline_schema::wire::{
    Change, Entity, PullResponse, PushRequest, PushResponse, MAX_OPS_PER_PUSH, MAX_PULL_LIMIT,
};
use rusqlite::params;
use serde::Deserialize;
use uuid::Uuid;

use super::auth::DeviceSession;
use super::error::ApiError;
use super::extract::{ApiJson, ApiQuery};
use super::push;
use super::state::AppState;
use crate::store;

/// The page size of a pull that does not ask for one.
pub const DEFAULT_PULL_LIMIT: u32 = 500;

/// `POST /api/v1/push`: applies each operation on its own and answers one
/// result per operation, in request order.
pub async fn push(
    State(state): State<AppState>,
    session: DeviceSession,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    if req.ops.len() > MAX_OPS_PER_PUSH {
        return Err(ApiError::TooManyOps {
            count: req.ops.len(),
            max: MAX_OPS_PER_PUSH,
        });
    }
    let results = state
        .db(move |conn| push::apply_batch(conn, &session, &req.ops))
        .await?;
    Ok(Json(PushResponse {
        results,
        server_time_ms: store::now_ms(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct PullParams {
    #[serde(default)]
    since: i64,
    #[serde(default)]
    limit: Option<u32>,
}

/// `GET /api/v1/pull?since=N&limit=M`: the grid's changes after sequence N.
pub async fn pull(
    State(state): State<AppState>,
    session: DeviceSession,
    ApiQuery(params): ApiQuery<PullParams>,
) -> Result<Json<PullResponse>, ApiError> {
    if params.since < 0 {
        return Err(ApiError::BadRequest(
            "since must not be negative".to_owned(),
        ));
    }
    let limit = match params.limit {
        Some(0) => return Err(ApiError::BadRequest("limit must be at least 1".to_owned())),
        Some(limit) => limit.min(MAX_PULL_LIMIT),
        None => DEFAULT_PULL_LIMIT,
    };
    let since = params.since;
    let (changes, has_more) = state
        .db(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, entity, row_id, data_json FROM change_log
                  WHERE grid_code = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
            )?;
            // One more than the page, to learn whether more wait.
            let rows = stmt
                .query_map(params![session.grid_code, since, limit + 1], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let has_more = rows.len() > limit as usize;
            let changes = rows
                .into_iter()
                .take(limit as usize)
                .map(|(seq, entity, row_id, data_json)| change(seq, &entity, &row_id, data_json))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((changes, has_more))
        })
        .await?;
    let cursor = changes.last().map_or(since, |c| c.seq);
    Ok(Json(PullResponse {
        changes,
        cursor,
        has_more,
        server_time_ms: store::now_ms(),
    }))
}

fn change(
    seq: i64,
    entity: &str,
    row_id: &str,
    data_json: Option<String>,
) -> Result<Change, ApiError> {
    let bad = |what: &str| ApiError::internal(anyhow::anyhow!("change {seq} has {what}"));
    Ok(Change {
        seq,
        entity: Entity::from_code(entity).ok_or_else(|| bad("an unknown entity"))?,
        row_id: Uuid::parse_str(row_id).map_err(|_| bad("a malformed row id"))?,
        data: data_json
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|_| bad("unreadable data"))?,
    })
}
