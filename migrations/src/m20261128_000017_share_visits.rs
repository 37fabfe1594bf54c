//! What changed in a share since each recipient last looked: when they last opened it, and the
//! look before that (what the marks "new" and "updated" are measured from). And the outbox's
//! batches: an email still gathering lines (files updated in a share) until it is due.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("share_visits")
                    .col(uuid("share_id"))
                    .col(uuid("user_id"))
                    .col(timestamp_with_time_zone("last_at"))
                    .col(timestamp_with_time_zone_null("previous_at"))
                    .primary_key(Index::create().col("share_id").col("user_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("share_visits", "share_id")
                            .to("shares", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("share_visits", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("outbox")
                    .add_column(string_len_null("batch_key", 200))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_batch_key")
                    .table("outbox")
                    .col("batch_key")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("outbox_batch_key")
                    .table("outbox")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("outbox")
                    .drop_column("batch_key")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("share_visits").to_owned())
            .await
    }
}
