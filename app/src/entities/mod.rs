//! The database rows, as sea-orm sees them. Server-only: the browser gets its own small types.

pub mod account_link;
pub mod attachment;
pub mod audit_event;
pub mod conversation;
pub mod conversation_participant;
pub mod document;
pub mod document_version;
pub mod firm_logo;
pub mod firm_setting;
pub mod folder;
pub mod limit_counter;
pub mod matter;
pub mod matter_person;
pub mod message;
pub mod one_time_code;
pub mod outbox_message;
pub mod recovery_code;
pub mod secret_key_check;
pub mod setup_token;
pub mod share;
pub mod totp_credential;
pub mod upload;
pub mod user;
