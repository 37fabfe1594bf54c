//! Sends the outbox: email over SMTP (lettre), text messages through a Twilio-compatible HTTP
//! gateway. Each message is claimed before it is sent, so several nodes never send it twice;
//! failures are retried with exponential back-off, and given up after `MAX_ATTEMPTS`.

use std::{sync::Arc, time::Duration};

use app::settings::brand::Brand;
use app::{
    AppError,
    accounts::push::Vapid,
    entities::{
        outbox_message::{self as outbox, Channel},
        push_subscription,
    },
};
use chrono::Utc;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};

use crate::config::{DeliveryConfig, SmsConfig};

pub const MAX_ATTEMPTS: i32 = 10;
/// What is left of a message's body once it was sent or given up: invitation, reset and sign-in
/// links and one-time codes must not outlive their delivery in the database or its backups.
/// Subjects never hold them, so they stay, for the record of what was sent.
const SCRUBBED: &str = "";
/// How often the outbox is swept even when nobody woke the task (retries, other nodes' messages).
const SWEEP: Duration = Duration::from_secs(15);
/// A claimed message is left alone by other nodes this long, then tried again.
const CLAIM: chrono::Duration = chrono::Duration::minutes(5);

pub struct Transports {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    sms: Option<(reqwest::Client, SmsConfig)>,
    push: Option<(reqwest::Client, Arc<Vapid>)>,
}

/// The most bytes of text and of title a push carries (UTF-8, before JSON's escapes): a push
/// message holds at most 3,993 bytes once encrypted (RFC 8291), and a text of newlines and
/// quotes doubles when escaped.
const PUSH_TEXT_BYTES: usize = 1500;
const PUSH_TITLE_BYTES: usize = 200;

/// What the service worker shows (`public/sw.js`): title, text and the page a tap opens.
fn push_payload(title: &str, text: &str, url: &str) -> String {
    serde_json::json!({
        "title": clipped(title, PUSH_TITLE_BYTES),
        "body": clipped(text, PUSH_TEXT_BYTES),
        "url": url,
    })
    .to_string()
}

