//! Matters (a client's legal case) and the people on them: clients and other contacts with their
//! role, and the firm's staff.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("matters")
                    .col(pk_uuid("id"))
                    // The firm's own reference, e.g. "2026-0142"; unique, compared case-blind.
                    .col(string_len("number", 40))
                    .col(string_len_uniq("number_key", 40))
                    .col(string_len("name", 200))
                    .col(text("description").default(""))
                    // open | closed
                    .col(string_len("status", 16))
                    .col(uuid_null("responsible_id"))
                    // Lower-cased number, name and contact names: what search looks in.
                    .col(text("search_text").default(""))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("matters", "responsible_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("matters_status_updated")
                    .table("matters")
                    .col("status")
                    .col("updated_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("matter_people")
                    .col(uuid("matter_id"))
                    .col(uuid("user_id"))
                    // client | other_party | counsel | other | staff
                    .col(string_len("role", 24))
                    .col(timestamp_with_time_zone("added_at"))
                    .col(uuid_null("added_by"))
                    .primary_key(Index::create().col("matter_id").col("user_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("matter_people", "matter_id")
                            .to("matters", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("matter_people", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("matter_people_user")
                    .table("matter_people")
                    .col("user_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("matter_people").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("matters").to_owned())
            .await
    }
}
