//! The authorization table: every route the server answers, the action it performs, and for
//! each action what each role may do. This file is the ONE place access is decided; the
//! router is built from [`ROUTES`] (a route cannot exist outside it) and the access layer
//! ([`crate::access`]) looks every request up here before any handler runs. The table test
//! (`tests/authorization.rs`) walks every route with every role.

use crate::accounts::Role;
use crate::state::AppState;
use crate::{api, console};
use axum::routing::{MethodFilter, MethodRouter, on};

/// What a route does, as far as access is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The OpenAPI document and its page.
    ReadApiDocs,
    /// Vendored static assets (htmx).
    ReadAsset,
    /// The sign-in page.
    ViewLogin,
    /// Signing in (checks the password itself).
    Login,
    /// Signing out.
    Logout,
    /// Who am I.
    ReadMe,
    /// Issue an API token for oneself.
    CreateToken,
    /// List one's own API tokens.
    ListTokens,
    /// Revoke one of one's own API tokens.
    RevokeToken,
    /// Change one's own password (with the current one).
    ChangePassword,
    /// Reset another account's password (admin).
    ResetPassword,
    /// The console's start page.
    ConsoleHome,
    /// Search the registry.
    ListEnterprises,
    /// One enterprise's file (一企一档).
    ReadEnterprise,
    /// The audit log.
    ReadAudit,
    /// List devices (and provisioning keys' absence of secrets aside, nothing else).
    ListDevices,
    /// One device.
    ReadDevice,
    /// Register devices, rotate or revoke credentials, set shared attributes, provisioning keys.
    ManageDevices,
    /// The device types (thing models).
    ReadDeviceTypes,
    /// Alarms.
    ListAlarms,
    /// Acknowledge an alarm.
    AckAlarm,
    /// A device posting telemetry or attributes with its access token in the path
    /// (ThingsBoard HTTP API): public here, the handler checks the token.
    DeviceIngest,
    /// A device asking for credentials with a provisioning key and secret (ThingsBoard
    /// `POST /api/v1/provision`): public here, the handler checks key and secret under a
    /// per-address throttle.
    DeviceProvision,
    /// Send a server-side RPC to a device (a command to a machine).
    ControlDevice,
    /// The import page (upload form, one's own jobs).
    ViewImports,
    /// Upload a file to import (rows outside the scope are rejected into the error report).
    ImportEnterprises,
    /// One's own import job: progress, counts, its error report.
    ReadImportJob,
    /// One enterprise's energy, carbon and measured digital-index evidence.
    ReadEnergy,
    /// Download the registry (the current search filters) as XLSX or CSV.
    ExportEnterprises,
}

/// What one role may do with one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account of the role; no registry data involved.
    Signed,
    /// Signed in, limited to the account's [`Scope`](crate::scope::Scope).
    Scoped,
    /// Never (403).
    Deny,
}

/// Role × action. Columns in the order of [`Role::ALL`]:
/// admin, officer, enterprise, provider, expert.
pub fn rule(action: Action) -> [Permission; 5] {
    use Permission::{Deny, Public, Scoped, Signed};
    match action {
        //                                 admin   officer enterprise provider expert
        Action::ReadApiDocs => [Public, Public, Public, Public, Public],
        Action::ReadAsset => [Public, Public, Public, Public, Public],
        Action::ViewLogin => [Public, Public, Public, Public, Public],
        Action::Login => [Public, Public, Public, Public, Public],
        Action::Logout => [Signed, Signed, Signed, Signed, Signed],
        Action::ReadMe => [Signed, Signed, Signed, Signed, Signed],
        Action::CreateToken => [Signed, Signed, Signed, Signed, Signed],
        Action::ListTokens => [Signed, Signed, Signed, Signed, Signed],
        Action::RevokeToken => [Signed, Signed, Signed, Signed, Signed],
        Action::ChangePassword => [Signed, Signed, Signed, Signed, Signed],
        Action::ResetPassword => [Signed, Deny, Deny, Deny, Deny],
        Action::ConsoleHome => [Signed, Signed, Signed, Signed, Signed],
        Action::ListEnterprises => [Scoped, Scoped, Scoped, Deny, Deny],
        Action::ReadEnterprise => [Scoped, Scoped, Scoped, Deny, Deny],
        Action::ReadAudit => [Scoped, Scoped, Deny, Deny, Deny],
        // Enterprises manage their own devices; officers read within their region.
        Action::ListDevices => [Scoped, Scoped, Scoped, Deny, Deny],
        Action::ReadDevice => [Scoped, Scoped, Scoped, Deny, Deny],
        Action::ManageDevices => [Scoped, Deny, Scoped, Deny, Deny],
        Action::ReadDeviceTypes => [Signed, Signed, Signed, Signed, Signed],
        Action::ListAlarms => [Scoped, Scoped, Scoped, Deny, Deny],
        Action::AckAlarm => [Scoped, Deny, Scoped, Deny, Deny],
        Action::DeviceIngest => [Public, Public, Public, Public, Public],
        Action::DeviceProvision => [Public, Public, Public, Public, Public],
        // A command to a machine: whoever manages the device (officers only read, as for
        // shared attributes).
        Action::ControlDevice => [Scoped, Deny, Scoped, Deny, Deny],
        Action::ViewImports => [Scoped, Scoped, Deny, Deny, Deny],
        Action::ImportEnterprises => [Scoped, Scoped, Deny, Deny, Deny],
        Action::ReadImportJob => [Scoped, Scoped, Deny, Deny, Deny],
        Action::ExportEnterprises => [Scoped, Scoped, Scoped, Deny, Deny],
        Action::ReadEnergy => [Scoped, Scoped, Scoped, Deny, Deny],
    }
}

