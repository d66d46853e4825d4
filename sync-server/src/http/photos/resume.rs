//! Resumable photo uploads.
//!
//! On a weak signal a 400 KB upload often dies part-way. A device may send a
//! photo in parts instead: `PUT /api/v1/photos/{sha256}` with
//! `Content-Range: bytes <first>-<last>/<total>`. The relay appends each
//! part to `photos/parts/<sha256>.part` and records how far it got;
//! `GET /api/v1/photos/{sha256}/upload` tells a device where to resume. A
//! part that does not start where the received bytes end is answered 409
//! `upload_offset_mismatch` with nothing written. When the last byte
//! arrives the whole photo is checked (hash, image) like a single upload;
//! if it fails the part file is dropped so the next attempt starts clean.

use std::io::Write;
use std::path::PathBuf;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gridline_schema::wire::{UploadStatus, MAX_PHOTO_BYTES};
use rusqlite::{params, OptionalExtension};

use super::{is_stored, path_sha256, store_photo};
use crate::http::auth::DeviceSession;
use crate::http::error::ApiError;
use crate::http::extract::ApiPath;
use crate::http::state::AppState;
use crate::store;

/// One part of an upload: bytes `first..=last` of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartRange {
    pub first: u64,
    pub last: u64,
    pub total: u64,
}

impl PartRange {
    /// Reads `bytes <first>-<last>/<total>`.
    pub fn parse(value: &HeaderValue) -> Result<PartRange, ApiError> {
        let bad = || {
            ApiError::invalid(
                "invalid_range",
                "Content-Range must read bytes <first>-<last>/<total>",
            )
        };
        let text = value.to_str().map_err(|_| bad())?.trim();
        let rest = text.strip_prefix("bytes ").ok_or_else(bad)?;
        let (span, total) = rest.split_once('/').ok_or_else(bad)?;
        let (first, last) = span.split_once('-').ok_or_else(bad)?;
        let number = |s: &str| s.trim().parse::<u64>().map_err(|_| bad());
        let range = PartRange {
            first: number(first)?,
            last: number(last)?,
            total: number(total)?,
        };
        if range.first > range.last || range.last >= range.total {
            return Err(bad());
        }
        if range.total > MAX_PHOTO_BYTES as u64 {
            return Err(ApiError::PayloadTooLarge(format!(
                "a photo is at most {MAX_PHOTO_BYTES} bytes"
            )));
        }
        Ok(range)
    }

    fn len(self) -> u64 {
        self.last - self.first + 1
    }
}

fn part_path(state: &AppState, sha: &str) -> PathBuf {
    state.photos_dir().join("parts").join(format!("{sha}.part"))
}

