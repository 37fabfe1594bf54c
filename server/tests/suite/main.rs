//! The server's tests, one binary: every file here is a module of it. One binary links
//! the whole portal once instead of once per file (twenty links of an 80 MB binary were most
//! of a cold test build). nextest still runs each test in its own process.

mod common;

mod activity;
mod authorization;
mod conversations;
mod crash;
mod files;
mod first_run;
mod foundation;
mod invitations;
mod matters;
mod notifications;
mod operations;
mod release_binary;
mod requests;
mod second_factor;
mod security_at_rest;
mod security_holes;
mod security_limits;
mod security_second_factor;
mod security_sessions;
mod sessions;
mod throttle;
