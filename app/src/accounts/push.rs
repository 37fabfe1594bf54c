//! Web Push (RFC 8030) to the browsers and installed apps that opted in: each is a subscription
//! (its push service's endpoint and the keys to encrypt to, RFC 8291); messages are signed with
//! the portal's VAPID key (RFC 8292). The key is derived from the secret key, so every node of
//! a portal signs with the same one and a restore with the key keeps subscriptions working.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;
use web_push_native::{
    Auth, WebPushBuilder,
    jwt_simple::algorithms::{ECDSAP256PublicKeyLike, ES256KeyPair},
    p256::PublicKey,
};

use crate::{
    AppError,
    entities::{push_subscription, user},
    ids::UserId,
};

/// The most devices one person receives push on; a new one beyond replaces the oldest.
pub const MAX_DEVICES: usize = 10;
/// How long a push service keeps a message for a device that is offline.
const TTL: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// The portal's VAPID key pair.
pub struct Vapid {
    key: ES256KeyPair,
    /// The public key as browsers take it (`applicationServerKey`): base64url, uncompressed.
    pub public: String,
    /// Who sends: the portal's address (the `sub` claim push services may contact).
    contact: String,
    /// Endpoints may be plain http and on private addresses (tests, a push service on the LAN).
    allow_local: bool,
}

impl std::fmt::Debug for Vapid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vapid")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl Vapid {
    /// The key pair derived from the portal's secret key (HKDF-SHA256, its own label).
    pub fn derive(secret: &[u8; 32], public_url: &str, allow_local: bool) -> Result<Self, String> {
        use base64::Engine;
        use ring::hkdf;
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"dossier").extract(secret);
        // Almost every 32 bytes are a P-256 scalar; the next counter covers the rest.
        for counter in 0u8..=255 {
            let counter = [counter];
            let info: [&[u8]; 2] = [b"vapid-p256", &counter];
            let mut bytes = [0u8; 32];
            prk.expand(&info, hkdf::HKDF_SHA256)
                .and_then(|okm| okm.fill(&mut bytes))
                .map_err(|_| crate::text::CANNOT_DERIVE_THE_PUSH_KEY.to_string())?;
            if let Ok(key) = ES256KeyPair::from_bytes(&bytes) {
                let public = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(key.public_key().public_key().to_bytes_uncompressed());
                return Ok(Self {
                    key,
                    public,
                    contact: public_url.to_string(),
                    allow_local,
                });
            }
        }
        Err(crate::text::CANNOT_DERIVE_THE_PUSH_KEY.into())
    }

    /// Whether endpoints on this machine or the local network are allowed.
    pub fn allows_local(&self) -> bool {
        self.allow_local
    }

    /// The encrypted, signed request that delivers `payload` to `to`.
    pub fn request(
        &self,
        to: &push_subscription::Model,
        payload: &[u8],
    ) -> Result<http::Request<Vec<u8>>, String> {
        let endpoint = to.endpoint.parse().map_err(|e| format!("endpoint: {e}"))?;
        let (public, auth) = keys(&to.p256dh, &to.auth).map_err(|e| e.to_string())?;
        WebPushBuilder::new(endpoint, public, auth)
            .with_valid_duration(TTL)
            .with_vapid(&self.key, &self.contact)
            .build(payload.to_vec())
            .map_err(|e| format!("encrypting: {e}"))
    }
}

/// A subscription's keys as the browser gave them (base64url): its P-256 public key and its
/// 16-byte authentication secret.
fn keys(p256dh: &str, auth: &str) -> Result<(PublicKey, Auth), AppError> {
    use base64::Engine;
    let decode = |s: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s.trim_end_matches('='))
            .ok()
    };
    let bad = || AppError::bad_request(crate::text::THIS_BROWSERS_PUSH_KEYS_CANNOT_BE);
    let public = decode(p256dh)
        .and_then(|b| PublicKey::from_sec1_bytes(&b).ok())
        .ok_or_else(bad)?;
    let secret = decode(auth).filter(|b| b.len() == 16).ok_or_else(bad)?;
    Ok((public, Auth::clone_from_slice(&secret)))
}

