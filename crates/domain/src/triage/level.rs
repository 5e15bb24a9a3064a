use crate::priority::Priority;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How dangerous the situation is. `Ord` follows danger: `Standard < Medium < High < Immediate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Standard,
    Medium,
    High,
    /// Immediate danger: hand the call to 102 at once.
    Immediate,
}

impl RiskLevel {
    pub const ALL: &'static [RiskLevel] = &[RiskLevel::Standard, RiskLevel::Medium, RiskLevel::High, RiskLevel::Immediate];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Standard => "standard",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::Immediate => "immediate",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|l| l.as_str() == code)
    }

    /// The priority this level demands at the least.
    pub fn priority(self) -> Priority {
        match self {
            RiskLevel::Immediate => Priority::Emergency,
            RiskLevel::High => Priority::High,
            RiskLevel::Medium | RiskLevel::Standard => Priority::Normal,
        }
    }
}
