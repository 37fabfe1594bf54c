//! The firm's settings (one row), the six-digit codes sent by email or SMS to people without an
//! authenticator app, and when a person accepted their invitation (clients who sign in by
//! emailed link have no password to show it).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .add_column(timestamp_with_time_zone_null("joined_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("firm_settings")
                    // Always 1: the firm has one set of settings.
                    .col(integer("id").primary_key())
                    .col(integer("idle_timeout_minutes"))
                    .col(integer("session_lifetime_hours"))
                    .col(integer("step_up_window_hours"))
                    .col(boolean("staff_two_step_required"))
                    .col(boolean("sms_enabled"))
                    .col(boolean("client_sign_in_by_link"))
                    .col(timestamp_with_time_zone_null("updated_at"))
                    .col(uuid_null("updated_by"))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("firm_settings")
                    .columns([
                        "id",
                        "idle_timeout_minutes",
                        "session_lifetime_hours",
                        "step_up_window_hours",
                        "staff_two_step_required",
                        "sms_enabled",
                        "client_sign_in_by_link",
                    ])
                    .values_panic([
                        1.into(),
                        480.into(),
                        168.into(),
                        12.into(),
                        false.into(),
                        true.into(),
                        false.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("one_time_codes")
                    .col(pk_uuid("id"))
                    .col(uuid("user_id"))
                    // email | sms
                    .col(string_len("channel", 16))
                    .col(string_len("code_hash", 64))
                    .col(integer("attempts").default(0))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("one_time_codes", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("one_time_codes_user")
                    .table("one_time_codes")
                    .col("user_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("one_time_codes").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("firm_settings").to_owned())
            .await
    }
}
