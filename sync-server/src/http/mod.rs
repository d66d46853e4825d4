//! The relay's HTTP server: the device sync API under `/api/v1`, public
//! photo media, and Open311 GeoReport v2 for the district platform.
//!
//! [`router`] is a plain function of [`AppState`], so tests drive it
//! in-process or over a socket alike; [`serve`] binds it, bounds slow and
//! idle connections, and stops gracefully on SIGTERM or Ctrl-C. Every request passes one middleware
//! ([`context`]) that gives it a request id and a tracing span, bounds it in
//! time and turns every error into [`ErrorBody`](gridline_schema::wire::ErrorBody)
//! JSON; bodies are limited (JSON 1 MiB, photos `MAX_PHOTO_BYTES`), may
//! arrive gzipped, and answers are compressed when the client accepts it.
//!
//! Handlers are named `<resource>_<action>` and live by concept: [`auth`]
//! (login, logout, the bearer-token extractor), [`sync`] and [`push`],
//! [`grid`], [`photos`], [`open311`]. [`issues`] writes and reads issues for
//! all of them; `openapi.json` documents every route, and a test keeps the
//! two in step.

mod auth;
mod context;
mod error;
mod extract;
mod grid;
pub(crate) mod issues;
mod open311;
mod password_checks;
mod photos;
mod platform;
mod points;
mod push;
mod rfc3339;
mod serve;
mod state;
mod sync;
mod timeline;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, Uri};
use axum::response::IntoResponse;
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use gridline_schema::wire::MAX_PHOTO_BYTES;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;

pub use auth::DeviceSession;
pub use context::{REQUEST_ID, REQUEST_TIMEOUT};
pub use error::ApiError;
pub use open311::media_url_for;
pub use password_checks::{PasswordChecks, MAX_WAITING_CHECKS};
pub use serve::{serve, serve_configured, serve_with, ServeOptions};
pub use state::AppState;

/// Answers smaller than this go uncompressed.
const COMPRESS_ABOVE_BYTES: u16 = 4096;

/// The largest JSON body, in bytes (after gzip decompression).
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;

/// The hand-written OpenAPI 3.1 description of every route.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

/// Every route: its path and handlers. The router is built from this list
/// and [`route_paths`] reads it, so the documentation test sees exactly
/// what is served.
fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/healthz", get(health_get)),
        ("/openapi.json", get(openapi_get)),
        ("/api/v1/login", post(auth::login)),
        ("/api/v1/logout", post(auth::logout)),
        ("/api/v1/password", post(auth::password_change)),
        ("/api/v1/grid", get(grid::grid_get)),
        ("/api/v1/push", post(sync::push)),
        ("/api/v1/pull", get(sync::pull)),
        (
            "/api/v1/photos/{sha256}",
            get(photos::photo_get)
                .head(photos::photo_head)
                .put(photos::photo_put)
                .layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES)),
        ),
        (
            "/api/v1/platform/issues/{id}/events",
            post(platform::issue_event_create),
        ),
        (
            "/api/v1/photos/{sha256}/upload",
            get(photos::photo_upload_get),
        ),
        ("/media/{file}", get(photos::media_get)),
        ("/open311/v2/services.json", get(open311::services_list)),
        ("/open311/v2/services/{file}", get(open311::service_get)),
        (
            "/open311/v2/requests.json",
            get(open311::requests_list).post(open311::request_create),
        ),
        ("/open311/v2/requests/{file}", get(open311::request_get)),
    ]
}

/// The path of every route the router serves, as written in the router
/// (and in `openapi.json`).
pub fn route_paths() -> Vec<&'static str> {
    routes().into_iter().map(|(path, _)| path).collect()
}

/// The relay's router with all middleware, ready to serve.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for (path, handlers) in routes() {
        router = router.route(path, handlers);
    }
    // Layers run outside-in from the last one added: compression sees the
    // finished response; the request context wraps everything else, so even
    // a decompression failure gets a request id and a JSON body.
    router
        .fallback(route_not_found)
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(RequestDecompressionLayer::new())
        .layer(axum::middleware::from_fn(context::request_context))
        // Small answers (a push's results) are not worth a compressor's
        // set-up; pages of a pull and listings are.
        .layer(
            CompressionLayer::new()
                .compress_when(DefaultPredicate::new().and(SizeAbove::new(COMPRESS_ABOVE_BYTES))),
        )
        .with_state(state)
}

/// `GET /healthz`.
async fn health_get() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// `GET /openapi.json`.
async fn openapi_get() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON)
}

async fn route_not_found(uri: Uri) -> ApiError {
    ApiError::NotFound(format!("no route for {}", uri.path()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_openapi_document_is_json_of_version_3_1() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI_JSON).unwrap();

        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        assert!(doc["paths"].as_object().unwrap().len() >= route_paths().len());
    }
}
