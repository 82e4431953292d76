//! Alarm rules (data) and the engine that applies them.

mod engine;
mod rule;

pub use engine::{Alarm, AlarmEngine, AlarmEvent, RuleBook};
pub use rule::{AlarmRule, Condition, Severity};
