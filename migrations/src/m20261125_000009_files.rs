//! The matter's file tree: folders, documents and their versions, and the resumable uploads that
//! become versions once complete. Bytes live in object storage under keys Dossier chooses; these
//! rows are the only way to reach them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("folders")
                    .col(pk_uuid("id"))
                    .col(uuid("matter_id"))
                    // NULL only for the matter's root folder, whose id is the matter's id.
                    .col(uuid_null("parent_id"))
                    .col(string_len("name", 255))
                    // NFC, lower-cased: two names that look the same cannot sit side by side.
                    .col(string_len("name_key", 255))
                    .col(uuid_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("trashed_at"))
                    .col(uuid_null("trashed_by"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("folders", "matter_id")
                            .to("matters", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("folders", "parent_id")
                            .to("folders", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("documents")
                    .col(pk_uuid("id"))
                    .col(uuid("matter_id"))
                    .col(uuid("folder_id"))
                    .col(string_len("name", 255))
                    .col(string_len("name_key", 255))
                    .col(integer("version_count").default(0))
                    .col(big_integer("size").default(0))
                    .col(string_len("content_type", 127))
                    .col(uuid_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(uuid_null("updated_by"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("trashed_at"))
                    .col(uuid_null("trashed_by"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("documents", "matter_id")
                            .to("matters", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("documents", "folder_id")
                            .to("folders", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("document_versions")
                    .col(pk_uuid("id"))
                    .col(uuid("document_id"))
                    .col(integer("number"))
                    // The object-key prefix its parts live under, and their sizes in order
                    // (a JSON array): a version is the concatenation of its parts.
                    .col(string_len("blob", 64))
                    .col(text("parts"))
                    .col(big_integer("size"))
                    .col(string_len("sha256", 64))
                    .col(string_len("content_type", 127))
                    .col(uuid_null("uploaded_by"))
                    .col(timestamp_with_time_zone("uploaded_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("document_versions", "document_id")
                            .to("documents", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("uploads")
                    // Random, unguessable: it is the upload's URL.
                    .col(string_len("id", 64).primary_key())
                    .col(uuid("matter_id"))
                    .col(uuid("folder_id"))
                    // Set when the upload is a new version of this document.
                    .col(uuid_null("document_id"))
                    .col(string_len("name", 255))
                    .col(big_integer("length"))
                    .col(big_integer("received").default(0))
                    // Keys and sizes of the parts received so far (JSON).
                    .col(text("parts"))
                    // The SHA-256 of the bytes received so far, as a resumable hasher state.
                    .col(binary("hash_state"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(uuid_null("version_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("uploads", "matter_id")
                            .to("matters", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // Names are unique among the live items of a folder; trashed ones keep theirs.
        for sql in [
            "CREATE UNIQUE INDEX folders_live_name ON folders (parent_id, name_key) \
             WHERE trashed_at IS NULL",
            "CREATE UNIQUE INDEX documents_live_name ON documents (folder_id, name_key) \
             WHERE trashed_at IS NULL",
            "CREATE INDEX folders_matter ON folders (matter_id)",
            "CREATE INDEX documents_matter ON documents (matter_id)",
            "CREATE UNIQUE INDEX document_versions_number ON document_versions (document_id, number)",
            "CREATE INDEX uploads_updated ON uploads (updated_at)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["uploads", "document_versions", "documents", "folders"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
