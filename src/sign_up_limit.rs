//! Sign-ups per client: each costs a password hash, so one client may create only a few
//! accounts in a while. Kept in this process's memory (what it protects is this process's CPU),
//! bounded in the clients it remembers.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::Error;

/// Accounts one client may create within [`WINDOW`] (an office or a household shares one).
pub const SIGN_UPS_PER_CLIENT: usize = 10;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Clients remembered at most; past it, the oldest entries are dropped first.
const CLIENTS_REMEMBERED: usize = 10_000;

#[derive(Debug, Default)]
pub struct SignUpLimit {
    recent: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl SignUpLimit {
    /// Counts a sign-up from `client`, or refuses it saying when to try again.
    pub fn admit(&self, client: &str, now: Instant) -> Result<(), Error> {
        let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        if recent.len() >= CLIENTS_REMEMBERED {
            recent.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|last| now.duration_since(*last) < WINDOW)
            });
        }
        if recent.len() >= CLIENTS_REMEMBERED {
            recent.clear();
        }
        let times = recent.entry(client.to_owned()).or_default();
        while times
            .front()
            .is_some_and(|first| now.duration_since(*first) >= WINDOW)
        {
            times.pop_front();
        }
        if times.len() >= SIGN_UPS_PER_CLIENT {
            let free_at = times.front().map_or(now, |first| *first + WINDOW);
            let minutes = free_at.duration_since(now).as_secs().div_ceil(60).max(1);
            return Err(Error::TooManySignUps {
                retry_after_minutes: i64::try_from(minutes).unwrap_or(i64::MAX),
            });
        }
        times.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_a_few_sign_ups_per_window() {
        let limit = SignUpLimit::default();
        let now = Instant::now();
        for _ in 0..SIGN_UPS_PER_CLIENT {
            limit.admit("203.0.113.1", now).unwrap();
        }
        assert!(matches!(
            limit.admit("203.0.113.1", now),
            Err(Error::TooManySignUps {
                retry_after_minutes: 15
            })
        ));
        limit.admit("198.51.100.1", now).unwrap();
        limit.admit("203.0.113.1", now + WINDOW).unwrap();
    }
}
