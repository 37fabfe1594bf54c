//! Reading and changing the firm's settings. The row is read on every request that needs it (a
//! primary-key lookup), so a change made on one node holds on every node at once.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::{FirmSettings, brand::Brand};
use crate::{
    AppError,
    audit::{self, Action},
    entities::firm_setting,
    policy::Admin,
};

const ROW: i32 = 1;

impl From<firm_setting::Model> for FirmSettings {
    fn from(row: firm_setting::Model) -> Self {
        Self {
            idle_timeout_minutes: row.idle_timeout_minutes,
            session_lifetime_hours: row.session_lifetime_hours,
            step_up_window_hours: row.step_up_window_hours,
            staff_two_step_required: row.staff_two_step_required,
            sms_enabled: row.sms_enabled,
            client_sign_in_by_link: row.client_sign_in_by_link,
            trash_retention_days: row.trash_retention_days,
            guide_welcome: row.guide_welcome,
            guide_contact: row.guide_contact,
            firm_name: row.firm_name,
            accent_colour: row.accent_colour,
            mobile_country: row.mobile_country,
            message_edit_minutes: row.message_edit_minutes,
            protected_email_required: row.protected_email_required,
        }
    }
}

/// The settings in force.
pub async fn load(db: &impl ConnectionTrait) -> Result<FirmSettings, AppError> {
    Ok(firm_setting::Entity::find_by_id(ROW)
        .one(db)
        .await?
        .map(FirmSettings::from)
        .unwrap_or_default())
}

/// The settings in force for this request, read once however many parts of a page ask (the
/// session check does, and so do several server functions); outside a request, read now.
/// What changes the settings reads them with `load`.
pub async fn in_force(db: &impl ConnectionTrait) -> Result<FirmSettings, AppError> {
    crate::policy::RequestMemo::settings(load(db)).await
}

/// The firm's brand as the settings and the logo make it.
pub async fn brand(db: &impl ConnectionTrait) -> Result<Brand, AppError> {
    let mut brand = load(db).await?.brand();
    brand.logo = super::logo::current(db).await?;
    Ok(brand)
}

/// Checks and stores new settings. An administrator who requires two-step verification of staff
/// must have it first, so the rule cannot lock its own author out of the settings page.
pub async fn save(
    db: &sea_orm::DatabaseConnection,
    by: &Admin,
    mut new: FirmSettings,
    ip: Option<std::net::IpAddr>,
) -> Result<FirmSettings, AppError> {
    new.validate()?;
    if !new.mobile_country.is_empty()
        && new
            .mobile_country
            .parse::<phonenumber::country::Id>()
            .is_err()
    {
        return Err(AppError::bad_request(
            crate::text::is_not_a_country_code_the(&new.mobile_country),
        ));
    }
    if new.staff_two_step_required
        && !crate::accounts::second_factor::is_enrolled(db, by.id()).await?
    {
        return Err(AppError::bad_request(
            crate::text::SET_UP_TWO_STEP_VERIFICATION_FOR,
        ));
    }
    let row = firm_setting::ActiveModel {
        id: Set(ROW),
        idle_timeout_minutes: Set(new.idle_timeout_minutes),
        session_lifetime_hours: Set(new.session_lifetime_hours),
        step_up_window_hours: Set(new.step_up_window_hours),
        staff_two_step_required: Set(new.staff_two_step_required),
        sms_enabled: Set(new.sms_enabled),
        client_sign_in_by_link: Set(new.client_sign_in_by_link),
        trash_retention_days: Set(new.trash_retention_days),
        guide_welcome: Set(new.guide_welcome.clone()),
        guide_contact: Set(new.guide_contact.clone()),
        firm_name: Set(new.firm_name.clone()),
        accent_colour: Set(new.accent_colour.clone()),
        mobile_country: Set(new.mobile_country.clone()),
        message_edit_minutes: Set(new.message_edit_minutes),
        protected_email_required: Set(new.protected_email_required),
        updated_at: Set(Some(Utc::now())),
        updated_by: Set(Some(by.id())),
    };
    let txn = crate::db::begin_write(db).await?;
    firm_setting::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(firm_setting::Column::Id)
                .update_columns([
                    firm_setting::Column::IdleTimeoutMinutes,
                    firm_setting::Column::SessionLifetimeHours,
                    firm_setting::Column::StepUpWindowHours,
                    firm_setting::Column::StaffTwoStepRequired,
                    firm_setting::Column::SmsEnabled,
                    firm_setting::Column::ClientSignInByLink,
                    firm_setting::Column::TrashRetentionDays,
                    firm_setting::Column::GuideWelcome,
                    firm_setting::Column::GuideContact,
                    firm_setting::Column::FirmName,
                    firm_setting::Column::AccentColour,
                    firm_setting::Column::MobileCountry,
                    firm_setting::Column::MessageEditMinutes,
                    firm_setting::Column::ProtectedEmailRequired,
                    firm_setting::Column::UpdatedAt,
                    firm_setting::Column::UpdatedBy,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    audit::record(
        &txn,
        Action::SettingsChanged,
        Some(by.id()),
        Some(format!("{new:?}")),
        ip,
    )
    .await?;
    txn.commit().await?;
    Ok(new)
}

/// The firm's brand as this node last read it. Every page shows it, so it is not read from the
/// database per page: a save on this node holds at once, one on another node within `FRESH`.
pub struct BrandCache {
    held: std::sync::RwLock<(std::time::Instant, std::sync::Arc<Brand>)>,
    refreshing: std::sync::atomic::AtomicBool,
}

const FRESH: std::time::Duration = std::time::Duration::from_secs(5);

impl BrandCache {
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, AppError> {
        Ok(Self::new(brand(db).await?))
    }

    pub fn new(brand: Brand) -> Self {
        Self {
            held: std::sync::RwLock::new((std::time::Instant::now(), std::sync::Arc::new(brand))),
            refreshing: Default::default(),
        }
    }

    /// The brand held; when it is older than `FRESH`, it is read again in the background, so
    /// no page waits for it.
    pub fn get(
        self: &std::sync::Arc<Self>,
        db: &sea_orm::DatabaseConnection,
    ) -> std::sync::Arc<Brand> {
        use std::sync::atomic::Ordering;
        let (read_at, brand) = match self.held.read() {
            Ok(held) => (held.0, held.1.clone()),
            Err(poisoned) => {
                let held = poisoned.into_inner();
                (held.0, held.1.clone())
            }
        };
        if read_at.elapsed() > FRESH && !self.refreshing.swap(true, Ordering::AcqRel) {
            let (cache, db) = (self.clone(), db.clone());
            tokio::spawn(async move {
                match self::brand(&db).await {
                    Ok(brand) => cache.set(brand),
                    Err(e) => tracing::warn!(error = %e, "could not read the firm's brand"),
                }
                cache.refreshing.store(false, Ordering::Release);
            });
        }
        brand
    }

    pub fn set(&self, brand: Brand) {
        let mut held = match self.held.write() {
            Ok(held) => held,
            Err(poisoned) => poisoned.into_inner(),
        };
        *held = (std::time::Instant::now(), std::sync::Arc::new(brand));
    }
}
