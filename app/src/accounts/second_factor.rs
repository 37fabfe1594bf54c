//! The second factor on the server: authenticator-app codes (TOTP, RFC 6238: SHA-1, six digits,
//! 30-second steps, one step of drift either way), each accepted once, and the recovery codes of
//! `recovery_codes`. TOTP secrets are sealed at rest (`crate::secrets`).
//!
//! A new factor is proof of the person only if the person proved themselves to get it: an account
//! that can already receive a code (email, or a text message) must give a fresh one before an app
//! is saved, and the app's code or a recovery code is asked before it is removed. Otherwise a
//! password alone would buy the step-up that protected conversations ask for.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, sea_query::Expr,
};
use totp_rs::{Algorithm, Secret, TOTP};
use tower_sessions::Session;

use super::{
    api::TotpEnrolment,
    notices::{self, Notice},
    recovery_codes,
};
use crate::ids::UserId;
use crate::{
    AppError,
    audit::{self, Action},
    db::begin_write,
    entities::{one_time_code::Channel, recovery_code, totp_credential, user},
    policy::SignedInUser,
    secrets::SecretKey,
    state::Portal,
};

const STEP_SECONDS: u64 = 30;
const ISSUER: &str = "Dossier";

/// Session key: the account whose password was right and whose code is still awaited.
const SESSION_PENDING_USER: &str = "pending_user_id";
const SESSION_PENDING_AT: &str = "pending_at";
/// Session key: when this session last passed the second factor (the step-up window's start).
pub const SESSION_SECOND_FACTOR_AT: &str = "second_factor_at";
/// Session key: a secret being enrolled, kept out of the database until a code proves the app has it.
const SESSION_ENROLMENT: &str = "totp_enrolment";
/// How long a sign-in waits for its code after the password.
pub const PENDING_SIGN_IN_LIFETIME: Duration = Duration::minutes(5);

pub const WRONG_CODE: &str = crate::text::THAT_CODE_IS_NOT_RIGHT_CHECK_2;
const REPLAYED_CODE: &str = crate::text::THAT_CODE_HAS_ALREADY_BEEN_USED;

fn totp(secret: Vec<u8>, account: &str) -> Result<TOTP, AppError> {
    // Skew 0 here: `matching_step` walks the three acceptable steps itself, to learn which matched.
    TOTP::new(
        Algorithm::SHA1,
        6,
        0,
        STEP_SECONDS,
        secret,
        Some(ISSUER.into()),
        account.into(),
    )
    .map_err(|e| AppError::internal(format!("totp: {e:?}")))
}

fn decode(secret: &str) -> Result<Vec<u8>, AppError> {
    Secret::Encoded(secret.to_string())
        .to_bytes()
        .map_err(|e| AppError::internal(format!("stored totp secret: {e:?}")))
}

/// What a secret is sealed for: the row it belongs to.
fn totp_purpose(user: UserId) -> String {
    format!("totp:{user}")
}

fn enrolment_purpose(user: UserId) -> String {
    format!("totp-enrolment:{user}")
}

/// The secret bytes of `user`'s stored credential.
fn stored_secret(
    key: &SecretKey,
    credential: &totp_credential::Model,
) -> Result<Vec<u8>, AppError> {
    let base32 = key.open(&totp_purpose(credential.user_id), &credential.secret)?;
    decode(&String::from_utf8(base32).map_err(AppError::internal)?)
}

/// Where `user` can already receive a code, if anywhere: the proof asked before a new factor.
async fn proof_channel(
    db: &DatabaseConnection,
    portal: &Portal,
    user: &user::Model,
) -> Result<Option<Channel>, AppError> {
    if portal.channels.email {
        return Ok(Some(Channel::Email));
    }
    let sms = user.mobile.is_some()
        && portal.channels.sms
        && crate::settings::server::in_force(db).await?.sms_enabled;
    Ok(sms.then_some(Channel::Sms))
}

async fn account(db: &DatabaseConnection, user: UserId) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(user)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// The time step `code` belongs to, if it is the code of the current step or of one step either
/// side of it (a phone clock a little off, or a code typed as it rolled over).
pub fn matching_step(secret: &[u8], code: &str, unix_seconds: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret.to_vec(), "").ok()?;
    let now = unix_seconds / STEP_SECONDS;
    (now.saturating_sub(1)..=now + 1).find(|step| totp.check(&code, step * STEP_SECONDS))
}

fn unix_now() -> u64 {
    u64::try_from(Utc::now().timestamp()).unwrap_or_default()
}

