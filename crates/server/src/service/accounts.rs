//! Staff accounts: signing in and out, sessions, passwords, the administration of accounts,
//! and agency systems' API tokens. Every step is audited.
//!
//! Sign-in failures are counted per account: after [`FREE_FAILURES`] in a row the account is
//! locked for 15 minutes, doubling with each further failure up to a day; a correct password
//! during the lock does not open it. Failures are also limited per address (guessing many
//! accounts from one place).

use super::Staff;
use crate::auth::{self, MIN_PASSWORD_CHARS};
use crate::error::AppError;
use crate::state::AppState;
use domain::Error;
use domain::audit::{AuditAction, AuditActor, AuditEntry};
use domain::error::Errors;
use domain::policy::{Action, Actor, ActorKind, Permission, StaffRole, decide};
use std::net::IpAddr;
use store::users::{self, Access, ApiToken, NewSession, User};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// How long a session lasts: one shift.
pub const SESSION_HOURS: i64 = 12;
/// Failures in a row allowed before the account locks.
pub const FREE_FAILURES: i64 = 5;
const FIRST_LOCK_MINUTES: i64 = 15;
const LONGEST_LOCK_HOURS: i64 = 24;

/// A new session: the cookie's value (shown once, stored only as a digest) and its CSRF token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub cookie_value: String,
    pub csrf_token: String,
    pub role: StaffRole,
}

/// Why a sign-in failed.
#[derive(Debug)]
pub enum SignInError {
    /// Wrong login or password (the same answer for both).
    Wrong,
    /// The account is locked after too many failures, until then.
    Locked(OffsetDateTime),
    Other(AppError),
}

impl From<AppError> for SignInError {
    fn from(e: AppError) -> Self {
        SignInError::Other(e)
    }
}

impl From<store::StoreError> for SignInError {
    fn from(e: store::StoreError) -> Self {
        SignInError::Other(e.into())
    }
}

fn normal_login(login: &str) -> String {
    login.trim().to_lowercase()
}

/// Checks a login and password and opens a session.
pub async fn sign_in(state: &AppState, login: &str, password: &str, address: IpAddr) -> Result<SignedIn, SignInError> {
    state.wrong_sign_ins_by_address.has_left(&address).map_err(|wait| SignInError::Other(AppError::RateLimited(wait)))?;
    let now = state.clock.now();
    let user = users::find_by_login(&state.db, &normal_login(login)).await?.filter(|u| !u.disabled);
    let locked_until = user.as_ref().and_then(|u| u.locked_until).filter(|until| *until > now);
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let matches = auth::verify_password(state.password_cost, password.to_owned(), stored).await;
    let from = Some(address.to_string());
    let Some(user) = user else {
        let _ = state.wrong_sign_ins_by_address.take(&address);
        let actor = AuditActor { address: from, ..AuditActor::public() };
        store::audit::append(&state.db, &state.store_keys.chain, &[AuditEntry::new(now, actor, AuditAction::SignInFailed)])
            .await?;
        return Err(SignInError::Wrong);
    };
    let actor = AuditActor::of(&actor_of(&user), from);
    if let Some(until) = locked_until {
        let event = AuditEntry::new(now, actor, AuditAction::SignInFailed).on("user", user.id).with("reason", "locked");
        store::audit::append(&state.db, &state.store_keys.chain, &[event]).await?;
        return Err(SignInError::Locked(until));
    }
    if !matches {
        let _ = state.wrong_sign_ins_by_address.take(&address);
        let lock = lock_after(user.failed_attempts + 1).map(|d| now + d);
        let event = AuditEntry::new(now, actor, AuditAction::SignInFailed).on("user", user.id).with("locked", lock.is_some());
        users::record_failure(&state.db, &state.store_keys.chain, user.id, lock, event).await?;
        return Err(match lock {
            Some(until) => SignInError::Locked(until),
            None => SignInError::Wrong,
        });
    }
    let cookie_value = auth::random_value();
    let session = NewSession {
        id_hash: auth::digest(&cookie_value),
        user_id: user.id,
        csrf_token: auth::random_value(),
        created_at: now,
        expires_at: now + Duration::hours(SESSION_HOURS),
    };
    let event = AuditEntry::new(now, actor, AuditAction::SignIn).on("user", user.id);
    users::start_session(&state.db, &state.store_keys.chain, &session, event).await?;
    Ok(SignedIn { cookie_value, csrf_token: session.csrf_token, role: user.role })
}

