//! The database rows, as sea-orm sees them. Server-only: the browser gets its own small types.

pub mod audit_event;
pub mod recovery_code;
pub mod setup_token;
pub mod sign_in_failure;
pub mod totp_credential;
pub mod user;
