//! Photos, stored by the SHA-256 of their bytes.
//!
//! A device uploads each photo with `PUT /api/v1/photos/{sha256}` before the
//! report that names it; the relay checks that the bytes hash to the name
//! and are a JPEG, PNG or WebP image of photo size that decodes, writes `photos/<sha256>.jpg` through a
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
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gridline_schema::wire::PhotoReceipt;
use image::{ImageFormat, ImageReader};
use rand::RngCore;
use rusqlite::{params, OptionalExtension};
use tokio_util::io::ReaderStream;

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
pub(super) fn path_sha256(raw: &str) -> Result<String, ApiError> {
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
/// With `Content-Range` the body is one part of the photo ([`resume`]).
pub async fn photo_put(
    State(state): State<AppState>,
    _session: DeviceSession,
    ApiPath(sha): ApiPath<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let sha = path_sha256(&sha)?;
    let body = body?;
    if let Some(range) = headers.get(header::CONTENT_RANGE) {
        let range = resume::PartRange::parse(range)?;
        return resume::put_part(&state, sha, range, body).await;
    }
    let (status, receipt) = store_photo(&state, sha, body).await?;
    Ok((status, Json(receipt)).into_response())
}

/// Checks complete photo bytes and stores them under their hash.
pub(super) async fn store_photo(
    state: &AppState,
    sha: String,
    body: Bytes,
) -> Result<(StatusCode, PhotoReceipt), ApiError> {
    let (checked, expected) = (body.clone(), sha.clone());
    let content_type = blocking(move || {
        let actual = sha256_hex(&checked);
        if actual != expected {
            return Err(ApiError::PhotoHashMismatch { expected, actual });
        }
        check_image(&checked)
    })
    .await?;
    let receipt = PhotoReceipt {
        sha256: sha.clone(),
        bytes: body.len() as u64,
        content_type: content_type.to_owned(),
    };
    if is_stored(state, &sha).await? {
        return Ok((StatusCode::OK, receipt));
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
    Ok((status, receipt))
}

/// Stored means both the row and the file: a file lost from the folder is
/// written again.
pub(super) async fn is_stored(state: &AppState, sha: &str) -> Result<bool, ApiError> {
    let (lookup, path) = (sha.to_owned(), photo_path(state.photos_dir(), sha));
    state
        .db(move |conn| {
            let row = conn
                .prepare_cached("SELECT 1 FROM photos WHERE sha256 = ?1")?
                .exists([lookup])?;
            Ok(row && path.exists())
        })
        .await
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
    // Streamed, not read whole: a client that reads slowly then holds one
    // buffer of the file, not all of it.
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| ApiError::internal(anyhow::anyhow!("opening {}: {e}", path.display())))?;
    let size = file
        .metadata()
        .await
        .map_err(|e| ApiError::internal(anyhow::anyhow!("reading {}: {e}", path.display())))?
        .len();
    let mut response = Body::from_stream(ReaderStream::new(file)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
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

/// The longest side of an image the relay accepts, in pixels. Devices
/// upload copies at most 1600 px on the long edge; the margin allows for
/// other clients without allowing decompression bombs.
pub const MAX_PHOTO_SIDE_PX: u32 = 4096;
/// The most pixels an accepted image may have (4096 × 4096).
pub const MAX_PHOTO_PIXELS: u64 = 16_777_216;
/// The most memory decoding one image may take.
const MAX_DECODE_ALLOC_BYTES: u64 = 256 * 1024 * 1024;

/// The content type of a JPEG, PNG or WebP that decodes completely within
/// the size limits. The size is read from the header first, so a header
/// claiming a huge image is refused (`photo_too_large`) before any pixel
/// memory is taken; then the whole image is decoded, so a valid header over
/// junk or no pixel data at all is `photo_not_image`.
fn check_image(bytes: &[u8]) -> Result<&'static str, ApiError> {
    let reader = guessed_reader(bytes)?;
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
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| ApiError::PhotoNotImage(format!("the image header does not decode: {e}")))?;
    if width > MAX_PHOTO_SIDE_PX
        || height > MAX_PHOTO_SIDE_PX
        || u64::from(width) * u64::from(height) > MAX_PHOTO_PIXELS
    {
        return Err(ApiError::PhotoTooLarge(format!(
            "the image is {width}×{height} px; at most {MAX_PHOTO_SIDE_PX} px a side"
        )));
    }

    // The JPEG decoder fills a scan that is missing with grey rather than
    // failing, so a JPEG must be seen to carry pixel data.
    if content_type == "image/jpeg" && jpeg_scan_bytes(bytes) == 0 {
        return Err(ApiError::PhotoNotImage(
            "the JPEG has no image data".to_owned(),
        ));
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_PHOTO_SIDE_PX);
    limits.max_image_height = Some(MAX_PHOTO_SIDE_PX);
    limits.max_alloc = Some(MAX_DECODE_ALLOC_BYTES);
    let mut reader = guessed_reader(bytes)?;
    reader.limits(limits);
    reader
        .decode()
        .map_err(|e| ApiError::PhotoNotImage(format!("the image does not decode: {e}")))?;
    Ok(content_type)
}

/// How many bytes of entropy-coded data follow a JPEG's first start of
/// scan, up to the end-of-image marker; 0 when there is no scan.
fn jpeg_scan_bytes(bytes: &[u8]) -> usize {
    const START_OF_SCAN: u8 = 0xDA;
    const END_OF_IMAGE: u8 = 0xD9;
    let mut at = 2; // past the start-of-image marker
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return 0;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1; // fill byte
            continue;
        }
        if marker == END_OF_IMAGE {
            return 0;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        if marker == START_OF_SCAN {
            // Inside entropy-coded data 0xFF is escaped, so FF D9 ends it.
            let data = bytes.get(at + 2 + length..).unwrap_or_default();
            return data
                .windows(2)
                .position(|w| w == [0xFF, END_OF_IMAGE])
                .unwrap_or(data.len());
        }
        at += 2 + length;
    }
    0
}

fn guessed_reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, ApiError> {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ApiError::PhotoNotImage(format!("the body cannot be read: {e}")))
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

mod resume;

pub use resume::photo_upload_get;

#[cfg(test)]
mod tests;
