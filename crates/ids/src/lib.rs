//! `shangyun-ids` — 统一社会信用代码 (unified social credit code, GB 32100-2015) and
//! 组织机构代码 (organization code, GB 11714).
//!
//! Every entry point first [normalises](normalize) the input (full-width forms, spaces,
//! hyphens, lower case), then checks it and reports the *first* fault as a precise
//! [`IdError`] with its 1-based position and the expected value, in zh-CN and English.
//! Letters that look like digits (`O`, `I`) are never silently replaced: the error
//! suggests the digit instead.
//!
//! Region existence is not decided here (this crate does not embed the code lists): pass a
//! [`RegionLookup`] — any `Fn(&str) -> RegionStatus` — to [`Uscc::validate_with`], or use
//! [`Uscc::parse`] to check the structure only.
//!
//! The registering-authority / entity-type pairs are data:
//! `data/gb32100_2015_authority_types.toml`, read once; a newer table can be supplied as
//! text through [`AuthorityTable::from_toml`].
//!
//! ```
//! use shangyun_ids::{IdError, Uscc};
//!
//! let uscc = Uscc::parse("９１１１０１０８５５１３８５０８２Ｑ")?; // full-width, as pasted
//! assert_eq!(uscc.as_str(), "91110108551385082Q");
//! assert_eq!(uscc.region_code(), "110108");
//! assert_eq!(uscc.org_code().hyphenated(), "55138508-2");
//!
//! assert_eq!(
//!     Uscc::parse("91110108551385082R"),
//!     Err(IdError::BadCheckCharacter { position: 18, expected: 'Q', found: 'R' })
//! );
//! # Ok::<(), IdError>(())
//! ```
//!
//! # What the check characters catch
//!
//! The USCC check is mod 31 (prime) with weights 3^(i−1), none ≡ 0 (mod 31), and the check
//! character has weight 1. Hence, provably:
//! * every single-character substitution changes Σ by (a′−a)·wᵢ ≢ 0 and is caught;
//! * every adjacent transposition of two different characters changes Σ by
//!   (a−b)·(wᵢ − wᵢ₊₁) = (a−b)·wᵢ·(1−3) ≢ 0 (positions 1–17), or by (a−b)·(28−1) ≢ 0 for
//!   positions 17/18, and is caught.
//!
//! `tests/properties.rs` checks both over random valid codes; `tests/detection.rs` measures
//! it over 100,000 random codes (fixed seed): **1,601,804 of 1,601,804** adjacent
//! transpositions of different characters were caught (100 %; the other 98,196 places held
//! two equal characters). The GB 11714 organization-code check on its own (mod 11, values up
//! to 35) is weaker: a swap of two characters whose values differ by a multiple of 11 (e.g.
//! `1`/`C`), or of a `1` in position 8 with an `X` check, slips through. Measured: 94.07 %
//! caught for random bodies of 0–9/A–Z, 99.87 % for all-digit bodies.

mod alphabet;
mod authority;
mod check;
mod error;
mod normalize;
mod org_code;
mod region;
mod report;
mod uscc;
mod warning;

pub use alphabet::USCC_ALPHABET;
pub use authority::{Authority, AuthorityTable, Confidence, Edition, EntityType, TableError};
pub use check::{ORG_CODE_WEIGHTS, USCC_WEIGHTS, org_code_check_character, uscc_check_character};
pub use error::{CharClass, IdError, LengthHint};
pub use normalize::normalize;
pub use org_code::{ORG_CODE_STANDARD, OrgCode};
pub use region::{RegionLookup, RegionStatus};
pub use report::{Explained, IdKind, IdReport, check_identifier};
pub use uscc::Uscc;
pub use warning::Warning;
