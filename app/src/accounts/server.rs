//! Accounts on the server: validation, password hashing, setup links, the first administrator.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, TransactionTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::MIN_PASSWORD_CHARS;
use crate::{
    AppError,
    audit::{self, Action},
    db::begin_write,
    entities::{
        setup_token,
        user::{self, Role},
    },
};

/// Session key holding the signed-in user's id.
pub const SESSION_USER: &str = "user_id";
/// Session key holding when this session signed in (full precision: it is compared with
/// `users.sessions_revoked_at`, which may fall in the same second).
pub const SESSION_SIGNED_IN_AT: &str = "signed_in_at";
/// Session key: when this session was last used (the firm's idle timeout counts from it).
pub const SESSION_LAST_ACTIVE_AT: &str = "last_active_at";
/// The one answer to every failed sign-in: it never tells which part was wrong.
const SIGN_IN_REFUSED: &str = "That email and password do not match an active account.";

/// How long a first-run setup link stays valid.
pub const SETUP_LINK_LIFETIME: Duration = Duration::hours(1);
const MAX_PASSWORD_CHARS: usize = 1024;

/// A validated account to create. Building one is the only way to get a password hashed.
#[derive(Debug)]
pub struct NewAccount {
    pub display_name: String,
    pub email: String,
    password: String,
}

impl NewAccount {
    pub fn parse(display_name: &str, email: &str, password: String) -> Result<Self, AppError> {
        let display_name = normalize_name(display_name)?;
        let display_name = display_name.as_str();
        let email = normalize_email(email)?;
        let chars = password.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(AppError::bad_request(format!(
                "Choose a password of at least {MIN_PASSWORD_CHARS} characters; a few unrelated words make a strong one."
            )));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(AppError::bad_request(format!(
                "Choose a password of at most {MAX_PASSWORD_CHARS} characters."
            )));
        }
        check_guessability(&password, display_name, &email)?;
        Ok(Self {
            display_name: display_name.to_string(),
            email,
            password,
        })
    }
}

impl NewAccount {
    pub fn password_owned(&self) -> String {
        self.password.clone()
    }
}

/// Refuses passwords on the common-password lists, keyboard walks, repeats and ones built from the
/// person's own name or email (zxcvbn, whose dictionaries include the most common passwords).
/// Length alone does not make `password1234` safe.
fn check_guessability(password: &str, name: &str, email: &str) -> Result<(), AppError> {
    // zxcvbn's work grows with length; beyond this a password is not guessable by list anyway.
    let sample: String = password.chars().take(64).collect();
    let name = name.to_lowercase();
    let local = email.split('@').next().unwrap_or_default();
    let joined = name.split_whitespace().collect::<String>();
    let mut personal: Vec<&str> = name.split_whitespace().collect();
    personal.extend([joined.as_str(), local, email]);
    let estimate = zxcvbn::zxcvbn(&sample, &personal);
    if estimate.score() >= zxcvbn::Score::Three {
        return Ok(());
    }
    let why = estimate
        .feedback()
        .and_then(|f| f.warning())
        .map(|w| format!(" ({w})"))
        .unwrap_or_default();
    Err(AppError::bad_request(format!(
        "That password is too easy to guess{why}. A few unrelated words make a strong one."
    )))
}

/// A person's name as shown: trimmed, 1 to 200 characters, no control characters.
pub fn normalize_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::bad_request(
            "Enter a name of 1 to 200 characters.",
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::bad_request(
            "The name cannot contain control characters.",
        ));
    }
    Ok(name.to_string())
}

/// A mobile number in international form: `+` and 8 to 15 digits, with the spaces, dashes,
/// dots and brackets people type removed.
pub fn normalize_mobile(mobile: &str) -> Result<Option<String>, AppError> {
    let compact: String = mobile
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '(' | ')'))
        .collect();
    if compact.is_empty() {
        return Ok(None);
    }
    let digits = compact.strip_prefix('+').unwrap_or_default();
    if (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Some(compact))
    } else {
        Err(AppError::bad_request(
            "Enter the mobile number in international form, starting with + and the country code, like +44 7700 900123.",
        ))
    }
}

