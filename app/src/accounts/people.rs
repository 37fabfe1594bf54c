//! The firm's people on the server: adding staff and contacts, inviting them by email (and text
//! message), revoking and restoring access, accepting an invitation, and resetting a password.

use chrono::Utc;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use super::{
    links,
    people_api::{Person, PersonStatus},
    server::{
        NewAccount, hash_password, insert_person, normalize_email, normalize_mobile,
        normalize_name, revoke_sessions,
    },
};
use crate::{
    AppError,
    audit::{self, Action},
    db::begin_write,
    entities::{
        account_link::{self, Purpose},
        user::{self, Role},
    },
    outbox::{self, Outgoing},
    policy::FirmMember,
    state::Portal,
};

/// At most this many reset emails an hour for one account, however often it is asked for.
const RESETS_PER_HOUR: u64 = 3;
/// Invitations one person can be sent in an hour, however many staff send them.
const INVITATIONS_PER_HOUR: u64 = 5;

const LINK_REFUSED: &str = "This link is not valid any more: it was already used, has expired, or was replaced by a newer one.";

pub fn role_from_str(role: &str) -> Result<Role, AppError> {
    match role {
        "client" => Ok(Role::Client),
        "staff" => Ok(Role::Staff),
        "admin" => Ok(Role::Admin),
        _ => Err(AppError::bad_request(
            "Choose client, staff or administrator.",
        )),
    }
}

pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Staff => "staff",
        Role::Client => "client",
    }
}

fn person(u: user::Model) -> Person {
    person_as_seen(u, false, None)
}

fn person_as_seen(u: user::Model, invited: bool, by: Option<Uuid>) -> Person {
    let status = if u.disabled_at.is_some() {
        PersonStatus::Revoked
    } else if u.joined_at.is_some() {
        PersonStatus::Active
    } else if invited {
        PersonStatus::Invited
    } else {
        PersonStatus::NotSignedUp
    };
    Person {
        is_you: Some(u.id) == by,
        id: u.id,
        role: role_label(u.role).to_string(),
        display_name: u.display_name,
        email: u.email,
        mobile: u.mobile,
        status,
    }
}

/// Everyone a firm member may see in the directory, firm first, then by name.
pub async fn list(db: &DatabaseConnection, by: &FirmMember) -> Result<Vec<Person>, AppError> {
    let rows = user::Entity::find()
        .order_by_asc(user::Column::Role)
        .order_by_asc(user::Column::DisplayName)
        .all(db)
        .await?;
    let invited: std::collections::HashSet<Uuid> = account_link::Entity::find()
        .filter(account_link::Column::Purpose.eq(Purpose::Invitation))
        .filter(account_link::Column::UsedAt.is_null())
        .filter(account_link::Column::ExpiresAt.gt(Utc::now()))
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.user_id)
        .collect();
    Ok(rows
        .into_iter()
        .map(|u| {
            let open = invited.contains(&u.id);
            person_as_seen(u, open, Some(by.0.id))
        })
        .collect())
}

