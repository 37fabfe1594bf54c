//! The first administrator: a one-time setup link while the portal has none, and the scripted
//! `dossier admin create`.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, TransactionTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{
    passwords::{NewAccount, hash_password},
    server::insert_user,
};
use crate::{
    AppError,
    audit::{self, Action},
    db::begin_write,
    entities::{
        setup_token,
        user::{self, Role},
    },
};

/// How long a first-run setup link stays valid.
pub const SETUP_LINK_LIFETIME: Duration = Duration::hours(1);

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
    let token = crate::secrets::random_token();
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
    let password_hash = hash_password(account.password_owned()).await?;
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
            crate::text::THIS_PORTAL_ALREADY_HAS_AN_ADMINISTRATOR.into(),
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
    AppError::bad_request(crate::text::THIS_SETUP_LINK_IS_NOT_VALID)
}

/// For scripted installs (`dossier admin create`): no link, but the same validation.
pub async fn create_admin(
    db: &DatabaseConnection,
    account: NewAccount,
) -> Result<user::Model, AppError> {
    let password_hash = hash_password(account.password_owned()).await?;
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
