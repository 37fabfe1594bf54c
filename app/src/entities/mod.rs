//! The database rows, as sea-orm sees them. Server-only: the browser gets its own small types.

pub mod account_link;
pub mod attachment;
pub mod audit_event;
pub mod conversation;
pub mod conversation_participant;
pub mod document;
pub mod document_version;
pub mod firm_setting;
pub mod folder;
pub mod matter;
pub mod matter_person;
pub mod message;
pub mod one_time_code;
pub mod outbox_message;
pub mod recovery_code;
pub mod setup_token;
pub mod share;
pub mod sign_in_failure;
pub mod totp_credential;
pub mod upload;
pub mod user;
