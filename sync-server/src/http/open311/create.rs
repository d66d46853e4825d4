//! `POST /open311/v2/requests.json`: the district platform files a case.
//!
//! The body is the spec's form (`application/x-www-form-urlencoded`) or the
//! same fields as a JSON object; `api_key` may also come in the query. The
//! case goes to the grid whose polygon contains its point, already
//! `dispatched`, and enters that grid's change log so its leader's device
//! has it at the next pull.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use gridline_schema::wire::{IssueRecord, Position};
use gridline_schema::{geo, Domain, IssueSource, IssueStatus, PositionSource};
use rusqlite::TransactionBehavior;
use serde::Serialize;
use uuid::Uuid;

use crate::http::auth::platform_key_name;
use crate::http::error::ApiError;
use crate::http::grid::{grid_at, load_grid};
use crate::http::issues;
use crate::http::state::AppState;
use crate::store;

/// The spec's longest description.
const MAX_DESCRIPTION_CHARS: usize = 4000;
/// The longest `address_string` accepted, in characters.
const MAX_ADDRESS_CHARS: usize = 500;
/// When the grid must have handled a case, unless the platform says.
const DEFAULT_DEADLINE_HOURS: i64 = 72;
/// The furthest deadline the platform may set: a year.
const MAX_DEADLINE_HOURS: i64 = 24 * 366;

/// The spec's answer to a created request.
#[derive(Debug, Serialize)]
pub struct Created {
    service_request_id: String,
    service_notice: String,
    account_id: Option<String>,
}

/// A validated case from the platform.
#[derive(Debug)]
struct PlatformCase {
    domain: Domain,
    lat: f64,
    lon: f64,
    description: String,
    address: Option<String>,
    source: IssueSource,
    deadline_hours: i64,
}

pub async fn request_create(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Vec<Created>>), ApiError> {
    let fields = fields(&headers, query.as_deref(), &body?)?;

    let key = fields
        .get("api_key")
        .filter(|k| !k.is_empty())
        .ok_or_else(forbidden)?;
    let key_name = platform_key_name(&state, key)
        .await?
        .ok_or_else(forbidden)?;

    let case = PlatformCase::from_fields(&fields)?;
    let (issue, grid_name) = state
        .db(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let grid_code = grid_at(&tx, case.lat, case.lon)?.ok_or(ApiError::OutsideDistrict {
                lat: case.lat,
                lon: case.lon,
            })?;
            let grid = load_grid(&tx, &grid_code)?;
            let issue = case.into_issue(grid_code, store::now_ms());
            issues::insert(&tx, &issue, Some(&key_name)).map_err(ApiError::internal)?;
            tx.commit()?;
            Ok((issue, grid.name))
        })
        .await?;

    tracing::info!(
        issue_id = %issue.id,
        grid_code = %issue.grid_code,
        source = issue.source.code(),
        "platform case filed"
    );
    let created = Created {
        service_request_id: issue.id.to_string(),
        service_notice: format!("{}：{}", IssueStatus::Dispatched.zh(), grid_name),
        account_id: None,
    };
    Ok((StatusCode::CREATED, Json(vec![created])))
}

fn forbidden() -> ApiError {
    ApiError::Forbidden("a valid api_key is required to file a request".to_owned())
}

