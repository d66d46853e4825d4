//! Logging in and out, and the bearer token every other `/api/v1` call
//! carries.
//!
//! A token is 32 random bytes in hex, shown to the device once. The relay
//! keeps only its SHA-256, bound to the account, the account's grid and the
//! device, so a leaked database holds nothing that logs in; a plain hash is
//! enough because the token has far too much entropy to guess.

use std::sync::OnceLock;

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::Json;
use gridline_schema::wire::{LoginRequest, LoginResponse};
use rand::RngCore;
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::extract::ApiJson;
use super::grid::load_grid;
use super::state::AppState;
use crate::{password, store};

/// Who is calling: the account, grid and device a bearer token was minted
/// for. Extracting it answers 401 `unauthorized` when the token is missing,
/// unknown or revoked.
#[derive(Debug, Clone)]
pub struct DeviceSession {
    pub account: String,
    pub grid_code: String,
    pub device_id: String,
    token_sha256: String,
}

#[cfg(test)]
impl DeviceSession {
    /// A session of `account` on grid `g`, for unit tests.
    pub fn for_tests(account: &str) -> DeviceSession {
        DeviceSession {
            account: account.to_owned(),
            grid_code: "g".to_owned(),
            device_id: "d".to_owned(),
            token_sha256: String::new(),
        }
    }
}

impl FromRequestParts<AppState> for DeviceSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer_token)
            .ok_or(ApiError::Unauthorized)?;
        let token_sha256 = sha256_hex(token.as_bytes());
        if let Some(session) = state.cached_session(&token_sha256) {
            return Ok(session);
        }
        let key = token_sha256.clone();
        let generation = state.token_generation();
        let session = state
            .db(move |conn| {
                let session = conn
                    .query_row(
                        "SELECT account, grid_code, device_id FROM device_tokens
                          WHERE token_sha256 = ?1 AND revoked_at_ms IS NULL",
                        params![token_sha256],
                        |r| {
                            Ok(DeviceSession {
                                account: r.get(0)?,
                                grid_code: r.get(1)?,
                                device_id: r.get(2)?,
                                token_sha256: token_sha256.clone(),
                            })
                        },
                    )
                    .optional()?;
                session.ok_or(ApiError::Unauthorized)
            })
            .await?;
        state.cache_session(key, session.clone(), generation);
        Ok(session)
    }
}

/// The token in an `Authorization: Bearer <token>` header value.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `POST /api/v1/login`: checks the password and mints a token bound to
/// the account's grid and the device.
pub async fn login(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let device_id = req.device_id.trim().to_owned();
    if device_id.is_empty() || device_id.len() > 200 {
        return Err(ApiError::invalid(
            "invalid_device_id",
            "device_id must be 1 to 200 bytes",
        ));
    }
    let account = req.account.trim().to_owned();

    let lookup = account.clone();
    let found = state
        .db(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT display_name, password_hash, grid_code FROM accounts WHERE account = ?1",
                    params![lookup],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)),
                )
                .optional()?)
        })
        .await?;

    // An unknown account is checked against a stand-in hash, so it takes as
    // long as a wrong password and the timing does not tell which it was.
    let password = req.password;
    let phc = found.as_ref().map(|(_, phc, _)| phc.clone());
    let verified = state
        .password_checks()
        .run(move || {
            let phc = match phc {
                Some(phc) => phc,
                None => stand_in_hash()?.to_owned(),
            };
            Ok(password::verify_password(&password, &phc))
        })
        .await?;
    let (display_name, grid_code) = match found {
        Some((display_name, _, grid_code)) if verified => (display_name, grid_code),
        _ => {
            tracing::info!("login refused");
            return Err(ApiError::LoginFailed);
        }
    };

    let token = mint_token();
    let token_sha256 = sha256_hex(token.as_bytes());
    let response_account = account.clone();
    let grid = state
        .db(move |conn| {
            conn.execute(
                "INSERT INTO device_tokens (token_sha256, account, grid_code, device_id, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![token_sha256, account, grid_code, device_id, store::now_ms()],
            )?;
            load_grid(conn, &grid_code)
        })
        .await?;
    tracing::info!(grid_code = %grid.code, "device logged in");
    Ok(Json(LoginResponse {
        token,
        account: response_account,
        display_name,
        grid,
        server_time_ms: store::now_ms(),
    }))
}

