//! Failed sign-ins, counted per email address and per IP to slow down password guessing.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("sign_in_failures")
                    .col(pk_uuid("id"))
                    // As typed, lower-cased: unknown addresses are counted like known ones.
                    .col(string_len("email", 320))
                    .col(string_len_null("ip", 64))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("sign_in_failures_email", "email"),
            ("sign_in_failures_ip", "ip"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("sign_in_failures")
                        .col(col)
                        .col("occurred_at")
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("sign_in_failures").to_owned())
            .await
    }
}