/// Adds a person (no password yet); `by` must be allowed to manage that role.
pub async fn add(
    db: &DatabaseConnection,
    by: &FirmMember,
    display_name: &str,
    email: &str,
    mobile: &str,
    role: Role,
) -> Result<Person, AppError> {
    by.may_manage(role)?;
    let display_name = normalize_name(display_name)?;
    let email = normalize_email(email)?;
    let mobile = normalize_mobile(mobile)?;
    let txn = begin_write(db).await?;
    let added = insert_person(&txn, display_name, email, mobile, role, None).await?;
    audit::record(
        &txn,
        Action::PersonAdded,
        Some(by.0.id),
        Some(format!("{} {}", role_label(role), added.id)),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(person(added))
}

/// Checks that an invitation can go out as asked: email always, a text message when `by_sms`.
/// Returns the mobile number to text, if any.
pub async fn invitation_channels(
    db: &DatabaseConnection,
    portal: &Portal,
    name: &str,
    mobile: Option<&String>,
    by_sms: bool,
) -> Result<Option<String>, AppError> {
    if !portal.channels.email {
        return Err(AppError::Unavailable(
            "Email is not set up on this server, so invitations cannot be sent. Ask your administrator to set DOSSIER_SMTP_URL.".into(),
        ));
    }
    Ok(match (by_sms, mobile) {
        (false, _) => None,
        (true, None) => {
            return Err(AppError::bad_request(format!(
                "{} has no mobile number. Add one, or send the invitation by email only.",
                name
            )));
        }
        (true, Some(_)) if !crate::settings::server::load(db).await?.sms_enabled => {
            return Err(AppError::bad_request(
                "Your firm has turned text messages off. Send the invitation by email only.",
            ));
        }
        (true, Some(_)) if !portal.channels.sms => {
            return Err(AppError::Unavailable(
                "Text messages are not set up on this server. Send the invitation by email only."
                    .into(),
            ));
        }
        (true, Some(mobile)) => Some(mobile.clone()),
    })
}

/// Sends `id` an invitation by email, and by text message too when asked and possible. A new
/// invitation replaces the previous one.
pub async fn invite(
    db: &DatabaseConnection,
    portal: &Portal,
    by: &FirmMember,
    id: Uuid,
    by_sms: bool,
) -> Result<Person, AppError> {
    let target = user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such person.".into()))?;
    by.may_manage(target.role)?;
    if target.disabled_at.is_some() {
        return Err(AppError::Conflict(format!(
            "{}'s access was revoked. Restore it before inviting them again.",
            target.display_name
        )));
    }
    if target.joined_at.is_some() {
        return Err(AppError::Conflict(format!(
            "{} already has an account. They can sign in, or reset their password from the sign-in page.",
            target.display_name
        )));
    }
    let sms_to = invitation_channels(
        db,
        portal,
        &target.display_name,
        target.mobile.as_ref(),
        by_sms,
    )
    .await?;
    if let Err(e) = crate::limits::reserve_send(
        db,
        &format!("invitation:{}", target.id),
        INVITATIONS_PER_HOUR,
        None,
    )
    .await?
    {
        return Err(e.refusal(&format!(
            "{} was sent several invitations in the last hour",
            target.display_name
        )));
    }
    let txn = begin_write(db).await?;
    let token = links::issue(
        &txn,
        target.id,
        Purpose::Invitation,
        Some(by.0.id),
        links::INVITATION_LIFETIME,
    )
    .await?;
    let link = format!("{}/invitation?token={token}", portal.public_url);
    let days = links::INVITATION_LIFETIME.num_days();
    let inviter = &by.0.display_name;
    outbox::enqueue(
        &txn,
        Outgoing::Email {
            to: target.email.clone(),
            subject: format!("{inviter} invited you to the secure portal"),
            body: format!(
                "Hello {name},\n\n{inviter} has invited you to the secure portal, where you can \
                 exchange messages and documents with the firm.\n\nOpen this link to set up \
                 your account and sign in:\n\n{link}\n\nThe link works once and expires in {days} \
                 days. If you were not expecting this, you can ignore this email.\n",
                name = target.display_name,
            ),
        },
    )
    .await?;
    if let Some(mobile) = sms_to {
        outbox::enqueue(
            &txn,
            Outgoing::Sms {
                to: mobile,
                body: format!(
                    "{inviter} invited you to the secure portal. Set up your account (link expires in {days} days): {link}"
                ),
            },
        )
        .await?;
    }
    audit::record(
        &txn,
        Action::InvitationSent,
        Some(by.0.id),
        Some(target.id.to_string()),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(person_as_seen(target, true, Some(by.0.id)))
}

/// Revokes (or restores) a person's access. Revoking ends their sessions at once and cancels
/// their unused links.
pub async fn set_access(
    db: &DatabaseConnection,
    by: &FirmMember,
    id: Uuid,
    active: bool,
) -> Result<Person, AppError> {
    if id == by.0.id {
        return Err(AppError::bad_request(
            "You cannot change your own access. Ask another administrator.",
        ));
    }
    let target = user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such person.".into()))?;
    by.may_manage(target.role)?;
    let txn = begin_write(db).await?;
    let now = Utc::now();
    user::Entity::update_many()
        .col_expr(
            user::Column::DisabledAt,
            Expr::value((!active).then_some(now)),
        )
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    if !active {
        revoke_sessions(&txn, id).await?;
        links::cancel_all(&txn, id).await?;
    }
    let action = if active {
        Action::AccessRestored
    } else {
        Action::AccessRevoked
    };
    audit::record(&txn, action, Some(by.0.id), Some(id.to_string()), None).await?;
    txn.commit().await?;
    let updated = user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such person.".into()))?;
    Ok(person(updated))
}

/// Who an invitation link is for, so the page can greet them.
pub async fn invitation_holder(
    db: &DatabaseConnection,
    token: &str,
) -> Result<user::Model, AppError> {
    match links::holder(db, token, Purpose::Invitation).await? {
        Some(u) if u.joined_at.is_none() => Ok(u),
        _ => Err(AppError::bad_request(LINK_REFUSED)),
    }
}

/// Whether the holder of this invitation chooses a password: everyone does, except clients of a
/// firm whose clients sign in by emailed link.
pub async fn invitation_needs_password(
    db: &DatabaseConnection,
    invited: &user::Model,
) -> Result<bool, AppError> {
    Ok(invited.role != Role::Client
        || !crate::settings::server::load(db)
            .await?
            .client_sign_in_by_link)
}

/// Spends the invitation link and sets the password (if this person needs one); they are
/// signed in by the caller.
pub async fn accept_invitation(
    db: &DatabaseConnection,
    token: &str,
    password: String,
    ip: Option<std::net::IpAddr>,
) -> Result<user::Model, AppError> {
    let invited = match invitation_holder(db, token).await {
        Ok(u) => u,
        Err(e) => {
            audit::record(db, Action::InvitationRefused, None, None, ip).await?;
            return Err(e);
        }
    };
    let hash = if invitation_needs_password(db, &invited).await? || !password.is_empty() {
        let account = NewAccount::parse(&invited.display_name, &invited.email, password)?;
        Some(hash_password(account.password_owned()).await?)
    } else {
        None
    };
    let txn = begin_write(db).await?;
    if !links::spend(&txn, token, Purpose::Invitation).await? {
        drop(txn);
        return Err(AppError::bad_request(LINK_REFUSED));
    }
    let now = Utc::now();
    let set = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(user::Column::JoinedAt, Expr::value(now))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(invited.id))
        .filter(user::Column::JoinedAt.is_null())
        .filter(user::Column::DisabledAt.is_null())
        .exec(&txn)
        .await?;
    if set.rows_affected != 1 {
        return Err(AppError::bad_request(LINK_REFUSED));
    }
    audit::record(&txn, Action::InvitationAccepted, Some(invited.id), None, ip).await?;
    txn.commit().await?;
    Ok(invited)
}

/// Emails a reset link if `email` belongs to an active account with a password. The caller
/// answers the same whatever happens here, and does not wait for it.
pub async fn request_password_reset(
    db: &DatabaseConnection,
    public_url: &str,
    email: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    let Ok(email) = normalize_email(email) else {
        return Ok(());
    };
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .filter(user::Column::DisabledAt.is_null())
        .filter(user::Column::PasswordHash.is_not_null())
        .one(db)
        .await?;
    // Reserved before the address is looked up, so unknown addresses count alike.
    if crate::limits::reserve_send(db, &format!("reset:{email}"), RESETS_PER_HOUR, ip)
        .await?
        .is_err()
    {
        return Ok(());
    }
    let Some(found) = found else {
        return audit::record(db, Action::PasswordResetRequested, None, None, ip).await;
    };
    let txn = begin_write(db).await?;
    let token = links::issue(
        &txn,
        found.id,
        Purpose::PasswordReset,
        None,
        links::PASSWORD_RESET_LIFETIME,
    )
    .await?;
    let minutes = links::PASSWORD_RESET_LIFETIME.num_minutes();
    outbox::enqueue(
        &txn,
        Outgoing::Email {
            to: found.email.clone(),
            subject: "Reset your password".into(),
            body: format!(
                "Hello {name},\n\nSomeone (we hope you) asked to reset the password of your \
                 portal account. Open this link to choose a new one:\n\n{public_url}/reset-password?token={token}\n\n\
                 The link works once and expires in {minutes} minutes. If you did not ask, \
                 ignore this email: your password stays as it is.\n",
                name = found.display_name,
            ),
        },
    )
    .await?;
    audit::record(
        &txn,
        Action::PasswordResetRequested,
        Some(found.id),
        None,
        ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Sets a new password from a reset link; every session of the account ends.
pub async fn reset_password(
    db: &DatabaseConnection,
    portal: &Portal,
    token: &str,
    password: String,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    let Some(holder) = links::holder(db, token, Purpose::PasswordReset).await? else {
        return Err(AppError::bad_request(LINK_REFUSED));
    };
    let account = NewAccount::parse(&holder.display_name, &holder.email, password)?;
    let hash = hash_password(account.password_owned()).await?;
    let txn = begin_write(db).await?;
    if !links::spend(&txn, token, Purpose::PasswordReset).await? {
        drop(txn);
        return Err(AppError::bad_request(LINK_REFUSED));
    }
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(user::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(holder.id))
        .exec(&txn)
        .await?;
    revoke_sessions(&txn, holder.id).await?;
    audit::record(&txn, Action::PasswordReset, Some(holder.id), None, ip).await?;
    super::notices::send(
        &txn,
        portal,
        &holder.email,
        &holder.display_name,
        super::notices::Notice::PasswordReset,
    )
    .await?;
    txn.commit().await?;
    super::throttle::clear(db, &holder.email).await?;
    Ok(())
}
