//! The embedded editions, compiled once on first use.

use crate::error::RulesError;
use crate::rules::{Edition, Tier, TierRules};
use std::sync::OnceLock;

/// Edition × tier → its data file, in the order of `index`.
const TEXTS: [&str; 6] = [
    include_str!("../editions/tier-2022-innovative.toml"),
    include_str!("../editions/tier-2022-specialized.toml"),
    include_str!("../editions/tier-2022-little-giant.toml"),
    include_str!("../editions/tier-2026-innovative.toml"),
    include_str!("../editions/tier-2026-specialized.toml"),
    include_str!("../editions/tier-2026-little-giant.toml"),
];

/// An illustrative provincial 特色化 file (province `000000`, marked `example = true`): the
/// format to copy, not any province's real rule.
pub const LOCAL_EXAMPLE: &str = include_str!("../editions/local/example.toml");

fn index(edition: Edition, tier: Tier) -> usize {
    let e = match edition {
        Edition::Y2022 => 0,
        Edition::Y2026 => 3,
    };
    let t = match tier {
        Tier::Innovative => 0,
        Tier::Specialized => 1,
        Tier::LittleGiant => 2,
    };
    e + t
}

/// The TOML text of an embedded edition file.
///
/// ```
/// use shangyun_tier::{Edition, Tier};
/// assert!(shangyun_tier::edition_text(Edition::Y2026, Tier::LittleGiant).contains("工信部企业〔2026〕2号"));
/// ```
pub fn edition_text(edition: Edition, tier: Tier) -> &'static str {
    TEXTS[index(edition, tier)]
}

/// The compiled rules for an edition × tier, compiled on first use and kept.
///
/// The error case cannot happen with the data shipped (a test compiles every file); it is
/// returned rather than panicking all the same.
///
/// ```
/// use shangyun_tier::{Edition, Tier};
/// let rules = shangyun_tier::rules(Edition::Y2022, Tier::LittleGiant).unwrap();
/// assert!(!rules.info().verified); // 2022 小巨人 is encoded from thin sources
/// ```
pub fn rules(edition: Edition, tier: Tier) -> Result<&'static TierRules, RulesError> {
    static COMPILED: [OnceLock<Result<TierRules, RulesError>>; 6] = [const { OnceLock::new() }; 6];
    let i = index(edition, tier);
    COMPILED[i]
        .get_or_init(|| TierRules::from_toml(TEXTS[i]))
        .as_ref()
        .map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_file_compiles_as_what_it_is_filed_under() {
        for edition in Edition::ALL {
            for tier in Tier::ALL {
                let r = rules(edition, tier).unwrap_or_else(|e| panic!("{edition} {tier}: {e}"));
                assert_eq!(r.info().edition, edition);
                assert_eq!(r.info().tier, tier);
                let tier_id = tier.name();
                assert_eq!(r.info().id, format!("tier-{edition}-{tier_id}"));
            }
        }
    }

    /// The 2026 tier-1 file re-declares the 2022 rules; they must not drift apart.
    #[test]
    fn innovative_2026_rules_equal_2022() {
        let (a, b) = match (
            rules(Edition::Y2022, Tier::Innovative),
            rules(Edition::Y2026, Tier::Innovative),
        ) {
            (Ok(a), Ok(b)) => (a, b),
            other => panic!("{other:?}"),
        };
        assert!(a.scoring == b.scoring, "scoring differs");
        assert!(a.basic == b.basic, "basic conditions differ");
        assert!(a.direct == b.direct, "direct conditions differ");
        assert_ne!(a.info, b.info);
    }
}