/// `text` cut to at most `max` bytes, at a character's edge.
fn clipped(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Why a message did not go: worth another try, or never going to work.
enum Failure {
    Retry(String),
    Permanent(String),
}

impl Transports {
    pub fn new(config: &DeliveryConfig) -> Result<Self, String> {
        let smtp = match &config.smtp_url {
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("DOSSIER_SMTP_URL cannot be used: {e}."))?
                    .timeout(Some(Duration::from_secs(30)))
                    .build(),
            ),
            None => None,
        };
        let from = config
            .mail_from
            .parse()
            .map_err(|e| format!("DOSSIER_MAIL_FROM cannot be used: {e}."))?;
        let sms = match &config.sms {
            Some(sms) => Some((
                reqwest::Client::builder()
                    .timeout(Duration::from_secs(30))
                    .build()
                    .map_err(|e| format!("Cannot set up the SMS client: {e}."))?,
                sms.clone(),
            )),
            None => None,
        };
        Ok(Self {
            smtp,
            from,
            sms,
            push: None,
        })
    }

    /// Sends Web Push, signed and encrypted with `vapid`.
    pub fn with_push(mut self, vapid: Arc<Vapid>) -> Result<Self, String> {
        let mut client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            // A push service answers; it never sends the server on elsewhere.
            .redirect(reqwest::redirect::Policy::none());
        if !vapid.allows_local() {
            // The endpoint's name was checked when the browser gave it; its address is checked
            // at each connection, so a name pointed into the firm's network later is refused.
            client = client.dns_resolver(crate::public_dns::PublicOnly);
        }
        let client = client
            .build()
            .map_err(|e| format!("Cannot set up the push client: {e}."))?;
        self.push = Some((client, vapid));
        Ok(self)
    }

    /// Delivers in the background for as long as the server runs.
    pub fn spawn(self, db: DatabaseConnection) {
        tokio::spawn(async move {
            loop {
                if let Err(e) = self.run_once(&db).await {
                    tracing::warn!(error = %e, "delivering the outbox failed; trying again soon");
                }
                // Until the next message falls due (a gathered email), at most a sweep.
                let wait = match app::outbox::next_due(&db).await {
                    Ok(Some(due)) => (due - Utc::now())
                        .to_std()
                        .unwrap_or(Duration::ZERO)
                        .clamp(Duration::from_millis(200), SWEEP),
                    _ => SWEEP,
                };
                tokio::select! {
                    () = app::outbox::WAKE.notified() => {}
                    () = tokio::time::sleep(wait) => {}
                }
            }
        });
    }

    /// Sends what is due now; returns how many messages went out.
    pub async fn run_once(&self, db: &DatabaseConnection) -> Result<usize, AppError> {
        self.run_once_at(db, Utc::now()).await
    }

    /// Sends what is due at `now` (a test's clock may run ahead).
    pub async fn run_once_at(
        &self,
        db: &DatabaseConnection,
        now: chrono::DateTime<Utc>,
    ) -> Result<usize, AppError> {
        let due = outbox::Entity::find()
            .filter(outbox::Column::SentAt.is_null())
            .filter(outbox::Column::GaveUpAt.is_null())
            .filter(outbox::Column::NextAttemptAt.lte(now))
            .order_by_asc(outbox::Column::CreatedAt)
            .limit(50)
            .all(db)
            .await?;
        if due.is_empty() {
            return Ok(0);
        }
        // Every message goes out in the firm's name, as the settings say now.
        let brand = app::settings::server::load(db).await?.brand();
        let mut sent = 0;
        for message in due {
            // The attempt count is the claim's version: only one node's update matches.
            let claimed = outbox::Entity::update_many()
                .col_expr(outbox::Column::Attempts, Expr::value(message.attempts + 1))
                .col_expr(outbox::Column::NextAttemptAt, Expr::value(now + CLAIM))
                .filter(outbox::Column::Id.eq(message.id))
                .filter(outbox::Column::Attempts.eq(message.attempts))
                .filter(outbox::Column::SentAt.is_null())
                .exec(db)
                .await?;
            if claimed.rows_affected != 1 {
                continue;
            }
            // A gathered email is written now, from what is still unread.
            let message = match app::conversations::notices::compose(db, &message).await? {
                Some(body) => outbox::Model { body, ..message },
                None => {
                    // Read on screen meanwhile, deleted, or no longer theirs: nothing to tell.
                    outbox::Entity::delete_by_id(message.id).exec(db).await?;
                    continue;
                }
            };
            let attempts = message.attempts + 1;
            let update = outbox::Entity::update_many().filter(outbox::Column::Id.eq(message.id));
            let update = match self.send(db, &message, &brand).await {
                Ok(()) => {
                    sent += 1;
                    tracing::info!(id = %message.id, channel = ?message.channel, "message sent");
                    update
                        .col_expr(outbox::Column::SentAt, Expr::value(Utc::now()))
                        .col_expr(outbox::Column::LastError, Expr::value(None::<String>))
                        .col_expr(outbox::Column::Body, Expr::value(SCRUBBED))
                }
                Err(Failure::Permanent(error)) => {
                    crate::metrics::outbox_failure(channel_name(message.channel), true);
                    tracing::warn!(id = %message.id, %error, "message cannot be delivered; giving up");
                    update
                        .col_expr(outbox::Column::GaveUpAt, Expr::value(Utc::now()))
                        .col_expr(outbox::Column::LastError, Expr::value(error))
                        .col_expr(outbox::Column::Body, Expr::value(SCRUBBED))
                }
                Err(Failure::Retry(error)) if attempts >= MAX_ATTEMPTS => {
                    crate::metrics::outbox_failure(channel_name(message.channel), true);
                    tracing::warn!(id = %message.id, %error, attempts, "message still failing; giving up");
                    update
                        .col_expr(outbox::Column::GaveUpAt, Expr::value(Utc::now()))
                        .col_expr(outbox::Column::LastError, Expr::value(error))
                        .col_expr(outbox::Column::Body, Expr::value(SCRUBBED))
                }
                Err(Failure::Retry(error)) => {
                    crate::metrics::outbox_failure(channel_name(message.channel), false);
                    tracing::info!(id = %message.id, %error, attempts, "message not sent yet; will retry");
                    update
                        .col_expr(
                            outbox::Column::NextAttemptAt,
                            Expr::value(Utc::now() + backoff(attempts)),
                        )
                        .col_expr(outbox::Column::LastError, Expr::value(error))
                }
            };
            update.exec(db).await?;
        }
        Ok(sent)
    }

    async fn send(
        &self,
        db: &DatabaseConnection,
        message: &outbox::Model,
        brand: &Brand,
    ) -> Result<(), Failure> {
        match message.channel {
            Channel::Email => self.send_email(message, brand).await,
            Channel::Sms => self.send_sms(message, brand).await,
            Channel::Push => self.send_push(db, message).await,
        }
    }

    /// One device's push: `{title, body, url}` as JSON, encrypted to it. A device its push
    /// service no longer knows (404, 410) is forgotten.
    async fn send_push(
        &self,
        db: &DatabaseConnection,
        message: &outbox::Model,
    ) -> Result<(), Failure> {
        let Some((client, vapid)) = &self.push else {
            return Err(Failure::Retry("push is not set up on this node".into()));
        };
        let id: uuid::Uuid = message
            .recipient
            .parse()
            .map_err(|_| Failure::Permanent("not a push subscription".into()))?;
        let device = push_subscription::Entity::find_by_id(id)
            .one(db)
            .await
            .map_err(|e| Failure::Retry(format!("database: {e}")))?
            .ok_or_else(|| Failure::Permanent("the device no longer receives push".into()))?;
        let (url, text) = message
            .body
            .split_once('\n')
            .unwrap_or(("/", &message.body));
        let payload = push_payload(message.subject.as_deref().unwrap_or_default(), text, url);
        let request = vapid
            .request(&device, payload.as_bytes())
            .map_err(Failure::Permanent)?;
        let request = reqwest::Request::try_from(request)
            .map_err(|e| Failure::Permanent(format!("push request: {e}")))?;
        let status = client
            .execute(request)
            .await
            .map_err(|e| Failure::Retry(format!("push service: {e}")))?
            .status();
        if status.is_success() {
            Ok(())
        } else if status == 404 || status == 410 {
            push_subscription::Entity::delete_by_id(id)
                .exec(db)
                .await
                .map_err(|e| Failure::Retry(format!("database: {e}")))?;
            Err(Failure::Permanent(format!(
                "push service answered {status}: the device is forgotten"
            )))
        } else if status.is_client_error() && status != 408 && status != 429 {
            Err(Failure::Permanent(format!(
                "push service answered {status}"
            )))
        } else {
            Err(Failure::Retry(format!("push service answered {status}")))
        }
    }

    async fn send_email(&self, message: &outbox::Model, brand: &Brand) -> Result<(), Failure> {
        let Some(smtp) = &self.smtp else {
            return Err(Failure::Retry(
                "email is not set up (DOSSIER_SMTP_URL)".into(),
            ));
        };
        let to: Mailbox = message
            .recipient
            .parse()
            .map_err(|e| Failure::Permanent(format!("recipient: {e}")))?;
        // The configured address, under the firm's name ("Harper & Co via Dossier").
        let from = Mailbox::new(Some(brand.sender()), self.from.email.clone());
        let email = Message::builder()
            .from(from)
            .to(to)
            .subject(brand.email_subject(message.subject.as_deref().unwrap_or_default()))
            .header(ContentType::TEXT_PLAIN)
            .body(brand.email_body(&message.body))
            .map_err(|e| Failure::Permanent(format!("message: {e}")))?;
        match smtp.send(email).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(Failure::Permanent(format!("smtp: {e}"))),
            Err(e) => Err(Failure::Retry(format!("smtp: {e}"))),
        }
    }

    async fn send_sms(&self, message: &outbox::Model, brand: &Brand) -> Result<(), Failure> {
        let Some((client, sms)) = &self.sms else {
            return Err(Failure::Retry(
                "text messages are not set up (DOSSIER_SMS_URL)".into(),
            ));
        };
        let response = client
            .post(&sms.url)
            .basic_auth(&sms.account, Some(&sms.token))
            .form(&[
                ("To", message.recipient.as_str()),
                ("From", sms.from.as_str()),
                ("Body", brand.sms_body(&message.body).as_str()),
            ])
            .send()
            .await
            .map_err(|e| Failure::Retry(format!("sms gateway: {e}")))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else if status.is_client_error() && status != 408 && status != 429 {
            Err(Failure::Permanent(format!("sms gateway answered {status}")))
        } else {
            Err(Failure::Retry(format!("sms gateway answered {status}")))
        }
    }
}