/// Starts enrolment: a fresh 160-bit secret, kept (sealed) in the session until confirmed. An
/// account that can receive codes is sent one now: confirming asks for it.
pub async fn start_enrolment(
    db: &DatabaseConnection,
    portal: &Portal,
    session: &Session,
    user: &SignedInUser,
    ip: Option<std::net::IpAddr>,
) -> Result<TotpEnrolment, AppError> {
    if is_enrolled(db, user.id()).await? {
        return Err(AppError::Conflict(
            crate::text::AN_AUTHENTICATOR_APP_IS_ALREADY_SET.into(),
        ));
    }
    let secret = {
        use rand::RngCore;
        let mut bytes = vec![0u8; 20];
        rand::rng().fill_bytes(&mut bytes);
        bytes
    };
    let totp = totp(secret, user.email())?;
    let encoded = totp.get_secret_base32();
    let model = account(db, user.id()).await?;
    let proof_sent_to = match proof_channel(db, portal, &model).await? {
        Some(channel) => Some(super::codes::send(db, portal, &model, channel, ip).await?),
        None => None,
    };
    session
        .insert(
            SESSION_ENROLMENT,
            portal
                .secret_key
                .seal(&enrolment_purpose(user.id()), encoded.as_bytes())?,
        )
        .await
        .map_err(AppError::internal)?;
    let url = totp.get_url();
    Ok(TotpEnrolment {
        qr_svg: qr_svg(&url)?,
        secret: grouped(&encoded),
        otpauth_url: url,
        proof_sent_to,
    })
}

