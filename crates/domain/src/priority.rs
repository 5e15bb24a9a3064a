//! How urgently a complaint must be handled. Set by the category's default and raised by the
//! risk triage; deadlines of acknowledgment follow it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// From the most urgent to the least. `Ord` follows urgency: `Emergency < High < Normal < Low`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Immediate danger: minutes.
    Emergency,
    High,
    Normal,
    Low,
}

impl Priority {
    pub const ALL: &'static [Priority] = &[Priority::Emergency, Priority::High, Priority::Normal, Priority::Low];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Emergency => "emergency",
            Priority::High => "high",
            Priority::Normal => "normal",
            Priority::Low => "low",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.as_str() == code)
    }

    /// The more urgent of two.
    pub fn most_urgent(self, other: Priority) -> Priority {
        self.min(other)
    }
}
