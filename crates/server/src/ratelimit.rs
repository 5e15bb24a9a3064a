//! Token buckets per key (an address, a tracking code), in memory.
//!
//! Our own rather than `tower_governor` because two of the three uses count only failures
//! (wrong PINs), which a request-level layer cannot see. Limits are per server instance:
//! several servers behind one proxy each keep their own (a later issue may share them
//! through the database).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many attempts a key may make at once (`burst`), and how fast one comes back.
pub struct Limiter<K> {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<K, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Purge full buckets when the map grows past this, so that it cannot grow without bound.
const PURGE_AT: usize = 100_000;

impl<K: Hash + Eq + Clone> Limiter<K> {
    pub fn new(burst: u32, per: Duration) -> Self {
        Self { burst: f64::from(burst.max(1)), per_second: 1.0 / per.as_secs_f64(), buckets: Mutex::new(HashMap::new()) }
    }

    fn refill(&self, bucket: Bucket, now: Instant) -> Bucket {
        let tokens = (bucket.tokens + now.saturating_duration_since(bucket.at).as_secs_f64() * self.per_second).min(self.burst);
        Bucket { tokens, at: now }
    }

    /// Takes one attempt from `key`'s allowance; `Err(wait)` when there is none left.
    pub fn take(&self, key: &K) -> Result<(), Duration> {
        self.take_at(key, Instant::now())
    }

    /// Whether `key` has an attempt left, without taking it.
    pub fn has_left(&self, key: &K) -> Result<(), Duration> {
        let now = Instant::now();
        let buckets = self.buckets.lock().expect("limiter lock");
        match buckets.get(key).map(|b| self.refill(*b, now)) {
            Some(b) if b.tokens < 1.0 => Err(self.wait(b)),
            _ => Ok(()),
        }
    }

    fn take_at(&self, key: &K, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().expect("limiter lock");
        if buckets.len() >= PURGE_AT {
            let burst = self.burst;
            buckets.retain(|_, b| self.refill(*b, now).tokens < burst);
        }
        let bucket = buckets.get(key).map(|b| self.refill(*b, now)).unwrap_or(Bucket { tokens: self.burst, at: now });
        if bucket.tokens < 1.0 {
            buckets.insert(key.clone(), bucket);
            return Err(self.wait(bucket));
        }
        buckets.insert(key.clone(), Bucket { tokens: bucket.tokens - 1.0, ..bucket });
        Ok(())
    }

    fn wait(&self, bucket: Bucket) -> Duration {
        Duration::from_secs_f64(((1.0 - bucket.tokens) / self.per_second).max(1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_one_per_period() {
        let limiter = Limiter::new(3, Duration::from_secs(10));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.take_at(&"a", t0).is_ok());
        }
        let wait = limiter.take_at(&"a", t0).unwrap_err();
        assert!(wait <= Duration::from_secs(10) && wait >= Duration::from_secs(9), "{wait:?}");
        assert!(limiter.take_at(&"b", t0).is_ok(), "keys are independent");
        assert!(limiter.take_at(&"a", t0 + Duration::from_secs(10)).is_ok());
        assert!(limiter.take_at(&"a", t0 + Duration::from_secs(11)).is_err());
    }
}
