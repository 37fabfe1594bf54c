//! Moving a portal from SQLite to PostgreSQL: every row of a SQLite database copied into an
//! empty PostgreSQL one with the same schema, in one transaction. `dossier restore` uses it
//! when DATABASE_URL names PostgreSQL, so a firm moves with the backup it already has. Sessions
//! are not copied: people sign in again on the new servers.

use app::entities::*;
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, IntoActiveModel,
    PaginatorTrait, TransactionTrait,
};

/// Copies every row of `from` (SQLite) into `to` (PostgreSQL, migrated, no person in it yet).
pub async fn copy_rows(from: &DatabaseConnection, to: &DatabaseConnection) -> Result<(), String> {
    let people = user::Entity::find()
        .count(to)
        .await
        .map_err(|e| format!("Cannot read the PostgreSQL database: {e}."))?;
    if people > 0 {
        return Err(
            "The PostgreSQL database already holds a portal: restore only into an empty \
             database, so that nothing is overwritten."
                .into(),
        );
    }
    let txn = to
        .begin()
        .await
        .map_err(|e| format!("Cannot write to PostgreSQL: {e}."))?;
    // Rows the migrations made (the default settings) give way to the copied ones.
    clear::<firm_setting::Entity>(&txn).await?;
    clear::<secret_key_check::Entity>(&txn).await?;
    // Parents before the rows that name them.
    copy::<user::Entity>(from, &txn).await?;
    copy::<firm_setting::Entity>(from, &txn).await?;
    copy::<firm_logo::Entity>(from, &txn).await?;
    copy::<secret_key_check::Entity>(from, &txn).await?;
    copy::<setup_token::Entity>(from, &txn).await?;
    copy::<account_link::Entity>(from, &txn).await?;
    copy::<one_time_code::Entity>(from, &txn).await?;
    copy::<recovery_code::Entity>(from, &txn).await?;
    copy::<totp_credential::Entity>(from, &txn).await?;
    copy::<push_subscription::Entity>(from, &txn).await?;
    copy::<limit_counter::Entity>(from, &txn).await?;
    copy::<outbox_message::Entity>(from, &txn).await?;
    copy::<audit_event::Entity>(from, &txn).await?;
    copy::<matter::Entity>(from, &txn).await?;
    copy::<matter_person::Entity>(from, &txn).await?;
    copy_folders(from, &txn).await?;
    copy::<document::Entity>(from, &txn).await?;
    copy::<document_version::Entity>(from, &txn).await?;
    copy::<upload::Entity>(from, &txn).await?;
    copy::<conversation::Entity>(from, &txn).await?;
    copy::<conversation_participant::Entity>(from, &txn).await?;
    copy::<conversation_event::Entity>(from, &txn).await?;
    copy::<message::Entity>(from, &txn).await?;
    copy::<message_read::Entity>(from, &txn).await?;
    copy::<attachment::Entity>(from, &txn).await?;
    copy::<requested_file::Entity>(from, &txn).await?;
    copy::<share::Entity>(from, &txn).await?;
    copy::<share_revocation::Entity>(from, &txn).await?;
    copy::<share_visit::Entity>(from, &txn).await?;
    copy::<access_event::Entity>(from, &txn).await?;
    copy::<access_head::Entity>(from, &txn).await?;
    txn.commit()
        .await
        .map_err(|e| format!("Cannot write to PostgreSQL: {e}."))
}

async fn clear<E: EntityTrait>(txn: &DatabaseTransaction) -> Result<(), String> {
    E::delete_many()
        .exec(txn)
        .await
        .map_err(|e| format!("Cannot prepare the PostgreSQL database: {e}."))?;
    Ok(())
}

async fn copy<E>(from: &DatabaseConnection, to: &DatabaseTransaction) -> Result<(), String>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    let rows = E::find().all(from).await.map_err(|e| {
        format!(
            "Cannot read {} from SQLite: {e}.",
            E::default().table_name()
        )
    })?;
    insert::<E>(rows, to).await
}

async fn insert<E>(rows: Vec<E::Model>, to: &DatabaseTransaction) -> Result<(), String>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        // Well under PostgreSQL's 65,535 parameters a statement, whatever the table's width.
        let batch: Vec<E::ActiveModel> = rows
            .by_ref()
            .take(500)
            .map(IntoActiveModel::into_active_model)
            .collect();
        E::insert_many(batch)
            .exec_without_returning(to)
            .await
            .map_err(|e| {
                format!(
                    "Cannot copy {} into PostgreSQL: {e}.",
                    E::default().table_name()
                )
            })?;
    }
    Ok(())
}

/// Folders name their parent folder: each is copied after it.
async fn copy_folders(from: &DatabaseConnection, to: &DatabaseTransaction) -> Result<(), String> {
    let mut left = folder::Entity::find()
        .all(from)
        .await
        .map_err(|e| format!("Cannot read folders from SQLite: {e}."))?;
    let mut copied = std::collections::HashSet::new();
    while !left.is_empty() {
        let (ready, waiting): (Vec<_>, Vec<_>) = left
            .into_iter()
            .partition(|f| f.parent_id.is_none_or(|p| copied.contains(&p)));
        if ready.is_empty() {
            return Err("Some folders name a parent folder that does not exist.".into());
        }
        copied.extend(ready.iter().map(|f| f.id));
        insert::<folder::Entity>(ready, to).await?;
        left = waiting;
    }
    Ok(())
}
