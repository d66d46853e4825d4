//! When the app syncs on its own: periodically while things work, and with
//! exponential backoff and jitter while they do not.
//!
//! A phone that lost signal should neither drain its battery retrying every
//! second nor wait minutes after the signal returns. After each failure the
//! wait doubles from [`FIRST_RETRY`] up to [`MAX_RETRY`]; each wait is drawn
//! between half and all of that ("equal jitter"), so the phones of a
//! district that lost the relay together do not all return at once. A
//! session the relay refused is not retried at all: only logging in again
//! can fix it, and the work stays queued until then.

use std::time::Duration;

use super::error::CoreError;

/// The first wait after a failure.
pub const FIRST_RETRY: Duration = Duration::from_secs(5);
/// The longest wait between attempts.
pub const MAX_RETRY: Duration = Duration::from_secs(300);

/// What the background loop does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Sync again after this long.
    After(Duration),
    /// Wait for the leader: the session needs logging in again.
    Idle,
}

/// The background schedule's memory: how many attempts failed in a row.
#[derive(Debug, Default, Clone)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// Records a sync's result and says when to try next; `unit` is a
    /// random draw from `[0, 1)` for the jitter.
    pub fn after(&mut self, result: Result<(), &CoreError>, interval: Duration, unit: f64) -> Next {
        match result {
            Ok(()) => {
                self.failures = 0;
                Next::After(interval)
            }
            Err(CoreError::SessionExpired | CoreError::NotLoggedIn) => {
                self.failures = 0;
                Next::Idle
            }
            Err(_) => {
                self.failures = self.failures.saturating_add(1);
                let exponent = (self.failures - 1).min(16);
                let ceiling = FIRST_RETRY
                    .saturating_mul(1 << exponent)
                    .min(MAX_RETRY)
                    .min(interval.max(FIRST_RETRY));
                Next::After(ceiling.mul_f64(0.5 + 0.5 * unit.clamp(0.0, 1.0)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INTERVAL: Duration = Duration::from_secs(600);

    fn offline() -> CoreError {
        CoreError::RelayUnreachable("connection failed".into())
    }

    #[test]
    fn waits_double_after_each_failure_up_to_the_ceiling_and_reset_on_success() {
        let mut backoff = Backoff::default();
        let waits: Vec<_> = (0..10)
            .map(|_| backoff.after(Err(&offline()), INTERVAL, 1.0))
            .collect();

        let secs: Vec<u64> = waits
            .iter()
            .map(|n| match n {
                Next::After(d) => d.as_secs(),
                Next::Idle => 0,
            })
            .collect();
        assert_eq!(secs, [5, 10, 20, 40, 80, 160, 300, 300, 300, 300]);
        assert_eq!(backoff.after(Ok(()), INTERVAL, 0.3), Next::After(INTERVAL));
        assert_eq!(
            backoff.after(Err(&offline()), INTERVAL, 1.0),
            Next::After(FIRST_RETRY)
        );
    }

    #[test]
    fn jitter_spreads_each_wait_between_half_and_all_of_it() {
        let low = Backoff::default().after(Err(&offline()), INTERVAL, 0.0);
        let high = Backoff::default().after(Err(&offline()), INTERVAL, 0.999);

        assert_eq!(low, Next::After(Duration::from_millis(2500)));
        assert!(
            matches!(high, Next::After(d) if d > Duration::from_millis(4990) && d <= FIRST_RETRY)
        );
    }

    #[test]
    fn a_refused_session_is_not_retried_until_the_leader_logs_in() {
        let mut backoff = Backoff::default();

        assert_eq!(
            backoff.after(Err(&CoreError::SessionExpired), INTERVAL, 0.5),
            Next::Idle
        );
    }

    #[test]
    fn retries_never_wait_longer_than_the_regular_interval() {
        let short = Duration::from_secs(30);
        let mut backoff = Backoff::default();
        let waits: Vec<_> = (0..8)
            .map(|_| backoff.after(Err(&offline()), short, 1.0))
            .collect();

        assert!(waits
            .iter()
            .all(|n| matches!(n, Next::After(d) if *d <= short)));
    }
}
