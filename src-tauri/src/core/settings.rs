//! Settings and account: the relay address, the password, the map's tiles,
//! the handling radius, and what the app holds on the phone.

use gridline_schema::geo;
use serde::{Deserialize, Serialize};

use super::db::{meta_get, meta_set};
use super::error::{CoreError, Result};
use super::relay::{normalize_server, RelayClient};
use super::session::StoredSession;
use super::steps::DEFAULT_HANDLE_RADIUS_M;
use super::{outbox, Device};

/// Which coordinates the configured map tiles are drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TileCrs {
    Wgs84,
    Gcj02,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// An `{z}/{x}/{y}` tile URL (an intranet map server), or none: the map
    /// then draws the boundary and points on a plain background.
    pub tile_url: Option<String>,
    pub tile_crs: TileCrs,
    pub handle_radius_m: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub database_bytes: u64,
    pub photo_bytes: u64,
    pub pending: i64,
    pub reveals: i64,
}

/// What the map shows: the grid, and the points on it, all WGS-84.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapData {
    /// Polygons, each a ring of `[lon, lat]`.
    pub boundary: Vec<Vec<[f64; 2]>>,
    pub issues: Vec<MapIssue>,
    pub enterprises: Vec<MapEnterprise>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapIssue {
    pub id: String,
    pub domain: String,
    pub status: String,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapEnterprise {
    pub id: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

impl Device {
    pub fn settings(&self) -> Result<Settings> {
        let conn = self.db.lock();
        Ok(Settings {
            tile_url: meta_get(&conn, "tile_url")?.filter(|u| !u.is_empty()),
            tile_crs: match meta_get(&conn, "tile_crs")?.as_deref() {
                Some("gcj02") => TileCrs::Gcj02,
                _ => TileCrs::Wgs84,
            },
            handle_radius_m: meta_get(&conn, "handle_radius_m")?
                .and_then(|v| v.parse().ok())
                .unwrap_or(DEFAULT_HANDLE_RADIUS_M),
        })
    }

    pub fn save_settings(&self, settings: Settings) -> Result<Settings> {
        if let Some(url) = &settings.tile_url {
            let ok = (url.starts_with("http://") || url.starts_with("https://"))
                && ["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p));
            if !ok {
                return Err(CoreError::InvalidServer);
            }
        }
        if !(10.0..=1000.0).contains(&settings.handle_radius_m) {
            return Err(CoreError::PositionInvalid);
        }
        self.db.write(|tx| {
            meta_set(tx, "tile_url", settings.tile_url.as_deref().unwrap_or(""))?;
            let crs = if settings.tile_crs == TileCrs::Gcj02 {
                "gcj02"
            } else {
                "wgs84"
            };
            meta_set(tx, "tile_crs", crs)?;
            meta_set(tx, "handle_radius_m", &settings.handle_radius_m.to_string())
        })?;
        self.settings()
    }

    /// Points the session at another relay address (the same relay moved,
    /// say, to its intranet name); the token and all work are kept.
    pub fn set_server(&self, server: &str) -> Result<()> {
        let server = normalize_server(server)?;
        self.db.write(|tx| {
            let mut session: StoredSession = meta_get(tx, "session")?
                .and_then(|s| serde_json::from_str(&s).ok())
                .ok_or(CoreError::NotLoggedIn)?;
            session.server = server.clone();
            meta_set(tx, "session", &serde_json::to_string(&session)?)
        })
    }

    /// Changes the leader's password at the relay (online only).
    pub async fn change_password(&self, current: &str, new: &str) -> Result<()> {
        let session = self.stored_session()?;
        let client = RelayClient::new(self.http.clone(), &session.server)?;
        client.change_password(&session.token, current, new).await
    }

    pub fn app_info(&self) -> Result<AppInfo> {
        let (database_bytes, photo_bytes) = self.data_sizes();
        let (pending, _) = outbox::counts(&self.db.lock())?;
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            database_bytes,
            photo_bytes,
            pending,
            reveals: self.reveal_count()?,
        })
    }

    /// The grid's boundary, its open issues and its enterprises with a position.
    pub fn map_data(&self) -> Result<MapData> {
        let conn = self.db.lock();
        let boundary: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
            "SELECT boundary_json FROM grid LIMIT 1",
            [],
            |r| r.get(0),
        ))?;
        let boundary = boundary
            .map(|b| serde_json::from_str(&b))
            .transpose()?
            .unwrap_or_default();
        let mut stmt = conn.prepare_cached(
            "SELECT id, domain, status, lat, lon FROM issues
              WHERE lat IS NOT NULL AND lon IS NOT NULL AND status NOT IN ('verified', 'closed')",
        )?;
        let issues = stmt
            .query_map([], |r| {
                Ok(MapIssue {
                    id: r.get(0)?,
                    domain: r.get(1)?,
                    status: r.get(2)?,
                    lat: r.get(3)?,
                    lon: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = conn.prepare_cached(
            "SELECT id, name, lat, lon FROM enterprises WHERE lat IS NOT NULL AND lon IS NOT NULL",
        )?;
        let enterprises = stmt
            .query_map([], |r| {
                Ok(MapEnterprise {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    lat: r.get(2)?,
                    lon: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(MapData {
            boundary,
            issues,
            enterprises,
        })
    }
}

/// A stored WGS-84 point as the tiles draw it: `[lat, lon]`.
pub fn to_display(lat: f64, lon: f64, crs: TileCrs) -> [f64; 2] {
    match crs {
        TileCrs::Wgs84 => [lat, lon],
        TileCrs::Gcj02 => {
            let (lat, lon) = geo::wgs84_to_gcj02(lat, lon);
            [lat, lon]
        }
    }
}

/// A point tapped on the tiles back to WGS-84 (iteratively, within 0.5 m).
pub fn from_display(lat: f64, lon: f64, crs: TileCrs) -> [f64; 2] {
    match crs {
        TileCrs::Wgs84 => [lat, lon],
        TileCrs::Gcj02 => {
            let (lat, lon) = geo::gcj02_to_wgs84(lat, lon);
            [lat, lon]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_shown_on_gcj02_tiles_and_tapped_comes_back_within_half_a_metre() {
        let (lat, lon) = (34.7466, 113.6253);
        let shown = to_display(lat, lon, TileCrs::Gcj02);
        let back = from_display(shown[0], shown[1], TileCrs::Gcj02);

        assert!(
            geo::distance_m(lat, lon, shown[0], shown[1]) > 100.0,
            "GCJ-02 is visibly offset"
        );
        assert!(geo::distance_m(lat, lon, back[0], back[1]) < 0.5);
        assert_eq!(to_display(lat, lon, TileCrs::Wgs84), [lat, lon]);
    }
}