/// Lower-cases and checks an email address; the same address always maps to the same row.
pub fn normalize_email(email: &str) -> Result<String, AppError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 320
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.contains('@')
                && !domain.starts_with('.') && !domain.ends_with('.'));
    if valid {
        Ok(email)
    } else {
        Err(AppError::bad_request(
            "Enter a valid email address, like name@example.com.",
        ))
    }
}

/// Argon2id with the crate's recommended parameters, off the async threads: it is slow on purpose.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        use argon2::{Argon2, PasswordHasher, password_hash::SaltString};
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(format!("argon2: {e}")))
    })
    .await
    .map_err(AppError::internal)?
}

pub async fn verify_password(password: String, phc: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        use argon2::{Argon2, PasswordHash, PasswordVerifier};
        let parsed =
            PasswordHash::new(&phc).map_err(|e| AppError::internal(format!("argon2: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(AppError::internal)?
}

/// Checks email and password. Unknown addresses cost the same Argon2 work as known ones, so the
/// answer and its timing do not reveal who has an account.
pub async fn authenticate(
    db: &DatabaseConnection,
    email: &str,
    password: String,
    ip: Option<std::net::IpAddr>,
) -> Result<user::Model, AppError> {
    let attempt = match super::throttle::attempt_sign_in(db, email, ip).await {
        Ok(attempt) => attempt,
        Err(locked) => {
            let detail = Some(super::throttle::key(email));
            audit::record(db, Action::SignInLocked, None, detail, ip).await?;
            return Err(locked);
        }
    };
    let found = match normalize_email(email) {
        Ok(email) => {
            user::Entity::find()
                .filter(user::Column::Email.eq(email))
                .one(db)
                .await?
        }
        Err(_) => None,
    };
    let phc = match found.as_ref().and_then(|u| u.password_hash.clone()) {
        Some(phc) => phc,
        None => dummy_hash().await?,
    };
    let matches = verify_password(password, phc).await?;
    match found {
        Some(user) if matches && user.password_hash.is_some() && user.disabled_at.is_none() => {
            attempt.release(db).await?;
            audit::record(db, Action::SignIn, Some(user.id), None, ip).await?;
            Ok(user)
        }
        other => {
            attempt.keep();
            audit::record(db, Action::SignInRefused, other.map(|u| u.id), None, ip).await?;
            Err(AppError::Forbidden(SIGN_IN_REFUSED.into()))
        }
    }
}

/// A hash, with our parameters, of a random password nobody knows.
async fn dummy_hash() -> Result<String, AppError> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_try_init(|| hash_password(random_token()))
        .await
        .cloned()
}

pub async fn admin_exists(db: &impl ConnectionTrait) -> Result<bool, AppError> {
    let admins = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin))
        .count(db)
        .await?;
    Ok(admins > 0)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Issues a fresh one-time setup link while the portal has no administrator, replacing any
/// earlier unused link. Returns `None` once an administrator exists.
pub async fn issue_setup_link(
    db: &DatabaseConnection,
    public_url: &str,
) -> Result<Option<String>, AppError> {
    let txn = begin_write(db).await?;
    if admin_exists(&txn).await? {
        return Ok(None);
    }
    setup_token::Entity::delete_many()
        .filter(setup_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    let token = random_token();
    let now = Utc::now();
    setup_token::Entity::insert(setup_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        token_hash: Set(token_hash(&token)),
        created_at: Set(now),
        expires_at: Set(now + SETUP_LINK_LIFETIME),
        used_at: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(&txn, Action::SetupLinkIssued, None, None, None).await?;
    txn.commit().await?;
    Ok(Some(format!("{public_url}/setup?token={token}")))
}

/// 256 random bits, URL-safe.
pub fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Spends the setup link and creates the first administrator, all or nothing.
pub async fn create_first_admin(
    db: &DatabaseConnection,
    token: &str,
    account: NewAccount,
) -> Result<user::Model, AppError> {
    let hash = token_hash(token.trim());
    // A cheap look first, so a bogus link never costs an Argon2 hash.
    let usable = setup_token::Entity::find()
        .filter(setup_token::Column::TokenHash.eq(&hash))
        .filter(setup_token::Column::UsedAt.is_null())
        .filter(setup_token::Column::ExpiresAt.gt(Utc::now()))
        .count(db)
        .await?;
    if usable == 0 {
        return Err(refuse_setup_link(db).await);
    }
    let password_hash = hash_password(account.password.clone()).await?;
    let txn = begin_write(db).await?;
    let now = Utc::now();
    // Spending the link is the transaction's first statement, so two racing requests cannot
    // both spend it.
    let spent = setup_token::Entity::update_many()
        .col_expr(
            setup_token::Column::UsedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(setup_token::Column::TokenHash.eq(&hash))
        .filter(setup_token::Column::UsedAt.is_null())
        .filter(setup_token::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        drop(txn);
        return Err(refuse_setup_link(db).await);
    }
    if admin_exists(&txn).await? {
        return Err(AppError::Conflict(
            "This portal already has an administrator.".into(),
        ));
    }
    let admin = insert_user(&txn, account, Role::Admin, password_hash).await?;
    audit::record(
        &txn,
        Action::AdminCreated,
        Some(admin.id),
        Some(admin.email.clone()),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(admin)
}

async fn refuse_setup_link(db: &DatabaseConnection) -> AppError {
    if let Err(e) = audit::record(db, Action::SetupLinkRefused, None, None, None).await {
        return e;
    }
    AppError::bad_request(
        "This setup link is not valid: it was already used or has expired. Run \
         `dossier setup-link` on the server for a new one.",
    )
}

/// For scripted installs (`dossier admin create`): no link, but the same validation.
pub async fn create_admin(
    db: &DatabaseConnection,
    account: NewAccount,
) -> Result<user::Model, AppError> {
    let password_hash = hash_password(account.password.clone()).await?;
    let admin = db
        .transaction::<_, _, AppError>(|txn| {
            Box::pin(async move {
                let admin = insert_user(txn, account, Role::Admin, password_hash).await?;
                audit::record(
                    txn,
                    Action::AdminCreated,
                    Some(admin.id),
                    Some(admin.email.clone()),
                    None,
                )
                .await?;
                Ok(admin)
            })
        })
        .await?;
    Ok(admin)
}

/// Marks `session` as signed in to `user`, under a fresh id so a planted id is worthless. What the
/// session knew about anyone else (a passed second factor, say) is forgotten.
pub async fn start_session(session: &tower_sessions::Session, user: Uuid) -> Result<(), AppError> {
    let before: Option<Uuid> = session
        .get(SESSION_USER)
        .await
        .map_err(AppError::internal)?;
    if before != Some(user) {
        session.clear().await;
    }
    super::second_factor::clear_pending(session).await?;
    session.cycle_id().await.map_err(AppError::internal)?;
    session
        .insert(SESSION_USER, user)
        .await
        .map_err(AppError::internal)?;
    session
        .insert(SESSION_SIGNED_IN_AT, Utc::now())
        .await
        .map_err(AppError::internal)
}

/// Ends every session of `user` at its next use.
pub async fn revoke_sessions(db: &impl ConnectionTrait, user: Uuid) -> Result<(), AppError> {
    user::Entity::update_many()
        .col_expr(
            user::Column::SessionsRevokedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(user::Column::Id.eq(user))
        .exec(db)
        .await?;
    Ok(())
}

/// Asks a signed-in person for their password again before a sensitive change.
pub async fn confirm_password(
    db: &DatabaseConnection,
    user: &crate::policy::SignedInUser,
    password: String,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    authenticate(db, &user.email, password, ip)
        .await
        .map(drop)
        .map_err(|e| match e {
            AppError::Forbidden(_) => {
                AppError::Forbidden("Your current password is not right.".into())
            }
            other => other,
        })
}

/// Checks the current password, sets a new one and ends every other session.
pub async fn change_password(
    db: &DatabaseConnection,
    portal: &crate::state::Portal,
    user: &crate::policy::SignedInUser,
    current: String,
    new: String,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    let checked = NewAccount::parse(&user.display_name, &user.email, new)?;
    confirm_password(db, user, current, ip).await?;
    let hash = hash_password(checked.password).await?;
    let txn = begin_write(db).await?;
    user::Entity::update_many()
        .col_expr(
            user::Column::PasswordHash,
            sea_orm::sea_query::Expr::value(hash),
        )
        .col_expr(
            user::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(user::Column::Id.eq(user.id))
        .exec(&txn)
        .await?;
    revoke_sessions(&txn, user.id).await?;
    audit::record(&txn, Action::PasswordChanged, Some(user.id), None, ip).await?;
    super::notices::send(
        &txn,
        portal,
        &user.email,
        &user.display_name,
        super::notices::Notice::PasswordChanged,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn insert_user(
    db: &impl ConnectionTrait,
    account: NewAccount,
    role: Role,
    password_hash: String,
) -> Result<user::Model, AppError> {
    insert_person(
        db,
        account.display_name,
        account.email,
        None,
        role,
        Some(password_hash),
    )
    .await
}

/// A new row in `users`: an account, or a contact who has no password until invited.
pub async fn insert_person(
    db: &impl ConnectionTrait,
    display_name: String,
    email: String,
    mobile: Option<String>,
    role: Role,
    password_hash: Option<String>,
) -> Result<user::Model, AppError> {
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .count(db)
        .await?;
    if taken > 0 {
        return Err(AppError::Conflict(
            "An account with this email address already exists.".into(),
        ));
    }
    let now = Utc::now();
    let model = user::Model {
        id: Uuid::now_v7(),
        email,
        display_name,
        role,
        created_at: now,
        updated_at: now,
        disabled_at: None,
        sessions_revoked_at: None,
        // An account created with its password has joined; a contact joins when invited.
        joined_at: password_hash.is_some().then_some(now),
        mobile,
        password_hash,
    };
    user::Entity::insert(user::ActiveModel::from(model.clone()))
        .exec_without_returning(db)
        .await?;
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            normalize_email("  Ada@Example.COM ").ok().as_deref(),
            Some("ada@example.com")
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a da@example.com",
            "a@b@c.com",
            "ada@.com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn short_passwords_and_blank_names_are_refused() {
        assert!(NewAccount::parse("Ada", "ada@example.com", "short".into()).is_err());
        assert!(
            NewAccount::parse("  ", "ada@example.com", "correct horse battery".into()).is_err()
        );
        assert!(
            NewAccount::parse("Ada", "ada@example.com", "correct horse battery".into()).is_ok()
        );
    }

    #[test]
    fn common_and_personal_passwords_are_refused_whatever_their_length() {
        for weak in [
            "password1234",
            "qwertyuiop123",
            "123456789012",
            "aaaaaaaaaaaa",
            "adalovelace1",
            "iloveyou1234",
        ] {
            let refused = NewAccount::parse("Ada Lovelace", "ada@example.com", weak.into());
            assert!(
                matches!(&refused, Err(AppError::BadRequest(m)) if m.contains("too easy to guess")),
                "{weak}: {refused:?}"
            );
        }
        for strong in [
            "correct horse battery staple",
            "tulip-granite-ferry-47",
            "an even longer passphrase",
            "a different long passphrase",
        ] {
            assert!(
                NewAccount::parse("Ada Lovelace", "ada@example.com", strong.into()).is_ok(),
                "{strong}"
            );
        }
    }

    #[tokio::test]
    async fn passwords_hash_with_argon2id_and_verify() {
        let phc = hash_password("correct horse battery".into())
            .await
            .expect("hash");
        assert!(phc.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse battery".into(), phc.clone())
                .await
                .expect("verify")
        );
        assert!(
            !verify_password("wrong horse battery".into(), phc)
                .await
                .expect("verify")
        );
    }
}
