//! The firm's logo: one small PNG, JPEG or WebP image an administrator uploads in Settings,
//! shown beside the firm's name in the header and on the sign-in page, and as the installed
//! app's icon when it is a square PNG large enough. Kept in the database (it is small), so every
//! node serves the same one and a backup holds it. SVG is refused: it can carry script.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QuerySelect};
use sha2::{Digest, Sha256};

use super::brand::Logo;
use crate::{
    AppError,
    audit::{self, Action},
    entities::firm_logo,
    policy::Admin,
};

const ROW: i32 = 1;
/// The largest logo: a header image, not a photograph.
pub const MAX_BYTES: usize = 200_000;
/// Its sides, in pixels: large enough to be sharp on a phone's home screen, small enough to
/// decode at once.
pub const SIDES: std::ops::RangeInclusive<u32> = 16..=4096;
/// The smallest square PNG an installed app takes as its icon.
pub const ICON_SIDE: u32 = 192;

/// What a logo's bytes are, read from their own header (never from what the browser says).
fn sniff(bytes: &[u8]) -> Result<(&'static str, u32, u32), AppError> {
    let not_an_image = || AppError::bad_request(crate::text::THE_LOGO_MUST_BE_A_PNG);
    let content_type = match imagesize::image_type(bytes).map_err(|_| not_an_image())? {
        imagesize::ImageType::Png => "image/png",
        imagesize::ImageType::Jpeg => "image/jpeg",
        imagesize::ImageType::Webp => "image/webp",
        _ => return Err(not_an_image()),
    };
    let size = imagesize::blob_size(bytes).map_err(|_| not_an_image())?;
    let (width, height) = (
        u32::try_from(size.width).unwrap_or(u32::MAX),
        u32::try_from(size.height).unwrap_or(u32::MAX),
    );
    if !SIDES.contains(&width) || !SIDES.contains(&height) {
        return Err(AppError::bad_request(
            crate::text::the_logo_is_pixels_each_side(
                &width,
                &height,
                &SIDES.start(),
                &SIDES.end(),
            ),
        ));
    }
    Ok((content_type, width, height))
}

/// The logo as a page and the manifest need it (no bytes), if there is one.
pub async fn current(db: &impl ConnectionTrait) -> Result<Option<Logo>, AppError> {
    let row: Option<(String, i32, i32, String)> = firm_logo::Entity::find_by_id(ROW)
        .select_only()
        .columns([
            firm_logo::Column::ContentType,
            firm_logo::Column::Width,
            firm_logo::Column::Height,
            firm_logo::Column::Sha256,
        ])
        .into_tuple()
        .one(db)
        .await?;
    Ok(row.map(|(content_type, width, height, sha256)| Logo {
        version: version_of(&sha256),
        content_type,
        width: u32::try_from(width).unwrap_or_default(),
        height: u32::try_from(height).unwrap_or_default(),
    }))
}

fn version_of(sha256: &str) -> String {
    sha256.chars().take(16).collect()
}

/// The logo and its bytes, to serve.
pub async fn read(db: &impl ConnectionTrait) -> Result<Option<(Logo, Vec<u8>)>, AppError> {
    Ok(firm_logo::Entity::find_by_id(ROW)
        .one(db)
        .await?
        .map(|row| {
            let logo = Logo {
                version: version_of(&row.sha256),
                content_type: row.content_type,
                width: u32::try_from(row.width).unwrap_or_default(),
                height: u32::try_from(row.height).unwrap_or_default(),
            };
            (logo, row.data)
        }))
}

/// Checks and stores a new logo in place of the old one.
pub async fn save(
    db: &sea_orm::DatabaseConnection,
    by: &Admin,
    bytes: Vec<u8>,
    ip: Option<std::net::IpAddr>,
) -> Result<Logo, AppError> {
    if bytes.len() > MAX_BYTES {
        return Err(AppError::TooLarge(crate::text::the_logo_is_it_can_be(
            &(crate::files::human_size(bytes.len() as u64)),
            &(crate::files::human_size(MAX_BYTES as u64)),
        )));
    }
    let (content_type, width, height) = sniff(&bytes)?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let row = firm_logo::ActiveModel {
        id: Set(ROW),
        content_type: Set(content_type.into()),
        width: Set(i32::try_from(width).unwrap_or(i32::MAX)),
        height: Set(i32::try_from(height).unwrap_or(i32::MAX)),
        sha256: Set(sha256.clone()),
        data: Set(bytes),
        updated_at: Set(Utc::now()),
        updated_by: Set(Some(by.id())),
    };
    let txn = crate::db::begin_write(db).await?;
    firm_logo::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(firm_logo::Column::Id)
                .update_columns([
                    firm_logo::Column::ContentType,
                    firm_logo::Column::Width,
                    firm_logo::Column::Height,
                    firm_logo::Column::Sha256,
                    firm_logo::Column::Data,
                    firm_logo::Column::UpdatedAt,
                    firm_logo::Column::UpdatedBy,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    audit::record(
        &txn,
        Action::SettingsChanged,
        Some(by.id()),
        Some(format!(
            "logo {content_type} {width}x{height} sha256 {sha256}"
        )),
        ip,
    )
    .await?;
    txn.commit().await?;
    Ok(Logo {
        version: version_of(&sha256),
        content_type: content_type.into(),
        width,
        height,
    })
}

/// Removes the logo: the portal shows the firm's name alone again.
pub async fn remove(
    db: &sea_orm::DatabaseConnection,
    by: &Admin,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    let txn = crate::db::begin_write(db).await?;
    firm_logo::Entity::delete_by_id(ROW).exec(&txn).await?;
    audit::record(
        &txn,
        Action::SettingsChanged,
        Some(by.id()),
        Some("logo removed".into()),
        ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG's signature and header chunk: enough for its type and size.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        bytes
    }

    #[test]
    fn a_logo_is_known_by_its_own_bytes_and_its_sides_are_bounded() {
        assert_eq!(
            sniff(&png_header(192, 192)).ok(),
            Some(("image/png", 192, 192))
        );
        let svg = sniff(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>");
        assert!(
            svg.expect_err("svg")
                .to_string()
                .contains("SVG is not accepted")
        );
        assert!(sniff(b"GIF89a\x10\0\x10\0").is_err(), "GIF is not offered");
        assert!(sniff(b"").is_err());
        let tiny = sniff(&png_header(8, 8)).expect_err("too small");
        assert!(tiny.to_string().contains("8 × 8 pixels"), "{tiny}");
        assert!(sniff(&png_header(20_000, 100)).is_err());
    }
}
