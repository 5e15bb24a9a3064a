//! Compliance figures: how well agencies keep the law's deadlines, per agency and per region.
//!
//! Computed from the assignments' times alone (no personal field): the share acknowledged on
//! time and reported on time (of those whose deadline has come), how many are overdue now, and
//! the median time to acknowledge and to report.

use super::AssignmentStatus;
use serde::Serialize;
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;

/// What the figures need of one assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    pub agency_id: String,
    pub region: String,
    pub created_at: OffsetDateTime,
    pub acknowledge_due_at: Option<OffsetDateTime>,
    pub acknowledged_at: Option<OffsetDateTime>,
    pub report_due_at: Option<OffsetDateTime>,
    pub reported_at: Option<OffsetDateTime>,
    pub status: AssignmentStatus,
}

/// The figures of one agency or one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Figures {
    pub assignments: u64,
    /// Of the assignments whose acknowledgment deadline has come, the share acknowledged by it
    /// (0–100, one decimal); `None` when none has come yet.
    pub acknowledged_on_time_pct: Option<f64>,
    /// The same for reports.
    pub reported_on_time_pct: Option<f64>,
    /// Open assignments past a deadline now.
    pub overdue_now: u64,
    /// Median minutes from the assignment to its acknowledgment, and to its report.
    pub median_minutes_to_acknowledge: Option<i64>,
    pub median_minutes_to_report: Option<i64>,
}

/// Figures per agency and per region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Compliance {
    pub by_agency: BTreeMap<String, Figures>,
    pub by_region: BTreeMap<String, Figures>,
}

/// Tallies of one group before the figures are drawn.
#[derive(Default)]
struct Tally {
    count: u64,
    ack_due: u64,
    ack_on_time: u64,
    report_due: u64,
    report_on_time: u64,
    overdue: u64,
    to_ack: Vec<i64>,
    to_report: Vec<i64>,
}

impl Tally {
    fn add(&mut self, t: &Timing, now: OffsetDateTime) {
        self.count += 1;
        let (ack_due, ack_on_time) = deadline(t.acknowledge_due_at, t.acknowledged_at, now);
        let (report_due, report_on_time) = deadline(t.report_due_at, t.reported_at, now);
        self.ack_due += u64::from(ack_due);
        self.ack_on_time += u64::from(ack_on_time);
        self.report_due += u64::from(report_due);
        self.report_on_time += u64::from(report_on_time);
        // Overdue as the inbox says it: the deadline worked towards now has passed.
        let deadline = super::escalation::deadline(t.status, t.acknowledge_due_at, t.report_due_at);
        self.overdue += u64::from(super::escalation::Urgency::of(deadline, now).overdue);
        self.to_ack.extend(t.acknowledged_at.map(|a| minutes(a - t.created_at)));
        self.to_report.extend(t.reported_at.map(|r| minutes(r - t.created_at)));
    }

    fn figures(mut self) -> Figures {
        Figures {
            assignments: self.count,
            acknowledged_on_time_pct: share(self.ack_on_time, self.ack_due),
            reported_on_time_pct: share(self.report_on_time, self.report_due),
            overdue_now: self.overdue,
            median_minutes_to_acknowledge: median(&mut self.to_ack),
            median_minutes_to_report: median(&mut self.to_report),
        }
    }
}

/// Whether a deadline has come (it passed, or the thing was done), and whether it was kept.
fn deadline(due: Option<OffsetDateTime>, done: Option<OffsetDateTime>, now: OffsetDateTime) -> (bool, bool) {
    let Some(due) = due else { return (false, false) };
    match done {
        Some(done) => (true, done <= due),
        None => (due < now, false),
    }
}

fn minutes(d: Duration) -> i64 {
    d.whole_minutes().max(0)
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The median (the lower middle of an even count).
fn median(values: &mut [i64]) -> Option<i64> {
    values.sort_unstable();
    values.get(values.len().saturating_sub(1) / 2).copied()
}

/// The figures of `timings` at `now`.
pub fn compliance(timings: &[Timing], now: OffsetDateTime) -> Compliance {
    let mut agencies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut regions: BTreeMap<String, Tally> = BTreeMap::new();
    for t in timings {
        agencies.entry(t.agency_id.clone()).or_default().add(t, now);
        regions.entry(t.region.clone()).or_default().add(t, now);
    }
    let draw = |m: BTreeMap<String, Tally>| m.into_iter().map(|(k, t)| (k, t.figures())).collect();
    Compliance { by_agency: draw(agencies), by_region: draw(regions) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const START: OffsetDateTime = datetime!(2026-11-02 09:00 UTC);

    fn timing(agency: &str, ack_after_h: Option<i64>, report_after_h: Option<i64>, status: AssignmentStatus) -> Timing {
        let at = |h: Option<i64>| h.map(|h| START + Duration::hours(h));
        Timing {
            agency_id: agency.into(),
            region: "KZ-75".into(),
            created_at: START,
            acknowledge_due_at: Some(START + Duration::hours(24)),
            acknowledged_at: at(ack_after_h),
            report_due_at: Some(START + Duration::days(21)),
            reported_at: at(report_after_h),
            status,
        }
    }

    #[test]
    fn figures_count_kept_and_missed_deadlines_and_medians() {
        let now = START + Duration::days(30);
        let timings = [
            timing("police", Some(2), Some(100), AssignmentStatus::Closed), // both on time
            timing("police", Some(30), Some(600), AssignmentStatus::Closed), // both late
            timing("police", None, None, AssignmentStatus::Pending),        // nothing done, both overdue
            timing("health", Some(1), None, AssignmentStatus::Acknowledged), // acknowledged, report overdue
        ];
        let c = compliance(&timings, now);
        let police = &c.by_agency["police"];
        assert_eq!(police.assignments, 3);
        assert_eq!(police.acknowledged_on_time_pct, Some(33.3));
        assert_eq!(police.reported_on_time_pct, Some(33.3));
        assert_eq!(police.overdue_now, 1);
        assert_eq!(police.median_minutes_to_acknowledge, Some(2 * 60), "lower middle of 2 h and 30 h");
        assert_eq!(police.median_minutes_to_report, Some(100 * 60));
        let health = &c.by_agency["health"];
        assert_eq!(
            (health.acknowledged_on_time_pct, health.reported_on_time_pct, health.overdue_now),
            (Some(100.0), Some(0.0), 1)
        );
        assert_eq!(c.by_region["KZ-75"].assignments, 4);
    }

    #[test]
    fn deadlines_not_yet_come_do_not_count() {
        let now = START + Duration::hours(1);
        let c = compliance(&[timing("police", None, None, AssignmentStatus::Pending)], now);
        let police = &c.by_agency["police"];
        assert_eq!((police.acknowledged_on_time_pct, police.reported_on_time_pct, police.overdue_now), (None, None, 0));
        assert_eq!(compliance(&[], now), Compliance::default());
    }
}
