//! Risk triage: a questionnaire answered during a call (or, shorter, on the web form) and the
//! risk level it yields, with its reasons in words.

mod level;

pub use level::RiskLevel;
