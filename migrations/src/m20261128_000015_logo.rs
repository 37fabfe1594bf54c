//! The firm's logo: one small image (PNG, JPEG or WebP), kept in the database so every node
//! serves it and a backup holds it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("firm_logos")
                    .col(integer("id").primary_key())
                    .col(string_len("content_type", 32))
                    .col(integer("width"))
                    .col(integer("height"))
                    .col(string_len("sha256", 64))
                    .col(blob("data"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(uuid_null("updated_by"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("firm_logos").to_owned())
            .await
    }
}
