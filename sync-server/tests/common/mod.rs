//! A small district for the relay's HTTP tests: one township with two
//! communities, a square grid in each, a leader account per grid and a
//! platform API key, written straight into a fresh store.

#![allow(dead_code)]

use std::io::Cursor;
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use gridline_relay::http::{router, serve_with, AppState, ServeOptions};
use gridline_relay::{password, store};
use gridline_schema::wire::{Action, Entity, NewReport, Operation, Position};
use gridline_schema::{Domain, PositionSource};
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};
use tempfile::TempDir;
use tower::ServiceExt;
use uuid::Uuid;

pub const GRID_A: &str = "410108001001-01";
pub const GRID_B: &str = "410108001002-01";
pub const ACCOUNT_A: &str = "jinhe01";
pub const ACCOUNT_B: &str = "kaiyuan01";
pub const PASSWORD: &str = "wg-test-7391";
pub const API_KEY: &str = "platform-test-key-0001";
pub const API_KEY_NAME: &str = "district-platform";

/// Points as (lat, lon), WGS-84.
pub const IN_A: (f64, f64) = (34.805, 113.605);
pub const IN_B: (f64, f64) = (34.805, 113.615);
pub const OUTSIDE: (f64, f64) = (34.95, 113.80);

/// A store with the fixture district, and the relay's state over it.
pub struct Fixture {
    pub dir: TempDir,
    pub state: AppState,
}

impl Fixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        seed(&store::open(dir.path()).expect("opening the store"));
        let state = AppState::open(dir.path()).expect("relay state");
        Fixture { dir, state }
    }

    pub fn router(&self) -> Router {
        router(self.state.clone())
    }

    /// Serves the router on 127.0.0.1 and returns its base URL.
    pub async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding");
        let addr = listener.local_addr().unwrap();
        let state = self.state.clone();
        tokio::spawn(async move {
            serve_with(
                listener,
                state,
                ServeOptions::default(),
                std::future::pending(),
            )
            .await
        });
        format!("http://{addr}")
    }

    /// A second connection, to check what the relay wrote.
    pub fn db(&self) -> Connection {
        store::open(self.dir.path()).expect("opening the store")
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.db().query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

fn square(min_lon: f64, min_lat: f64, size: f64) -> (String, [f64; 4]) {
    let (max_lon, max_lat) = (min_lon + size, min_lat + size);
    let ring = [
        [min_lon, min_lat],
        [max_lon, min_lat],
        [max_lon, max_lat],
        [min_lon, max_lat],
        [min_lon, min_lat],
    ];
    (
        serde_json::to_string(&[ring]).unwrap(),
        [min_lon, min_lat, max_lon, max_lat],
    )
}

/// One password hash shared by every fixture: argon2id is slow on purpose.
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password::hash_password(PASSWORD).expect("hashing"))
}

fn seed(conn: &Connection) {
    for (code, name, level, parent) in [
        ("4101", "郑州市", "city", None),
        ("410108", "惠济区", "county", Some("4101")),
        ("410108001", "新城街道", "township", Some("410108")),
        (
            "410108001001",
            "金河社区居民委员会",
            "village",
            Some("410108001"),
        ),
        (
            "410108001002",
            "开元社区居民委员会",
            "village",
            Some("410108001"),
        ),
    ] {
        conn.execute(
            "INSERT INTO divisions (code, name, level, parent_code) VALUES (?1, ?2, ?3, ?4)",
            params![code, name, level, parent],
        )
        .unwrap();
    }
    for (code, name, community, min_lon) in [
        (GRID_A, "金河社区第1网格", "410108001001", 113.60),
        (GRID_B, "开元社区第1网格", "410108001002", 113.61),
    ] {
        let (boundary, [a, b, c, d]) = square(min_lon, 34.80, 0.01);
        conn.execute(
            "INSERT INTO grids (code, name, community_code, boundary_json,
                                min_lon, min_lat, max_lon, max_lat)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![code, name, community, boundary, a, b, c, d],
        )
        .unwrap();
    }
    for (account, name, grid) in [(ACCOUNT_A, "张网格", GRID_A), (ACCOUNT_B, "李网格", GRID_B)]
    {
        conn.execute(
            "INSERT INTO accounts (account, display_name, password_hash, grid_code, created_at_ms)
             VALUES (?1, ?2, ?3, ?4, 0)",
            params![account, name, password_hash(), grid],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO api_keys (key_sha256, name, created_at_ms) VALUES (?1, ?2, 0)",
        params![sha256_hex(API_KEY.as_bytes()), API_KEY_NAME],
    )
    .unwrap();
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A small real JPEG; `seed` changes its pixels and so its hash.
pub fn jpeg(seed: u8) -> Vec<u8> {
    let img =
        image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([x as u8 * 8, y as u8 * 10, seed]));
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

/// An `issue` + `create` operation for a report at `IN_A`.
pub fn report_op(description: &str, photos: Vec<String>) -> Operation {
    let report = NewReport {
        domain: Domain::WorkSafety,
        subcategory: None,
        subject: None,
        focus_tag: None,
        description: description.to_owned(),
        position: Some(Position {
            lat: IN_A.0,
            lon: IN_A.1,
            accuracy_m: Some(8.0),
            source: PositionSource::Device,
        }),
        photos,
        reported_at_ms: store::now_ms(),
    };
    Operation {
        id: Uuid::now_v7(),
        entity: Entity::Issue,
        row_id: Uuid::now_v7(),
        action: Action::Create,
        fields: serde_json::to_value(report).unwrap(),
        author: ACCOUNT_A.to_owned(),
        device_id: "device-a".to_owned(),
        hlc: format!("{:015}-00000-device-a", store::now_ms()),
        created_at_ms: store::now_ms(),
    }
}

/// Sends a request to the router in-process.
pub async fn call(router: &Router, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let response = router
        .clone()
        .oneshot(req)
        .await
        .expect("the router answers");
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .expect("reading the body");
    (parts.status, parts.headers, bytes.to_vec())
}

/// Logs in in-process and returns the token.
pub async fn token_in_process(router: &Router, account: &str) -> String {
    let body = serde_json::json!({"account": account, "password": PASSWORD, "device_id": "d1"});
    let req = Request::post("/api/v1/login")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let (status, _, bytes) = call(router, req).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "login: {}",
        String::from_utf8_lossy(&bytes)
    );
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    value["token"].as_str().unwrap().to_owned()
}
