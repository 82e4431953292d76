//! The browser console: server-rendered HTML (maud escapes every interpolated value) with
//! htmx for partial updates, zh-CN by default and English on `?lang=en`.

pub mod assets;
pub mod audit;
pub mod energy_section;
pub mod enterprise_file;
pub mod enterprises;
pub mod export;
pub mod i18n;
pub mod imports;
pub mod layout;
pub mod login;
