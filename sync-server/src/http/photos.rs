//! Photos, stored by the SHA-256 of their bytes.
//!
//! A device uploads each photo with `PUT /api/v1/photos/{sha256}` before the
//! report that names it; the relay checks that the bytes hash to the name
//! and are a JPEG, PNG or WebP image, writes `photos/<sha256>.jpg` through a
//! temporary file and a rename (so a reader never sees half a photo), and
//! only then adds the `photos` row a report's push waits for. Uploading the
//! same bytes again changes nothing. `/media/{sha256}.jpg` serves a photo
//! without a token: it is what Open311 `media_url` points at, and the name
//! cannot be guessed without the bytes.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gridline_schema::wire::PhotoReceipt;
use image::{ImageFormat, ImageReader};
use rand::RngCore;
use rusqlite::{params, OptionalExtension};

use super::auth::{sha256_hex, DeviceSession};
use super::error::ApiError;
use super::extract::ApiPath;
use super::state::{blocking, AppState};
use crate::store;

/// Whether `s` is a SHA-256 in lowercase hex, as photos are named.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The hash in a path, lowercased; anything else is a 400.
fn path_sha256(raw: &str) -> Result<String, ApiError> {
    let sha = raw.to_ascii_lowercase();
    if is_sha256_hex(&sha) {
        Ok(sha)
    } else {
        Err(ApiError::invalid(
            "invalid_photo_hash",
            "a photo is named by 64 hex characters",
        ))
    }
}

fn photo_path(dir: &Path, sha: &str) -> PathBuf {
    dir.join(format!("{sha}.jpg"))
}

/// `HEAD /api/v1/photos/{sha256}`: 200 with the stored size, or 404.
pub async fn photo_head(
    State(state): State<AppState>,
    _session: DeviceSession,
    ApiPath(sha): ApiPath<String>,
) -> Result<Response, ApiError> {
    let sha = path_sha256(&sha)?;
    let (bytes, content_type) = state
        .db(move |conn| {
            conn.query_row(
                "SELECT bytes, content_type FROM photos WHERE sha256 = ?1",
                params![sha],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
            .ok_or_else(|| ApiError::NotFound("the relay does not have this photo".to_owned()))
        })
        .await?;
    Ok((
        [
            (header::CONTENT_LENGTH, bytes.to_string()),
            (header::CONTENT_TYPE, content_type),
        ],
        Body::empty(),
    )
        .into_response())
}

/// `PUT /api/v1/photos/{sha256}`: stores the body if it hashes to the name
/// and is an image. 201 when stored now, 200 when the relay had it already.
pub async fn photo_put(
    State(state): State<AppState>,
    _session: DeviceSession,
    ApiPath(sha): ApiPath<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<PhotoReceipt>), ApiError> {
    let sha = path_sha256(&sha)?;
    let body = body?;

    let (checked, expected) = (body.clone(), sha.clone());
    let content_type = blocking(move || {
        let actual = sha256_hex(&checked);
        if actual != expected {
            return Err(ApiError::PhotoHashMismatch { expected, actual });
        }
        probe_image(&checked)
    })
    .await?;
    let receipt = PhotoReceipt {
        sha256: sha.clone(),
        bytes: body.len() as u64,
        content_type: content_type.to_owned(),
    };

    // Stored means both the row and the file: a file lost from the folder
    // is written again.
    let (lookup, path) = (sha.clone(), photo_path(state.photos_dir(), &sha));
    let stored = state
        .db(move |conn| {
            let row = conn
                .prepare_cached("SELECT 1 FROM photos WHERE sha256 = ?1")?
                .exists([lookup])?;
            Ok(row && path.exists())
        })
        .await?;
    if stored {
        return Ok((StatusCode::OK, Json(receipt)));
    }

    let dir = state.photos_dir().to_owned();
    let file_sha = sha.clone();
    blocking(move || write_atomically(&dir, &file_sha, &body).map_err(ApiError::internal)).await?;
    let size = receipt.bytes as i64;
    let inserted = state
        .db(move |conn| {
            Ok(conn.execute(
                "INSERT OR IGNORE INTO photos (sha256, bytes, content_type, received_at_ms)
                 VALUES (?1, ?2, ?3, ?4)",
                params![sha, size, content_type, store::now_ms()],
            )?)
        })
        .await?;
    tracing::info!(sha256 = %receipt.sha256, bytes = receipt.bytes, "photo stored");
    let status = if inserted == 1 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(receipt)))
}