/// The request's fields as text: the query's, then the body's over them.
/// In a JSON body, an `attribute` object counts as the form's
/// `attribute[name]` fields.
fn fields(
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<HashMap<String, String>, ApiError> {
    let mut fields: HashMap<String, String> = match query {
        Some(q) => serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .map_err(|e| ApiError::BadRequest(format!("unreadable query: {e}")))?
            .into_iter()
            .collect(),
        None => HashMap::new(),
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();

    if content_type == "application/json" || content_type.ends_with("+json") {
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(body)
            .map_err(|e| ApiError::InvalidJson(format!("the body is not a JSON object: {e}")))?;
        for (name, value) in object {
            match value {
                serde_json::Value::Object(attributes) if name == "attribute" => {
                    for (attr, value) in attributes {
                        if let Some(text) = scalar_text(value) {
                            fields.insert(format!("attribute[{attr}]"), text);
                        }
                    }
                }
                value => {
                    if let Some(text) = scalar_text(value) {
                        fields.insert(name, text);
                    }
                }
            }
        }
    } else if content_type == "application/x-www-form-urlencoded" || content_type.is_empty() {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
            .map_err(|e| ApiError::BadRequest(format!("unreadable form: {e}")))?;
        fields.extend(pairs);
    } else {
        return Err(ApiError::UnsupportedMediaType(
            "send application/x-www-form-urlencoded or application/json".to_owned(),
        ));
    }
    Ok(fields)
}

fn scalar_text(value: serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl PlatformCase {
    fn from_fields(fields: &HashMap<String, String>) -> Result<Self, ApiError> {
        let get = |name: &str| fields.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
        let attribute = |name: &str| get(&format!("attribute[{name}]")).or_else(|| get(name));
        let required = |name: &str| {
            get(name)
                .ok_or_else(|| ApiError::invalid("missing_field", format!("{name} is required")))
        };

        let code = required("service_code")?;
        let domain = Domain::from_code(code).ok_or_else(|| {
            ApiError::invalid("invalid_service_code", format!("no service {code:?}"))
        })?;
        let coordinate = |name: &str| -> Result<f64, ApiError> {
            required(name)?.parse::<f64>().map_err(|_| {
                ApiError::invalid("invalid_location", format!("{name} is not a number"))
            })
        };
        let (lat, lon) = (coordinate("lat")?, coordinate("long")?);
        if !geo::is_real_fix(lat, lon) {
            return Err(ApiError::invalid(
                "invalid_location",
                "lat and long are not a real place",
            ));
        }

        let description = get("description").unwrap_or(domain.zh()).to_owned();
        let chars = description.chars().count();
        if chars > MAX_DESCRIPTION_CHARS {
            return Err(ApiError::invalid(
                "description_too_long",
                format!("the description has {chars} characters; at most {MAX_DESCRIPTION_CHARS}"),
            ));
        }

        let address = get("address_string").map(str::to_owned);
        if let Some(chars) = address.as_ref().map(|a| a.chars().count()) {
            if chars > MAX_ADDRESS_CHARS {
                return Err(ApiError::invalid(
                    "address_too_long",
                    format!("address_string has {chars} characters; at most {MAX_ADDRESS_CHARS}"),
                ));
            }
        }

        let source = match attribute("source") {
            None => IssueSource::Hotline12345,
            Some(code) => IssueSource::from_code(code)
                .filter(|s| *s != IssueSource::Patrol)
                .ok_or_else(|| {
                    ApiError::invalid(
                        "invalid_source",
                        "source is one of hotline_12345, chief_line, hotline_12319, media, \
                         supervisor, platform",
                    )
                })?,
        };
        let deadline_hours = match attribute("deadline_hours") {
            None => DEFAULT_DEADLINE_HOURS,
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|h| (1..=MAX_DEADLINE_HOURS).contains(h))
                .ok_or_else(|| {
                    ApiError::invalid(
                        "invalid_deadline",
                        format!("deadline_hours is a whole number from 1 to {MAX_DEADLINE_HOURS}"),
                    )
                })?,
        };

        Ok(PlatformCase {
            domain,
            lat,
            lon,
            description,
            address,
            source,
            deadline_hours,
        })
    }

    fn into_issue(self, grid_code: String, now_ms: i64) -> IssueRecord {
        IssueRecord {
            id: Uuid::now_v7(),
            subcategory: None,
            subject: None,
            grid_code,
            domain: self.domain,
            focus_tag: None,
            description: self.description,
            status: IssueStatus::Dispatched,
            source: self.source,
            // The platform's operator placed the point; it has no accuracy.
            position: Some(Position {
                lat: self.lat,
                lon: self.lon,
                accuracy_m: None,
                source: PositionSource::Manual,
            }),
            address: self.address,
            photos: Vec::new(),
            reported_by: None,
            reported_at_ms: now_ms,
            received_at_ms: now_ms,
            deadline_at_ms: Some(now_ms + self.deadline_hours * 3_600_000),
            updated_at_ms: now_ms,
            version: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_minimal_case_defaults_to_the_12345_hotline_and_a_72_hour_deadline() {
        let fields = form(&[
            ("service_code", "work_safety"),
            ("lat", "34.8"),
            ("long", "113.6"),
        ]);

        let case = PlatformCase::from_fields(&fields).unwrap();

        assert_eq!(case.source, IssueSource::Hotline12345);
        assert_eq!(case.deadline_hours, 72);
        assert_eq!(case.description, "安全生产");
    }

    #[test]
    fn a_patrol_source_or_a_zero_deadline_is_refused() {
        let base = [
            ("service_code", "work_safety"),
            ("lat", "34.8"),
            ("long", "113.6"),
        ];
        let with = |extra: (&str, &str)| {
            let mut fields = form(&base);
            fields.insert(extra.0.to_owned(), extra.1.to_owned());
            PlatformCase::from_fields(&fields).unwrap_err().code()
        };

        assert_eq!(with(("attribute[source]", "patrol")), "invalid_source");
        assert_eq!(with(("attribute[deadline_hours]", "0")), "invalid_deadline");
        assert_eq!(
            with(("lat", "91")),
            "invalid_location",
            "latitude ends at 90"
        );
    }

    #[test]
    fn a_json_attribute_object_reads_as_form_attributes() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        let body = br#"{"service_code":"media","lat":34.8,"attribute":{"source":"media"}}"#;

        let fields = fields(&headers, Some("api_key=k"), body).unwrap();

        assert_eq!(fields["attribute[source]"], "media");
        assert_eq!(fields["lat"], "34.8");
        assert_eq!(fields["api_key"], "k");
    }
}