/// Appends one part; completes the photo when it was the last.
pub async fn put_part(
    state: &AppState,
    sha: String,
    range: PartRange,
    body: Bytes,
) -> Result<Response, ApiError> {
    if body.len() as u64 != range.len() {
        return Err(ApiError::invalid(
            "invalid_range",
            format!(
                "the part has {} bytes; its range names {}",
                body.len(),
                range.len()
            ),
        ));
    }
    if is_stored(state, &sha).await? {
        let status = UploadStatus {
            sha256: sha,
            received: range.total,
            complete: true,
        };
        return Ok((StatusCode::OK, Json(status)).into_response());
    }
    let path = part_path(state, &sha);
    let parts_dir = state.photos_dir().join("parts");
    let key = sha.clone();
    // Under the database lock, so two uploads of one photo cannot interleave
    // and the row always matches the file; the last part also takes the
    // whole photo out of the parts folder there, so no later part can touch
    // what is being checked.
    let progress = state
        .db(move |conn| {
            let tx = conn.transaction()?;
            let now = store::now_ms();
            let row: Option<(i64, i64)> = tx
                .query_row(
                    "SELECT total_bytes, received FROM photo_uploads WHERE sha256 = ?1",
                    params![key],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if row.is_none() {
                forget_abandoned(&tx, &parts_dir, now)?;
            }
            let on_disk = std::fs::metadata(&path).map_or(0, |m| m.len());
            let received = match row {
                Some((total, received)) if total as u64 == range.total => {
                    (received as u64).min(on_disk)
                }
                _ => 0,
            };
            if range.first != received {
                return Err(ApiError::UploadOffset { received });
            }
            std::fs::create_dir_all(&parts_dir)
                .and_then(|()| {
                    let file = std::fs::OpenOptions::new()
                        .create(true)
                        .write(true)
                        .truncate(false)
                        .open(&path)?;
                    file.set_len(received)?;
                    let mut file = std::fs::OpenOptions::new().append(true).open(&path)?;
                    file.write_all(&body)?;
                    file.sync_data()
                })
                .map_err(ApiError::internal)?;
            let received = received + range.len();
            let progress = if received < range.total {
                tx.execute(
                    "INSERT INTO photo_uploads (sha256, total_bytes, received, started_at_ms)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (sha256) DO UPDATE SET total_bytes = ?2, received = ?3",
                    params![key, range.total as i64, received as i64, now],
                )?;
                Progress::Partial(received)
            } else {
                let bytes = std::fs::read(&path).map_err(ApiError::internal)?;
                let _ = std::fs::remove_file(&path);
                tx.execute("DELETE FROM photo_uploads WHERE sha256 = ?1", params![key])?;
                Progress::Complete(bytes)
            };
            tx.commit()?;
            Ok(progress)
        })
        .await?;

    match progress {
        Progress::Partial(received) => {
            let status = UploadStatus {
                sha256: sha,
                received,
                complete: false,
            };
            Ok((StatusCode::ACCEPTED, Json(status)).into_response())
        }
        Progress::Complete(bytes) => {
            let (status, receipt) = store_photo(state, sha, Bytes::from(bytes)).await?;
            Ok((status, Json(receipt)).into_response())
        }
    }
}

/// Where an upload stands after a part.
enum Progress {
    Partial(u64),
    /// The whole photo, taken out of the parts folder.
    Complete(Vec<u8>),
}

/// Parts untouched for this long are dropped: their phone has given up.
const ABANDONED_AFTER_MS: i64 = 24 * 3_600_000;

/// Drops uploads begun more than a day ago, rows and files.
fn forget_abandoned(
    conn: &rusqlite::Connection,
    parts_dir: &std::path::Path,
    now: i64,
) -> Result<(), ApiError> {
    let cutoff = now - ABANDONED_AFTER_MS;
    let mut stmt = conn.prepare("SELECT sha256 FROM photo_uploads WHERE started_at_ms < ?1")?;
    let stale: Vec<String> = stmt
        .query_map([cutoff], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for sha in &stale {
        let _ = std::fs::remove_file(parts_dir.join(format!("{sha}.part")));
    }
    conn.execute(
        "DELETE FROM photo_uploads WHERE started_at_ms < ?1",
        [cutoff],
    )?;
    Ok(())
}

/// `GET /api/v1/photos/{sha256}/upload`: how many bytes of the photo the
/// relay holds.
pub async fn photo_upload_get(
    State(state): State<AppState>,
    _session: DeviceSession,
    ApiPath(sha): ApiPath<String>,
) -> Result<Json<UploadStatus>, ApiError> {
    let sha = path_sha256(&sha)?;
    let path = part_path(&state, &sha);
    let key = sha.clone();
    let (stored, received) = state
        .db(move |conn| {
            let stored: Option<i64> = conn
                .query_row(
                    "SELECT bytes FROM photos WHERE sha256 = ?1",
                    params![key],
                    |r| r.get(0),
                )
                .optional()?;
            let partial: Option<i64> = conn
                .query_row(
                    "SELECT received FROM photo_uploads WHERE sha256 = ?1",
                    params![key],
                    |r| r.get(0),
                )
                .optional()?;
            let on_disk = std::fs::metadata(&path).map_or(0, |m| m.len());
            Ok((stored, partial.map_or(0, |p| (p as u64).min(on_disk))))
        })
        .await?;
    Ok(Json(match stored {
        Some(bytes) if is_stored(&state, &sha).await? => UploadStatus {
            sha256: sha,
            received: bytes as u64,
            complete: true,
        },
        _ => UploadStatus {
            sha256: sha,
            received,
            complete: false,
        },
    }))
}
