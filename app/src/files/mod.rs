//! A matter's file tree ("All Files"): folders, documents and their versions, the trash, and the
//! limits from the reference guide. The bytes travel on the server's streaming routes
//! (resumable tus uploads, ranged downloads); everything else is here.

pub mod api;
pub mod names;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod blobs;
#[cfg(feature = "ssr")]
pub mod clean_up;
#[cfg(feature = "ssr")]
pub mod filing;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod tree;
#[cfg(feature = "ssr")]
pub mod uploads;

use crate::ids::{DocumentId, FolderId, MatterId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use ui::{AllFiles, FilesChanged};

/// At most this many files directly in one folder (subfolders do not count).
pub const MAX_FILES_PER_FOLDER: usize = 130;
/// The largest file, in bytes (5 GB as a computer shows it).
pub const MAX_FILE_SIZE: u64 = 5 * 1024 * 1024 * 1024;
/// Folders nest at most this deep.
pub const MAX_DEPTH: usize = 32;

/// What a name in the tree stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum),
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::entity::prelude::StringLen::N(16))"
    )
)]
pub enum ItemKind {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "folder"))]
    Folder,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "document"))]
    Document,
}

impl ItemKind {
    pub fn noun(self) -> &'static str {
        match self {
            Self::Folder => "folder",
            Self::Document => "file",
        }
    }
}

/// One step of the path from the matter's root to a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crumb {
    pub id: FolderId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderEntry {
    pub id: FolderId,
    pub name: String,
    pub created_at: crate::when::Moment,
    /// Shared now in a conversation (the firm's tree marks it).
    #[serde(default)]
    pub shared: bool,
}

/// What a share's reader has not yet opened of a file that changed since they last looked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unseen {
    New,
    Updated,
}

impl Unseen {
    pub fn label(self) -> &'static str {
        match self {
            Self::New => crate::text::NEW,
            Self::Updated => crate::text::UPDATED,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentEntry {
    pub id: DocumentId,
    pub name: String,
    pub size: u64,
    pub content_type: String,
    pub versions: u32,
    pub updated_at: crate::when::Moment,
    pub updated_by: String,
    /// The browser can show it in the sandboxed viewer.
    pub previewable: bool,
    /// Shared now in a conversation (the firm's tree marks it).
    #[serde(default)]
    pub shared: bool,
    /// Through a share: what the reader has not opened of it since their last look.
    #[serde(default)]
    pub unseen: Option<Unseen>,
}

/// A folder's contents, as the file tree shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderView {
    pub matter_id: MatterId,
    pub id: FolderId,
    /// From the root ("All Files") to this folder.
    pub path: Vec<Crumb>,
    pub folders: Vec<FolderEntry>,
    pub documents: Vec<DocumentEntry>,
    /// False when the matter is closed: the tree is read-only.
    pub writable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionEntry {
    pub number: u32,
    pub size: u64,
    pub sha256: String,
    pub uploaded_at: crate::when::Moment,
    pub uploaded_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashEntry {
    pub kind: ItemKind,
    pub id: Uuid,
    pub name: String,
    /// Where it was: the folder path it will be restored into.
    pub place: String,
    pub trashed_at: Option<crate::when::Moment>,
    pub trashed_by: String,
}

/// Whether the sandboxed viewer shows this type (the server decides with the same list).
pub fn previewable(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    matches!(
        essence,
        "application/pdf"
            | "image/png"
            | "image/jpeg"
            | "image/gif"
            | "image/webp"
            | "image/avif"
            | "text/plain"
            | "text/csv"
            | "audio/mpeg"
            | "audio/ogg"
            | "audio/wav"
            | "audio/mp4"
            | "video/mp4"
            | "video/webm"
            | "video/ogg"
    )
}

/// "4.2 MB": sizes as people read them (decimal units, as file managers show).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}
