//! The middleware every request passes through: a request id, a tracing
//! span, a time limit, and error bodies in one JSON shape.
//!
//! Errors made by [`ApiError`] leave their body in the response's
//! extensions; the ones axum or a tower layer make themselves (405 with no
//! body, 415 for an unknown content encoding) have none. Both are rewritten
//! here into [`ErrorBody`] carrying the request id, so a client sees one
//! shape whatever failed.

use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gridline_schema::wire::ErrorBody;
use tracing::Instrument;
use uuid::Uuid;

use super::error::{code_for_status, ApiError};

/// The header a request id travels in, both ways.
pub const REQUEST_ID: &str = "x-request-id";

/// How long a request may take, body upload included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Gives the request an id (the client's, if it sent a sensible one), runs
/// it in a span under the time limit, and finishes error bodies.
pub async fn request_context(req: Request, next: Next) -> Response {
    // Always minted here: a client-chosen id would be logged as sent, and
    // could carry anything, personal data included.
    let request_id = Uuid::now_v7().to_string();
    // The matched route, not the path: paths hold photo hashes and ids,
    // and the query (never logged) may hold an API key.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        route = %route,
        request_id = %request_id,
    );

    async move {
        let started = Instant::now();
        let mut response = match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
            Ok(response) => response,
            Err(_) => ApiError::Timeout(REQUEST_TIMEOUT.as_secs()).into_response(),
        };
        if response.status().is_client_error() || response.status().is_server_error() {
            response = finish_error(response, &request_id);
        }
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            response.headers_mut().insert(REQUEST_ID, value);
        }
        tracing::info!(
            status = response.status().as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "request finished"
        );
        response
    }
    .instrument(span)
    .await
}

/// Rewrites an error response's body as [`ErrorBody`] with the request id,
/// keeping its status and headers such as `allow`.
fn finish_error(response: Response, request_id: &str) -> Response {
    let (mut parts, _body) = response.into_parts();
    let mut body = parts.extensions.remove::<ErrorBody>().unwrap_or_else(|| {
        let status = parts.status;
        ErrorBody {
            code: code_for_status(status).to_owned(),
            message: status.canonical_reason().unwrap_or("error").to_lowercase(),
            request_id: None,
        }
    });
    body.request_id = Some(request_id.to_owned());
    for name in [
        header::CONTENT_TYPE,
        header::CONTENT_LENGTH,
        header::CONTENT_ENCODING,
    ] {
        parts.headers.remove(name);
    }
    let rendered = Json(body).into_response();
    let (rendered_parts, rendered_body) = rendered.into_parts();
    parts.headers.extend(rendered_parts.headers);
    Response::from_parts(parts, rendered_body)
}
