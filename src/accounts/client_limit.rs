//! Actions per client (sign-ups, address changes, account links, password checks): each costs a
//! password hash or a message, so one client may do only a few in a while. Kept in this
//! process's memory (what it protects is this process's CPU and its outbox), bounded in the
//! clients it remembers.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Accounts one client may create within [`SIGN_UP_WINDOW`] (an office or a household shares one).
pub const SIGN_UPS_PER_CLIENT: usize = 10;
pub const SIGN_UP_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Address changes one client may ask for in a day (an account may ask for 3 as well).
pub const EMAIL_CHANGES_PER_CLIENT: usize = 3;
pub const EMAIL_CHANGE_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);
/// Account actions that hash a password or send a link (reset requests and links, password
/// changes, confirmation links sent again) one client may take within [`ACCOUNT_WINDOW`].
pub const ACCOUNT_ACTIONS_PER_CLIENT: usize = 20;
pub const ACCOUNT_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Clients remembered at most; past it, the oldest entries are dropped first.
const CLIENTS_REMEMBERED: usize = 10_000;

/// At most `per_client` actions from one client within `window`.
#[derive(Debug)]
pub struct ClientLimit {
    per_client: usize,
    window: Duration,
    recent: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl ClientLimit {
    pub fn new(per_client: usize, window: Duration) -> Self {
        Self {
            per_client,
            window,
            recent: Mutex::default(),
        }
    }

    pub fn sign_ups() -> Self {
        Self::new(SIGN_UPS_PER_CLIENT, SIGN_UP_WINDOW)
    }

    pub fn email_changes() -> Self {
        Self::new(EMAIL_CHANGES_PER_CLIENT, EMAIL_CHANGE_WINDOW)
    }

    pub fn account_actions() -> Self {
        Self::new(ACCOUNT_ACTIONS_PER_CLIENT, ACCOUNT_WINDOW)
    }

    /// Counts an action from `client`, or refuses it with the minutes until one is free.
    pub fn admit(&self, client: &str, now: Instant) -> Result<(), i64> {
        let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        let window = self.window;
        if recent.len() >= CLIENTS_REMEMBERED {
            recent.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|last| now.duration_since(*last) < window)
            });
        }
        if recent.len() >= CLIENTS_REMEMBERED {
            recent.clear();
        }
        let times = recent.entry(client.to_owned()).or_default();
        while times
            .front()
            .is_some_and(|first| now.duration_since(*first) >= window)
        {
            times.pop_front();
        }
        if times.len() >= self.per_client {
            let free_at = times.front().map_or(now, |first| *first + window);
            let minutes = free_at.duration_since(now).as_secs().div_ceil(60).max(1);
            return Err(i64::try_from(minutes).unwrap_or(i64::MAX));
        }
        times.push_back(now);
        Ok(())
    }
}

/// Sign-ins one client may have waiting for a hash at once: a client over its share of the
/// queue is refused at once (429) instead of making everyone behind it wait.
pub const SIGN_INS_IN_FLIGHT_PER_CLIENT: usize = 2;

/// How many of one client's requests are being worked on, at most `per_client` each. Entries go
/// when their last request ends, so the map holds only clients with requests in flight.
#[derive(Debug)]
pub struct InFlight {
    per_client: usize,
    current: Mutex<HashMap<String, usize>>,
}

/// One request in flight; it leaves its client's count when dropped.
#[derive(Debug)]
pub struct Entered<'a> {
    gate: &'a InFlight,
    client: String,
}

impl InFlight {
    pub fn new(per_client: usize) -> Self {
        Self {
            per_client,
            current: Mutex::default(),
        }
    }

    pub fn sign_ins() -> Self {
        Self::new(SIGN_INS_IN_FLIGHT_PER_CLIENT)
    }

    /// Counts a request of `client`'s in, or `None` when the client has its share in flight.
    pub fn enter(&self, client: &str) -> Option<Entered<'_>> {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        let count = current.entry(client.to_owned()).or_default();
        if *count >= self.per_client {
            return None;
        }
        *count += 1;
        Some(Entered {
            gate: self,
            client: client.to_owned(),
        })
    }
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        let mut current = self
            .gate
            .current
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = current.get_mut(&self.client) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                current.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_has_a_share_of_requests_in_flight_and_gets_it_back() {
        let gate = InFlight::sign_ins();
        let first = gate.enter("203.0.113.1").unwrap();
        let second = gate.enter("203.0.113.1").unwrap();
        assert!(gate.enter("203.0.113.1").is_none(), "over its share");
        assert!(
            gate.enter("198.51.100.1").is_some(),
            "others are not held up"
        );
        drop(first);
        assert!(gate.enter("203.0.113.1").is_some());
        drop(second);
        assert!(
            gate.current.lock().unwrap().is_empty(),
            "nothing kept once done"
        );
    }

    #[test]
    fn a_client_gets_a_few_actions_per_window() {
        let limit = ClientLimit::sign_ups();
        let now = Instant::now();
        for _ in 0..SIGN_UPS_PER_CLIENT {
            limit.admit("203.0.113.1", now).unwrap();
        }
        assert_eq!(limit.admit("203.0.113.1", now), Err(15));
        limit.admit("198.51.100.1", now).unwrap();
        limit.admit("203.0.113.1", now + SIGN_UP_WINDOW).unwrap();

        let changes = ClientLimit::email_changes();
        for _ in 0..EMAIL_CHANGES_PER_CLIENT {
            changes.admit("203.0.113.1", now).unwrap();
        }
        assert_eq!(changes.admit("203.0.113.1", now), Err(24 * 60));
    }
}
