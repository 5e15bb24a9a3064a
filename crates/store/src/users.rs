//! Staff accounts, their sessions, and agency systems' API tokens. Every change that matters
//! to access is written with its audit event in one transaction.
//!
//! Secrets are never stored: passwords as argon2id hashes (made by the caller), sessions and
//! tokens as the SHA-256 of their random value, so a copy of the tables opens nothing.

use crate::audit::ChainKey;
use crate::db::audited;
use crate::{Db, Result, StoreError, on_db};
use domain::audit::AuditEntry;
use domain::policy::{Permission, StaffRole};
use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

/// A staff account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    pub role: StaffRole,
    pub agency_id: Option<String>,
    pub institution_id: Option<String>,
    pub password_hash: String,
    pub failed_attempts: i64,
    pub locked_until: Option<OffsetDateTime>,
    pub disabled: bool,
    pub created_at: OffsetDateTime,
    /// Where notices go by mail, if the person gave an address.
    pub email: Option<String>,
}

#[derive(FromRow)]
struct UserRow {
    id: Uuid,
    login: String,
    display_name: String,
    role: String,
    agency_id: Option<String>,
    institution_id: Option<String>,
    password_hash: String,
    failed_attempts: i64,
    locked_until: Option<OffsetDateTime>,
    disabled: bool,
    created_at: OffsetDateTime,
    email: Option<String>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(r: UserRow) -> Result<User> {
        Ok(User {
            role: StaffRole::parse(&r.role).ok_or_else(|| StoreError::Corrupt("role".into()))?,
            id: r.id,
            login: r.login,
            display_name: r.display_name,
            agency_id: r.agency_id,
            institution_id: r.institution_id,
            password_hash: r.password_hash,
            failed_attempts: r.failed_attempts,
            locked_until: r.locked_until,
            disabled: r.disabled,
            created_at: r.created_at,
            email: r.email,
        })
    }
}

macro_rules! select_user {
    () => {
        "SELECT id, login, display_name, role, agency_id, institution_id, password_hash, failed_attempts, \
         locked_until, disabled, created_at, email FROM users"
    };
}

/// Creates an account. `Conflict` if the login is taken.
pub async fn create(db: &Db, key: &ChainKey, user: &User, event: AuditEntry) -> Result<bool> {
    let sql = "INSERT INTO users (id, login, display_name, role, agency_id, institution_id, password_hash, \
               failed_attempts, disabled, created_at, updated_at, email) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, FALSE, $8, $8, $9) \
               ON CONFLICT (login) DO NOTHING";
    let at = domain::clock::storable(user.created_at);
    let created = audited!(db, key, std::slice::from_ref(&event), tx => {
        let done = sqlx::query(sql)
            .bind(user.id)
            .bind(&user.login)
            .bind(&user.display_name)
            .bind(user.role.as_str())
            .bind(&user.agency_id)
            .bind(&user.institution_id)
            .bind(&user.password_hash)
            .bind(at)
            .bind(&user.email)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        true
    });
    Ok(created)
}

pub async fn find_by_login(db: &Db, login: &str) -> Result<Option<User>> {
    let sql = concat!(select_user!(), " WHERE login = $1");
    let row: Option<UserRow> = on_db!(db, pool => sqlx::query_as(sql).bind(login).fetch_optional(pool).await?);
    row.map(User::try_from).transpose()
}

pub async fn get(db: &Db, id: Uuid) -> Result<Option<User>> {
    let sql = concat!(select_user!(), " WHERE id = $1");
    let row: Option<UserRow> = on_db!(db, pool => sqlx::query_as(sql).bind(id).fetch_optional(pool).await?);
    row.map(User::try_from).transpose()
}

/// All accounts, by login.
pub async fn list(db: &Db) -> Result<Vec<User>> {
    let sql = concat!(select_user!(), " ORDER BY login");
    let rows: Vec<UserRow> = on_db!(db, pool => sqlx::query_as(sql).fetch_all(pool).await?);
    rows.into_iter().map(User::try_from).collect()
}

/// The active accounts of an agency (a family support center's people): id and name, by login.
pub async fn of_agency(db: &Db, agency_id: &str) -> Result<Vec<(Uuid, String)>> {
    let sql = "SELECT id, display_name FROM users WHERE agency_id = $1 AND NOT disabled ORDER BY login";
    Ok(on_db!(db, pool => sqlx::query_as(sql).bind(agency_id).fetch_all(pool).await?))
}