/// How long an account locks after its `failures`-th failure in a row, if at all.
pub fn lock_after(failures: i64) -> Option<Duration> {
    let beyond = failures - FREE_FAILURES;
    (beyond >= 0).then(|| {
        let minutes = FIRST_LOCK_MINUTES.saturating_mul(1 << beyond.min(10));
        Duration::minutes(minutes).min(Duration::hours(LONGEST_LOCK_HOURS))
    })
}

/// The actor an account acts as.
pub fn actor_of(user: &User) -> Actor {
    Actor::user(user.id, user.role, user.agency_id.clone(), user.institution_id.clone())
}

/// The signed-in staff member of a session cookie, if the session is live.
pub async fn session(state: &AppState, cookie_value: &str, address: IpAddr) -> Result<Option<Staff>, AppError> {
    let id_hash = auth::digest(cookie_value);
    let found = users::find_session(&state.db, &id_hash, state.clock.now()).await?;
    Ok(found.map(|s| Staff {
        actor: actor_of(&s.user),
        address,
        display_name: s.user.display_name.clone(),
        session: Some(super::SessionRef { id_hash, csrf_token: s.csrf_token }),
    }))
}

/// The actor of a bearer token: an agency system's API token (`qg_<id>_<secret>`), or in demo
/// mode the bootstrap token, which acts as an operator.
pub async fn bearer(state: &AppState, token: &str, address: IpAddr) -> Result<Option<Staff>, AppError> {
    if let Some(demo) = &state.demo_token
        && auth::same(demo, token)
    {
        return Ok(Some(Staff { actor: Actor::demo_operator(), address, display_name: "demo".into(), session: None }));
    }
    let Some((id, secret)) = token.strip_prefix("qg_").and_then(|t| t.split_once('_')) else { return Ok(None) };
    let Ok(id) = Uuid::parse_str(id) else { return Ok(None) };
    let found = users::find_token(&state.db, id, &auth::digest(secret), state.clock.now()).await?;
    Ok(found.map(|t| Staff {
        actor: Actor {
            kind: ActorKind::AgencySystem { token_id: t.id, permissions: t.permissions },
            agency_id: Some(t.agency_id),
            institution_id: None,
        },
        address,
        display_name: t.name,
        session: None,
    }))
}

/// Ends the staff member's session.
pub async fn sign_out(state: &AppState, staff: &Staff) -> Result<(), AppError> {
    let Some(session) = &staff.session else { return Ok(()) };
    let event = AuditEntry::new(state.clock.now(), staff.audit_actor(), AuditAction::SignOut).on("user", staff.actor.id());
    users::end_session(&state.db, &state.store_keys.chain, &session.id_hash, event).await?;
    Ok(())
}

/// Changes one's own password: the current one must be right; other sessions end.
pub async fn change_password(state: &AppState, staff: &Staff, current: &str, new: &str) -> Result<(), AppError> {
    decide(&staff.actor, &Action::ManageOwnAccount).map_err(Error::from)?;
    let user = users::get(&state.db, staff.actor.id()).await?.ok_or(Error::Forbidden)?;
    let mut errors = Errors::default();
    if !auth::verify_password(state.password_cost, current.to_owned(), Some(user.password_hash)).await {
        errors.push("current_password", "wrong_password", "the current password is not right");
    }
    check_password(&mut errors, "new_password", new);
    errors.finish(|| ())?;
    let hash = auth::hash_password(state.password_cost, new.to_owned()).await?;
    let now = state.clock.now();
    let event = AuditEntry::new(now, staff.audit_actor(), AuditAction::PasswordChange).on("user", user.id);
    let keep = staff.session.as_ref().map(|s| s.id_hash.as_slice());
    users::set_password(&state.db, &state.store_keys.chain, user.id, &hash, keep, now, event).await?;
    Ok(())
}

fn check_password(errors: &mut Errors, field: &str, password: &str) {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        errors.push(field, "too_short", format!("at least {MIN_PASSWORD_CHARS} characters"));
    }
}

