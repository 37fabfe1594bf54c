//! Notifications by channel: each person chooses whether new messages reach them by email, by
//! text and by push (`users.notify_*`, all on at first); the firm can insist on the email that
//! says a protected conversation has something to read (`firm_settings.protected_email_required`).
//! A browser or installed app that opted in to Web Push is a row of `push_subscriptions`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters a table one change at a time.
        for name in ["notify_email", "notify_sms", "notify_push"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("users")
                        .add_column(boolean(name).default(true))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("firm_settings")
                    .add_column(boolean("protected_email_required").default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("push_subscriptions")
                    .col(uuid("id").primary_key())
                    .col(uuid("user_id"))
                    .col(text("endpoint").unique_key())
                    .col(string_len("p256dh", 128))
                    .col(string_len("auth", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("push_subscriptions", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("push_subscriptions_user")
                    .table("push_subscriptions")
                    .col("user_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("push_subscriptions").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("firm_settings")
                    .drop_column("protected_email_required")
                    .to_owned(),
            )
            .await?;
        for name in ["notify_email", "notify_sms", "notify_push"] {
            manager
                .alter_table(Table::alter().table("users").drop_column(name).to_owned())
                .await?;
        }
        Ok(())
    }
}