/// The mail addresses of the active accounts with one of `roles` (and of `agency_id`, when
/// given): who gets an agency's or the contact center's notices by mail.
pub async fn notice_emails(db: &Db, roles: &[StaffRole], agency_id: Option<&str>) -> Result<Vec<String>> {
    let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let sql = "SELECT role, email FROM users WHERE email IS NOT NULL AND NOT disabled AND ($1 IS NULL OR agency_id = $1) \
               ORDER BY email";
    let rows: Vec<(String, String)> = on_db!(db, pool => sqlx::query_as(sql).bind(agency_id).fetch_all(pool).await?);
    Ok(rows.into_iter().filter(|(role, _)| roles.contains(&role.as_str())).map(|(_, email)| email).collect())
}

/// Sets (or clears) where an account gets notices by mail, audited.
pub async fn set_email(
    db: &Db,
    key: &ChainKey,
    id: Uuid,
    email: Option<&str>,
    at: OffsetDateTime,
    event: AuditEntry,
) -> Result<()> {
    audited!(db, key, std::slice::from_ref(&event), tx => {
        sqlx::query("UPDATE users SET email = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(email)
            .bind(domain::clock::storable(at))
            .execute(&mut *tx)
            .await?;
    });
    Ok(())
}

/// Records a failed sign-in: the count, a lock until `locked_until` (if the caller decided
/// one), and the audit event.
pub async fn record_failure(
    db: &Db,
    key: &ChainKey,
    id: Uuid,
    locked_until: Option<OffsetDateTime>,
    event: AuditEntry,
) -> Result<()> {
    let sql = "UPDATE users SET failed_attempts = failed_attempts + 1, locked_until = $2 WHERE id = $1";
    audited!(db, key, std::slice::from_ref(&event), tx => {
        sqlx::query(sql).bind(id).bind(locked_until.map(domain::clock::storable)).execute(&mut *tx).await?;
    });
    Ok(())
}

/// A new session after a good password: failures reset, the session stored by its hash, the
/// sign-in audited.
pub async fn start_session(db: &Db, key: &ChainKey, session: &NewSession, event: AuditEntry) -> Result<()> {
    audited!(db, key, std::slice::from_ref(&event), tx => {
        sqlx::query("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = $1")
            .bind(session.user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&session.id_hash)
            .bind(session.user_id)
            .bind(&session.csrf_token)
            .bind(domain::clock::storable(session.created_at))
            .bind(domain::clock::storable(session.expires_at))
            .execute(&mut *tx)
            .await?;
    });
    Ok(())
}

/// A session to store.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id_hash: Vec<u8>,
    pub user_id: Uuid,
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// A live session and its account.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: OffsetDateTime,
}

/// The session with this hash, if unexpired at `now` and its account is usable (one query:
/// every staff request asks it).
pub async fn find_session(db: &Db, id_hash: &[u8], now: OffsetDateTime) -> Result<Option<Session>> {
    let sql = "SELECT u.id, u.login, u.display_name, u.role, u.agency_id, u.institution_id, u.password_hash, \
               u.failed_attempts, u.locked_until, u.disabled, u.created_at, u.email, s.csrf_token, s.expires_at AS session_expires_at \
               FROM sessions s JOIN users u ON u.id = s.user_id \
               WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.disabled = FALSE";
    let row: Option<SessionRow> = on_db!(db, pool =>
        sqlx::query_as(sql).bind(id_hash).bind(domain::clock::storable(now)).fetch_optional(pool).await?);
    row.map(|r| Ok(Session { user: User::try_from(r.user)?, csrf_token: r.csrf_token, expires_at: r.session_expires_at }))
        .transpose()
}

#[derive(FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: UserRow,
    csrf_token: String,
    session_expires_at: OffsetDateTime,
}

/// Ends a session (sign-out), audited.
pub async fn end_session(db: &Db, key: &ChainKey, id_hash: &[u8], event: AuditEntry) -> Result<()> {
    audited!(db, key, std::slice::from_ref(&event), tx => {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&mut *tx).await?;
    });
    Ok(())
}

/// A new password: every session of the account ends, except the one given (the user's
/// current one), audited.
pub async fn set_password(
    db: &Db,
    key: &ChainKey,
    id: Uuid,
    password_hash: &str,
    keep_session: Option<&[u8]>,
    at: OffsetDateTime,
    event: AuditEntry,
) -> Result<()> {
    audited!(db, key, std::slice::from_ref(&event), tx => {
        sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3, failed_attempts = 0, locked_until = NULL WHERE id = $1")
            .bind(id)
            .bind(password_hash)
            .bind(domain::clock::storable(at))
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR id_hash <> $2)")
            .bind(id)
            .bind(keep_session)
            .execute(&mut *tx)
            .await?;
    });
    Ok(())
}

