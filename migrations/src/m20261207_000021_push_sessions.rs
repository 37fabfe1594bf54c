//! A push subscription remembers the session that made it (`push_subscriptions.session_ref`, a
//! random reference kept in that session's data, which survives the session's id changing at
//! a step-up), so that signing out on a shared device stops that device's pushes. Existing
//! subscriptions have none: they stop when their person signs out everywhere or changes their
//! password, or when they turn push off there.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("push_subscriptions")
                    .add_column(string_len_null("session_ref", 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("push_subscriptions_session")
                    .table("push_subscriptions")
                    .col("session_ref")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("push_subscriptions_session")
                    .table("push_subscriptions")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("push_subscriptions")
                    .drop_column("session_ref")
                    .to_owned(),
            )
            .await
    }
}
