//! What a new message sends besides itself: an email to each recipient, and a text message
//! where the writer asked for one. A protected conversation's notices carry no content.

use sea_orm::ConnectionTrait;

use crate::{
    AppError,
    entities::{attachment, conversation, matter, message, share, user},
    outbox::{self, Outgoing},
    state::Portal,
};

use super::reading::quote;

/// How much of a message a notification quotes.
const QUOTE_CHARS: usize = 300;

/// A message and what it carries, as its notifications describe it.
#[derive(Clone, Copy)]
pub(super) struct Enclosures<'a> {
    pub(super) written: &'a message::Model,
    pub(super) files: &'a [attachment::Model],
    pub(super) shared: &'a [share::Model],
}

/// What a notification says of a message: its text, and how many files it sends or shares
/// with the names of those sent (a shared item's name is seen in the portal, as it is now).
fn summary(e: Enclosures<'_>) -> String {
    let mut out = quote(&e.written.body, QUOTE_CHARS);
    let mut add = |line: String| {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&line);
    };
    if !e.files.is_empty() {
        let names: Vec<&str> = e.files.iter().map(|f| f.name.as_str()).collect();
        let noun = if e.files.len() == 1 { "file" } else { "files" };
        add(format!(
            "Sent {} {noun}: {}",
            e.files.len(),
            names.join(", ")
        ));
    }
    if !e.shared.is_empty() {
        let noun = if e.shared.len() == 1 { "item" } else { "items" };
        add(format!(
            "Shared {} {noun} from the matter's files: open the conversation to see them.",
            e.shared.len()
        ));
    }
    out
}

/// Emails every other participant, and texts those with a mobile number when the writer asked.
/// A protected conversation's notifications say only that there is something to read: its
/// subject, text and file names stay behind the step-up.
pub(super) async fn notify(
    txn: &impl ConnectionTrait,
    portal: &Portal,
    matter: &matter::Model,
    conversation: &conversation::Model,
    author: &str,
    enclosures: Enclosures<'_>,
    to: &[user::Model],
) -> Result<(), AppError> {
    let written = enclosures.written;
    let link = format!(
        "{}/matters/{}?conversation={}",
        portal.public_url, matter.id, conversation.id
    );
    let protected = conversation.requires_second_factor;
    for person in to.iter().filter(|u| u.disabled_at.is_none()) {
        if portal.channels.email {
            // Changes to shared files waiting to be told go with this email instead.
            let batch = crate::shares::notices::batch_key(conversation.id, person.id);
            let changed = outbox::take(txn, &batch).await?.unwrap_or_default();
            let (subject, mut text) = if protected {
                (
                    format!("A secure message on {}", matter.number),
                    format!(
                        "Hello {name},\n\n{author} sent you a secure message. Sign in and confirm \
                         it is you to read it:\n{link}\n",
                        name = person.display_name
                    ),
                )
            } else {
                (
                    format!("{}: {}", matter.number, conversation.subject),
                    format!(
                        "Hello {name},\n\n{author} wrote:\n\n{quoted}\n\nRead and reply:\n{link}\n",
                        name = person.display_name,
                        quoted = summary(enclosures)
                    ),
                )
            };
            if !protected && !changed.is_empty() {
                text.push_str("\nAlso changed in what is shared with you here:\n");
                for line in &changed {
                    text.push_str(line);
                    text.push('\n');
                }
            }
            outbox::enqueue(
                txn,
                Outgoing::Email {
                    to: person.email.clone(),
                    subject,
                    body: text,
                },
            )
            .await?;
        }
        if let (true, Some(mobile)) = (written.sent_as_sms, person.mobile.clone()) {
            let body = if protected {
                format!("{author} sent you a secure message. Sign in to read it: {link}")
            } else {
                format!("{author}: {}\n{link}", summary(enclosures))
            };
            outbox::enqueue(txn, Outgoing::Sms { to: mobile, body }).await?;
        }
    }
    Ok(())
}