/// A new account, as an administrator (or `qorgau user create`) asks for it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewUser {
    /// 3–64 characters: letters, digits, `.`, `_`, `-`.
    pub login: String,
    pub display_name: String,
    /// A role code, e.g. `agency_officer`.
    pub role: String,
    /// Required for agency roles: an agency id of `GET /api/v1/agencies`.
    pub agency_id: Option<String>,
    /// Required for school reporters.
    pub institution_id: Option<String>,
    /// At least 12 characters.
    pub password: String,
    /// Where notices go by mail (optional).
    pub email: Option<String>,
}

/// Creates an account. `by` is the administrator, or `None` for the command line (the
/// first administrator).
pub async fn create_user(state: &AppState, by: Option<&Staff>, new: NewUser) -> Result<User, AppError> {
    if let Some(staff) = by {
        decide(&staff.actor, &Action::ManageUsers).map_err(Error::from)?;
    }
    let mut errors = Errors::default();
    let login = normal_login(&new.login);
    let login_ok =
        (3..=64).contains(&login.len()) && login.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !login_ok {
        errors.push("login", "invalid", "3 to 64 letters, digits, '.', '_' or '-'");
    }
    let name = new.display_name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        errors.push("display_name", "required", "a name of up to 200 characters");
    }
    let access = access(state, &mut errors, &new.role, new.agency_id, new.institution_id, false).await?;
    check_password(&mut errors, "password", &new.password);
    let email = notice_email(&mut errors, new.email.as_deref());
    errors.finish(|| ())?;
    let access = access.expect("no errors");
    let now = state.clock.now();
    let user = User {
        id: Uuid::now_v7(),
        login,
        display_name: name,
        role: access.role,
        agency_id: access.agency_id,
        institution_id: access.institution_id,
        password_hash: auth::hash_password(state.password_cost, new.password).await?,
        failed_attempts: 0,
        locked_until: None,
        disabled: false,
        created_at: now,
        email,
    };
    let actor = by.map(Staff::audit_actor).unwrap_or_else(AuditActor::system);
    let event = AuditEntry::new(now, actor, AuditAction::UserCreate)
        .on("user", user.id)
        .with("role", user.role.as_str())
        .with("agency_id", user.agency_id.clone());
    if !users::create(&state.db, &state.store_keys.chain, &user, event).await? {
        return Err(AppError::field("login", "taken", "this login is taken"));
    }
    Ok(user)
}

/// Reads a role and the affiliation it needs, checking the agency exists and the institution
/// is in the registry (a school's account belongs to a registered BIN).
async fn access(
    state: &AppState,
    errors: &mut Errors,
    role: &str,
    agency_id: Option<String>,
    institution_id: Option<String>,
    disabled: bool,
) -> Result<Option<Access>, AppError> {
    let blank = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let (agency_id, institution_id) = (blank(agency_id), blank(institution_id));
    let Some(role) = StaffRole::parse(role) else {
        errors.push("role", "unknown_value", format!("expected one of: {}", StaffRole::codes()));
        return Ok(None);
    };
    match (&agency_id, role.needs_agency()) {
        (None, true) => errors.push("agency_id", "required", "this role belongs to an agency"),
        (Some(id), true) if state.reference.agencies.get(id).is_none() => {
            errors.push("agency_id", "unknown_value", "no such agency")
        }
        (Some(_), false) => errors.push("agency_id", "not_allowed", "this role belongs to no agency"),
        _ => {}
    }
    match (&institution_id, role.needs_institution()) {
        (None, true) => errors.push("institution_id", "required", "this role belongs to an institution"),
        (Some(bin), true) if !registered(state, bin).await? => {
            errors.push("institution_id", "not_registered", "the BIN of an institution in the registry")
        }
        (Some(_), false) => errors.push("institution_id", "not_allowed", "this role belongs to no institution"),
        _ => {}
    }
    Ok(Some(Access { role, agency_id, institution_id, disabled }))
}

/// Whether `bin` is a registered institution's.
async fn registered(state: &AppState, bin: &str) -> Result<bool, AppError> {
    let Ok(bin) = domain::institution::Bin::parse(bin) else { return Ok(false) };
    Ok(store::institutions::get(&state.db, &bin).await?.is_some())
}

/// One's own account.
pub async fn own(state: &AppState, staff: &Staff) -> Result<User, AppError> {
    Ok(users::get(&state.db, staff.actor.id()).await?.ok_or(Error::NotFound)?)
}

