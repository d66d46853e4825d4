//! The device database: one SQLite file in the app's data folder.
//!
//! A single connection serves the app; it is held only for the length of a
//! query or a short write transaction, never across network calls, so the
//! screens stay responsive while a sync waits on the relay. Writes begin
//! `IMMEDIATE`, so a writer never has to upgrade a read lock mid-way.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use gridline_schema::migrate;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::error::{CoreError, Result};

/// The device database behind a mutex.
pub struct Db {
    conn: Mutex<Connection>,
}

impl Db {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Db> {
        let mut conn = Connection::open(path)?;
        migrate::configure(&conn)?;
        migrate::apply(&mut conn, migrate::DEVICE).map_err(|e| match e {
            migrate::MigrateError::Sqlite(e) => CoreError::Storage(e),
            other => CoreError::Internal(other.to_string()),
        })?;
        Ok(Db {
            conn: Mutex::new(conn),
        })
    }

    /// The connection, for reads and single statements.
    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the
        // transaction rolls back on drop), so a poisoned lock is usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` in an IMMEDIATE transaction and commits if it succeeds.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }
}

/// Reads a `meta` value.
pub fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

/// Writes a `meta` value.
pub fn meta_set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// Removes a `meta` value.
pub fn meta_delete(conn: &Connection, key: &str) -> Result<()> {
    conn.execute("DELETE FROM meta WHERE key = ?1", [key])?;
    Ok(())
}

/// Milliseconds since the Unix epoch, by the phone's clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