/// Checks an endpoint a browser gave: https on a named host, as every browser's push service
/// is, so the server is not made to send to an address inside the firm's network.
fn endpoint(raw: &str, allow_local: bool) -> Result<String, AppError> {
    let bad = || AppError::bad_request(crate::text::THIS_BROWSERS_PUSH_SERVICE_ADDRESS_CANNOT);
    if raw.len() > 2000 {
        return Err(bad());
    }
    let url = url::Url::parse(raw).map_err(|_| bad())?;
    let named =
        matches!(url.host(), Some(url::Host::Domain(d)) if d.contains('.') && d != "localhost");
    let fine = match url.scheme() {
        "https" => named || allow_local,
        "http" => allow_local && url.host().is_some(),
        _ => false,
    };
    if !fine || !url.username().is_empty() || url.password().is_some() {
        return Err(bad());
    }
    Ok(url.to_string())
}

/// Where a session keeps the reference its subscriptions are filed under: in its data, so that
/// it survives the session's id changing (at a step-up), and is gone with the session.
const SESSION_PUSH_REF: &str = "push_ref";

/// This session's reference for the devices it subscribes, made the first time it is asked.
pub async fn session_ref(session: &tower_sessions::Session) -> Result<String, AppError> {
    if let Some(known) = existing_session_ref(session).await? {
        return Ok(known);
    }
    let made = Uuid::new_v4().simple().to_string();
    session
        .insert(SESSION_PUSH_REF, &made)
        .await
        .map_err(AppError::internal)?;
    Ok(made)
}

/// This session's reference, if it ever subscribed a device.
pub async fn existing_session_ref(
    session: &tower_sessions::Session,
) -> Result<Option<String>, AppError> {
    session
        .get(SESSION_PUSH_REF)
        .await
        .map_err(AppError::internal)
}

/// The devices subscribed in a session that is being signed out stop receiving push: whoever
/// uses that browser next must not see its owner's messages.
pub async fn forget_session(db: &impl ConnectionTrait, session_ref: &str) -> Result<(), AppError> {
    push_subscription::Entity::delete_many()
        .filter(push_subscription::Column::SessionRef.eq(session_ref))
        .exec(db)
        .await?;
    Ok(())
}

/// All of `person`'s sessions were ended (signed out everywhere, a new password, access
/// revoked): none of their devices receives push any more, except the one subscribed by the
/// session that carries on (`keep`), if any.
pub async fn forget_person(
    db: &impl ConnectionTrait,
    person: UserId,
    keep: Option<&str>,
) -> Result<(), AppError> {
    use push_subscription::Column;
    let mut gone = push_subscription::Entity::delete_many().filter(Column::UserId.eq(person));
    if let Some(keep) = keep {
        gone = gone.filter(
            sea_orm::Condition::any()
                .add(Column::SessionRef.is_null())
                .add(Column::SessionRef.ne(keep)),
        );
    }
    gone.exec(db).await?;
    Ok(())
}