/// `POST /api/v1/logout`: revokes the token the request carries.
pub async fn logout(
    State(state): State<AppState>,
    session: DeviceSession,
) -> Result<StatusCode, ApiError> {
    let account = session.account.clone();
    state
        .db(move |conn| {
            conn.execute(
                "UPDATE device_tokens SET revoked_at_ms = ?1
                  WHERE token_sha256 = ?2 AND revoked_at_ms IS NULL",
                params![store::now_ms(), session.token_sha256],
            )?;
            Ok(())
        })
        .await?;
    state.forget_sessions_of(&account);
    Ok(StatusCode::NO_CONTENT)
}

/// 32 random bytes from the operating system, in hex.
fn mint_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A hash of a random password, made once, that no login can match.
fn stand_in_hash() -> Result<&'static str, ApiError> {
    static HASH: OnceLock<String> = OnceLock::new();
    if let Some(hash) = HASH.get() {
        return Ok(hash);
    }
    let hash = password::hash_password(&mint_token()).map_err(ApiError::internal)?;
    Ok(HASH.get_or_init(|| hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_token_is_read_with_any_scheme_case_and_nothing_else_is() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("abc"), None);
    }

    #[test]
    fn minted_tokens_are_64_hex_characters_and_differ() {
        let (a, b) = (mint_token(), mint_token());

        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}

/// The name of the platform API key `key`, if it is one.
pub async fn platform_key_name(state: &AppState, key: &str) -> Result<Option<String>, ApiError> {
    let key_sha256 = sha256_hex(key.as_bytes());
    state
        .db(move |conn| {
            Ok(conn
                .prepare_cached("SELECT name FROM api_keys WHERE key_sha256 = ?1")?
                .query_row(params![key_sha256], |r| r.get::<_, String>(0))
                .optional()?)
        })
        .await
}

/// The shortest password the relay accepts.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// `POST /api/v1/password`.
#[derive(Debug, serde::Deserialize)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// `POST /api/v1/password`: the signed-in leader changes their password.
/// Every other device of the account is signed out; this one stays.
pub async fn password_change(
    State(state): State<AppState>,
    session: DeviceSession,
    ApiJson(req): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let chars = req.new_password.chars().count();
    if !(MIN_PASSWORD_CHARS..=128).contains(&chars) || req.new_password == req.current_password {
        return Err(ApiError::invalid(
            "weak_password",
            format!("the new password needs {MIN_PASSWORD_CHARS} to 128 characters and must differ from the current one"),
        ));
    }
    let lookup = session.account.clone();
    let phc: String = state
        .db(move |conn| {
            Ok(conn.query_row(
                "SELECT password_hash FROM accounts WHERE account = ?1",
                params![lookup],
                |r| r.get(0),
            )?)
        })
        .await?;
    let (current, new) = (req.current_password, req.new_password);
    let new_phc = state
        .password_checks()
        .run(move || {
            if !password::verify_password(&current, &phc) {
                return Ok(None);
            }
            password::hash_password(&new)
                .map(Some)
                .map_err(ApiError::internal)
        })
        .await?
        .ok_or_else(|| ApiError::invalid("wrong_password", "the current password is wrong"))?;
    let keep = session.token_sha256.clone();
    let account = session.account.clone();
    state
        .db(move |conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "UPDATE accounts SET password_hash = ?2 WHERE account = ?1",
                params![session.account, new_phc],
            )?;
            tx.execute(
                "UPDATE device_tokens SET revoked_at_ms = ?3
                  WHERE account = ?1 AND token_sha256 != ?2 AND revoked_at_ms IS NULL",
                params![session.account, keep, store::now_ms()],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    state.forget_sessions_of(&account);
    tracing::info!("password changed");
    Ok(StatusCode::NO_CONTENT)
}