/// The permission of `role` for `action`.
pub fn permission(action: Action, role: Role) -> Permission {
    rule(action)[role.index()]
}

/// Whether an action needs no sign-in at all (the same for every role by construction).
pub fn is_public(action: Action) -> bool {
    rule(action).iter().all(|p| *p == Permission::Public)
}

/// The HTTP methods the server uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
        }
    }
}

/// One route: method, axum path, action, and its handler.
#[derive(Clone, Copy)]
pub struct Route {
    pub verb: Verb,
    pub path: &'static str,
    pub action: Action,
    handler: fn(MethodFilter) -> MethodRouter<AppState>,
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} ({:?})",
            self.verb.as_str(),
            self.path,
            self.action
        )
    }
}

impl Route {
    /// Whether this route answers JSON (errors as [`ApiError`](crate::ApiError)) rather than
    /// HTML.
    pub fn is_api(&self) -> bool {
        self.path.starts_with("/api/")
    }

    pub(crate) fn method_router(&self) -> MethodRouter<AppState> {
        (self.handler)(self.verb.filter())
    }
}

const fn route(
    verb: Verb,
    path: &'static str,
    action: Action,
    handler: fn(MethodFilter) -> MethodRouter<AppState>,
) -> Route {
    Route {
        verb,
        path,
        action,
        handler,
    }
}

