//! Retention: the trash is emptied after a number of days the firm sets; a closed matter may be
//! given a date after which it is deleted; a legal hold on a matter blocks every deletion of
//! its records until it is lifted.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one new column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table("firm_settings")
                    .add_column(integer("trash_retention_days").default(30))
                    .to_owned(),
            )
            .await?;
        for column in [
            timestamp_with_time_zone_null("retain_until"),
            timestamp_with_time_zone_null("legal_hold_at"),
            uuid_null("legal_hold_by"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("matters")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["legal_hold_by", "legal_hold_at", "retain_until"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("matters")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("firm_settings")
                    .drop_column("trash_retention_days")
                    .to_owned(),
            )
            .await
    }
}
