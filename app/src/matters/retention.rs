//! Keeping a matter's records, and deleting them when their time comes. A legal hold blocks
//! every deletion on the matter until it is lifted: the trash is not emptied and the matter is
//! not deleted on its date. A closed matter may be given a date after which it is deleted with
//! everything on it (its files' bytes follow once no row names them).

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
    prelude::Expr,
};

use super::MatterDetails;
use crate::{
    AppError,
    audit::{self, Action},
    entities::matter::{self, Status},
    ids::MatterId,
    policy::ManageMatter,
};

/// Places (`on`) or lifts the legal hold.
pub async fn set_hold(
    db: &DatabaseConnection,
    manage: &ManageMatter,
    on: bool,
    ip: Option<std::net::IpAddr>,
) -> Result<MatterDetails, AppError> {
    let by = manage.access().user().id();
    let txn = crate::db::begin_write(db).await?;
    matter::Entity::update_many()
        .col_expr(matter::Column::LegalHoldAt, Expr::value(on.then(Utc::now)))
        .col_expr(matter::Column::LegalHoldBy, Expr::value(on.then_some(by)))
        .filter(matter::Column::Id.eq(manage.matter_id()))
        .exec(&txn)
        .await?;
    let action = if on {
        Action::LegalHoldPlaced
    } else {
        Action::LegalHoldLifted
    };
    audit::record(
        &txn,
        action,
        Some(by),
        Some(manage.access().matter().number.clone()),
        ip,
    )
    .await?;
    txn.commit().await?;
    super::server::details(db, manage.access()).await
}

/// Sets (or, with `None`, clears) the day from which a closed matter is deleted.
pub async fn set_retention(
    db: &DatabaseConnection,
    manage: &ManageMatter,
    until: Option<NaiveDate>,
    ip: Option<std::net::IpAddr>,
) -> Result<MatterDetails, AppError> {
    let matter = manage.access().matter();
    let close_first = || AppError::bad_request(crate::text::CLOSE_THE_MATTER_FIRST_ONLY_A);
    if until.is_some() && matter.status != Status::Closed {
        return Err(close_first());
    }
    let at = match until {
        Some(day) if day <= Utc::now().date_naive() => {
            return Err(AppError::bad_request(
                crate::text::CHOOSE_A_DAY_AFTER_TODAY_FOR,
            ));
        }
        Some(day) => Some(day.and_time(chrono::NaiveTime::MIN).and_utc()),
        None => None,
    };
    let by = manage.access().user().id();
    let txn = crate::db::begin_write(db).await?;
    let mut update = matter::Entity::update_many()
        .col_expr(matter::Column::RetainUntil, Expr::value(at))
        .filter(matter::Column::Id.eq(manage.matter_id()));
    if at.is_some() {
        // Asked again in the write: a reopening that landed since the check above wins, so an
        // open matter never carries a date that would apply when it is next closed.
        update = update.filter(matter::Column::Status.eq(Status::Closed));
    }
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(close_first());
    }
    audit::record(
        &txn,
        Action::RetentionSet,
        Some(by),
        Some(format!(
            "{}: {}",
            matter.number,
            until.map_or_else(|| "kept".to_string(), |d| format!("deleted from {d}"))
        )),
        ip,
    )
    .await?;
    txn.commit().await?;
    super::server::details(db, manage.access()).await
}

/// The matters on legal hold.
pub async fn held(db: &impl ConnectionTrait) -> Result<Vec<MatterId>, AppError> {
    Ok(matter::Entity::find()
        .select_only()
        .column(matter::Column::Id)
        .filter(matter::Column::LegalHoldAt.is_not_null())
        .into_tuple()
        .all(db)
        .await?)
}

/// Deletes closed matters whose day has come and that no hold keeps. Each deletion is
/// conditional, so nodes running this at once delete (and record) each matter once, and a hold
/// placed a moment before wins. Returns how many were deleted.
pub async fn delete_expired(db: &DatabaseConnection) -> Result<usize, AppError> {
    let now = Utc::now();
    let due = matter::Entity::find()
        .filter(matter::Column::Status.eq(Status::Closed))
        .filter(matter::Column::RetainUntil.lte(now))
        .filter(matter::Column::LegalHoldAt.is_null())
        .all(db)
        .await?;
    let mut deleted = 0;
    for m in due {
        let txn = crate::db::begin_write(db).await?;
        let gone = matter::Entity::delete_many()
            .filter(matter::Column::Id.eq(m.id))
            .filter(matter::Column::Status.eq(Status::Closed))
            .filter(matter::Column::RetainUntil.lte(now))
            .filter(matter::Column::LegalHoldAt.is_null())
            .exec(&txn)
            .await?;
        if gone.rows_affected == 1 {
            audit::record(
                &txn,
                Action::MatterDeleted,
                None,
                Some(format!("{} {} (retention date passed)", m.number, m.name)),
                None,
            )
            .await?;
            deleted += 1;
        }
        txn.commit().await?;
    }
    Ok(deleted)
}
