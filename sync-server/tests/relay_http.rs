//! The relay's HTTP API end to end: over a real socket with reqwest where
//! the full path matters, in-process with `oneshot` where it is simpler.
//! The cases live in `relay_http/`, one module per concept, over the
//! fixture district of `common/` and the device client below.

mod common;

#[path = "relay_http/auth.rs"]
mod auth;
#[path = "relay_http/connections.rs"]
mod connections;
#[path = "relay_http/open311.rs"]
mod open311;
#[path = "relay_http/photos.rs"]
mod photos;
#[path = "relay_http/points.rs"]
mod points;
#[path = "relay_http/protocol.rs"]
mod protocol;
#[path = "relay_http/registry.rs"]
mod registry;
#[path = "relay_http/sync.rs"]
mod sync;
#[path = "relay_http/timeline.rs"]
mod timeline;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::*;
use gridline_relay::http::{route_paths, OPENAPI_JSON, REQUEST_ID};
use gridline_schema::wire::{
    Change, ErrorBody, IssueRecord, LoginResponse, OpResult, Operation, Outcome, PhotoReceipt,
    PullResponse, PushResponse, MAX_OPS_PER_PUSH, MAX_PHOTO_BYTES,
};
use gridline_schema::{IssueSource, IssueStatus};
use reqwest::Client;
use serde_json::{json, Value};

/// A device's view of the relay over HTTP.
struct Device {
    client: Client,
    base: String,
    token: String,
}

impl Device {
    async fn login(base: &str, account: &str) -> Device {
        Device::login_as(base, account, "device-1").await
    }

    async fn login_as(base: &str, account: &str, device_id: &str) -> Device {
        let client = Client::new();
        let response = client
            .post(format!("{base}/api/v1/login"))
            .json(&json!({"account": account, "password": PASSWORD, "device_id": device_id}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "logging in as {account}");
        let login: LoginResponse = response.json().await.unwrap();
        Device {
            client,
            base: base.to_owned(),
            token: login.token,
        }
    }

    async fn push(&self, ops: &[Operation]) -> Vec<OpResult> {
        let response = self
            .client
            .post(format!("{}/api/v1/push", self.base))
            .bearer_auth(&self.token)
            .json(&json!({ "ops": ops }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json::<PushResponse>().await.unwrap().results
    }

    async fn pull(&self, since: i64, limit: Option<u32>) -> PullResponse {
        let mut url = format!("{}/api/v1/pull?since={since}", self.base);
        if let Some(limit) = limit {
            url.push_str(&format!("&limit={limit}"));
        }
        let response = self
            .client
            .get(url)
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    async fn pull_all(&self) -> Vec<Change> {
        self.pull(0, None).await.changes
    }

    async fn put_photo(&self, sha: &str, bytes: Vec<u8>) -> reqwest::Response {
        self.client
            .put(format!("{}/api/v1/photos/{sha}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "image/jpeg")
            .body(bytes)
            .send()
            .await
            .unwrap()
    }
}

/// Reads an error response, checking the shape every error must have.
async fn error_body(response: reqwest::Response) -> ErrorBody {
    let header_id = response
        .headers()
        .get(REQUEST_ID)
        .map(|v| v.to_str().unwrap().to_owned());
    let content_type = response.headers().get("content-type").cloned();
    let body: ErrorBody = response
        .json()
        .await
        .expect("an error body is ErrorBody JSON");
    assert_eq!(content_type.unwrap(), "application/json");
    assert!(header_id.is_some(), "every response carries x-request-id");
    assert_eq!(
        body.request_id, header_id,
        "the body names the same request id as the header"
    );
    body
}

fn issue_ids(changes: &[Change]) -> Vec<uuid::Uuid> {
    changes.iter().map(|c| c.row_id).collect()
}
