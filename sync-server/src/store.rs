//! The relay's SQLite database: opening, configuring and migrating it.
//!
//! The database lives in `<data>/relay.db` beside `<data>/photos/`. Every
//! part of the relay opens it through [`open`], so pragmas and migrations
//! are the same for the server, the demo generator and the tests.

use std::path::{Path, PathBuf};

use gridline_schema::migrate;
use rusqlite::Connection;

/// The database file inside a data folder.
pub fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join("relay.db")
}

/// The folder photos are stored in, by SHA-256.
pub fn photos_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("photos")
}

/// Opens (creating if needed) the relay database in `data_dir`, configured
/// and migrated to this build's schema.
pub fn open(data_dir: &Path) -> anyhow::Result<Connection> {
    std::fs::create_dir_all(photos_dir(data_dir))?;
    let mut conn = Connection::open(db_path(data_dir))?;
    migrate::configure(&conn)?;
    migrate::apply(&mut conn, migrate::RELAY)?;
    Ok(conn)
}

/// Milliseconds since the Unix epoch, by the relay's clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