/// Every route the server answers.
pub static ROUTES: &[Route] = &[
    // API
    route(
        Verb::Get,
        "/api/v1/openapi.json",
        Action::ReadApiDocs,
        |m| on(m, api::docs::openapi_json),
    ),
    route(Verb::Get, "/api/v1/docs", Action::ReadApiDocs, |m| {
        on(m, api::docs::page)
    }),
    route(Verb::Post, "/api/v1/auth/login", Action::Login, |m| {
        on(m, api::auth::login)
    }),
    route(Verb::Post, "/api/v1/auth/logout", Action::Logout, |m| {
        on(m, api::auth::logout)
    }),
    route(Verb::Get, "/api/v1/me", Action::ReadMe, |m| {
        on(m, api::auth::me)
    }),
    route(Verb::Post, "/api/v1/tokens", Action::CreateToken, |m| {
        on(m, api::auth::create_token)
    }),
    route(Verb::Get, "/api/v1/tokens", Action::ListTokens, |m| {
        on(m, api::auth::list_tokens)
    }),
    route(
        Verb::Post,
        "/api/v1/tokens/{id}/revoke",
        Action::RevokeToken,
        |m| on(m, api::auth::revoke_token),
    ),
    route(
        Verb::Post,
        "/api/v1/me/password",
        Action::ChangePassword,
        |m| on(m, api::auth::change_password),
    ),
    route(
        Verb::Post,
        "/api/v1/users/{name}/password",
        Action::ResetPassword,
        |m| on(m, api::auth::reset_password),
    ),
    route(
        Verb::Get,
        "/api/v1/enterprises",
        Action::ListEnterprises,
        |m| on(m, api::enterprises::list),
    ),
    route(
        Verb::Get,
        "/api/v1/enterprises/{uscc}",
        Action::ReadEnterprise,
        |m| on(m, api::enterprises::file),
    ),
    route(
        Verb::Get,
        "/api/v1/enterprises/{uscc}/energy",
        Action::ReadEnergy,
        |m| on(m, api::energy::energy),
    ),
    route(
        Verb::Get,
        "/api/v1/enterprises/{uscc}/evidence",
        Action::ReadEnergy,
        |m| on(m, api::energy::evidence),
    ),
    route(Verb::Get, "/api/v1/audit", Action::ReadAudit, |m| {
        on(m, api::audit::list)
    }),
    route(
        Verb::Post,
        "/api/v1/{token}/telemetry",
        Action::DeviceIngest,
        |m| on(m, api::device_http::telemetry),
    ),
    route(
        Verb::Post,
        "/api/v1/{token}/attributes",
        Action::DeviceIngest,
        |m| on(m, api::device_http::attributes),
    ),
    route(
        Verb::Post,
        "/api/v1/provision",
        Action::DeviceProvision,
        |m| on(m, api::device_http::provision),
    ),
    route(Verb::Get, "/api/v1/devices", Action::ListDevices, |m| {
        on(m, api::devices::list)
    }),
    route(Verb::Post, "/api/v1/devices", Action::ManageDevices, |m| {
        on(m, api::devices::create)
    }),
    route(Verb::Get, "/api/v1/devices/{id}", Action::ReadDevice, |m| {
        on(m, api::devices::show)
    }),
    route(
        Verb::Post,
        "/api/v1/devices/{id}/token/rotate",
        Action::ManageDevices,
        |m| on(m, api::devices::rotate_token),
    ),
    route(
        Verb::Post,
        "/api/v1/devices/{id}/revoke",
        Action::ManageDevices,
        |m| on(m, api::devices::revoke),
    ),
    route(
        Verb::Post,
        "/api/v1/devices/{id}/attributes",
        Action::ManageDevices,
        |m| on(m, api::devices::set_shared_attributes),
    ),
    route(
        Verb::Post,
        "/api/v1/devices/{id}/rpc",
        Action::ControlDevice,
        |m| on(m, api::device_rpc::call),
    ),
    route(
        Verb::Get,
        "/api/v1/provision-keys",
        Action::ManageDevices,
        |m| on(m, api::devices::list_provision_keys),
    ),
    route(
        Verb::Post,
        "/api/v1/provision-keys",
        Action::ManageDevices,
        |m| on(m, api::devices::create_provision_key),
    ),
    route(
        Verb::Get,
        "/api/v1/device-types",
        Action::ReadDeviceTypes,
        |m| on(m, api::devices::types),
    ),
    route(Verb::Get, "/api/v1/alarms", Action::ListAlarms, |m| {
        on(m, api::devices::alarms)
    }),
    route(
        Verb::Post,
        "/api/v1/alarms/{id}/ack",
        Action::AckAlarm,
        |m| on(m, api::devices::ack_alarm),
    ),
    // Console
    route(Verb::Get, "/assets/htmx.min.js", Action::ReadAsset, |m| {
        on(m, console::assets::htmx)
    }),
    route(Verb::Get, "/login", Action::ViewLogin, |m| {
        on(m, console::login::page)
    }),
    route(Verb::Post, "/login", Action::Login, |m| {
        on(m, console::login::submit)
    }),
    route(Verb::Post, "/logout", Action::Logout, |m| {
        on(m, console::login::logout)
    }),
    route(Verb::Get, "/", Action::ConsoleHome, |m| {
        on(m, console::enterprises::home)
    }),
    route(Verb::Get, "/enterprises", Action::ListEnterprises, |m| {
        on(m, console::enterprises::list)
    }),
    route(
        Verb::Get,
        "/enterprises/{uscc}",
        Action::ReadEnterprise,
        |m| on(m, console::enterprise_file::page),
    ),
    route(Verb::Get, "/audit", Action::ReadAudit, |m| {
        on(m, console::audit::page)
    }),
    route(Verb::Get, "/imports", Action::ViewImports, |m| {
        on(m, console::imports::page)
    }),
    // The upload streams to disk under its own limit (`upload_limit`), counted by the handler.
    route(Verb::Post, "/imports", Action::ImportEnterprises, |m| {
        on(m, console::imports::upload).layer(axum::extract::DefaultBodyLimit::disable())
    }),
    route(Verb::Get, "/imports/{id}", Action::ReadImportJob, |m| {
        on(m, console::imports::job)
    }),
    route(
        Verb::Get,
        "/imports/{id}/report",
        Action::ReadImportJob,
        |m| on(m, console::imports::report),
    ),
    route(Verb::Get, "/export", Action::ExportEnterprises, |m| {
        on(m, console::export::download)
    }),
];

/// The route for a matched axum path and method.
pub fn find(path: &str, method: &axum::http::Method) -> Option<&'static Route> {
    ROUTES
        .iter()
        .find(|r| r.path == path && r.verb.as_str() == method.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_actions_are_public_for_every_role_and_nothing_else_is() {
        for r in ROUTES {
            let row = rule(r.action);
            let publics = row.iter().filter(|p| **p == Permission::Public).count();
            assert!(publics == 0 || publics == 5, "{r:?}: mixed public row");
        }
    }

    #[test]
    fn routes_are_unique() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(!(a.path == b.path && a.verb == b.verb), "{a:?} twice");
            }
        }
    }

    #[test]
    fn providers_and_experts_cannot_read_the_registry() {
        for action in [
            Action::ListEnterprises,
            Action::ReadEnterprise,
            Action::ReadAudit,
            Action::ImportEnterprises,
            Action::ExportEnterprises,
        ] {
            assert_eq!(permission(action, Role::Provider), Permission::Deny);
            assert_eq!(permission(action, Role::Expert), Permission::Deny);
        }
    }
}
