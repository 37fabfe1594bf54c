use sea_orm::entity::prelude::*;

/// A signed-in (or signing-in) browser's session, as tower-sessions keeps it
/// (`server/src/sessions.rs` is the store). Stored under [`row_id`], never the id itself.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub data: String,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// What a session's row is stored under: the SHA-256 of its id, so that whoever reads the table
/// (or a backup) holds no usable cookie.
pub fn row_id(id: &tower_sessions::session::Id) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(id.to_string().as_bytes()))
}
