//! Who saw what. The access log: every open of a conversation and every preview or download of
//! a file, per matter, each entry chained to the one before by SHA-256 (tamper-evident), and the
//! matter's latest entry (its head), so that removing the newest entries shows too. Read
//! receipts: when each person first had each message on screen. Finer control of shares: an
//! end date, and access removed for one recipient.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("access_events")
                    .col(pk_uuid("id"))
                    .col(uuid("matter_id"))
                    // 1, 2, 3… within the matter: a gap is a removed entry.
                    .col(big_integer("seq"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    // No foreign keys but the matter's: a person or document removed later must
                    // not change (and so break) the entries that name them.
                    .col(uuid_null("person_id"))
                    .col(string_len("person_name", 200))
                    // conversation.opened | file.previewed | file.downloaded
                    .col(string_len("kind", 32))
                    .col(string_len("item_name", 300))
                    .col(uuid_null("document_id"))
                    .col(integer_null("version"))
                    .col(uuid_null("attachment_id"))
                    .col(uuid_null("share_id"))
                    .col(uuid_null("conversation_id"))
                    .col(string_len_null("sha256", 64))
                    .col(string_len_null("ip", 64))
                    .col(string_len_null("user_agent", 300))
                    .col(string_len("prev_hash", 64))
                    .col(string_len("hash", 64))
                    .foreign_key(
                        ForeignKey::create()
                            .from("access_events", "matter_id")
                            .to("matters", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("access_events_matter_seq")
                    .table("access_events")
                    .col("matter_id")
                    .col("seq")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("access_events_document")
                    .table("access_events")
                    .col("document_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("access_events_share")
                    .table("access_events")
                    .col("share_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("message_reads")
                    .col(uuid("message_id"))
                    .col(uuid("user_id"))
                    .col(timestamp_with_time_zone("read_at"))
                    .primary_key(Index::create().col("message_id").col("user_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("message_reads", "message_id")
                            .to("messages", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("message_reads", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("shares")
                    .add_column(timestamp_with_time_zone_null("expires_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("share_revocations")
                    .col(uuid("share_id"))
                    .col(uuid("user_id"))
                    .col(timestamp_with_time_zone("revoked_at"))
                    .col(uuid_null("revoked_by"))
                    .primary_key(Index::create().col("share_id").col("user_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("share_revocations", "share_id")
                            .to("shares", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("share_revocations", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("share_revocations", "revoked_by")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("access_heads")
                    .col(pk_uuid("matter_id"))
                    .col(big_integer("seq"))
                    .col(string_len("hash", 64))
                    .foreign_key(
                        ForeignKey::create()
                            .from("access_heads", "matter_id")
                            .to("matters", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("share_revocations").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("shares")
                    .drop_column("expires_at")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("message_reads").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("access_heads").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("access_events").to_owned())
            .await
    }
}
