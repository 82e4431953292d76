//! `shangyun-codes` — the national code lists the rules refer to.
//!
//! * [`RegionList`]: GB/T 2260 行政区划代码 (province, prefecture, county), with layering of a
//!   newer list over an older one so that retired codes are kept and flagged
//!   ([`RegionStatus`]), and [`region_status`] for a USCC validator.
//! * [`IndustryList`]: GB/T 4754-2017 国民经济行业分类 (20 sections, 97 divisions, 473 groups,
//!   1382 classes), looked up with or without the section letter ([`IndustryCode`]).
//!
//! Both lists are embedded (`include_str!`) and parsed once; a newer list is passed in as text
//! by the caller (`parse`), and every parse error names the line and column. No I/O here.
//!
//! ```
//! use shangyun_codes::{IndustryList, RegionList};
//!
//! let hangzhou = RegionList::embedded().search("杭州")[0];
//! assert_eq!(hangzhou.code(), "330100");
//!
//! let node = IndustryList::embedded().get("I651")?;
//! assert_eq!(node.name(), "软件开发");
//! # Ok::<(), shangyun_codes::IndustryCodeError>(())
//! ```

mod industry;
mod industry_code;
mod list_error;
mod region;
mod region_search;
mod tsv;

pub use industry::{EMBEDDED_INDUSTRY_EDITION, Industry, IndustryLevel, IndustryList};
pub use industry_code::{IndustryCode, IndustryCodeError};
pub use list_error::{ListError, ListErrorKind};
pub use region::{
    EMBEDDED_REGION_EDITION, Region, RegionCodeError, RegionLevel, RegionList, RegionStatus,
    region_status,
};
