//! Reminders and escalation: who is told, and when, about an assignment whose deadline comes
//! near or passes.
//!
//! The chain (configurable): a reminder to the agency before the deadline, then on a missed
//! deadline the agency head, then the contact center's regional supervisor, then the
//! prosecutor's office. `level` counts the notices already sent for the current deadline; a
//! step on the assignment (acknowledging it, say) starts the count again for the next deadline.

use super::AssignmentStatus;
use time::{Duration, OffsetDateTime};

/// Who a notice goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    /// The agency itself (its officers): a reminder before the deadline.
    Agency,
    AgencyHead,
    /// The contact center's shift supervisor for the complaint's region.
    RegionalSupervisor,
    /// The prosecutor's office of the region.
    Prosecutor,
}

impl Recipient {
    pub fn as_str(self) -> &'static str {
        match self {
            Recipient::Agency => "agency",
            Recipient::AgencyHead => "agency_head",
            Recipient::RegionalSupervisor => "regional_supervisor",
            Recipient::Prosecutor => "prosecutor",
        }
    }
}

/// When each notice is due, relative to the deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    /// The reminder, this long before the deadline.
    pub remind_before: Duration,
    /// After a missed deadline: the agency head, the regional supervisor, the prosecutor's
    /// office, each this long after the deadline.
    pub after_deadline: [Duration; 3],
}

impl Default for Chain {
    fn default() -> Self {
        Chain { remind_before: Duration::hours(2), after_deadline: [Duration::ZERO, Duration::hours(24), Duration::hours(72)] }
    }
}

/// The deadline an assignment in `status` is working towards, if any: acknowledgment while it
/// is new, then the report.
pub fn deadline(
    status: AssignmentStatus,
    acknowledge_due_at: Option<OffsetDateTime>,
    report_due_at: Option<OffsetDateTime>,
) -> Option<OffsetDateTime> {
    match status {
        AssignmentStatus::Pending => acknowledge_due_at.or(report_due_at),
        s if s.is_open() => report_due_at,
        _ => None,
    }
}

/// How near an assignment's deadline is, as inboxes show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Urgency {
    /// The deadline has passed.
    pub overdue: bool,
    /// The deadline falls later today (Kazakhstan time).
    pub due_today: bool,
}

impl Urgency {
    pub fn of(deadline: Option<OffsetDateTime>, now: OffsetDateTime) -> Urgency {
        let today = crate::clock::local(now).date();
        Urgency {
            overdue: deadline.is_some_and(|d| d < now),
            due_today: deadline.is_some_and(|d| d >= now && crate::clock::local(d).date() == today),
        }
    }
}

/// The next notice after `level` notices for `deadline`: when, and to whom. `None` when the
/// chain is done.
pub fn next_notice(chain: &Chain, level: u8, deadline: OffsetDateTime) -> Option<(OffsetDateTime, Recipient)> {
    let recipients = [Recipient::AgencyHead, Recipient::RegionalSupervisor, Recipient::Prosecutor];
    match level {
        0 => Some((deadline - chain.remind_before, Recipient::Agency)),
        n => {
            let i = usize::from(n - 1);
            Some((deadline + *chain.after_deadline.get(i)?, *recipients.get(i)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const DUE: OffsetDateTime = datetime!(2026-11-26 18:59:59 UTC);

    #[test]
    fn the_chain_reminds_then_climbs_after_a_missed_deadline() {
        let chain = Chain::default();
        let expected = [
            (0, Some((DUE - Duration::hours(2), Recipient::Agency))),
            (1, Some((DUE, Recipient::AgencyHead))),
            (2, Some((DUE + Duration::hours(24), Recipient::RegionalSupervisor))),
            (3, Some((DUE + Duration::hours(72), Recipient::Prosecutor))),
            (4, None),
            (9, None),
        ];
        for (level, notice) in expected {
            assert_eq!(next_notice(&chain, level, DUE), notice, "level {level}");
        }
    }

    #[test]
    fn urgency_is_overdue_after_the_deadline_and_due_today_before_it_on_the_same_local_day() {
        let now = datetime!(2026-11-26 10:00 UTC); // 15:00 in Kazakhstan
        assert_eq!(Urgency::of(Some(DUE), now), Urgency { overdue: false, due_today: true });
        assert_eq!(Urgency::of(Some(DUE), DUE + Duration::seconds(1)), Urgency { overdue: true, due_today: false });
        assert_eq!(Urgency::of(Some(DUE + Duration::days(1)), now), Urgency::default());
        assert_eq!(Urgency::of(None, now), Urgency::default());
    }

    #[test]
    fn the_deadline_followed_depends_on_the_status() {
        let (ack, report) = (Some(DUE), Some(DUE + Duration::days(20)));
        assert_eq!(deadline(AssignmentStatus::Pending, ack, report), ack);
        assert_eq!(deadline(AssignmentStatus::Acknowledged, ack, report), report);
        assert_eq!(deadline(AssignmentStatus::Returned, ack, report), report);
        for done in
            [AssignmentStatus::Reported, AssignmentStatus::Accepted, AssignmentStatus::Closed, AssignmentStatus::Forwarded]
        {
            assert_eq!(deadline(done, ack, report), None, "{done:?}: nothing owed");
        }
        assert_eq!(deadline(AssignmentStatus::Pending, None, report), report, "informed agencies have no acknowledgment");
    }
}
