//! `POST /api/v1/push` and `GET /api/v1/pull`: the two halves of sync.
//!
//! A pull walks the change log of the token's grid only; the grid comes
//! from the token, never from the request, so one grid's leader cannot read
//! another grid's rows.

use std::fmt::Write;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gridline_schema::wire::{Entity, PushRequest, PushResponse, MAX_OPS_PER_PUSH, MAX_PULL_LIMIT};
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
    let prepared = push::prepare(&session, &req.ops);
    let results = state
        .db(move |conn| push::apply_batch(conn, &session, &req.ops, prepared))
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
///
/// The body is a [`PullResponse`](gridline_schema::wire::PullResponse). Each row's data is stored as the JSON
/// text a pull sends, so the page is written out around those texts rather
/// than parsed and serialized again: a first download is mostly this.
pub async fn pull(
    State(state): State<AppState>,
    session: DeviceSession,
    ApiQuery(params): ApiQuery<PullParams>,
) -> Result<Response, ApiError> {
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
    let body = state
        .db(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, entity, row_id, data_json FROM change_log
                  WHERE grid_code = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
            )?;
            // One more than the page, to learn whether more wait.
            let mut rows = stmt.query(params![session.grid_code, since, limit + 1])?;
            let mut body = String::with_capacity(64 * 1024);
            body.push_str("{\"changes\":[");
            let (mut count, mut cursor, mut has_more) = (0u32, since, false);
            while let Some(r) = rows.next()? {
                if count == limit {
                    has_more = true;
                    break;
                }
                let seq: i64 = r.get(0)?;
                let entity: String = r.get(1)?;
                let row_id: String = r.get(2)?;
                let data: Option<String> = r.get(3)?;
                write_change(&mut body, count > 0, seq, &entity, &row_id, data.as_deref())?;
                count += 1;
                cursor = seq;
            }
            let now = store::now_ms();
            let _ = write!(
                body,
                "],\"cursor\":{cursor},\"has_more\":{has_more},\"server_time_ms\":{now}}}"
            );
            Ok(body)
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Appends one change; its entity and id are checked, so nothing but what
/// the relay wrote reaches the page.
fn write_change(
    body: &mut String,
    comma: bool,
    seq: i64,
    entity: &str,
    row_id: &str,
    data: Option<&str>,
) -> Result<(), ApiError> {
    let bad = |what: &str| ApiError::internal(anyhow::anyhow!("change {seq} has {what}"));
    let entity = Entity::from_code(entity).ok_or_else(|| bad("an unknown entity"))?;
    let row_id = Uuid::parse_str(row_id).map_err(|_| bad("a malformed row id"))?;
    if comma {
        body.push(',');
    }
    let _ = write!(
        body,
        "{{\"seq\":{seq},\"entity\":\"{}\",\"row_id\":\"{row_id}\",\"data\":{}}}",
        entity.code(),
        data.unwrap_or("null")
    );
    Ok(())
}
