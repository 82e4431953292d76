//! Errors: bad rule data, and inputs that cannot be evaluated.

use crate::profile::ProfileError;

/// Rule data (an edition or provincial file) that does not compile.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// Not valid TOML, or a key or type that the format does not have.
    #[error("rule data: {0}")]
    Toml(String),
    /// A name that the rule language does not know (measure, title, award, level, …).
    #[error("rule data at {at}: unknown {kind} {name:?}")]
    UnknownName {
        /// Where in the file.
        at: String,
        /// What kind of name.
        kind: &'static str,
        /// The name written.
        name: String,
    },
    /// A rule that is well-formed TOML but makes no sense (see `reason`).
    #[error("rule data at {at}: {reason}")]
    Invalid {
        /// Where in the file.
        at: String,
        /// What is wrong.
        reason: String,
    },
    /// Two conditions, indicators or dimensions share an id.
    #[error("rule data: id {0:?} is used twice")]
    DuplicateId(String),
    /// A provincial file must have 1–3 indicators.
    #[error("provincial rules need 1–3 indicators, found {0}")]
    LocalIndicatorCount(usize),
}

/// A profile or a combination of inputs that cannot be evaluated.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EvaluateError {
    /// The profile holds values no rule can read.
    #[error("invalid profile: {0}")]
    Profile(#[from] ProfileError),
    /// Provincial rules were given for an edition without a local dimension.
    #[error("{edition} has no province-set dimension; drop the local rules")]
    LocalNotApplicable {
        /// The edition evaluated.
        edition: String,
    },
    /// The provincial rules were written for another edition.
    #[error("local rules are for {rules}, not {edition}")]
    LocalEditionMismatch {
        /// Edition the local file names.
        rules: String,
        /// The edition evaluated.
        edition: String,
    },
    /// The provincial rules belong to a different province than the profile's.
    #[error("local rules are for province {rules}, the profile is registered in {profile}")]
    LocalProvinceMismatch {
        /// Province of the local file.
        rules: String,
        /// Province code of the profile.
        profile: String,
    },
    /// The provincial indicators offer more points than the dimension holds.
    #[error("local indicators add up to {points} points; the dimension holds {max}")]
    LocalTooManyPoints {
        /// Points the file offers.
        points: f64,
        /// Points the dimension holds.
        max: f64,
    },
}