/// Keeps `person`'s subscription (one endpoint is one device: a second subscribe moves it),
/// then keeps only their newest [`MAX_DEVICES`]. An upsert, so that the same device twice at
/// once does not fail on the endpoint's uniqueness; and one of the person's at a time (the
/// trim reads, then deletes), so that many at once leave exactly the newest ten.
///
/// The subscription must not outlive the session that makes it. Signing out deletes the
/// session, then forgets its devices; so a subscribe that lands after that forgetting finds, once
/// committed, that its session is gone, and takes itself back.
pub async fn subscribe(
    db: &sea_orm::DatabaseConnection,
    vapid: &Vapid,
    person: UserId,
    session: &tower_sessions::Session,
    raw_endpoint: &str,
    p256dh: &str,
    auth: &str,
) -> Result<(), AppError> {
    use push_subscription::Column;
    use sea_orm::{QueryOrder, sea_query::OnConflict};
    let endpoint = endpoint(raw_endpoint, vapid.allow_local)?;
    keys(p256dh, auth)?;
    let session_ref = session_ref(session).await?;
    let txn = crate::db::begin_write(db).await?;
    crate::db::lock_person(&txn, person).await?;
    push_subscription::Entity::insert(push_subscription::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(person),
        endpoint: Set(endpoint.clone()),
        p256dh: Set(p256dh.to_string()),
        auth: Set(auth.to_string()),
        created_at: Set(Utc::now()),
        session_ref: Set(Some(session_ref.clone())),
    })
    .on_conflict(
        OnConflict::column(Column::Endpoint)
            .update_columns([
                Column::UserId,
                Column::P256dh,
                Column::Auth,
                Column::CreatedAt,
                Column::SessionRef,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let beyond: Vec<Uuid> = push_subscription::Entity::find()
        .filter(Column::UserId.eq(person))
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .all(&txn)
        .await?
        .into_iter()
        .skip(MAX_DEVICES)
        .map(|s| s.id)
        .collect();
    if !beyond.is_empty() {
        push_subscription::Entity::delete_many()
            .filter(Column::Id.is_in(beyond))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    let still = crate::policy::Actor::stored(db, session).await?;
    if !matches!(still, crate::policy::Actor::User(ref u) if u.id() == person) {
        push_subscription::Entity::delete_many()
            .filter(Column::Endpoint.eq(&endpoint))
            .filter(Column::SessionRef.eq(&session_ref))
            .exec(db)
            .await?;
        return Err(AppError::Unauthenticated);
    }
    Ok(())
}

/// Forgets `person`'s subscription at `endpoint` (this device turned push off), the address
/// read as `subscribe` kept it.
pub async fn unsubscribe(
    db: &impl ConnectionTrait,
    person: UserId,
    endpoint: &str,
) -> Result<(), AppError> {
    let kept = url::Url::parse(endpoint).map_or_else(|_| endpoint.to_string(), String::from);
    push_subscription::Entity::delete_many()
        .filter(push_subscription::Column::UserId.eq(person))
        .filter(push_subscription::Column::Endpoint.eq(kept))
        .exec(db)
        .await?;
    Ok(())
}

/// How many devices `person` receives push on.
pub async fn devices(db: &impl ConnectionTrait, person: UserId) -> Result<usize, AppError> {
    use sea_orm::PaginatorTrait;
    Ok(push_subscription::Entity::find()
        .filter(push_subscription::Column::UserId.eq(person))
        .count(db)
        .await? as usize)
}

/// The subscriptions of those of `people` who receive push.
pub async fn of(
    db: &impl ConnectionTrait,
    people: &[&user::Model],
) -> Result<Vec<push_subscription::Model>, AppError> {
    let ids: Vec<UserId> = people
        .iter()
        .filter(|p| p.notify_push && p.disabled_at.is_none())
        .map(|p| p.id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(push_subscription::Entity::find()
        .filter(push_subscription::Column::UserId.is_in(ids))
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_push_services_https_address_is_taken() {
        for fine in [
            "https://fcm.googleapis.com/fcm/send/abc",
            "https://updates.push.services.mozilla.com/wpush/v2/x",
            "https://web.push.apple.com/QG",
        ] {
            assert!(endpoint(fine, false).is_ok(), "{fine}");
        }
        for refused in [
            "http://fcm.googleapis.com/x",
            "https://127.0.0.1/x",
            "https://10.0.0.5/x",
            "https://localhost/x",
            "https://intranet/x",
            "https://user:pw@push.example.com/x",
            "file:///etc/passwd",
            "not a url",
        ] {
            assert!(endpoint(refused, false).is_err(), "{refused}");
        }
        assert!(endpoint("http://127.0.0.1:8080/push/1", true).is_ok());
    }

    #[test]
    fn the_key_is_the_same_for_the_same_secret_and_differs_for_another() {
        let a = Vapid::derive(&[7; 32], "https://portal.example", false).expect("key");
        let b = Vapid::derive(&[7; 32], "https://portal.example", false).expect("key");
        let c = Vapid::derive(&[8; 32], "https://portal.example", false).expect("key");
        assert_eq!(a.public, b.public);
        assert_ne!(a.public, c.public);
        // An uncompressed P-256 point: 65 bytes, 87 characters of base64url.
        assert_eq!(a.public.len(), 87);
    }
}
