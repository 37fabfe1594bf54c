//! Recovery codes: ten one-time codes given when an authenticator app is set up, each signing in
//! once if the phone is lost. Ten characters from a 31-letter alphabet (about 50 bits), so they
//! are stored as salted Argon2id hashes (ASVS 2.6.2), never as the codes.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, sea_query::Expr,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::ids::UserId;
use crate::{AppError, entities::recovery_code};

pub const COUNT: usize = 10;
/// No 0/o, 1/l/i, so a code read off paper is typed right.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A fresh set of codes, to show once.
pub fn new_set() -> Vec<String> {
    (0..COUNT).map(|_| new_code()).collect()
}

/// Ten characters (about 50 bits) as `xxxxx-xxxxx`.
fn new_code() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let chars: String = (0..10)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// A recovery code as typed, reduced to its ten characters, or `None` if it cannot be one.
pub fn normalize(code: &str) -> Option<String> {
    let code: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    (code.len() == 10 && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// What is hashed of a recovery code: the SHA-256 of its ten characters (codes stored before
/// they were salted were kept as exactly this, and are hashed again on top of it at start).
fn digest(code: &str) -> String {
    let normalized = normalize(code).unwrap_or_default();
    hex::encode(Sha256::digest(normalized.as_bytes()))
}

/// Salted Argon2id hashes (ASVS 2.6.2: a ten-character code has about 50 bits, too few for a
/// plain hash that a stolen database could be searched against).
pub async fn hashes(codes: &[String]) -> Result<Vec<String>, AppError> {
    let mut hashes = Vec::with_capacity(codes.len());
    for code in codes {
        hashes.push(super::passwords::hash_password(digest(code)).await?);
    }
    Ok(hashes)
}

pub async fn replace(
    db: &impl ConnectionTrait,
    user: UserId,
    hashes: Vec<String>,
) -> Result<(), AppError> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user))
        .exec(db)
        .await?;
    let now = Utc::now();
    recovery_code::Entity::insert_many(hashes.into_iter().map(|hash| recovery_code::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user),
        code_hash: Set(hash),
        created_at: Set(now),
        used_at: Set(None),
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Salts and slow-hashes codes stored as plain SHA-256 by earlier versions (their SHA-256 is what
/// `digest` gives, so they keep working): run at start.
pub async fn salt_plain(db: &DatabaseConnection) -> Result<(), AppError> {
    let plain = recovery_code::Entity::find()
        .filter(recovery_code::Column::CodeHash.not_like("$argon2%"))
        .all(db)
        .await?;
    for row in plain {
        let salted = super::passwords::hash_password(row.code_hash.clone()).await?;
        recovery_code::Entity::update_many()
            .col_expr(recovery_code::Column::CodeHash, Expr::value(salted))
            .filter(recovery_code::Column::Id.eq(row.id))
            .filter(recovery_code::Column::CodeHash.eq(row.code_hash))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Spends the unused recovery code of `user` that `code` is, if any. Each stored code has its
/// own salt, so the (at most ten) unused ones are checked one by one, off the async threads.
pub async fn spend(db: &DatabaseConnection, user: UserId, code: &str) -> Result<bool, AppError> {
    if normalize(code).is_none() {
        return Ok(false);
    }
    let unused = recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user))
        .filter(recovery_code::Column::UsedAt.is_null())
        .all(db)
        .await?;
    let digest = digest(code);
    let mut matching = None;
    for row in unused {
        if super::passwords::verify_password(digest.clone(), row.code_hash.clone()).await? {
            matching = Some(row.id);
            break;
        }
    }
    let Some(id) = matching else { return Ok(false) };
    // Conditional, so two requests racing with the same code cannot both spend it.
    let spent = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(Utc::now()))
        .filter(recovery_code::Column::Id.eq(id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(spent.rows_affected == 1)
}

/// How many unused recovery codes `user` has left.
pub async fn left(db: &DatabaseConnection, user: UserId) -> Result<u64, AppError> {
    Ok(recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_distinct_readable_and_normalised() {
        let codes: std::collections::HashSet<String> = (0..COUNT).map(|_| new_code()).collect();
        assert_eq!(codes.len(), COUNT);
        for code in &codes {
            assert_eq!(code.len(), 11, "{code}");
            let typed = format!(" {} ", code.to_uppercase().replace('-', " "));
            assert_eq!(digest(&typed), digest(code));
        }
        assert_eq!(normalize("abc"), None);
        assert_eq!(normalize("aaaaa-aaaa0"), None);
    }
}
