//! Time: a clock that callers pass in (so tests can control it), and the one time zone
//! in which Qorgau shows times.
//!
//! All of Kazakhstan is UTC+5 since 1 March 2024 with no daylight saving (DOMAIN.md), so
//! the zone is a fixed offset: no time-zone database is needed. Times are stored in UTC.

use time::{OffsetDateTime, UtcOffset};

/// The offset of `Asia/Almaty` (and of all Kazakhstan) since 2024-03-01.
pub const KAZAKHSTAN_OFFSET: UtcOffset = match UtcOffset::from_hms(5, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("UTC+5 is a valid offset"),
};

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> OffsetDateTime;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A time as people in Kazakhstan read it.
pub fn local(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(KAZAKHSTAN_OFFSET)
}

/// The form in which times are stored: UTC, whole seconds. (Whole seconds keep SQLite's
/// text timestamps in the same order as the times they stand for.)
pub fn storable(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(UtcOffset::UTC).replace_nanosecond(0).expect("0 is a valid nanosecond")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn shows_times_in_kazakhstan() {
        let t = datetime!(2026-11-25 20:30:00 UTC);
        assert_eq!(local(t), datetime!(2026-11-26 01:30:00 +5));
    }

    #[test]
    fn stores_utc_whole_seconds() {
        let t = datetime!(2026-11-25 10:00:00.75 +5);
        assert_eq!(storable(t), datetime!(2026-11-25 05:00:00 UTC));
        assert_eq!(storable(t).offset(), UtcOffset::UTC);
    }
}
