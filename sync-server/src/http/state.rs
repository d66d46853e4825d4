//! What every handler shares: the database connection and the photo folder.
//!
//! rusqlite is synchronous and SQLite has one writer at a time, so the relay
//! keeps one connection behind an async mutex and runs each use of it on
//! the blocking pool. Waiting for the mutex happens on the async side, in
//! arrival order, so a burst of requests does not pin blocking threads that
//! only wait. One connection serves reads too: the relay's reads are small
//! indexed lookups, and a pool would only pay off under load it does not
//! expect.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::Connection;
use tokio::sync::Mutex;

use super::error::ApiError;
use crate::store;

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    conn: Arc<Mutex<Connection>>,
    photos_dir: Arc<PathBuf>,
}

impl AppState {
    /// Opens (creating and migrating if needed) the store in `data_dir`.
    pub fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let conn = store::open(data_dir)?;
        Ok(AppState {
            conn: Arc::new(Mutex::new(conn)),
            photos_dir: Arc::new(store::photos_dir(data_dir)),
        })
    }

    /// The folder photos are stored in, as `<sha256>.jpg`.
    pub fn photos_dir(&self) -> &Path {
        &self.photos_dir
    }

    /// Runs `work` with the connection on the blocking pool, inside the
    /// caller's tracing span.
    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, ApiError> + Send + 'static,
    {
        let mut conn = self.conn.clone().lock_owned().await;
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || span.in_scope(|| work(&mut conn)))
            .await
            .map_err(ApiError::internal)?
    }
}

/// Runs CPU-heavy work (password hashing, image probing) on the blocking
/// pool, inside the caller's tracing span.
pub async fn blocking<T, F>(work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
{
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(work))
        .await
        .map_err(ApiError::internal)?
}
