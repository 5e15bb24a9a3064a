//! `/api/v1/users` and `/api/v1/tokens`: accounts and agency systems' tokens (administrators).

use super::errors::ErrorBody;
use super::extract::StaffCaller;
use crate::error::AppError;
use crate::service::accounts::{self as service, AccessChange, NewUser, TokenRequest};
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use store::users::User;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// An account as administrators see it (never its password hash).
#[derive(Serialize, ToSchema)]
pub struct UserBody {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub agency_id: Option<String>,
    pub institution_id: Option<String>,
    pub disabled: bool,
    /// Where notices go by mail, if set.
    pub email: Option<String>,
    /// Set while the account is locked after failed sign-ins.
    #[serde(with = "time::serde::rfc3339::option")]
    pub locked_until: Option<OffsetDateTime>,
}

impl From<User> for UserBody {
    fn from(u: User) -> Self {
        UserBody {
            id: u.id,
            login: u.login,
            display_name: u.display_name,
            role: u.role.as_str().to_owned(),
            agency_id: u.agency_id,
            institution_id: u.institution_id,
            disabled: u.disabled,
            email: u.email,
            locked_until: u.locked_until,
        }
    }
}

fn json<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, AppError> {
    body.map(|Json(b)| b).map_err(|e| AppError::field("body", "unreadable_body", &e.body_text()))
}

/// List accounts.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    responses((status = 200, body = Vec<UserBody>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn list_users(State(state): State<AppState>, StaffCaller(staff): StaffCaller) -> Result<Json<Vec<UserBody>>, AppError> {
    Ok(Json(service::list_users(&state, &staff).await?.into_iter().map(UserBody::from).collect()))
}

/// Create an account. Audited.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUser,
    responses((status = 201, body = UserBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn create_user(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    body: Result<Json<NewUser>, JsonRejection>,
) -> Result<(StatusCode, Json<UserBody>), AppError> {
    let user = service::create_user(&state, Some(&staff), json(body)?).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

/// Change an account's role, agency, institution, or disable it. Its sessions end. Audited.
#[utoipa::path(put, path = "/api/v1/users/{id}/access", tag = "accounts", request_body = AccessChange,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = UserBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn change_access(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(id): Path<Uuid>,
    body: Result<Json<AccessChange>, JsonRejection>,
) -> Result<Json<UserBody>, AppError> {
    Ok(Json(service::change_access(&state, &staff, id, json(body)?).await?.into()))
}

/// Where an account gets notices by mail.
#[derive(serde::Deserialize, ToSchema)]
pub struct EmailRequest {
    /// A mail address, or null (or blank) to stop mail.
    pub email: Option<String>,
}

/// Set where an account gets notices by mail: one's own, or any account for administrators.
/// Audited (without the address).
#[utoipa::path(put, path = "/api/v1/users/{id}/email", tag = "accounts", request_body = EmailRequest,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = UserBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn set_email(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(id): Path<Uuid>,
    body: Result<Json<EmailRequest>, JsonRejection>,
) -> Result<Json<UserBody>, AppError> {
    let request = json(body)?;
    Ok(Json(service::set_notice_email(&state, &staff, id, request.email.as_deref()).await?.into()))
}

/// A new token: `token` is shown only here.
#[derive(Serialize, ToSchema)]
pub struct IssuedToken {
    pub id: Uuid,
    pub token: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// Issue an agency system's token, limited to one agency and named permissions. Audited.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = TokenRequest,
    responses((status = 201, body = IssuedToken), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn issue_token(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    body: Result<Json<TokenRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<IssuedToken>), AppError> {
    let (token, value) = service::issue_token(&state, &staff, json(body)?).await?;
    Ok((StatusCode::CREATED, Json(IssuedToken { id: token.id, token: value, expires_at: token.expires_at })))
}

/// Revoke a token at once. Audited.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn revoke_token(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, AppError> {
    service::revoke_token(&state, &staff, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An agency's webhook address.
#[derive(serde::Deserialize, ToSchema)]
pub struct WebhookRequest {
    /// `https://…` (checked against the system's trusted roots and `QORGAU_TLS_CA_FILE`), or
    /// `http://…` inside a closed network.
    pub url: String,
}

/// The signing secret of a webhook, shown only here.
#[derive(Serialize, ToSchema)]
pub struct WebhookSecret {
    pub secret: String,
}

/// Set where an agency's notices are posted. Each post is signed: `X-Qorgau-Signature:
/// sha256=<HMAC-SHA-256 with the secret of "<X-Qorgau-Timestamp>.<body>">`, and carries
/// `X-Qorgau-Delivery` (the message id) for deduplication. Audited.
#[utoipa::path(put, path = "/api/v1/agencies/{id}/webhook", tag = "accounts", request_body = WebhookRequest,
    params(("id" = String, Path)),
    responses((status = 200, body = WebhookSecret), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn set_webhook(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(id): Path<String>,
    body: Result<Json<WebhookRequest>, JsonRejection>,
) -> Result<Json<WebhookSecret>, AppError> {
    let request = json(body)?;
    Ok(Json(WebhookSecret { secret: service::set_webhook(&state, &staff, &id, &request.url).await? }))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxParams {
    /// pending, delivered or dead (default dead: what needs an administrator).
    status: Option<String>,
}

/// Messages of the outbox by status; `dead` ones failed every attempt and need an administrator.
#[utoipa::path(get, path = "/api/v1/outbox", tag = "accounts", params(OutboxParams),
    responses((status = 200, body = Vec<store::outbox::Listed>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn outbox(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    axum::extract::Query(params): axum::extract::Query<OutboxParams>,
) -> Result<Json<Vec<store::outbox::Listed>>, AppError> {
    let status = params.status.unwrap_or_else(|| "dead".into());
    Ok(Json(service::outbox(&state, &staff, &status).await?))
}
