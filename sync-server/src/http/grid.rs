//! Grids: where one sits in the division hierarchy, its boundary, and which
//! grid a point falls in.

use axum::extract::State;
use axum::Json;
use gridline_schema::geo;
use gridline_schema::wire::{Division, GridInfo};
use rusqlite::{params, Connection, OptionalExtension};

use super::auth::DeviceSession;
use super::error::ApiError;
use super::state::AppState;

/// `GET /api/v1/grid`: the grid the token is bound to.
pub async fn grid_get(
    State(state): State<AppState>,
    session: DeviceSession,
) -> Result<Json<GridInfo>, ApiError> {
    let grid = state
        .db(move |conn| load_grid(conn, &session.grid_code))
        .await?;
    Ok(Json(grid))
}

/// Reads a grid with its community, township and district.
pub fn load_grid(conn: &Connection, code: &str) -> Result<GridInfo, ApiError> {
    let row = conn
        .query_row(
            "SELECT g.code, g.name, g.boundary_json, c.code, c.name, t.code, t.name, d.code, d.name
               FROM grids g
               JOIN divisions c ON c.code = g.community_code
               JOIN divisions t ON t.code = c.parent_code
               JOIN divisions d ON d.code = t.parent_code
              WHERE g.code = ?1",
            params![code],
            |r| {
                let division = |code: usize| -> rusqlite::Result<Division> {
                    Ok(Division {
                        code: r.get(code)?,
                        name: r.get(code + 1)?,
                    })
                };
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    division(3)?,
                    division(5)?,
                    division(7)?,
                ))
            },
        )
        .optional()?;
    let Some((code, name, boundary_json, community, township, district)) = row else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "grid {code} is missing or not under a community, township and district"
        )));
    };
    let boundary = parse_boundary(&code, &boundary_json)?;
    Ok(GridInfo {
        code,
        name,
        district,
        township,
        community,
        boundary,
    })
}

fn parse_boundary(code: &str, json: &str) -> Result<Vec<Vec<[f64; 2]>>, ApiError> {
    serde_json::from_str(json).map_err(|e| {
        ApiError::internal(anyhow::anyhow!(
            "grid {code} has an unreadable boundary: {e}"
        ))
    })
}

/// The code of the grid whose polygons contain the WGS-84 point, if any.
/// The bounding boxes in `grids` narrow the candidates before the polygon
/// test; where grids overlap on a shared edge the lowest code wins.
pub fn grid_at(conn: &Connection, lat: f64, lon: f64) -> Result<Option<String>, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, boundary_json FROM grids
          WHERE min_lon <= ?1 AND max_lon >= ?1 AND min_lat <= ?2 AND max_lat >= ?2
          ORDER BY code",
    )?;
    let candidates = stmt
        .query_map(params![lon, lat], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (code, json) in candidates {
        if geo::polygons_contain(&parse_boundary(&code, &json)?, lon, lat) {
            return Ok(Some(code));
        }
    }
    Ok(None)
}
