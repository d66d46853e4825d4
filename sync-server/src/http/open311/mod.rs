//! Open311 GeoReport v2 (JSON) for the district platform under
//! `/open311/v2/`.
//!
//! Services are the seven domains. Service requests are the relay's issues,
//! whoever filed them: a leader's patrol report pushed from a device, or a
//! hotline case the platform posts here, which the relay routes to the grid
//! containing its point so that grid's devices pull it.
//!
//! The spec names resources with a format suffix (`services.json`); the
//! router cannot match a parameter followed by a suffix, so the one-item
//! routes take the whole last segment (`{file}`) and strip `.json`.
//! Errors keep the relay's one JSON shape rather than the spec's array of
//! `{code, description}`, so every client reads one kind of error.

mod create;
mod requests;

use axum::http::HeaderMap;
use axum::Json;
use gridline_schema::Domain;
use serde::Serialize;

use super::error::ApiError;
use super::extract::ApiPath;

pub use create::request_create;
pub use requests::{request_get, requests_list};

/// One service of `services.json`.
#[derive(Debug, Serialize)]
pub struct Service {
    service_code: &'static str,
    service_name: &'static str,
    description: &'static str,
    metadata: bool,
    #[serde(rename = "type")]
    kind: &'static str,
    keywords: &'static str,
    group: &'static str,
}

/// The group every domain belongs to: the seven domains of grid work.
const SERVICE_GROUP: &str = "七大领域";

/// `GET /open311/v2/services.json`: the seven domains.
pub async fn services_list() -> Json<Vec<Service>> {
    Json(Domain::ALL.iter().map(|&d| service(d)).collect())
}

/// `GET /open311/v2/services/{code}.json`: no domain has extra attributes,
/// so a known one answers an empty definition and an unknown one 404.
pub async fn service_get(
    ApiPath(file): ApiPath<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let code = file.strip_suffix(".json").unwrap_or(&file);
    let domain = Domain::from_code(code)
        .ok_or_else(|| ApiError::NotFound(format!("no service {code:?}")))?;
    Ok(Json(
        serde_json::json!({ "service_code": domain.code(), "attributes": [] }),
    ))
}

fn service(domain: Domain) -> Service {
    Service {
        service_code: domain.code(),
        service_name: domain.zh(),
        description: domain.en(),
        metadata: false,
        kind: "realtime",
        keywords: keywords(domain),
        group: SERVICE_GROUP,
    }
}

/// Words a platform operator might search a domain by.
fn keywords(domain: Domain) -> &'static str {
    match domain {
        Domain::IllegalProduction => "黑作坊,无证生产,workshop,unlicensed production",
        Domain::IllegalBusiness => "无照经营,占道经营,unlicensed business,street vending",
        Domain::IllegalConstruction => "违章建筑,私搭乱建,illegal building,extension",
        Domain::WorkSafety => "安全隐患,消防,燃气,fire,gas,hazard",
        Domain::PetitionStability => "信访,矛盾纠纷,petition,dispute",
        Domain::PublicService => "民生,环境卫生,路灯,sanitation,street light",
        Domain::GrassrootsOrganization => "党建,社区组织,community organisation,party building",
    }
}

/// The absolute URL of `/media/{sha256}.jpg`: under the configured public
/// URL when there is one (see `AppState::public_url`), else as
/// [`media_url`] derives it from the request.
pub fn media_url_for(
    public_url: Option<&str>,
    headers: &HeaderMap,
    sha256: &str,
) -> Option<String> {
    match public_url {
        Some(base) => Some(format!("{base}/media/{sha256}.jpg")),
        None => media_url(headers, sha256),
    }
}

/// The absolute URL of `/media/{sha256}.jpg` as the caller reached this
/// relay: from `Host` and, behind a TLS proxy, `x-forwarded-proto`. `None`
/// when the request gives no usable host.
pub fn media_url(headers: &HeaderMap, sha256: &str) -> Option<String> {
    let host = headers.get(axum::http::header::HOST)?.to_str().ok()?;
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    if !host_ok {
        return None;
    }
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
    {
        Some(p) if p.eq_ignore_ascii_case("https") => "https",
        _ => "http",
    };
    Some(format!("{scheme}://{host}/media/{sha256}.jpg"))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn media_urls_follow_the_host_and_forwarded_scheme() {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("relay.example:8787"));

        assert_eq!(
            media_url(&headers, "ab").as_deref(),
            Some("http://relay.example:8787/media/ab.jpg")
        );
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert_eq!(
            media_url(&headers, "ab").as_deref(),
            Some("https://relay.example:8787/media/ab.jpg")
        );
        headers.insert("host", HeaderValue::from_static("evil/path?"));
        assert_eq!(
            media_url(&headers, "ab"),
            None,
            "a host with a path must not be trusted"
        );
    }

    #[test]
    fn a_configured_public_url_wins_over_the_host_header() {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("attacker.example"));

        assert_eq!(
            media_url_for(Some("https://relay.example"), &headers, "ab").as_deref(),
            Some("https://relay.example/media/ab.jpg")
        );
        assert_eq!(
            media_url_for(None, &headers, "ab").as_deref(),
            Some("http://attacker.example/media/ab.jpg")
        );
    }
}