/// What an administrator may change of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub role: StaffRole,
    pub agency_id: Option<String>,
    pub institution_id: Option<String>,
    pub disabled: bool,
}

/// Changes an account's role, affiliation or whether it is disabled; its sessions end (so
/// the change takes effect at once), audited.
pub async fn set_access(
    db: &Db,
    key: &ChainKey,
    id: Uuid,
    access: &Access,
    at: OffsetDateTime,
    events: &[AuditEntry],
) -> Result<()> {
    audited!(db, key, events, tx => {
        sqlx::query(
            "UPDATE users SET role = $2, agency_id = $3, institution_id = $4, disabled = $5, updated_at = $6, \
             failed_attempts = 0, locked_until = NULL WHERE id = $1",
        )
        .bind(id)
        .bind(access.role.as_str())
        .bind(&access.agency_id)
        .bind(&access.institution_id)
        .bind(access.disabled)
        .bind(domain::clock::storable(at))
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
    });
    Ok(())
}

/// An agency system's API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub agency_id: String,
    pub permissions: Vec<Permission>,
    pub created_by: Uuid,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

#[derive(FromRow)]
struct TokenRow {
    id: Uuid,
    name: String,
    agency_id: String,
    permissions: String,
    created_by: Uuid,
    created_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    revoked_at: Option<OffsetDateTime>,
}

impl TryFrom<TokenRow> for ApiToken {
    type Error = StoreError;

    fn try_from(r: TokenRow) -> Result<ApiToken> {
        let permissions = r
            .permissions
            .split_whitespace()
            .map(|p| Permission::parse(p).ok_or_else(|| StoreError::Corrupt("permission".into())))
            .collect::<Result<_>>()?;
        Ok(ApiToken {
            id: r.id,
            name: r.name,
            agency_id: r.agency_id,
            permissions,
            created_by: r.created_by,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
        })
    }
}

macro_rules! select_token {
    () => {
        "SELECT id, name, agency_id, permissions, created_by, created_at, expires_at, revoked_at FROM api_tokens"
    };
}

/// Stores a new token by the hash of its secret, audited.
pub async fn issue_token(db: &Db, key: &ChainKey, token: &ApiToken, secret_hash: &[u8], event: AuditEntry) -> Result<()> {
    let permissions = token.permissions.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(" ");
    audited!(db, key, std::slice::from_ref(&event), tx => {
        sqlx::query(
            "INSERT INTO api_tokens (id, secret_hash, name, agency_id, permissions, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(token.id)
        .bind(secret_hash)
        .bind(&token.name)
        .bind(&token.agency_id)
        .bind(&permissions)
        .bind(token.created_by)
        .bind(domain::clock::storable(token.created_at))
        .bind(domain::clock::storable(token.expires_at))
        .execute(&mut *tx)
        .await?;
    });
    Ok(())
}

/// The usable token with this id and secret hash at `now`: not revoked, not expired.
pub async fn find_token(db: &Db, id: Uuid, secret_hash: &[u8], now: OffsetDateTime) -> Result<Option<ApiToken>> {
    let sql = concat!(select_token!(), " WHERE id = $1 AND secret_hash = $2 AND revoked_at IS NULL AND expires_at > $3");
    let row: Option<TokenRow> = on_db!(db, pool => sqlx::query_as(sql)
        .bind(id).bind(secret_hash).bind(domain::clock::storable(now)).fetch_optional(pool).await?);
    row.map(ApiToken::try_from).transpose()
}

/// Every token, newest first.
pub async fn list_tokens(db: &Db) -> Result<Vec<ApiToken>> {
    let sql = concat!(select_token!(), " ORDER BY created_at DESC");
    let rows: Vec<TokenRow> = on_db!(db, pool => sqlx::query_as(sql).fetch_all(pool).await?);
    rows.into_iter().map(ApiToken::try_from).collect()
}

/// Revokes a token (no-op if already revoked), audited. False if there is no such token.
pub async fn revoke_token(db: &Db, key: &ChainKey, id: Uuid, at: OffsetDateTime, event: AuditEntry) -> Result<bool> {
    let found = audited!(db, key, std::slice::from_ref(&event), tx => {
        sqlx::query("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
            .bind(id)
            .bind(domain::clock::storable(at))
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0
    });
    Ok(found)
}
