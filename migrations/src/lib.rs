//! Dossier's schema, one migration per change, applied in order at start.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_foundation;
mod m20261125_000002_sessions;
mod m20261125_000003_sign_in_failures;
mod m20261125_000004_sessions_revoked_at;
mod m20261125_000005_second_factor;
mod m20261125_000006_links_and_outbox;
mod m20261125_000007_settings_and_codes;
mod m20261125_000008_matters;
mod m20261125_000009_files;
mod m20261125_000010_conversations;
mod m20261127_000011_security;
mod m20261127_000012_retention;
mod m20261128_000013_guide;
mod m20261128_000014_brand;
mod m20261128_000015_logo;
mod m20261128_000016_who_saw_what;
mod m20261128_000017_share_visits;
mod m20261128_000018_conversation_changes;
mod m20261207_000019_file_requests;
mod m20261207_000020_notification_channels;
mod m20261207_000021_push_sessions;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_foundation::Migration),
            Box::new(m20261125_000002_sessions::Migration),
            Box::new(m20261125_000003_sign_in_failures::Migration),
            Box::new(m20261125_000004_sessions_revoked_at::Migration),
            Box::new(m20261125_000005_second_factor::Migration),
            Box::new(m20261125_000006_links_and_outbox::Migration),
            Box::new(m20261125_000007_settings_and_codes::Migration),
            Box::new(m20261125_000008_matters::Migration),
            Box::new(m20261125_000009_files::Migration),
            Box::new(m20261125_000010_conversations::Migration),
            Box::new(m20261127_000011_security::Migration),
            Box::new(m20261127_000012_retention::Migration),
            Box::new(m20261128_000013_guide::Migration),
            Box::new(m20261128_000014_brand::Migration),
            Box::new(m20261128_000015_logo::Migration),
            Box::new(m20261128_000016_who_saw_what::Migration),
            Box::new(m20261128_000017_share_visits::Migration),
            Box::new(m20261128_000018_conversation_changes::Migration),
            Box::new(m20261207_000019_file_requests::Migration),
            Box::new(m20261207_000020_notification_channels::Migration),
            Box::new(m20261207_000021_push_sessions::Migration),
        ]
    }
}
