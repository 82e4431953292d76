//! `shangyun-registry` — the enterprise file (一企一档) as domain types.
//!
//! Ground truth is what users entered: [`Enterprise`], [`AnnualFigures`], [`Title`].
//! Everything in [`Derived`] is recomputable from ground truth plus a rule edition, and is
//! stored with the edition id so a rule update can find what to recompute; [`derive`] computes
//! it.
//!
//! Architecture invariant: this crate knows neither SQL nor HTTP. Storage lives in
//! `shangyun-store`, file formats in `shangyun-sheets` / `shangyun-import`.

pub mod derive;
mod model;

pub use model::*;