/// Every account, for administrators.
pub async fn list_users(state: &AppState, staff: &Staff) -> Result<Vec<User>, AppError> {
    decide(&staff.actor, &Action::ManageUsers).map_err(Error::from)?;
    Ok(users::list(&state.db).await?)
}

/// What an administrator changes of an account.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct AccessChange {
    pub role: String,
    pub agency_id: Option<String>,
    pub institution_id: Option<String>,
    #[serde(default)]
    pub disabled: bool,
}

/// Changes an account's role, affiliation, or whether it is disabled. Its sessions end.
pub async fn change_access(state: &AppState, staff: &Staff, id: Uuid, change: AccessChange) -> Result<User, AppError> {
    decide(&staff.actor, &Action::ManageUsers).map_err(Error::from)?;
    let user = users::get(&state.db, id).await?.ok_or(Error::NotFound)?;
    let mut errors = Errors::default();
    let access = access(state, &mut errors, &change.role, change.agency_id, change.institution_id, change.disabled).await?;
    errors.finish(|| ())?;
    let access = access.expect("no errors");
    if id == staff.actor.id() && (access.disabled || access.role != StaffRole::Administrator) {
        return Err(AppError::field("role", "own_account", "an administrator cannot demote or disable themselves"));
    }
    let now = state.clock.now();
    let entry = |action| AuditEntry::new(now, staff.audit_actor(), action).on("user", id);
    let mut events = vec![
        entry(AuditAction::UserRoleChange)
            .with("from", user.role.as_str())
            .with("to", access.role.as_str())
            .with("agency_id", access.agency_id.clone()),
    ];
    if access.disabled != user.disabled {
        events.push(entry(if access.disabled { AuditAction::UserLock } else { AuditAction::UserUnlock }));
    }
    users::set_access(&state.db, &state.store_keys.chain, id, &access, now, &events).await?;
    Ok(users::get(&state.db, id).await?.ok_or(Error::NotFound)?)
}

/// Reads an optional mail address for notices: blank means none. Only the shape is checked
/// (one `@`, a domain with a dot, no spaces, up to 254 characters); the relay tells the rest.
fn notice_email(errors: &mut Errors, raw: Option<&str>) -> Option<String> {
    let email = raw.map(str::trim).filter(|e| !e.is_empty())?;
    let valid = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !valid {
        errors.push("email", "invalid", "a mail address such as name@agency.kz");
    }
    valid.then(|| email.to_owned())
}

/// Sets (or, when blank, clears) where an account gets notices by mail: the person for their
/// own account, an administrator for any.
pub async fn set_notice_email(state: &AppState, staff: &Staff, id: Uuid, email: Option<&str>) -> Result<User, AppError> {
    if id != staff.actor.id() {
        decide(&staff.actor, &Action::ManageUsers).map_err(Error::from)?;
    }
    users::get(&state.db, id).await?.ok_or(Error::NotFound)?;
    let mut errors = Errors::default();
    let email = notice_email(&mut errors, email);
    errors.finish(|| ())?;
    let now = state.clock.now();
    let event = AuditEntry::new(now, staff.audit_actor(), AuditAction::UserEmail).on("user", id);
    users::set_email(&state.db, &state.store_keys.chain, id, email.as_deref(), now, event).await?;
    Ok(users::get(&state.db, id).await?.ok_or(Error::NotFound)?)
}

/// A request for an agency system's token.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    /// What system will use it, e.g. "Almaty police case system".
    pub name: String,
    pub agency_id: String,
    /// Permission codes: `complaints:read`, `complaints:submit`.
    pub permissions: Vec<String>,
    /// Days until it expires: 1 to 365.
    pub days: i64,
}

