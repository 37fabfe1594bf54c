//! Conversations on a matter: external ones with its contacts, internal ones among staff; who
//! takes part in each (and what they have read); their messages, the files sent with them
//! (copies), and the files and folders shared in them (live links that can be revoked).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("conversations")
                    .col(pk_uuid("id"))
                    .col(uuid("matter_id"))
                    // external | internal
                    .col(string_len("kind", 16))
                    .col(string_len("subject", 200))
                    // Contacts see nothing of it until they pass the second factor (step-up).
                    .col(boolean("requires_second_factor"))
                    .col(uuid_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("last_message_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("conversations", "matter_id")
                            .to("matters", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("conversations", "created_by")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("conversations_matter_last")
                    .table("conversations")
                    .col("matter_id")
                    .col("last_message_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("conversation_participants")
                    .col(uuid("conversation_id"))
                    .col(uuid("user_id"))
                    .col(timestamp_with_time_zone("added_at"))
                    // Messages after this are unread for this person.
                    .col(timestamp_with_time_zone_null("last_read_at"))
                    .primary_key(Index::create().col("conversation_id").col("user_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("conversation_participants", "conversation_id")
                            .to("conversations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("conversation_participants", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("conversation_participants_user")
                    .table("conversation_participants")
                    .col("user_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("messages")
                    .col(pk_uuid("id"))
                    .col(uuid("conversation_id"))
                    .col(uuid_null("author_id"))
                    .col(text("body"))
                    // Also sent as a text message to participants with a mobile number.
                    .col(boolean("sent_as_sms"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("messages", "conversation_id")
                            .to("conversations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("messages", "author_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("messages_conversation_created")
                    .table("messages")
                    .col("conversation_id")
                    .col("created_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("attachments")
                    .col(pk_uuid("id"))
                    .col(uuid("matter_id"))
                    // Both NULL while staged: uploaded, not yet sent.
                    .col(uuid_null("conversation_id"))
                    .col(uuid_null("message_id"))
                    .col(string_len("name", 255))
                    .col(big_integer("size"))
                    .col(string_len("sha256", 64))
                    .col(string_len("content_type", 255))
                    .col(string_len("blob", 64))
                    .col(text("parts"))
                    .col(uuid_null("source_document_id"))
                    .col(uuid_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("attachments", "matter_id")
                            .to("matters", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("attachments", "message_id")
                            .to("messages", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("attachments", "created_by")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("attachments_message")
                    .table("attachments")
                    .col("message_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("shares")
                    .col(pk_uuid("id"))
                    .col(uuid("matter_id"))
                    .col(uuid("conversation_id"))
                    .col(uuid("message_id"))
                    // document | folder: the live item in the matter's tree it opens.
                    .col(string_len("kind", 16))
                    .col(uuid("item_id"))
                    .col(uuid_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    // Set when the firm removes access: from then on it opens nothing.
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(uuid_null("revoked_by"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("shares", "matter_id")
                            .to("matters", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("shares", "message_id")
                            .to("messages", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("shares_message")
                    .table("shares")
                    .col("message_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("shares_matter")
                    .table("shares")
                    .col("matter_id")
                    .to_owned(),
            )
            .await?;
        // An upload can be for a message rather than for the file tree.
        manager
            .alter_table(
                Table::alter()
                    .table("uploads")
                    .add_column(boolean("for_attachment").default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("uploads")
                    .drop_column("for_attachment")
                    .to_owned(),
            )
            .await?;
        for table in [
            "shares",
            "attachments",
            "messages",
            "conversation_participants",
            "conversations",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
