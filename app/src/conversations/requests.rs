//! File requests: the firm asks in a message for files ("Please upload: passport, last three
//! payslips"), one line a slot, and the conversation's contacts upload into each line through
//! the same resumable upload as the file tree's, up to 5 GB a file. What they upload is a
//! document of the matter's All Files, in a folder of theirs ("Uploads from Grace Hopper"), so
//! the firm has it where it keeps everything else; the request shows under each line what was
//! uploaded into it: all of it to the firm, their own to each contact.
//!
//! Who may upload into a line is the policy's to say (`Actor::request_slot`); this module keeps
//! the lines, the folder and the record of each upload.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, SqlErr,
};
use uuid::Uuid;

use super::{
    FILES_PER_REQUEST_LINE, MAX_REQUEST_LINE_CHARS, MAX_REQUEST_LINES, MessageView,
    RequestItemView, RequestView, RequestedFileView,
};
use crate::{
    AppError,
    entities::{folder, message, requested_file, upload, user},
    files::{
        MAX_FILES_PER_FOLDER,
        names::{clean_name, name_key},
        tree::{self, Place, when},
    },
    ids::{FolderId, MessageId, UserId},
    policy::RequestSlot,
};

/// The lines of a request as the composer sends them (one a line, blank lines ignored), as
/// kept with the message; `None` when there are none.
pub fn parse(raw: &str) -> Result<Option<String>, AppError> {
    let lines: Vec<&str> = raw
        .lines()
        .map(|l| l.trim().trim_start_matches(['-', '*', '•']).trim())
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return Ok(None);
    }
    if lines.len() > MAX_REQUEST_LINES {
        return Err(AppError::bad_request(format!(
            "A request can ask for at most {MAX_REQUEST_LINES} files. Send a second request for \
             the rest."
        )));
    }
    if let Some(long) = lines
        .iter()
        .find(|l| l.chars().count() > MAX_REQUEST_LINE_CHARS)
    {
        let start: String = long.chars().take(30).collect();
        return Err(AppError::bad_request(format!(
            "Each line asks for one file in at most {MAX_REQUEST_LINE_CHARS} characters; \
             \"{start}…\" is longer."
        )));
    }
    if lines.iter().any(|l| l.chars().any(char::is_control)) {
        return Err(AppError::bad_request(
            crate::text::A_LINE_OF_THE_REQUEST_HOLDS,
        ));
    }
    serde_json::to_string(&lines)
        .map(Some)
        .map_err(AppError::internal)
}

/// The lines kept with a message (none if they cannot be read).
pub fn lines(kept: &str) -> Vec<String> {
    serde_json::from_str(kept).unwrap_or_default()
}

/// The requests of these messages with everything uploaded into them, for every reader
/// (`for_reader` then keeps what one reader may see). One query, only when one asks.
pub async fn of_messages(
    db: &impl ConnectionTrait,
    messages: &[message::Model],
) -> Result<HashMap<MessageId, RequestView>, AppError> {
    let asking: Vec<(&message::Model, Vec<String>)> = messages
        .iter()
        .filter(|m| m.deleted_at.is_none())
        .filter_map(|m| Some((m, lines(m.requested.as_deref()?))))
        .filter(|(_, lines)| !lines.is_empty())
        .collect();
    if asking.is_empty() {
        return Ok(HashMap::new());
    }
    let uploaded = requested_file::Entity::find()
        .filter(requested_file::Column::MessageId.is_in(asking.iter().map(|(m, _)| m.id)))
        .order_by_asc(requested_file::Column::UploadedAt)
        .all(db)
        .await?;
    let people: HashSet<UserId> = uploaded.iter().filter_map(|f| f.uploaded_by).collect();
    let names: HashMap<UserId, String> = if people.is_empty() {
        HashMap::new()
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(people))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect()
    };
    let mut views: HashMap<MessageId, RequestView> = asking
        .into_iter()
        .map(|(m, lines)| {
            let items = lines
                .into_iter()
                .map(|label| RequestItemView {
                    label,
                    files: Vec::new(),
                })
                .collect();
            (m.id, RequestView { items })
        })
        .collect();
    for f in uploaded {
        let Some(item) = views.get_mut(&f.message_id).and_then(|v| {
            v.items
                .get_mut(usize::try_from(f.item).unwrap_or(usize::MAX))
        }) else {
            continue;
        };
        item.files.push(RequestedFileView {
            name: f.name,
            size: u64::try_from(f.size).unwrap_or(0),
            sha256: f.sha256,
            by: f
                .uploaded_by
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_else(|| crate::text::A_FORMER_USER.into()),
            by_id: f.uploaded_by,
            at: when(f.uploaded_at),
            document: Some(f.document_id),
        });
    }
    Ok(views)
}

/// What one reader sees of a message's request: the firm, every upload and where it is in All
/// Files; a contact, only their own uploads, and not where the firm keeps them.
pub fn for_reader(view: &mut MessageView, reader: UserId, firm: bool) {
    if firm {
        return;
    }
    if let Some(request) = &mut view.request {
        for item in &mut request.items {
            item.files.retain(|f| f.by_id == Some(reader));
            for f in &mut item.files {
                f.document = None;
            }
        }
    }
}