/// 30 s, 1 min, 2 min … capped at an hour.
fn backoff(attempts: i32) -> chrono::Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(7);
    chrono::Duration::seconds(30 * 2_i64.pow(exponent)).min(chrono::Duration::hours(1))
}

fn channel_name(channel: outbox::Channel) -> &'static str {
    match channel {
        outbox::Channel::Email => "email",
        outbox::Channel::Sms => "sms",
        outbox::Channel::Push => "push",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_up_to_an_hour() {
        assert_eq!(backoff(1), chrono::Duration::seconds(30));
        assert_eq!(backoff(2), chrono::Duration::seconds(60));
        assert_eq!(backoff(5), chrono::Duration::seconds(480));
        assert_eq!(backoff(9), chrono::Duration::hours(1));
    }

    #[test]
    fn the_longest_push_still_fits_a_push_message() {
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
        use web_push_native::p256::{self, elliptic_curve::sec1::ToEncodedPoint};
        let device = p256::SecretKey::from_slice(&[9; 32]).expect("a key");
        let subscription = push_subscription::Model {
            id: uuid::Uuid::nil(),
            user_id: app::ids::UserId(uuid::Uuid::nil()),
            endpoint: "https://push.example.com/x".into(),
            p256dh: URL_SAFE_NO_PAD.encode(device.public_key().to_encoded_point(false).as_bytes()),
            auth: URL_SAFE_NO_PAD.encode([1u8; 16]),
            created_at: Utc::now(),
            session_ref: None,
        };
        let vapid = Vapid::derive(&[7; 32], "https://portal.example", false).expect("a key");
        let worst = "\"😀\n".repeat(2000);
        let url = format!(
            "https://portal.example/matters/{}?conversation={}",
            uuid::Uuid::nil(),
            uuid::Uuid::nil()
        );
        let payload = push_payload(&worst, &worst, &url);
        assert!(clipped("é", 1).is_empty());
        assert!(
            vapid.request(&subscription, payload.as_bytes()).is_ok(),
            "{} bytes",
            payload.len()
        );
    }
}
