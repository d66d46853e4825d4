//! `GET /open311/v2/requests.json` and `GET /open311/v2/requests/{id}.json`:
//! issues as GeoReport v2 service requests.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use gridline_schema::{Domain, IssueStatus};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, Row};
use serde::{Deserialize, Serialize};

use super::media_url_for;
use crate::http::error::ApiError;
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::issues::vocabulary;
use crate::http::rfc3339;
use crate::http::state::AppState;
use crate::store;

/// The most requests one answer lists, as the spec suggests.
const MAX_REQUESTS: usize = 1000;
/// The window searched when no dates are given, as the spec says.
const DEFAULT_WINDOW_MS: i64 = 90 * 86_400_000;
/// How far before its arrival a phone's claimed report time is believed.
/// A phone may be offline for days, but not for a year; an older claim is a
/// wrong clock, and the arrival time stands in for it.
const MAX_CLAIMED_AGE_MS: i64 = 365 * 86_400_000;

/// The spec's search parameters; others (`jurisdiction_id`) are ignored.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    service_request_id: Option<String>,
    service_code: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    status: Option<String>,
    /// Not in the spec: pages of [`MAX_REQUESTS`], from 1, so a platform can
    /// walk past the first thousand.
    page: Option<u32>,
}

/// One service request as GeoReport v2 lists it; absent values are `null`.
#[derive(Debug, Serialize)]
pub struct ServiceRequest {
    service_request_id: String,
    status: &'static str,
    status_notes: String,
    service_name: &'static str,
    service_code: &'static str,
    description: String,
    agency_responsible: Option<String>,
    requested_datetime: String,
    updated_datetime: String,
    expected_datetime: Option<String>,
    address: String,
    zipcode: Option<String>,
    lat: Option<f64>,
    long: Option<f64>,
    media_url: Option<String>,
}

/// Which issues to list.
#[derive(Debug, Default)]
struct Filter {
    /// When given, only these, and every other filter is ignored (spec).
    ids: Option<Vec<String>>,
    domains: Vec<Domain>,
    /// Inclusive bounds on when the relay received the request.
    start_ms: Option<i64>,
    end_ms: Option<i64>,
    open: Option<bool>,
    /// 1 for the newest thousand, 2 for the next, …
    page: u32,
}

/// `GET /open311/v2/requests.json`: newest arrivals first, 1000 a page.
pub async fn requests_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Vec<ServiceRequest>>, ApiError> {
    let filter = filter(params, store::now_ms())?;
    let rows = state.db(move |conn| Ok(select(conn, &filter)?)).await?;
    Ok(Json(
        rows.into_iter()
            .map(|row| row.into_request(state.public_url(), &headers))
            .collect(),
    ))
}

/// `GET /open311/v2/requests/{id}.json`: a one-element array, or 404.
pub async fn request_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(file): ApiPath<String>,
) -> Result<Json<Vec<ServiceRequest>>, ApiError> {
    let id = file.strip_suffix(".json").unwrap_or(&file).to_owned();
    let filter = Filter {
        ids: Some(vec![id.clone()]),
        page: 1,
        ..Filter::default()
    };
    let rows = state.db(move |conn| Ok(select(conn, &filter)?)).await?;
    if rows.is_empty() {
        return Err(ApiError::NotFound(format!("no service request {id:?}")));
    }
    Ok(Json(
        rows.into_iter()
            .map(|row| row.into_request(state.public_url(), &headers))
            .collect(),
    ))
}

/// Reads the spec's parameters; with no dates the last 90 days are listed.
/// Dates select by when the relay received a request, never by a phone's
/// clock: a report synced days late still appears among the new ones, and a
/// phone whose clock runs ahead cannot push others off the list.
fn filter(params: ListParams, now_ms: i64) -> Result<Filter, ApiError> {
    if let Some(ids) = params.service_request_id {
        let ids: Vec<String> = ids
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if ids.len() > MAX_REQUESTS {
            return Err(ApiError::BadRequest(format!(
                "at most {MAX_REQUESTS} ids at once"
            )));
        }
        return Ok(Filter {
            ids: Some(ids),
            page: params.page.unwrap_or(1).max(1),
            ..Filter::default()
        });
    }

    let mut domains = Vec::new();
    for code in params
        .service_code
        .iter()
        .flat_map(|c| c.split(','))
        .map(str::trim)
    {
        if code.is_empty() {
            continue;
        }
        domains.push(Domain::from_code(code).ok_or_else(|| {
            ApiError::invalid("invalid_service_code", format!("no service {code:?}"))
        })?);
    }
    let date = |text: Option<String>, name: &str| -> Result<Option<i64>, ApiError> {
        text.map(|t| {
            rfc3339::parse(&t).ok_or_else(|| {
                ApiError::invalid(
                    "invalid_date",
                    format!("{name} is not an RFC 3339 date-time"),
                )
            })
        })
        .transpose()
    };
    let end_ms = date(params.end_date, "end_date")?;
    let start_ms = date(params.start_date, "start_date")?
        .unwrap_or_else(|| end_ms.unwrap_or(now_ms) - DEFAULT_WINDOW_MS);
    let (mut open, mut closed) = (false, false);
    for part in params
        .status
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
    {
        match part {
            "" => {}
            "open" => open = true,
            "closed" => closed = true,
            other => {
                return Err(ApiError::invalid(
                    "invalid_status",
                    format!("status is open or closed, not {other:?}"),
                ))
            }
        }
    }
    // Both or neither: no filter.
    let open = (open != closed).then_some(open);
    Ok(Filter {
        ids: None,
        domains,
        start_ms: Some(start_ms),
        end_ms,
        open,
        page: params.page.unwrap_or(1).max(1),
    })
}

