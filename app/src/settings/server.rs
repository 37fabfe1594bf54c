//! Reading and changing the firm's settings. The row is read on every request that needs it (a
//! primary-key lookup), so a change made on one node holds on every node at once.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use super::FirmSettings;
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

/// Checks and stores new settings. An administrator who requires two-step verification of staff
/// must have it first, so the rule cannot lock its own author out of the settings page.
pub async fn save(
    db: &sea_orm::DatabaseConnection,
    by: &Admin,
    new: FirmSettings,
    ip: Option<std::net::IpAddr>,
) -> Result<FirmSettings, AppError> {
    new.validate()?;
    if new.staff_two_step_required
        && !crate::accounts::second_factor::is_enrolled(db, by.id()).await?
    {
        return Err(AppError::bad_request(
            "Set up two-step verification for your own account first (Account, Two-step \
             verification), then require it of staff.",
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
