//! Conversations that change over time: who joined or left (`conversation_events`), messages
//! edited or deleted by their authors (a deleted one keeps only that it was there), the
//! firm's window for doing so, and the outbox's link to the message a notice is about (a
//! message deleted before its notice went out takes the notice with it).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("conversation_events")
                    .col(uuid("id").primary_key())
                    .col(uuid("conversation_id"))
                    .col(string_len("kind", 16))
                    .col(uuid("user_id"))
                    .col(uuid_null("by_id"))
                    .col(timestamp_with_time_zone("at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("conversation_events", "conversation_id")
                            .to("conversations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("conversation_events", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("conversation_events", "by_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("conversation_events_conversation")
                    .table("conversation_events")
                    .col("conversation_id")
                    .col("at")
                    .to_owned(),
            )
            .await?;
        // One column a statement: SQLite alters a table one change at a time.
        for column in [
            timestamp_with_time_zone_null("edited_at"),
            timestamp_with_time_zone_null("deleted_at"),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table("messages")
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("firm_settings")
                    .add_column(integer("message_edit_minutes").default(15))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("outbox")
                    .add_column(uuid_null("message_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_message_id")
                    .table("outbox")
                    .col("message_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("outbox_message_id")
                    .table("outbox")
                    .to_owned(),
            )
            .await?;
        for (table, column) in [
            ("outbox", "message_id"),
            ("firm_settings", "message_edit_minutes"),
            ("messages", "deleted_at"),
            ("messages", "edited_at"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table("conversation_events").to_owned())
            .await
    }
}
