//! Secrets at rest: what the server must read back (TOTP secrets, the secret of an enrolment in
//! progress) is sealed with ChaCha20-Poly1305 under a key that is not in the database
//! (`DOSSIER_SECRET_KEY`, or `secret.key` in the data folder). A stolen database or backup
//! without the key holds nothing usable; a sealed value moved to another row does not open,
//! because the row it belongs to is bound in as associated data.

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};

use crate::{AppError, entities::secret_key_check};

/// Sealed values start with this, so old plain ones can be told apart and sealed at start.
const PREFIX: &str = "v1:";
const CHECK_TEXT: &[u8] = b"dossier secret key check";
const CHECK_PURPOSE: &str = "key-check";

pub struct SecretKey(LessSafeKey);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

impl SecretKey {
    pub fn new(bytes: &[u8; 32]) -> Result<Self, String> {
        UnboundKey::new(&CHACHA20_POLY1305, bytes)
            .map(|key| Self(LessSafeKey::new(key)))
            .map_err(|_| "The secret key cannot be used.".to_string())
    }

    /// `plain`, sealed for `purpose` (the row it belongs to, e.g. `totp:<user id>`).
    pub fn seal(&self, purpose: &str, plain: &[u8]) -> Result<String, AppError> {
        use rand::RngCore;
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let mut sealed = plain.to_vec();
        self.0
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(purpose.as_bytes()),
                &mut sealed,
            )
            .map_err(|_| AppError::internal("sealing a secret failed"))?;
        Ok(format!(
            "{PREFIX}{}{}",
            hex::encode(nonce),
            hex::encode(sealed)
        ))
    }

    /// Opens what `seal` made for the same `purpose`; anything else is refused.
    pub fn open(&self, purpose: &str, sealed: &str) -> Result<Vec<u8>, AppError> {
        let refused = || AppError::internal(format!("a sealed secret ({purpose}) does not open"));
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|hex_text| hex::decode(hex_text).ok())
            .filter(|b| b.len() >= NONCE_LEN)
            .ok_or_else(refused)?;
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| refused())?;
        let mut in_out = sealed.to_vec();
        let plain = self
            .0
            .open_in_place(nonce, Aad::from(purpose.as_bytes()), &mut in_out)
            .map_err(|_| refused())?;
        Ok(plain.to_vec())
    }

    pub fn is_sealed(value: &str) -> bool {
        value.starts_with(PREFIX)
    }

    /// Makes sure this is the key the database's secrets were sealed with (the first start
    /// records it). A wrong key would lock every authenticator out, so the server refuses to
    /// start instead.
    pub async fn check_against(&self, db: &DatabaseConnection) -> Result<(), String> {
        let failed = |e: sea_orm::DbErr| format!("Cannot check the secret key: {e}.");
        match secret_key_check::Entity::find_by_id(1)
            .one(db)
            .await
            .map_err(failed)?
        {
            Some(row) => match self.open(CHECK_PURPOSE, &row.sealed) {
                Ok(text) if text == CHECK_TEXT => Ok(()),
                _ => Err(
                    "The secret key (DOSSIER_SECRET_KEY, or secret.key in the data folder) \
                     is not the one this database's secrets were sealed with. Restore the key \
                     from the backup made with the database."
                        .into(),
                ),
            },
            None => {
                let sealed = self
                    .seal(CHECK_PURPOSE, CHECK_TEXT)
                    .map_err(|e| e.to_string())?;
                secret_key_check::Entity::insert(secret_key_check::ActiveModel {
                    id: Set(1),
                    sealed: Set(sealed),
                })
                .on_conflict_do_nothing()
                .exec_without_returning(db)
                .await
                .map_err(failed)?;
                // Another node may have recorded its key first: check against what is there.
                Box::pin(self.check_against(db)).await
            }
        }
    }
}

/// A fresh random key, as the 64 hex digits a key file or `DOSSIER_SECRET_KEY` holds.
pub fn new_key_hex() -> String {
    use rand::RngCore;
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    hex::encode(key)
}

/// 64 hex digits as a key.
pub fn parse_key_hex(text: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(text.trim()).ok()?;
    bytes.try_into().ok()
}

/// 256 random bits, URL-safe: the secret part of a link (setup, invitation, reset, sign-in).
pub fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_purpose() {
        let key = SecretKey::new(&[7; 32]).expect("key");
        let sealed = key.seal("totp:a", b"JBSWY3DPEHPK3PXP").expect("seal");
        assert!(SecretKey::is_sealed(&sealed));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(
            key.open("totp:a", &sealed).expect("open"),
            b"JBSWY3DPEHPK3PXP"
        );
        assert!(key.open("totp:b", &sealed).is_err(), "another row's value");
        let other = SecretKey::new(&[8; 32]).expect("key");
        assert!(other.open("totp:a", &sealed).is_err(), "another key");
        let mut flipped = sealed.clone().into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).expect("text");
        assert!(key.open("totp:a", &flipped).is_err(), "a changed value");
        assert_ne!(
            key.seal("totp:a", b"x").expect("seal"),
            key.seal("totp:a", b"x").expect("seal"),
            "a fresh nonce each time"
        );
        assert_eq!(parse_key_hex(&new_key_hex()).map(|k| k.len()), Some(32));
        assert_eq!(parse_key_hex("abc"), None);
    }
}
