//! A bound on how many password checks run at once.
//!
//! Each argon2id check takes about 19 MiB and a core for a noticeable
//! time, on the blocking pool, which grows to hundreds of threads: a burst
//! of failed logins would otherwise run them all at once and take gigabytes.
//! Checks beyond the bound wait in arrival order; once too many wait, a new
//! one is turned away with 503 `busy` rather than queued behind a backlog
//! that would outlast the request timeout anyway.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Semaphore;

use super::error::ApiError;
use super::state::blocking;

/// How many checks may wait for a turn before new ones are turned away.
pub const MAX_WAITING_CHECKS: usize = 64;

/// The gate every password check passes; shared through `AppState`.
#[derive(Debug)]
pub struct PasswordChecks {
    permits: Arc<Semaphore>,
    limit: usize,
    max_waiting: usize,
    waiting: AtomicUsize,
    running: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl PasswordChecks {
    /// A gate for `limit` checks at once (at least one) with at most
    /// `max_waiting` waiting.
    pub fn new(limit: usize, max_waiting: usize) -> Self {
        let limit = limit.max(1);
        PasswordChecks {
            permits: Arc::new(Semaphore::new(limit)),
            limit,
            max_waiting,
            waiting: AtomicUsize::new(0),
            running: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// One check per core, up to four: more would only queue for the CPU
    /// while each holds its memory.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        PasswordChecks::new(cores.clamp(1, 4), MAX_WAITING_CHECKS)
    }

    /// How many checks may run at once.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The most checks that have ever run at the same moment.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// Runs `work` on the blocking pool once a turn is free, or answers
    /// [`ApiError::Busy`] when too many are already waiting. The turn is
    /// held until `work` ends, even if the request gives up first.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, ApiError> + Send + 'static,
    {
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                let ahead = self.waiting.fetch_add(1, Ordering::SeqCst);
                let _waiting = Waiting(&self.waiting);
                if ahead >= self.max_waiting {
                    tracing::warn!(
                        waiting = ahead,
                        "password checks saturated; turning one away"
                    );
                    return Err(ApiError::Busy);
                }
                self.permits
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(ApiError::internal)?
            }
        };
        let (running, peak) = (self.running.clone(), self.peak.clone());
        blocking(move || {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            let result = work();
            running.fetch_sub(1, Ordering::SeqCst);
            drop(permit);
            result
        })
        .await
    }
}

/// Counts a waiter out when its wait ends, however it ends.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_checks_than_the_limit_ever_run_at_once() {
        let checks = Arc::new(PasswordChecks::new(2, 100));

        let mut tasks = Vec::new();
        for _ in 0..12 {
            let checks = checks.clone();
            tasks.push(tokio::spawn(async move {
                checks
                    .run(|| {
                        std::thread::sleep(Duration::from_millis(30));
                        Ok(())
                    })
                    .await
            }));
        }
        for task in tasks {
            task.await.unwrap().unwrap();
        }

        assert_eq!(checks.peak(), 2, "twelve checks through a gate of two");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn checks_beyond_the_waiting_room_are_turned_away_as_busy() {
        let checks = Arc::new(PasswordChecks::new(1, 2));

        let mut tasks = Vec::new();
        for _ in 0..8 {
            let checks = checks.clone();
            tasks.push(tokio::spawn(async move {
                checks
                    .run(|| {
                        std::thread::sleep(Duration::from_millis(100));
                        Ok(())
                    })
                    .await
            }));
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let mut busy = 0;
        let mut done = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(()) => done += 1,
                Err(ApiError::Busy) => busy += 1,
                Err(other) => panic!("unexpected {other:?}"),
            }
        }

        assert_eq!(done, 3, "one running and two waiting get their turn");
        assert_eq!(busy, 5);
        assert_eq!(checks.waiting.load(Ordering::SeqCst), 0);
    }
}