/// Issues a token; the secret is in the returned string only (stored as a digest).
pub async fn issue_token(state: &AppState, staff: &Staff, request: TokenRequest) -> Result<(ApiToken, String), AppError> {
    decide(&staff.actor, &Action::ManageTokens).map_err(Error::from)?;
    let mut errors = Errors::default();
    let name = request.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        errors.push("name", "required", "a name of up to 200 characters");
    }
    if state.reference.agencies.get(&request.agency_id).is_none() {
        errors.push("agency_id", "unknown_value", "no such agency");
    }
    let permissions: Vec<Permission> = request.permissions.iter().filter_map(|p| Permission::parse(p)).collect();
    if permissions.is_empty() || permissions.len() != request.permissions.len() {
        errors.push("permissions", "unknown_value", format!("one or more of: {}", Permission::codes()));
    }
    if !(1..=365).contains(&request.days) {
        errors.push("days", "out_of_range", "1 to 365 days");
    }
    errors.finish(|| ())?;
    let now = state.clock.now();
    let secret = auth::random_value();
    let token = ApiToken {
        id: Uuid::now_v7(),
        name,
        agency_id: request.agency_id,
        permissions,
        created_by: staff.actor.id(),
        created_at: now,
        expires_at: now + Duration::days(request.days),
        revoked_at: None,
    };
    let codes: Vec<_> = token.permissions.iter().map(|p| p.as_str()).collect();
    let event = AuditEntry::new(now, staff.audit_actor(), AuditAction::TokenIssue)
        .on("token", token.id)
        .with("agency_id", token.agency_id.clone())
        .with("permissions", codes);
    users::issue_token(&state.db, &state.store_keys.chain, &token, &auth::digest(&secret), event).await?;
    let value = format!("qg_{}_{secret}", token.id.simple());
    Ok((token, value))
}

/// Every agency system's token, newest first, for administrators.
pub async fn list_tokens(state: &AppState, staff: &Staff) -> Result<Vec<ApiToken>, AppError> {
    decide(&staff.actor, &Action::ManageTokens).map_err(Error::from)?;
    Ok(users::list_tokens(&state.db).await?)
}

/// Revokes a token at once.
pub async fn revoke_token(state: &AppState, staff: &Staff, id: Uuid) -> Result<(), AppError> {
    decide(&staff.actor, &Action::ManageTokens).map_err(Error::from)?;
    let now = state.clock.now();
    let event = AuditEntry::new(now, staff.audit_actor(), AuditAction::TokenRevoke).on("token", id);
    if !users::revoke_token(&state.db, &state.store_keys.chain, id, now, event).await? {
        return Err(Error::NotFound.into());
    }
    Ok(())
}

/// Sets an agency's webhook (where its notices are posted, signed); returns the new signing
/// secret, shown once. Only `http://` addresses: HTTPS goes through the deployment's egress proxy.
pub async fn set_webhook(state: &AppState, staff: &Staff, agency_id: &str, url: &str) -> Result<String, AppError> {
    decide(&staff.actor, &Action::ManageTokens).map_err(Error::from)?;
    let mut errors = Errors::default();
    if state.reference.agencies.get(agency_id).is_none() {
        return Err(Error::NotFound.into());
    }
    let url = url.trim();
    let valid = crate::delivery::connect::check_url(url).is_ok() && !url.contains(char::is_whitespace);
    if !valid || url.len() > 500 {
        errors.push("url", "invalid", "an https:// (or http://) address of the agency's system (up to 500 characters)");
    }
    errors.finish(|| ())?;
    let secret = auth::random_value();
    let now = state.clock.now();
    let webhook = store::outbox::Webhook { url: url.to_owned(), secret: secret.clone() };
    store::outbox::set_webhook(&state.db, &state.store_keys, agency_id, &webhook, now).await?;
    let event = AuditEntry::new(now, staff.audit_actor(), AuditAction::WebhookSet).with("agency_id", agency_id);
    store::audit::append(&state.db, &state.store_keys.chain, &[event]).await?;
    Ok(secret)
}

/// Outbox messages with a status (`pending`, `delivered`, `dead`), for administrators.
pub async fn outbox(state: &AppState, staff: &Staff, status: &str) -> Result<Vec<store::outbox::Listed>, AppError> {
    decide(&staff.actor, &Action::ManageTokens).map_err(Error::from)?;
    if !matches!(status, "pending" | "delivered" | "dead") {
        return Err(AppError::field("status", "unknown_value", "expected one of: pending, delivered, dead"));
    }
    Ok(store::outbox::list(&state.db, Some(status), 200).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_begin_after_five_failures_and_double_up_to_a_day() {
        let minutes = |n| lock_after(n).map(|d: Duration| d.whole_minutes());
        assert_eq!((1..=4).map(minutes).collect::<Vec<_>>(), [None; 4]);
        assert_eq!(minutes(5), Some(15));
        assert_eq!(minutes(6), Some(30));
        assert_eq!(minutes(7), Some(60));
        assert_eq!(minutes(12), Some(24 * 60));
        assert_eq!(minutes(1000), Some(24 * 60));
    }
}
