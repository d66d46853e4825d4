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
    restrict_to_owner(data_dir)?;
    let mut conn = Connection::open(db_path(data_dir))?;
    migrate::configure(&conn)?;
    // One connection serves every request: let it keep the hot part of the
    // store (a district's change log and indexes) in memory.
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Checkpoint the write-ahead log every 64 MB rather than every 4 MB:
    // each checkpoint syncs the database file while holding up writers.
    conn.pragma_update(None, "wal_autocheckpoint", 16_384)?;
    migrate::apply(&mut conn, migrate::RELAY)?;
    Ok(conn)
}

/// The store holds residents' ID numbers and phone numbers: only the
/// relay's own user may enter its folder.
fn restrict_to_owner(data_dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700))?;
    }
    #[cfg(not(unix))]
    let _ = data_dir;
    Ok(())
}

/// Milliseconds since the Unix epoch, by the relay's clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_data_folder_is_closed_to_other_users() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("relay");

        open(&data).unwrap();

        let mode = std::fs::metadata(&data).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "mode {mode:o}");
    }
}