/// The QR code of `text` as an SVG element, drawn on the server so the page needs no script for it.
fn qr_svg(text: &str) -> Result<String, AppError> {
    let code =
        qrcode::QrCode::new(text.as_bytes()).map_err(|e| AppError::internal(format!("qr: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    // Inline in the page: the XML declaration is not wanted there.
    Ok(svg
        .find("<svg")
        .map(|at| svg[at..].to_string())
        .unwrap_or(svg))
}

/// `ABCDEFGH…` as `ABCD EFGH …`, for typing into an app by hand.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Finishes enrolment when `code` comes from the app holding the session's secret and, for an
/// account that can receive codes, `proof` is the code just sent to it. Returns the recovery
/// codes, shown this once and stored only as hashes.
/// The two codes that confirm an enrolment, named so they cannot be swapped.
pub struct EnrolmentCodes<'a> {
    /// The code the new authenticator app shows.
    pub app: &'a str,
    /// The code sent over the channel the account already has (empty when it has none).
    pub proof: &'a str,
}

pub async fn confirm_enrolment(
    db: &DatabaseConnection,
    portal: &Portal,
    session: &Session,
    user: &SignedInUser,
    codes: EnrolmentCodes<'_>,
    ip: Option<std::net::IpAddr>,
) -> Result<Vec<String>, AppError> {
    let EnrolmentCodes { app: code, proof } = codes;
    check_shape(code)?;
    let model = account(db, user.id()).await?;
    let proof_needed = proof_channel(db, portal, &model).await?.is_some();
    if proof_needed && proof.trim().is_empty() {
        return Err(AppError::bad_request(
            crate::text::ENTER_THE_CODE_WE_SENT_YOU,
        ));
    }
    let sealed: Option<String> = session
        .get(SESSION_ENROLMENT)
        .await
        .map_err(AppError::internal)?;
    let Some(sealed) = sealed else {
        return Err(AppError::bad_request(crate::text::START_THE_SET_UP_AGAIN));
    };
    let secret = String::from_utf8(
        portal
            .secret_key
            .open(&enrolment_purpose(user.id()), &sealed)?,
    )
    .map_err(AppError::internal)?;
    let attempt = super::throttle::attempt_code(db, user.id(), ip).await?;
    let Some(step) = matching_step(&decode(&secret)?, code, unix_now()) else {
        attempt.keep();
        return Err(AppError::Forbidden(WRONG_CODE.into()));
    };
    if proof_needed && let Err(e) = super::codes::verify(db, user.id(), proof).await {
        attempt.keep();
        audit::record(db, Action::SecondFactorRefused, Some(user.id()), None, ip).await?;
        return Err(e);
    }
    let codes = recovery_codes::new_set();
    let hashes = recovery_codes::hashes(&codes).await?;
    let txn = begin_write(db).await?;
    if is_enrolled(&txn, user.id()).await? {
        return Err(AppError::Conflict(
            crate::text::AN_AUTHENTICATOR_APP_IS_ALREADY_SET_2.into(),
        ));
    }
    let now = Utc::now();
    totp_credential::Entity::insert(totp_credential::ActiveModel {
        user_id: Set(user.id()),
        secret: Set(portal
            .secret_key
            .seal(&totp_purpose(user.id()), secret.as_bytes())?),
        enabled_at: Set(now),
        last_used_step: Set(i64::try_from(step).ok()),
    })
    .exec_without_returning(&txn)
    .await?;
    recovery_codes::replace(&txn, user.id(), hashes).await?;
    audit::record(
        &txn,
        Action::SecondFactorEnrolled,
        Some(user.id()),
        None,
        ip,
    )
    .await?;
    notices::send(
        &txn,
        portal,
        notices::To::account(&model),
        Notice::FactorAdded,
    )
    .await?;
    crate::outbox::commit_and_send(txn).await?;
    attempt.release(db).await?;
    session
        .remove_value(SESSION_ENROLMENT)
        .await
        .map_err(AppError::internal)?;
    if proof_needed {
        // The emailed or texted code was a second factor: this session has passed it.
        mark_passed(session).await?;
    } else {
        // Nothing but the password was shown: a new id for the changed account, no step-up.
        session.cycle_id().await.map_err(AppError::internal)?;
    }
    Ok(codes)
}

/// Salts and slow-hashes recovery codes stored as plain SHA-256 by earlier versions, and seals
/// TOTP secrets stored in clear: run at start, before anything reads them.
pub async fn seal_stored_secrets(db: &DatabaseConnection, key: &SecretKey) -> Result<(), AppError> {
    for credential in totp_credential::Entity::find().all(db).await? {
        if SecretKey::is_sealed(&credential.secret) {
            continue;
        }
        let sealed = key.seal(
            &totp_purpose(credential.user_id),
            credential.secret.as_bytes(),
        )?;
        totp_credential::Entity::update_many()
            .col_expr(totp_credential::Column::Secret, Expr::value(sealed))
            .filter(totp_credential::Column::UserId.eq(credential.user_id))
            .filter(totp_credential::Column::Secret.eq(credential.secret))
            .exec(db)
            .await?;
    }
    super::recovery_codes::salt_plain(db).await
}

pub async fn is_enrolled(db: &impl ConnectionTrait, user: UserId) -> Result<bool, AppError> {
    Ok(totp_credential::Entity::find_by_id(user).count(db).await? > 0)
}

/// Removes the authenticator and every recovery code, once the password and a current code
/// (from the app, or a recovery code) show it is the person.
pub async fn remove(
    db: &DatabaseConnection,
    portal: &Portal,
    user: &SignedInUser,
    password: String,
    code: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    if code.trim().is_empty() {
        return Err(AppError::bad_request(
            crate::text::ENTER_A_CODE_FROM_YOUR_AUTHENTICATOR,
        ));
    }
    super::server::confirm_password(db, user, password, ip).await?;
    verify(db, portal, user.id(), code, ip).await?;
    let txn = begin_write(db).await?;
    totp_credential::Entity::delete_by_id(user.id())
        .exec(&txn)
        .await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user.id()))
        .exec(&txn)
        .await?;
    audit::record(&txn, Action::SecondFactorRemoved, Some(user.id()), None, ip).await?;
    notices::send(
        &txn,
        portal,
        notices::To::signed_in(user),
        Notice::FactorRemoved,
    )
    .await?;
    crate::outbox::commit_and_send(txn).await?;
    Ok(())
}

/// Refuses, without counting a failure, what cannot be a code at all.
fn check_shape(code: &str) -> Result<(), AppError> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let totp = digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit());
    if totp || recovery_codes::normalize(code).is_some() {
        Ok(())
    } else {
        Err(AppError::bad_request(
            crate::text::ENTER_THE_SIX_DIGIT_CODE_FROM,
        ))
    }
}

