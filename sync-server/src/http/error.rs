//! The one error type every handler returns, and how it becomes a response.
//!
//! A 4xx names what was wrong with the request in a stable snake_case
//! `code` the device chooses its message by. A 5xx says only `internal`:
//! the cause is logged inside the request's span, which carries the request
//! id the client also receives, so an operator can find it from a report.

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gridline_schema::wire::ErrorBody;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed in a way no more specific code covers.
    #[error("{0}")]
    BadRequest(String),
    /// The body is not JSON, or not JSON of the expected shape.
    #[error("{0}")]
    InvalidJson(String),
    /// A field is missing or out of range; `code` names which rule failed.
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    /// An Open311 request whose point lies in no grid of the district.
    #[error("the point lat {lat}, long {lon} lies outside every grid of the district")]
    OutsideDistrict { lat: f64, lon: f64 },
    /// No bearer token, or one that is unknown or revoked.
    #[error("a valid bearer token is required")]
    Unauthorized,
    /// Wrong account or wrong password; deliberately the same for both.
    #[error("account or password is wrong")]
    LoginFailed,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("a push carries at most {max} operations; this one carried {count}")]
    TooManyOps { count: usize, max: usize },
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("the body's SHA-256 is {actual}, but the path names {expected}")]
    PhotoHashMismatch { expected: String, actual: String },
    #[error("{0}")]
    PhotoNotImage(String),
    /// A part of an upload that does not start where the received bytes end.
    #[error("the relay holds {received} bytes of this photo; send the part starting there")]
    UploadOffset { received: u64 },
    /// An image larger in pixels than any photo a device sends.
    #[error("{0}")]
    PhotoTooLarge(String),
    #[error("the request took longer than {0} s")]
    Timeout(u64),
    /// Too much work is queued (password checks); try again in a second.
    #[error("the relay is busy; try again shortly")]
    Busy,
    /// Anything the client cannot fix; the cause is logged, never sent.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// A 400 with a specific code.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Invalid {
            code,
            message: message.into(),
        }
    }

    /// The stable code sent in the body.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::InvalidJson(_) => "invalid_json",
            ApiError::Invalid { code, .. } => code,
            ApiError::OutsideDistrict { .. } => "outside_district",
            ApiError::Unauthorized => "unauthorized",
            ApiError::LoginFailed => "login_failed",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::TooManyOps { .. } => "too_many_ops",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::PhotoHashMismatch { .. } => "photo_hash_mismatch",
            ApiError::PhotoNotImage(_) => "photo_not_image",
            ApiError::UploadOffset { .. } => "upload_offset_mismatch",
            ApiError::PhotoTooLarge(_) => "photo_too_large",
            ApiError::Timeout(_) => "timeout",
            ApiError::Busy => "busy",
            ApiError::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_)
            | ApiError::InvalidJson(_)
            | ApiError::Invalid { .. }
            | ApiError::OutsideDistrict { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized | ApiError::LoginFailed => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::PayloadTooLarge(_)
            | ApiError::TooManyOps { .. }
            | ApiError::PhotoTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) | ApiError::PhotoNotImage(_) => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            ApiError::PhotoHashMismatch { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::UploadOffset { .. } => StatusCode::CONFLICT,
            ApiError::Timeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Wraps anything the client cannot fix.
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(err.into())
    }

    /// Maps a rejection of one of axum's own extractors by its status, so
    /// that a body over the limit reads `payload_too_large` whichever
    /// extractor noticed.
    fn from_rejection(status: StatusCode, text: String) -> Self {
        match status {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(text),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType(text),
            s if s.is_server_error() => ApiError::internal(anyhow::anyhow!(text)),
            _ => ApiError::BadRequest(text),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
        let body = ErrorBody {
            code: self.code().to_owned(),
            message: self.to_string(),
            request_id: None,
        };
        // The request-context middleware finds the body here and adds the
        // request id, which a handler does not know.
        let mut response = (status, Json(body.clone())).into_response();
        if matches!(self, ApiError::Busy) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response.extensions_mut().insert(body);
        response
    }
}

/// The code for an error response that did not come from [`ApiError`]
/// (axum's 405, a layer's 415), chosen by its status.
pub fn code_for_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonSyntaxError(_) | JsonRejection::JsonDataError(_) => {
                ApiError::InvalidJson(rejection.body_text())
            }
            JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType(
                "expected a body with content-type application/json".to_owned(),
            ),
            other => ApiError::from_rejection(other.status(), other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::BadRequest(rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::from_rejection(rejection.status(), rejection.body_text())
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        ApiError::from_rejection(rejection.status(), rejection.body_text())
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        ApiError::internal(err)
    }
}
