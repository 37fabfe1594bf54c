//! The one error type of Dossier. Every server function and HTTP route returns it; what a
//! person sees is its `Display` sentence, and its variant decides the HTTP status.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{}", crate::text::PLEASE_SIGN_IN_TO_CONTINUE)]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    /// A protected conversation: the person must pass the second factor again (step-up) first.
    #[error("{}", crate::text::THIS_CONVERSATION_IS_PROTECTED)]
    StepUpRequired,
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("{0}")]
    Unavailable(String),
    /// The cause is logged on the server under this reference; the person only gets the reference.
    #[error("{}", crate::text::something_went_wrong(.0))]
    Internal(String),
}

impl AppError {
    pub fn bad_request(msg: impl Into<String>) -> Self {
        Self::BadRequest(msg.into())
    }

    pub fn status_code(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::Unauthenticated => 401,
            Self::Forbidden(_) | Self::StepUpRequired => 403,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::TooLarge(_) => 413,
            Self::TooManyRequests(_) => 429,
            Self::Unavailable(_) => 503,
            Self::Internal(_) => 500,
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match value {
            E::Args(_) | E::MissingArg(_) | E::Deserialization(_) | E::Serialization(_) => {
                Self::BadRequest(crate::text::THE_REQUEST_WAS_NOT_UNDERSTOOD_RELOAD.into())
            }
            E::Request(_) => Self::Unavailable(crate::text::THE_PORTAL_COULD_NOT_BE_REACHED.into()),
            other => internal_reference(other),
        }
    }
}

#[cfg(feature = "ssr")]
fn internal_reference(cause: impl std::fmt::Display) -> AppError {
    let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
    tracing::error!(reference = %reference, cause = %cause, "internal error");
    AppError::Internal(reference)
}

#[cfg(not(feature = "ssr"))]
fn internal_reference(cause: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("browser: {cause}"))
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;

    impl AppError {
        /// Logs `cause` and returns an error that shows the person only a reference to it.
        pub fn internal(cause: impl std::fmt::Display) -> Self {
            internal_reference(cause)
        }
    }

    impl From<sea_orm::DbErr> for AppError {
        fn from(e: sea_orm::DbErr) -> Self {
            Self::internal(format!("database: {e}"))
        }
    }

    impl From<sea_orm::TransactionError<AppError>> for AppError {
        fn from(e: sea_orm::TransactionError<AppError>) -> Self {
            match e {
                sea_orm::TransactionError::Connection(e) => e.into(),
                sea_orm::TransactionError::Transaction(e) => e,
            }
        }
    }

    impl From<opendal::Error> for AppError {
        fn from(e: opendal::Error) -> Self {
            Self::internal(format!("storage: {e}"))
        }
    }

    impl axum::response::IntoResponse for AppError {
        fn into_response(self) -> axum::response::Response {
            let status = http::StatusCode::from_u16(self.status_code())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            let headers = [(http::header::CONTENT_TYPE, "text/plain; charset=utf-8")];
            (status, headers, format!("{self}\n")).into_response()
        }
    }
}
