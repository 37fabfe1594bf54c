//! Passwords: what makes an acceptable one, hashing with Argon2id, checking a sign-in without
//! telling who has an account, and the names, addresses and numbers accounts are made from.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::MIN_PASSWORD_CHARS;
use crate::{
    AppError,
    audit::{self, Action},
    entities::user,
};

/// The one answer to every failed sign-in: it never tells which part was wrong.
const SIGN_IN_REFUSED: &str = crate::text::THAT_EMAIL_AND_PASSWORD_DO_NOT;
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
    Err(AppError::bad_request(
        crate::text::that_password_is_too_easy_to(&why),
    ))
}

/// A person's name as shown: trimmed, 1 to 200 characters, no control characters.
pub fn normalize_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::bad_request(crate::text::ENTER_A_NAME_OF_1_TO));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::bad_request(
            crate::text::THE_NAME_CANNOT_CONTAIN_CONTROL_CHARACTERS,
        ));
    }
    Ok(name.to_string())
}

/// A mobile number in international form (`+447700900123`), from what people type: spaces,
/// dashes, dots and brackets are dropped, and a number without `+` is read as a national number
/// of `country` (the firm's, from Settings), when there is one.
pub fn normalize_mobile(mobile: &str, country: &str) -> Result<Option<String>, AppError> {
    let compact: String = mobile
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '(' | ')'))
        .collect();
    if compact.is_empty() {
        return Ok(None);
    }
    let international = if compact.starts_with('+') {
        Some(compact)
    } else {
        country
            .parse::<phonenumber::country::Id>()
            .ok()
            .filter(|_| compact.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|id| phonenumber::parse(Some(id), &compact).ok())
            .map(|number| number.format().mode(phonenumber::Mode::E164).to_string())
    };
    let digits = international
        .as_deref()
        .and_then(|n| n.strip_prefix('+'))
        .unwrap_or_default();
    if (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(international)
    } else if country.is_empty() {
        Err(AppError::bad_request(
            crate::text::ENTER_THE_MOBILE_NUMBER_IN_INTERNATIONAL,
        ))
    } else {
        Err(AppError::bad_request(
            crate::text::that_is_not_a_mobile_number(&country),
        ))
    }
}

#[cfg(test)]
mod mobile_tests {
    use super::normalize_mobile;

    #[test]
    fn national_mobile_numbers_are_read_in_the_firms_country() {
        let gb = |n: &str| normalize_mobile(n, "GB");
        assert_eq!(
            gb("07700 900123").ok().flatten().as_deref(),
            Some("+447700900123")
        );
        assert_eq!(
            gb("(07700) 900-123").ok().flatten().as_deref(),
            Some("+447700900123")
        );
        assert_eq!(
            gb("+1 415 555 0100").ok().flatten().as_deref(),
            Some("+14155550100")
        );
        assert_eq!(
            normalize_mobile("0412 345 678", "AU")
                .ok()
                .flatten()
                .as_deref(),
            Some("+61412345678")
        );
        assert_eq!(gb("  ").ok(), Some(None));
        let without = normalize_mobile("07700 900123", "").expect_err(crate::text::NO_COUNTRY);
        assert!(
            without.to_string().contains("international form"),
            "{without}"
        );
        for bad in ["07700x900123", "12", "+44 77", "+44 7700 900123 4567 89"] {
            assert!(gb(bad).is_err(), "{bad}");
        }
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
            crate::text::ENTER_A_VALID_EMAIL_ADDRESS_LIKE,
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
        .get_or_try_init(|| hash_password(crate::secrets::random_token()))
        .await
        .cloned()
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
