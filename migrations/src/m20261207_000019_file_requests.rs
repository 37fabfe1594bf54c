//! File requests: a message of the firm's can ask for files ("Please upload: passport, last
//! three payslips"), one line a slot (`messages.requested`, the lines as JSON). What a contact
//! uploads into a slot is a document of the matter's tree, in a folder of theirs; each one is
//! kept against its slot (`requested_files`), and an upload on its way says which slot it is for.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("messages")
                    .add_column(text_null("requested"))
                    .to_owned(),
            )
            .await?;
        // One column a statement: SQLite alters a table one change at a time.
        for column in [
            uuid_null("request_message_id"),
            integer_null("request_item"),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table("uploads")
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("requested_files")
                    .col(uuid("id").primary_key())
                    .col(uuid("message_id"))
                    .col(integer("item"))
                    .col(uuid("document_id"))
                    .col(uuid("version_id"))
                    .col(string_len("name", 255))
                    .col(big_integer("size"))
                    .col(string_len("sha256", 64))
                    .col(uuid_null("uploaded_by"))
                    .col(timestamp_with_time_zone("uploaded_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("requested_files", "message_id")
                            .to("messages", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("requested_files", "document_id")
                            .to("documents", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("requested_files", "uploaded_by")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("requested_files_message")
                    .table("requested_files")
                    .col("message_id")
                    .col("item")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("requested_files").to_owned())
            .await?;
        for (table, column) in [
            ("uploads", "request_item"),
            ("uploads", "request_message_id"),
            ("messages", "requested"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