/// What the listing needs of an issue, its grid and its first photo.
struct IssueRow {
    id: String,
    status: IssueStatus,
    domain: Domain,
    description: String,
    address: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    reported_at_ms: i64,
    updated_at_ms: i64,
    deadline_at_ms: Option<i64>,
    grid_name: String,
    community_name: String,
    township_name: Option<String>,
    received_at_ms: i64,
    first_photo: Option<String>,
}

fn select(conn: &Connection, filter: &Filter) -> rusqlite::Result<Vec<IssueRow>> {
    let mut sql = String::from(
        "SELECT i.id, i.status, i.domain, i.description, i.address, i.lat, i.lon,
                i.reported_at_ms, i.updated_at_ms, i.deadline_at_ms, g.name, c.name, t.name,
                i.received_at_ms,
                (SELECT p.sha256 FROM issue_photos p WHERE p.issue_id = i.id
                  ORDER BY p.ordinal LIMIT 1)
           FROM issues i
           JOIN grids g ON g.code = i.grid_code
           JOIN divisions c ON c.code = g.community_code
           LEFT JOIN divisions t ON t.code = c.parent_code
          WHERE 1 = 1",
    );
    let mut args: Vec<Value> = Vec::new();
    let mut any_of = |sql: &mut String, column: &str, values: Vec<String>| {
        let marks = vec!["?"; values.len()].join(", ");
        sql.push_str(&format!(" AND {column} IN ({marks})"));
        args.extend(values.into_iter().map(Value::Text));
    };
    if let Some(ids) = &filter.ids {
        any_of(&mut sql, "i.id", ids.clone());
    }
    if !filter.domains.is_empty() {
        any_of(
            &mut sql,
            "i.domain",
            filter.domains.iter().map(|d| d.code().to_owned()).collect(),
        );
    }
    if let Some(open) = filter.open {
        let statuses = IssueStatus::ALL.iter().filter(|s| s.is_open() == open);
        any_of(
            &mut sql,
            "i.status",
            statuses.map(|s| s.code().to_owned()).collect(),
        );
    }
    if let Some(start) = filter.start_ms {
        sql.push_str(" AND i.received_at_ms >= ?");
        args.push(Value::Integer(start));
    }
    if let Some(end) = filter.end_ms {
        sql.push_str(" AND i.received_at_ms <= ?");
        args.push(Value::Integer(end));
    }
    let offset = (i64::from(filter.page) - 1) * MAX_REQUESTS as i64;
    sql.push_str(&format!(
        " ORDER BY i.received_at_ms DESC, i.id DESC LIMIT {MAX_REQUESTS} OFFSET {offset}"
    ));

    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), issue_row)?.collect();
    rows
}

fn issue_row(r: &Row) -> rusqlite::Result<IssueRow> {
    Ok(IssueRow {
        id: r.get(0)?,
        status: vocabulary(r, 1, IssueStatus::from_code)?,
        domain: vocabulary(r, 2, Domain::from_code)?,
        description: r.get(3)?,
        address: r.get(4)?,
        lat: r.get(5)?,
        lon: r.get(6)?,
        reported_at_ms: r.get(7)?,
        updated_at_ms: r.get(8)?,
        deadline_at_ms: r.get(9)?,
        grid_name: r.get(10)?,
        community_name: r.get(11)?,
        township_name: r.get(12)?,
        received_at_ms: r.get(13)?,
        first_photo: r.get(14)?,
    })
}

/// When a request was made: the phone's claim, unless it lies in the
/// future of its arrival or implausibly far before it.
fn requested_ms(reported_at_ms: i64, received_at_ms: i64) -> i64 {
    if (received_at_ms - MAX_CLAIMED_AGE_MS..=received_at_ms).contains(&reported_at_ms) {
        reported_at_ms
    } else {
        received_at_ms
    }
}

impl IssueRow {
    fn into_request(self, public_url: Option<&str>, headers: &HeaderMap) -> ServiceRequest {
        let address = self
            .address
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| format!("{} {}", self.community_name, self.grid_name));
        ServiceRequest {
            service_request_id: self.id,
            status: if self.status.is_open() {
                "open"
            } else {
                "closed"
            },
            status_notes: format!("{} ({})", self.status.zh(), self.status.code()),
            service_name: self.domain.zh(),
            service_code: self.domain.code(),
            description: self.description,
            agency_responsible: self.township_name,
            requested_datetime: rfc3339::format_cst(requested_ms(
                self.reported_at_ms,
                self.received_at_ms,
            )),
            updated_datetime: rfc3339::format_cst(self.updated_at_ms),
            expected_datetime: self.deadline_at_ms.map(rfc3339::format_cst),
            address,
            zipcode: None,
            lat: self.lat,
            long: self.lon,
            media_url: self
                .first_photo
                .and_then(|sha| media_url_for(public_url, headers, &sha)),
        }
    }
}

#[cfg(test)]
mod tests;
