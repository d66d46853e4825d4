//! The HTTP client for the relay's `/api/v1`.
//!
//! One `reqwest::Client` is shared by every call. Network failures become
//! [`CoreError::RelayUnreachable`], so callers keep their work queued;
//! the relay's JSON errors keep their stable codes.

use std::time::Duration;

use gridline_schema::wire::{
    ErrorBody, GridInfo, LoginRequest, LoginResponse, PullResponse, PushRequest, PushResponse,
};
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;

use super::error::{CoreError, Result};

/// A client bound to one relay address.
#[derive(Clone)]
pub struct RelayClient {
    http: Client,
    base: String,
}

impl RelayClient {
    /// A client for `server`, e.g. `http://127.0.0.1:8787`.
    pub fn new(http: Client, server: &str) -> Result<RelayClient> {
        let base = normalize_server(server)?;
        Ok(RelayClient { http, base })
    }

    /// The shared HTTP client with the app's timeouts.
    pub fn http_client() -> Client {
        Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("gridline-app/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client's fixed settings are valid")
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn login(&self, req: &LoginRequest) -> Result<LoginResponse> {
        let resp = send(self.http.post(self.url("/api/v1/login")).json(req)).await?;
        if resp.status() == StatusCode::UNAUTHORIZED {
            return Err(CoreError::LoginFailed);
        }
        json(resp).await
    }

    pub async fn grid(&self, token: &str) -> Result<GridInfo> {
        json(send(self.http.get(self.url("/api/v1/grid")).bearer_auth(token)).await?).await
    }

    pub async fn push(&self, token: &str, req: &PushRequest) -> Result<PushResponse> {
        let builder = self
            .http
            .post(self.url("/api/v1/push"))
            .bearer_auth(token)
            .json(req);
        json(send(builder).await?).await
    }

    pub async fn pull(&self, token: &str, since: i64, limit: u32) -> Result<PullResponse> {
        let path = format!("/api/v1/pull?since={since}&limit={limit}");
        json(send(self.http.get(self.url(&path)).bearer_auth(token)).await?).await
    }

    /// Whether the relay already holds the photo with this hash.
    pub async fn has_photo(&self, token: &str, sha256: &str) -> Result<bool> {
        let path = format!("/api/v1/photos/{sha256}");
        let resp = send(self.http.head(self.url(&path)).bearer_auth(token)).await?;
        match resp.status() {
            StatusCode::OK => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(relay_error(resp).await),
        }
    }

    pub async fn put_photo(&self, token: &str, sha256: &str, bytes: Vec<u8>) -> Result<()> {
        let path = format!("/api/v1/photos/{sha256}");
        let builder = self
            .http
            .put(self.url(&path))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "image/jpeg")
            .body(bytes);
        let resp = send(builder).await?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(relay_error(resp).await)
        }
    }
}

/// Checks and tidies a relay address typed by a person; an address typed
/// without a scheme (`10.1.2.3:8787`) means plain http, as on an intranet.
pub fn normalize_server(server: &str) -> Result<String> {
    let typed = server.trim();
    let with_scheme = if typed.contains("://") {
        typed.to_owned()
    } else {
        format!("http://{typed}")
    };
    let trimmed = with_scheme.trim_end_matches('/');
    let url = reqwest::Url::parse(trimmed).map_err(|_| CoreError::InvalidServer)?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(CoreError::InvalidServer);
    }
    Ok(trimmed.to_owned())
}

async fn send(builder: RequestBuilder) -> Result<Response> {
    builder
        .send()
        .await
        .map_err(|e| CoreError::RelayUnreachable(describe(&e)))
}

async fn json<T: DeserializeOwned>(resp: Response) -> Result<T> {
    if !resp.status().is_success() {
        return Err(relay_error(resp).await);
    }
    resp.json()
        .await
        .map_err(|e| CoreError::RelayUnreachable(describe(&e)))
}

async fn relay_error(resp: Response) -> CoreError {
    let status = resp.status();
    let body: Option<ErrorBody> = resp.json().await.ok();
    if status == StatusCode::UNAUTHORIZED {
        return CoreError::SessionExpired;
    }
    match body {
        Some(b) => CoreError::Relay {
            status: status.as_u16(),
            code: b.code,
            message: b.message,
        },
        None => CoreError::Relay {
            status: status.as_u16(),
            code: "http_status".into(),
            message: format!("HTTP {status}"),
        },
    }
}

/// A short description of a transport failure without the URL's query.
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_connect() {
        "connection failed"
    } else if e.is_timeout() {
        "timed out"
    } else if e.is_decode() {
        "unreadable answer"
    } else {
        "request failed"
    };
    match e.url() {
        Some(url) => format!("{kind}: {}", url.origin().ascii_serialization()),
        None => kind.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_addresses_are_tidied_and_non_http_ones_refused() {
        assert_eq!(
            normalize_server(" http://127.0.0.1:8787/ ").unwrap(),
            "http://127.0.0.1:8787"
        );
        assert_eq!(
            normalize_server("127.0.0.1:8787").unwrap(),
            "http://127.0.0.1:8787"
        );
        assert!(matches!(
            normalize_server("ftp://x"),
            Err(CoreError::InvalidServer)
        ));
        assert!(matches!(
            normalize_server("http://"),
            Err(CoreError::InvalidServer)
        ));
        assert!(matches!(
            normalize_server(""),
            Err(CoreError::InvalidServer)
        ));
    }
}