/// Whether one more file may go into this line from this person: each line takes at most
/// `FILES_PER_REQUEST_LINE` of theirs, finished or on their way. Call it in the transaction
/// that records the upload, after `db::lock_person`, so that uploads started at once cannot
/// all slip in.
pub async fn check_room(
    txn: &DatabaseTransaction,
    slot: &RequestSlot,
    person: UserId,
) -> Result<(), AppError> {
    use sea_orm::PaginatorTrait;
    let message = slot.message().id;
    let item = slot.item() as i32;
    let finished = requested_file::Entity::find()
        .filter(requested_file::Column::MessageId.eq(message))
        .filter(requested_file::Column::Item.eq(item))
        .filter(requested_file::Column::UploadedBy.eq(person))
        .count(txn)
        .await?;
    let on_their_way = upload::Entity::find()
        .filter(upload::Column::RequestMessageId.eq(message))
        .filter(upload::Column::RequestItem.eq(item))
        .filter(upload::Column::CreatedBy.eq(person))
        .filter(upload::Column::VersionId.is_null())
        .count(txn)
        .await?;
    if finished + on_their_way >= FILES_PER_REQUEST_LINE as u64 {
        return Err(AppError::Conflict(format!(
            "You have sent {FILES_PER_REQUEST_LINE} files for \"{}\", the most one line takes. \
             If the firm needs more, ask them to send another request.",
            slot.label()
        )));
    }
    Ok(())
}

/// The folder of All Files this person's uploads go into: "Uploads from Grace Hopper" at the
/// top of the tree, made on first use; when it holds as many files as a folder can, the next
/// one ("… (2)"). A file or a folder of that name in the trash is not in the way.
pub async fn folder_for(
    db: &impl ConnectionTrait,
    slot: &RequestSlot,
) -> Result<FolderId, AppError> {
    let access = slot.matter();
    let root = tree::live_folder(db, access, None).await?;
    let base = folder_name(access.user().display_name());
    for n in 1..=1_000 {
        let name = if n == 1 {
            base.clone()
        } else {
            format!("{base} ({n})")
        };
        let key = name_key(&name);
        match tree::occupant(db, root.id, &key).await? {
            Some(Place::Folder(f))
                if tree::live_file_count(db, f.id).await? < MAX_FILES_PER_FOLDER as u64 =>
            {
                return Ok(f.id);
            }
            Some(_) => continue,
            None => {}
        }
        let made = folder::Model {
            id: FolderId::fresh(),
            matter_id: access.id(),
            parent_id: Some(root.id),
            name,
            name_key: key.clone(),
            created_by: Some(access.user().id()),
            created_at: Utc::now(),
            trashed_at: None,
            trashed_by: None,
        };
        let inserted = folder::Entity::insert(folder::ActiveModel::from(made.clone()))
            .exec_without_returning(db)
            .await;
        match inserted {
            Ok(_) => return Ok(made.id),
            // Made by another upload at the same moment: use it.
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                if let Some(Place::Folder(f)) = tree::occupant(db, root.id, &key).await? {
                    return Ok(f.id);
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict(
        crate::text::THERE_IS_NO_ROOM_LEFT_FOR.into(),
    ))
}

/// "Uploads from <name>", as a name the tree accepts (characters it refuses become spaces).
fn folder_name(person: &str) -> String {
    let cleaned: String = person
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let cleaned: String = cleaned.chars().take(200).collect();
    let name = if cleaned.is_empty() {
        crate::text::UPLOADS.to_string()
    } else {
        crate::text::uploads_from(&cleaned)
    };
    clean_name(&name).unwrap_or_else(|_| crate::text::UPLOADS.into())
}

/// Keeps a finished upload against the line it answered, in the upload's transaction.
pub async fn record(
    txn: &impl ConnectionTrait,
    upload: &upload::Model,
    filed: &crate::files::filing::Version,
    sha256: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (Some(message_id), Some(item)) = (upload.request_message_id, upload.request_item) else {
        return Ok(());
    };
    requested_file::Entity::insert(requested_file::ActiveModel {
        id: Set(Uuid::now_v7()),
        message_id: Set(message_id),
        item: Set(item),
        document_id: Set(filed.document),
        version_id: Set(filed.version),
        name: Set(filed.name.clone()),
        size: Set(upload.length),
        sha256: Set(sha256.to_string()),
        uploaded_by: Set(Some(upload.created_by)),
        uploaded_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// A deleted message asks for nothing more: its lines and the record of what answered them go
/// (the files stay in All Files, where the firm keeps them).
pub async fn withdraw(txn: &impl ConnectionTrait, message: MessageId) -> Result<(), AppError> {
    requested_file::Entity::delete_many()
        .filter(requested_file::Column::MessageId.eq(message))
        .exec(txn)
        .await?;
    message::Entity::update_many()
        .col_expr(
            message::Column::Requested,
            sea_orm::sea_query::Expr::value(None::<String>),
        )
        .filter(message::Column::Id.eq(message))
        .exec(txn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_its_lines_bullets_and_blanks_aside() {
        let kept = parse("- Passport\n\n * Last three payslips \n• Lease").expect("parsed");
        assert_eq!(
            lines(&kept.expect("some")),
            ["Passport", "Last three payslips", "Lease"]
        );
        assert_eq!(parse(" \n \n").expect("parsed"), None);
        assert!(parse(&"x\n".repeat(MAX_REQUEST_LINES + 1)).is_err());
        assert!(parse(&"x".repeat(MAX_REQUEST_LINE_CHARS + 1)).is_err());
        assert!(lines("not json").is_empty());
    }

    #[test]
    fn a_persons_folder_is_named_for_them_in_a_name_the_tree_takes() {
        assert_eq!(folder_name("Grace Hopper"), "Uploads from Grace Hopper");
        assert_eq!(folder_name("A/B\\C\u{7}"), "Uploads from A B C");
        assert_eq!(folder_name("  "), "Uploads");
    }
}
