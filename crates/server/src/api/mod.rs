//! The JSON API under `/api/v1`, documented in OpenAPI 3.1 (`/api/openapi.json`, with a
//! docs page at `/api/docs` that loads nothing from the internet).
//!
//! Handlers parse, call a `service` function and render; they never touch SQL or decide
//! who may do what beyond reading the caller's credentials.

mod accounts;
mod assignments;
mod audit;
mod complaints;
mod errors;
mod evidence;
mod extract;
mod health;
mod institutions;
mod reference;
mod schools;
mod status;
mod support;

pub use audit::AuditParams;
pub use errors::{ErrorBody, ErrorItem};
pub use evidence::UPLOAD_BODY_LIMIT;
pub use extract::{CSRF_HEADER, ClientAddress, OptionalStaff, SESSION_COOKIE, StaffCaller, session_cookie};
pub use institutions::svg_download;

use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "Qorgau API", description = "Complaints to the contact center for family issues and the protection of women's and children's rights. Errors always come in one envelope: `{\"errors\":[{\"field\",\"code\",\"message\"}]}`."),
    modifiers(&BearerAuth),
    components(schemas(ErrorBody, ErrorItem, domain::FieldError))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components
            .add_security_scheme("staff_token", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
        // Staff pages' session cookie works on the API too; changes then need X-CSRF-Token.
    }
}

/// The API routes and their OpenAPI document.
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    // Uploads alone take bodies up to a file's limit; the app's 64 KiB holds elsewhere.
    let uploads =
        OpenApiRouter::new().routes(routes!(evidence::upload, evidence::list)).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT));
    let imports =
        OpenApiRouter::new().routes(routes!(institutions::import)).layer(DefaultBodyLimit::max(crate::web::IMPORT_BODY_LIMIT));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(uploads)
        .merge(imports)
        .routes(routes!(evidence::add_link))
        .routes(routes!(evidence::download))
        .routes(routes!(complaints::create, complaints::list))
        .routes(routes!(complaints::get))
        .routes(routes!(complaints::search))
        .routes(routes!(accounts::list_users, accounts::create_user))
        .routes(routes!(accounts::change_access))
        .routes(routes!(accounts::set_email))
        .routes(routes!(institutions::list))
        .routes(routes!(schools::create))
        .routes(routes!(schools::get))
        .routes(routes!(schools::figures))
        .routes(routes!(institutions::qr_svg))
        .routes(routes!(accounts::issue_token))
        .routes(routes!(accounts::revoke_token))
        .routes(routes!(accounts::set_webhook))
        .routes(routes!(accounts::outbox))
        .routes(routes!(assignments::inbox))
        .routes(routes!(assignments::get))
        .routes(routes!(assignments::step))
        .routes(routes!(assignments::assign_officer))
        .routes(routes!(assignments::relate))
        .routes(routes!(support::set_center))
        .routes(routes!(support::centers))
        .routes(routes!(support::set_occupancy))
        .routes(routes!(support::refer, support::referrals))
        .routes(routes!(support::accept))
        .routes(routes!(support::refuse))
        .routes(routes!(support::case))
        .routes(routes!(support::assess))
        .routes(routes!(support::safety_plan))
        .routes(routes!(support::plan))
        .routes(routes!(support::log_service))
        .routes(routes!(support::check_in))
        .routes(routes!(support::visit))
        .routes(routes!(support::category))
        .routes(routes!(support::step))
        .routes(routes!(support::figures))
        .routes(routes!(audit::events))
        .routes(routes!(audit::statistics))
        .routes(routes!(audit::compliance))
        .routes(routes!(status::get))
        .routes(routes!(reference::triage))
        .routes(routes!(reference::taxonomy))
        .routes(routes!(reference::agencies))
        .routes(routes!(reference::calendar))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::metrics))
        .split_for_parts()
}
