//! The firm's people on the server: the directory, adding staff and contacts, inviting them by
//! email (and text message), revoking and restoring access.

use chrono::Utc;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};

use super::{Person, PersonStatus};
use crate::accounts::{
    links,
    passwords::{normalize_email, normalize_mobile, normalize_name},
    server::{NewPerson, insert_person, revoke_sessions},
};
use crate::ids::UserId;
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

/// Invitations one person can be sent in an hour, however many staff send them.
const INVITATIONS_PER_HOUR: u64 = 5;

pub fn role_from_str(role: &str) -> Result<Role, AppError> {
    match role {
        "client" => Ok(Role::Client),
        "staff" => Ok(Role::Staff),
        "admin" => Ok(Role::Admin),
        _ => Err(AppError::bad_request(
            crate::text::CHOOSE_CLIENT_STAFF_OR_ADMINISTRATOR,
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

fn person_as_seen(u: user::Model, invited: bool, by: Option<UserId>) -> Person {
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
    let invited: std::collections::HashSet<UserId> = account_link::Entity::find()
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
            person_as_seen(u, open, Some(by.id()))
        })
        .collect())
}

/// How many people a search of the directory returns.
pub const FOUND: u64 = 8;

/// People in the directory whose name or email contains `query` (case-insensitive), by name;
/// for adding someone to a matter as one types.
pub async fn find(
    db: &DatabaseConnection,
    by: &FirmMember,
    query: &str,
) -> Result<Vec<Person>, AppError> {
    use sea_orm::{
        QuerySelect,
        sea_query::{ExprTrait, Func},
    };
    let query = query.trim().to_lowercase();
    if query.chars().count() > 200 {
        return Err(AppError::bad_request(crate::text::A_SEARCH_IS_AT_MOST_200));
    }
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let like = || {
        sea_orm::sea_query::LikeExpr::new(crate::matters::server::like_pattern(&query)).escape('\\')
    };
    let rows = user::Entity::find()
        .filter(user::Column::DisabledAt.is_null())
        .filter(
            sea_orm::Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(user::Column::DisplayName))).like(like()))
                .add(Expr::col(user::Column::Email).like(like())),
        )
        .order_by_asc(user::Column::DisplayName)
        .limit(FOUND)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|u| person_as_seen(u, false, Some(by.id())))
        .collect())
}

/// A mobile number as typed, in international form: national numbers are read in the firm's
/// country (Settings).
pub async fn mobile_of(db: &DatabaseConnection, typed: &str) -> Result<Option<String>, AppError> {
    let country = crate::settings::server::load(db).await?.mobile_country;
    normalize_mobile(typed, &country)
}

/// Adds a person, and invites them at once if `invite` (by text message too if `sms`). The
/// invitation's channels are checked first, so nobody is left added but not invited.
pub async fn add_inviting(
    db: &DatabaseConnection,
    portal: &Portal,
    by: &FirmMember,
    asked: NewPerson,
    invite: bool,
    sms: bool,
) -> Result<Person, AppError> {
    if invite {
        let mobile = mobile_of(db, asked.mobile.as_deref().unwrap_or_default()).await?;
        invitation_channels(db, portal, &asked.display_name, mobile.as_ref(), sms).await?;
    }
    let added = add(db, by, asked).await?;
    if invite {
        return self::invite(db, portal, by, added.id, sms).await;
    }
    Ok(added)
}

/// Adds a person (no password yet); `by` must be allowed to manage that role.
pub async fn add(
    db: &DatabaseConnection,
    by: &FirmMember,
    asked: NewPerson,
) -> Result<Person, AppError> {
    let role = asked.role;
    by.may_manage(role)?;
    let new = NewPerson {
        display_name: normalize_name(&asked.display_name)?,
        email: normalize_email(&asked.email)?,
        mobile: mobile_of(db, asked.mobile.as_deref().unwrap_or_default()).await?,
        role,
        // A contact has no password until they accept an invitation.
        password_hash: None,
    };
    let txn = begin_write(db).await?;
    let added = insert_person(&txn, new).await?;
    audit::record(
        &txn,
        Action::PersonAdded,
        Some(by.id()),
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
            return Err(AppError::bad_request(
                crate::text::has_no_mobile_number_add_one(&name),
            ));
        }
        (true, Some(_)) if !crate::settings::server::load(db).await?.sms_enabled => {
            return Err(AppError::bad_request(
                crate::text::YOUR_FIRM_HAS_TURNED_TEXT_MESSAGES,
            ));
        }
        (true, Some(_)) if !portal.channels.sms => {
            return Err(AppError::Unavailable(
                crate::text::TEXT_MESSAGES_ARE_NOT_SET_UP.into(),
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
    id: UserId,
    by_sms: bool,
) -> Result<Person, AppError> {
    let target = user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(crate::text::THERE_IS_NO_SUCH_PERSON.into()))?;
    by.may_manage(target.role)?;
    if target.disabled_at.is_some() {
        return Err(AppError::Conflict(
            crate::text::s_access_was_revoked_restore_it(&target.display_name),
        ));
    }
    if target.joined_at.is_some() {
        return Err(AppError::Conflict(
            crate::text::already_has_an_account_they_can(&target.display_name),
        ));
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
        return Err(e.refusal(&crate::text::was_sent_several_invitations_in_the(
            &target.display_name,
        )));
    }
    let txn = begin_write(db).await?;
    let token = links::issue(
        &txn,
        target.id,
        Purpose::Invitation,
        Some(by.id()),
        links::INVITATION_LIFETIME,
    )
    .await?;
    let link = format!("{}/invitation?token={token}", portal.public_url);
    let days = links::INVITATION_LIFETIME.num_days();
    let inviter = by.user().display_name();
    outbox::enqueue(
        &txn,
        Outgoing::Email {
            to: target.email.clone(),
            subject: crate::text::invited_you_to_the_secure_portal(&inviter),
            body: crate::text::hello_has_invited_you_to_the(
                &target.display_name,
                &inviter,
                &link,
                &days,
                &format!("{}/guide", portal.public_url),
            ),
        },
    )
    .await?;
    if let Some(mobile) = sms_to {
        outbox::enqueue(
            &txn,
            Outgoing::Sms {
                to: mobile,
                body: crate::text::invited_you_to_the_secure_portal_2(&inviter, &days, &link),
            },
        )
        .await?;
    }
    audit::record(
        &txn,
        Action::InvitationSent,
        Some(by.id()),
        Some(target.id.to_string()),
        None,
    )
    .await?;
    crate::outbox::commit_and_send(txn).await?;
    Ok(person_as_seen(target, true, Some(by.id())))
}

/// Revokes (or restores) a person's access. Revoking ends their sessions at once and cancels
/// their unused links.
pub async fn set_access(
    db: &DatabaseConnection,
    by: &FirmMember,
    id: UserId,
    active: bool,
) -> Result<Person, AppError> {
    if id == by.id() {
        return Err(AppError::bad_request(
            crate::text::YOU_CANNOT_CHANGE_YOUR_OWN_ACCESS,
        ));
    }
    let target = user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(crate::text::THERE_IS_NO_SUCH_PERSON.into()))?;
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
        revoke_sessions(&txn, id, None).await?;
        links::cancel_all(&txn, id).await?;
    }
    let action = if active {
        Action::AccessRestored
    } else {
        Action::AccessRevoked
    };
    audit::record(&txn, action, Some(by.id()), Some(id.to_string()), None).await?;
    txn.commit().await?;
    let updated = user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(crate::text::THERE_IS_NO_SUCH_PERSON.into()))?;
    Ok(person(updated))
}
