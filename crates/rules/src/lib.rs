//! `shangyun-rules` — the facade over the pure rule crates.
//!
//! Each official rule lives in its own small crate (ripgrep style) and this crate re-exports
//! them so that a caller needs one dependency. Nothing here does I/O or async: the only data
//! read is the code lists and rule editions embedded at compile time, and newer lists are
//! passed in as text by the caller.
//!
//! | module | standard |
//! |---|---|
//! | [`ids`] | 统一社会信用代码 GB 32100, 组织机构代码 GB 11714 |
//! | [`codes`] | region codes GB/T 2260, industry codes GB/T 4754-2017 |
//! | [`size`] | 中小企业划型标准规定 (2011) |
//! | [`tier`] | 优质中小企业梯度培育 (2022, 2026) |
//! | [`digital`] | 中小企业数字化水平评测指标 (2022 bands, 2024) |

pub use shangyun_codes as codes;
pub use shangyun_digital as digital;
pub use shangyun_ids as ids;
pub use shangyun_size as size;
pub use shangyun_tier as tier;