/// `GET /api/v1/photos/{sha256}`: the photo, for a signed-in device.
pub async fn photo_get(
    State(state): State<AppState>,
    _session: DeviceSession,
    ApiPath(sha): ApiPath<String>,
) -> Result<Response, ApiError> {
    let sha = path_sha256(&sha)?;
    serve_photo(&state, sha).await
}

/// `GET /media/{sha256}.jpg`: the photo, for anyone who knows its hash.
pub async fn media_get(
    State(state): State<AppState>,
    ApiPath(file): ApiPath<String>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound("no such media".to_owned());
    let stem = file.strip_suffix(".jpg").ok_or_else(not_found)?;
    let sha = path_sha256(stem).map_err(|_| not_found())?;
    serve_photo(&state, sha).await
}

async fn serve_photo(state: &AppState, sha: String) -> Result<Response, ApiError> {
    let path = photo_path(state.photos_dir(), &sha);
    let content_type = state
        .db(move |conn| {
            conn.query_row(
                "SELECT content_type FROM photos WHERE sha256 = ?1",
                [sha],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .ok_or_else(|| ApiError::NotFound("the relay does not have this photo".to_owned()))
        })
        .await?;
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| ApiError::internal(anyhow::anyhow!("reading {}: {e}", path.display())))?;
    let mut response = Body::from(bytes).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    // The name is the hash of the bytes: they never change.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

/// The content type of a JPEG, PNG or WebP whose header decodes; anything
/// else is `photo_not_image`.
fn probe_image(bytes: &[u8]) -> Result<&'static str, ApiError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ApiError::PhotoNotImage(format!("the body cannot be read: {e}")))?;
    let content_type = match reader.format() {
        Some(ImageFormat::Jpeg) => "image/jpeg",
        Some(ImageFormat::Png) => "image/png",
        Some(ImageFormat::WebP) => "image/webp",
        _ => {
            return Err(ApiError::PhotoNotImage(
                "the body is not a JPEG, PNG or WebP image".to_owned(),
            ))
        }
    };
    reader
        .into_dimensions()
        .map_err(|e| ApiError::PhotoNotImage(format!("the image header does not decode: {e}")))?;
    Ok(content_type)
}

/// Writes `photos/<sha>.jpg` through a temporary file in the same folder,
/// synced before the rename, so the name only ever holds complete bytes.
fn write_atomically(dir: &Path, sha: &str, bytes: &[u8]) -> std::io::Result<()> {
    let mut suffix = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut suffix);
    let temp = dir.join(format!(".{sha}.{}.tmp", hex::encode(suffix)));
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, photo_path(dir, sha))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photo_names_are_64_lowercase_hex_characters() {
        assert!(is_sha256_hex(&"ab".repeat(32)));
        assert!(!is_sha256_hex(&"AB".repeat(32)));
        assert!(!is_sha256_hex(&"ab".repeat(31)));
        assert!(!is_sha256_hex(&"zz".repeat(32)));
    }

    #[test]
    fn text_and_truncated_images_are_not_photos() {
        assert!(matches!(
            probe_image(b"hello"),
            Err(ApiError::PhotoNotImage(_))
        ));
        assert!(matches!(
            probe_image(&[0xFF, 0xD8, 0xFF]),
            Err(ApiError::PhotoNotImage(_))
        ));
    }
}
