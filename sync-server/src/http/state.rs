//! What every handler shares: the database connection and the photo folder.
//!
//! rusqlite is synchronous and SQLite has one writer at a time, so the relay
//! keeps one connection behind an async mutex and runs each use of it on
//! the blocking pool. Waiting for the mutex happens on the async side, in
//! arrival order, so a burst of requests does not pin blocking threads that
//! only wait. One connection serves reads too: the relay's reads are small
//! indexed lookups, and a pool would only pay off under load it does not
//! expect.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::Connection;
use tokio::sync::Mutex;

use super::auth::DeviceSession;
use super::error::ApiError;
use super::password_checks::PasswordChecks;
use crate::store;

/// Signed-in devices by token hash, so a request does not queue for the
/// database only to learn who sent it; and a generation that every
/// revocation moves on, so a lookup that raced a revocation is not cached.
#[derive(Default)]
struct TokenCache {
    sessions: HashMap<String, DeviceSession>,
    generation: u64,
}

/// Tokens remembered at most; the cache starts over beyond this.
const MAX_CACHED_TOKENS: usize = 20_000;

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    conn: Arc<Mutex<Connection>>,
    tokens: Arc<std::sync::Mutex<TokenCache>>,
    photos_dir: Arc<PathBuf>,
    password_checks: Arc<PasswordChecks>,
    public_url: Option<Arc<str>>,
}

impl AppState {
    /// Opens (creating and migrating if needed) the store in `data_dir`.
    pub fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let conn = store::open(data_dir)?;
        Ok(AppState {
            conn: Arc::new(Mutex::new(conn)),
            tokens: Arc::default(),
            photos_dir: Arc::new(store::photos_dir(data_dir)),
            password_checks: Arc::new(PasswordChecks::for_this_machine()),
            public_url: None,
        })
    }

    /// The same state with the URL the relay is reached at from outside
    /// (`https://relay.example`), for links such as Open311 `media_url`,
    /// instead of trusting each request's `Host`. A trailing `/` is dropped.
    pub fn with_public_url(mut self, public_url: Option<String>) -> Self {
        self.public_url = public_url.map(|url| Arc::from(url.trim_end_matches('/')));
        self
    }

    /// The configured public URL, without a trailing `/`.
    pub fn public_url(&self) -> Option<&str> {
        self.public_url.as_deref()
    }

    /// The device a token belongs to, if it was seen and not revoked since.
    pub fn cached_session(&self, token_sha256: &str) -> Option<DeviceSession> {
        self.token_cache().sessions.get(token_sha256).cloned()
    }

    /// Where revocations stand; read before looking a token up.
    pub fn token_generation(&self) -> u64 {
        self.token_cache().generation
    }

    /// Remembers a looked-up token, unless a revocation happened since the
    /// lookup began (`generation`): the token read may be revoked by now.
    pub fn cache_session(&self, token_sha256: String, session: DeviceSession, generation: u64) {
        let mut cache = self.token_cache();
        if cache.generation != generation {
            return;
        }
        if cache.sessions.len() >= MAX_CACHED_TOKENS {
            cache.sessions.clear();
        }
        cache.sessions.insert(token_sha256, session);
    }

    /// Forgets every cached token of `account`: call after revoking any.
    pub fn forget_sessions_of(&self, account: &str) {
        let mut cache = self.token_cache();
        cache.generation += 1;
        cache.sessions.retain(|_, s| s.account != account);
    }

    fn token_cache(&self) -> std::sync::MutexGuard<'_, TokenCache> {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The gate every password check passes.
    pub fn password_checks(&self) -> &PasswordChecks {
        &self.password_checks
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

/// Runs CPU-heavy work (image checks) on the blocking
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_that_raced_a_revocation_is_not_cached() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(dir.path()).unwrap();
        let session = DeviceSession::for_tests("jinhe01");

        let before = state.token_generation();
        state.forget_sessions_of("jinhe01");
        state.cache_session("t".into(), session.clone(), before);
        let after = state.token_generation();
        state.cache_session("u".into(), session, after);

        assert!(
            state.cached_session("t").is_none(),
            "read before the revocation"
        );
        assert!(state.cached_session("u").is_some());
    }

    #[test]
    fn a_public_url_is_kept_without_its_trailing_slash() {
        let dir = tempfile::tempdir().unwrap();

        let state = AppState::open(dir.path())
            .unwrap()
            .with_public_url(Some("https://relay.example/".to_owned()));

        assert_eq!(state.public_url(), Some("https://relay.example"));
    }
}
