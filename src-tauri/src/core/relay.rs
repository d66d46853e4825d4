//! The HTTP client for the relay's `/api/v1`.
//!
//! One `reqwest::Client` is shared by every call. Network failures become
//! [`CoreError::RelayUnreachable`], so callers keep their work queued;
//! the relay's JSON errors keep their stable codes.

use std::time::Duration;

use gridline_schema::wire::{
    ErrorBody, GridInfo, LoginRequest, LoginResponse, PushRequest, PushResponse, UploadStatus,
};
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;

use super::error::{CoreError, Result};
use super::replica::PulledPage;

/// A client bound to one relay address.
/// Push bodies larger than this are sent gzipped.
pub const GZIP_ABOVE_BYTES: usize = 1024;
/// Photos larger than this are uploaded in parts of this size.
pub const UPLOAD_PART_BYTES: usize = 256 * 1024;

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

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

    /// Sends a push; a body larger than [`GZIP_ABOVE_BYTES`] goes gzipped,
    /// which shrinks a batch of reports to about a fifth on a slow link.
    pub async fn push(&self, token: &str, req: &PushRequest) -> Result<PushResponse> {
        let body = serde_json::to_vec(req)?;
        let mut builder = self
            .http
            .post(self.url("/api/v1/push"))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        builder = if body.len() > GZIP_ABOVE_BYTES {
            builder
                .header(reqwest::header::CONTENT_ENCODING, "gzip")
                .body(gzip(&body)?)
        } else {
            builder.body(body)
        };
        json(send(builder).await?).await
    }

    pub async fn pull(&self, token: &str, since: i64, limit: u32) -> Result<PulledPage> {
        let path = format!("/api/v1/pull?since={since}&limit={limit}");
        json(send(self.http.get(self.url(&path)).bearer_auth(token)).await?).await
    }

    /// Whether the relay already holds the photo with this hash.
    pub async fn change_password(&self, token: &str, current: &str, new: &str) -> Result<()> {
        let body = serde_json::json!({"current_password": current, "new_password": new});
        let resp = send(
            self.http
                .post(self.url("/api/v1/password"))
                .bearer_auth(token)
                .json(&body),
        )
        .await?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(relay_error(resp).await)
        }
    }

    /// Uploads a photo: in one request if small, else in parts of
    /// [`UPLOAD_PART_BYTES`], resuming from what the relay already holds, so
    /// a connection lost half-way costs at most one part.
    pub async fn upload_photo(&self, token: &str, sha256: &str, bytes: &[u8]) -> Result<()> {
        if bytes.len() <= UPLOAD_PART_BYTES {
            return self.put_photo(token, sha256, bytes.to_vec()).await;
        }
        let status = self.upload_status(token, sha256).await?;
        if status.complete {
            return Ok(());
        }
        let mut from = (status.received as usize).min(bytes.len());
        // Each round sends a part or re-learns the offset; bounded so a
        // confused relay cannot keep the device looping.
        for _ in 0..2 * bytes.len().div_ceil(UPLOAD_PART_BYTES) + 2 {
            let to = (from + UPLOAD_PART_BYTES).min(bytes.len());
            let path = format!("/api/v1/photos/{sha256}");
            let builder = self
                .http
                .put(self.url(&path))
                .bearer_auth(token)
                .header(reqwest::header::CONTENT_TYPE, "image/jpeg")
                .header(
                    reqwest::header::CONTENT_RANGE,
                    format!("bytes {from}-{}/{}", to - 1, bytes.len()),
                )
                .body(bytes[from..to].to_vec());
            let resp = send(builder).await?;
            match resp.status() {
                StatusCode::OK | StatusCode::CREATED => return Ok(()),
                StatusCode::ACCEPTED => from = to,
                StatusCode::CONFLICT => {
                    from = (self.upload_status(token, sha256).await?.received as usize)
                        .min(bytes.len())
                }
                _ => return Err(relay_error(resp).await),
            }
        }
        Err(CoreError::Internal(
            "the photo upload did not finish".into(),
        ))
    }

    async fn upload_status(&self, token: &str, sha256: &str) -> Result<UploadStatus> {
        let path = format!("/api/v1/photos/{sha256}/upload");
        json(send(self.http.get(self.url(&path)).bearer_auth(token)).await?).await
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
        Some(b) if b.code == "wrong_password" => CoreError::WrongPassword,
        Some(b) if b.code == "weak_password" => CoreError::WeakPassword,
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