/// Checks a code typed by `user`: an authenticator code newer than the last one accepted, or an
/// unused recovery code, which is spent; for people without an app, the code last sent to them.
/// Each attempt is reserved before it is checked (per account and per IP); every outcome audited.
pub async fn verify(
    db: &DatabaseConnection,
    portal: &Portal,
    user: UserId,
    code: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    check_shape(code)?;
    let attempt = super::throttle::attempt_code(db, user, ip).await?;
    let refused = |sentence: &str| AppError::Forbidden(sentence.to_string());
    let outcome = match totp_credential::Entity::find_by_id(user).one(db).await? {
        // No authenticator app: the code sent by email or text message.
        None => super::codes::verify(db, user, code)
            .await
            .map(|()| Action::SecondFactorPassed),
        Some(credential) => {
            let secret = stored_secret(&portal.secret_key, &credential)?;
            if let Some(step) = matching_step(&secret, code, unix_now()) {
                spend_step(db, user, step)
                    .await
                    .map(|()| Action::SecondFactorPassed)
            } else if recovery_codes::spend(db, user, code).await? {
                Ok(Action::RecoveryCodeUsed)
            } else {
                Err(refused(WRONG_CODE))
            }
        }
    };
    match outcome {
        Ok(action) => {
            audit::record(db, action, Some(user), None, ip).await?;
            attempt.release(db).await?;
            Ok(())
        }
        Err(e) => {
            attempt.keep();
            audit::record(db, Action::SecondFactorRefused, Some(user), None, ip).await?;
            Err(e)
        }
    }
}

/// Records `step` as used, if no code of this or a later step was accepted before. One statement,
/// so two requests racing with the same code cannot both pass.
async fn spend_step(db: &DatabaseConnection, user: UserId, step: u64) -> Result<(), AppError> {
    let step = i64::try_from(step).map_err(AppError::internal)?;
    let spent = totp_credential::Entity::update_many()
        .col_expr(totp_credential::Column::LastUsedStep, Expr::value(step))
        .filter(totp_credential::Column::UserId.eq(user))
        .filter(
            sea_orm::Condition::any()
                .add(totp_credential::Column::LastUsedStep.is_null())
                .add(totp_credential::Column::LastUsedStep.lt(step)),
        )
        .exec(db)
        .await?;
    if spent.rows_affected == 1 {
        Ok(())
    } else {
        Err(AppError::Forbidden(REPLAYED_CODE.into()))
    }
}

/// The password was right; the code is still awaited. The session is not signed in yet, and its
/// id changes now and again when the code is accepted.
pub async fn await_code(session: &Session, user: UserId) -> Result<(), AppError> {
    session.cycle_id().await.map_err(AppError::internal)?;
    session
        .insert(SESSION_PENDING_USER, user)
        .await
        .map_err(AppError::internal)?;
    session
        .insert(SESSION_PENDING_AT, Utc::now())
        .await
        .map_err(AppError::internal)
}

/// The account awaiting its code in this session, if the password was given recently enough.
pub async fn pending_user(session: &Session) -> Result<Option<UserId>, AppError> {
    let user: Option<UserId> = session
        .get(SESSION_PENDING_USER)
        .await
        .map_err(AppError::internal)?;
    let at: Option<DateTime<Utc>> = session
        .get(SESSION_PENDING_AT)
        .await
        .map_err(AppError::internal)?;
    Ok(match (user, at) {
        (Some(user), Some(at)) if Utc::now() - at < PENDING_SIGN_IN_LIFETIME => Some(user),
        _ => None,
    })
}

pub async fn clear_pending(session: &Session) -> Result<(), AppError> {
    for key in [SESSION_PENDING_USER, SESSION_PENDING_AT] {
        session
            .remove_value(key)
            .await
            .map_err(AppError::internal)?;
    }
    Ok(())
}

/// This session passed the second factor now: a new id (a step-up is a privilege change) and the
/// start of the step-up window.
pub async fn mark_passed(session: &Session) -> Result<(), AppError> {
    session.cycle_id().await.map_err(AppError::internal)?;
    session
        .insert(SESSION_SECOND_FACTOR_AT, Utc::now())
        .await
        .map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (eight digits there; the last six are the six-digit code).
    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59u64, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(
                matching_step(secret, code, time),
                Some(time / STEP_SECONDS),
                "{time}"
            );
        }
    }

    #[test]
    fn one_step_of_drift_either_way_and_no_more() {
        let secret = b"12345678901234567890";
        let t = 1_111_111_109u64; // code 081804 belongs to step t / 30
        let step = t / STEP_SECONDS;
        assert_eq!(matching_step(secret, "081804", t + 30), Some(step));
        assert_eq!(matching_step(secret, "081804", t - 30), Some(step));
        assert_eq!(matching_step(secret, "081 804", t), Some(step));
        assert_eq!(matching_step(secret, "081804", t + 60), None);
        assert_eq!(matching_step(secret, "081804", t - 60), None);
        for junk in ["", "81804", "0818045", "08180a", "０８１８０４"] {
            assert_eq!(matching_step(secret, junk, t), None, "{junk:?}");
        }
    }
}
