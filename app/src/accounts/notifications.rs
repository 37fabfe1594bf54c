//! How new messages reach a person, chosen by channel in their account: email, text message
//! (when the writer sends one) and push to the devices that opted in. The firm may insist on
//! the email that says a protected conversation has something to read. Each person changes only
//! their own choices; nothing here is about anyone else.

use leptos::prelude::*;

use crate::AppError;
#[cfg(feature = "ssr")]
use crate::policy::Call;

/// A person's choices, and what this portal can send.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NotificationChoices {
    pub email: bool,
    pub sms: bool,
    pub push: bool,
    /// The firm emails protected conversations' notices whatever `email` says.
    pub protected_email_required: bool,
    /// This server can send email / text messages (and they have a mobile number for texts).
    pub email_available: bool,
    pub sms_available: bool,
    /// The portal's VAPID public key, for the browser's `pushManager.subscribe`.
    pub push_key: String,
    /// How many of their browsers and apps receive push.
    pub devices: usize,
}

#[cfg(feature = "ssr")]
async fn choices(
    state: &crate::state::AppState,
    person: crate::ids::UserId,
) -> Result<NotificationChoices, AppError> {
    use sea_orm::EntityTrait;
    let user = crate::entities::user::Entity::find_by_id(person)
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let settings = crate::settings::server::in_force(&state.db).await?;
    Ok(NotificationChoices {
        email: user.notify_email,
        sms: user.notify_sms,
        push: user.notify_push,
        protected_email_required: settings.protected_email_required,
        email_available: state.portal.channels.email,
        sms_available: state.portal.channels.sms && settings.sms_enabled && user.mobile.is_some(),
        push_key: state.portal.push.public.clone(),
        devices: super::push::devices(&state.db, person).await?,
    })
}

/// The signed-in person's choices; none for someone signed out (the account page asks before
/// it knows who is there).
#[server(name = GetNotifications, prefix = "/api", endpoint = "account/notifications")]
pub async fn get_notifications() -> Result<Option<NotificationChoices>, AppError> {
    let call = Call::current().await?;
    let Ok(person) = call.actor.signed_in().map(|p| p.id()) else {
        return Ok(None);
    };
    choices(&call.state, person).await.map(Some)
}

/// Changes the signed-in person's choices. A box left unticked is off.
#[server(name = SaveNotifications, prefix = "/api", endpoint = "account/notifications/save")]
pub async fn save_notifications(
    #[server(default)] email: bool,
    #[server(default)] sms: bool,
    #[server(default)] push: bool,
) -> Result<NotificationChoices, AppError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let call = Call::current().await?;
    let person = call.actor.signed_in()?.id();
    use crate::entities::user;
    user::Entity::update_many()
        .col_expr(user::Column::NotifyEmail, Expr::value(email))
        .col_expr(user::Column::NotifySms, Expr::value(sms))
        .col_expr(user::Column::NotifyPush, Expr::value(push))
        .filter(user::Column::Id.eq(person))
        .exec(&call.state.db)
        .await?;
    choices(&call.state, person).await
}

/// This browser receives push for the signed-in person (what `pushManager.subscribe` gave).
#[server(name = SubscribePush, prefix = "/api", endpoint = "account/push/subscribe")]
pub async fn subscribe_push(
    endpoint: String,
    p256dh: String,
    auth: String,
) -> Result<NotificationChoices, AppError> {
    let call = Call::current().await?;
    let person = call.actor.signed_in()?.id();
    let state = &call.state;
    super::push::subscribe(
        &state.db,
        &state.portal.push,
        person,
        &call.session,
        &endpoint,
        &p256dh,
        &auth,
    )
    .await?;
    choices(state, person).await
}

/// This browser no longer receives push for the signed-in person.
#[server(name = UnsubscribePush, prefix = "/api", endpoint = "account/push/unsubscribe")]
pub async fn unsubscribe_push(endpoint: String) -> Result<NotificationChoices, AppError> {
    let call = Call::current().await?;
    let person = call.actor.signed_in()?.id();
    super::push::unsubscribe(&call.state.db, person, &endpoint).await?;
    choices(&call.state, person).await
}
