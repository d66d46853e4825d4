//! The floor: the least work any fresh download of the grid can do. The
//! same rows as one gzipped JSON document, served over HTTP on 127.0.0.1;
//! the client downloads it, gunzips, parses it into the wire records and
//! inserts them into a fresh device-schema SQLite file in one transaction.
//! No sync protocol can beat this by much, so Gridline is judged against it.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;
use axum::Router;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use gridline_schema::migrate;
use rusqlite::{params, Connection};
use tokio::task::JoinHandle;

use crate::dataset::Rows;

/// The rows as one gzipped JSON document (gzip level 6, the usual default).
pub fn gzip_rows(rows: &Rows) -> anyhow::Result<Vec<u8>> {
    let json = serde_json::to_vec(rows)?;
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(&json)?;
    Ok(encoder.finish()?)
}

/// Serves the gzipped document at `/grid.json.gz`; stops when dropped.
pub struct FloorServer {
    pub url: String,
    task: JoinHandle<()>,
}

impl FloorServer {
    pub async fn start(gz: Vec<u8>) -> anyhow::Result<FloorServer> {
        // Bytes clone by reference count: serving copies nothing.
        let body = Bytes::from(gz);
        let app = Router::new().route(
            "/grid.json.gz",
            get(move || {
                let body = body.clone();
                async move { ([(header::CONTENT_TYPE, "application/gzip")], body) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/grid.json.gz", listener.local_addr()?);
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "the floor server stopped");
            }
        });
        Ok(FloorServer { url, task })
    }
}

impl Drop for FloorServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One floor download into a new database at `db_path`: its time and the
/// number of rows inserted.
pub async fn download(url: &str, db_path: &Path) -> anyhow::Result<(Duration, usize)> {
    let started = Instant::now();
    let client = reqwest::Client::new();
    let gz = client
        .get(url)
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let db_path: PathBuf = db_path.to_owned();
    let inserted = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
        let mut json = Vec::with_capacity(gz.len() * 6);
        GzDecoder::new(&gz[..]).read_to_end(&mut json)?;
        let rows: Rows = serde_json::from_slice(&json)?;
        insert(&db_path, &rows)
    })
    .await??;
    Ok((started.elapsed(), inserted))
}

/// Inserts every row into the device schema in one transaction.
fn insert(db_path: &Path, rows: &Rows) -> anyhow::Result<usize> {
    let mut conn = Connection::open(db_path)?;
    migrate::configure(&conn)?;
    migrate::apply(&mut conn, migrate::DEVICE).context("creating the floor's device schema")?;
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare(
            "INSERT INTO households (id, address, head_name, members, version)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for h in &rows.households {
            stmt.execute(params![
                h.id.to_string(),
                h.address,
                h.head_name,
                h.members,
                h.version
            ])?;
        }
        let mut stmt = tx.prepare(
            "INSERT INTO residents (id, household_id, name, gender, birth_date, citizen_id,
                                    phone, relation, care_tags_json, moved_out_at_ms, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for r in &rows.residents {
            stmt.execute(params![
                r.id.to_string(),
                r.household_id.to_string(),
                r.name,
                r.gender,
                r.birth_date,
                r.citizen_id,
                r.phone,
                r.relation,
                serde_json::to_string(&r.care_tags)?,
                r.moved_out_at_ms,
                r.version
            ])?;
        }
        let mut stmt = tx.prepare(
            "INSERT INTO enterprises (id, name, credit_code, legal_representative, address,
                                      industry, lat, lon, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for e in &rows.enterprises {
            stmt.execute(params![
                e.id.to_string(),
                e.name,
                e.credit_code,
                e.legal_representative,
                e.address,
                e.industry,
                e.lat,
                e.lon,
                e.version
            ])?;
        }
        let mut stmt = tx.prepare(
            "INSERT INTO issues (id, domain, focus_tag, description, status, source, lat, lon,
                                 accuracy_m, position_source, address, reported_by,
                                 reported_at_ms, received_at_ms, deadline_at_ms, updated_at_ms,
                                 version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        )?;
        for i in &rows.issues {
            let p = i.position;
            stmt.execute(params![
                i.id.to_string(),
                i.domain.code(),
                i.focus_tag.map(|f| f.code()),
                i.description,
                i.status.code(),
                i.source.code(),
                p.map(|p| p.lat),
                p.map(|p| p.lon),
                p.and_then(|p| p.accuracy_m),
                p.map(|p| p.source.code()),
                i.address,
                i.reported_by,
                i.reported_at_ms,
                i.received_at_ms,
                i.deadline_at_ms,
                i.updated_at_ms,
                i.version
            ])?;
        }
        let mut stmt = tx.prepare(
            "INSERT INTO issue_events (id, issue_id, kind, from_status, to_status, effective,
                                       reason, note, photos_json, lat, lon, accuracy_m, actor,
                                       at_ms, received_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?;
        for e in &rows.issue_events {
            let p = e.position;
            stmt.execute(params![
                e.id.to_string(),
                e.issue_id.to_string(),
                e.kind.code(),
                e.from_status.code(),
                e.to_status.code(),
                e.effective,
                e.reason,
                e.note,
                serde_json::to_string(&e.photos)?,
                p.map(|p| p.lat),
                p.map(|p| p.lon),
                p.and_then(|p| p.accuracy_m),
                e.actor,
                e.at_ms,
                e.received_at_ms
            ])?;
        }
    }
    tx.commit()?;
    Ok(rows.len())
}
