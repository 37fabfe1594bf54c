//! One type per kind of id, shared by the database rows, the server functions and the UI, so a
//! folder's id cannot be passed where a document's is meant. On the wire and in URLs each is
//! the plain UUID; in the database, the same column as before.
//!
//! ```no_run
//! fn versions_of(_: app::ids::DocumentId) {}
//! versions_of(app::ids::DocumentId(uuid::Uuid::nil()));
//! ```
//!
//! ```compile_fail
//! fn versions_of(_: app::ids::DocumentId) {}
//! versions_of(app::ids::FolderId(uuid::Uuid::nil()));
//! ```

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sea_orm::DeriveValueType))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new id, ordered by time (UUIDv7), for a row about to be written.
            #[cfg(feature = "ssr")]
            pub fn fresh() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        // A primary key must say how to come from a database's integer id; ours never do.
        #[cfg(feature = "ssr")]
        impl sea_orm::TryFromU64 for $name {
            fn try_from_u64(_: u64) -> Result<Self, sea_orm::DbErr> {
                Err(sea_orm::DbErr::ConvertFromU64(stringify!($name)))
            }
        }
    )*};
}

ids! {
    /// A matter (a client's case).
    MatterId;
    /// A folder of a matter's file tree. A matter's top folder has the matter's id.
    FolderId;
    /// A file of a matter's tree (all its versions).
    DocumentId;
    /// One version of a document.
    VersionId;
    /// A conversation on a matter.
    ConversationId;
    /// A message in a conversation.
    MessageId;
    /// A file sent with a message (a copy).
    AttachmentId;
    /// A live link to a file or folder, given in a conversation.
    ShareId;
    /// A person with an account: the firm's staff or a contact.
    UserId;
}

/// An upload in progress (tus). Not a UUID: 160 random bits in hex, since whoever holds it may
/// write to it; it also names the upload's folder of objects in storage.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveValueType))]
#[serde(transparent)]
pub struct UploadId(pub String);

impl UploadId {
    #[cfg(feature = "ssr")]
    pub fn fresh() -> Self {
        use rand::RngCore;
        let mut bytes = [0u8; 20];
        rand::rng().fill_bytes(&mut bytes);
        Self(hex::encode(bytes))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UploadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(feature = "ssr")]
impl sea_orm::TryFromU64 for UploadId {
    fn try_from_u64(_: u64) -> Result<Self, sea_orm::DbErr> {
        Err(sea_orm::DbErr::ConvertFromU64("UploadId"))
    }
}

impl MatterId {
    /// The matter's top folder ("All Files"), whose id is the matter's.
    pub fn root_folder(self) -> FolderId {
        FolderId(self.0)
    }
}

/// A file or a folder of the tree: what rename, move, trash and restore act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Item {
    Folder(FolderId),
    Document(DocumentId),
}

impl Item {
    /// The item from the two fields a form sends.
    pub fn new(kind: crate::files::ItemKind, id: Uuid) -> Self {
        match kind {
            crate::files::ItemKind::Folder => Self::Folder(FolderId(id)),
            crate::files::ItemKind::Document => Self::Document(DocumentId(id)),
        }
    }

    pub fn kind(self) -> crate::files::ItemKind {
        match self {
            Self::Folder(_) => crate::files::ItemKind::Folder,
            Self::Document(_) => crate::files::ItemKind::Document,
        }
    }

    pub fn uuid(self) -> Uuid {
        match self {
            Self::Folder(id) => id.0,
            Self::Document(id) => id.0,
        }
    }
}
