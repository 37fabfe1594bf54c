//! Matters on the server: creating, editing, closing and reopening them, the people on them,
//! and finding them. Who may do what is decided by `policy` (`Actor::matter`, `FirmMember`).

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func},
};

use super::{MatterDetails, MatterInput, MatterPerson, MatterRole, MatterSummary};
use crate::ids::{MatterId, UserId};
use crate::{
    AppError,
    db::{OnUnique, begin_write},
    entities::{
        matter::{self, Status},
        matter_person,
        user::{self, Role},
    },
    policy::{FirmMember, ManageMatter, MatterAccess, SignedInUser},
};

/// At most this many matters in one list; search narrows it.
pub const LIST_LIMIT: u64 = 100;
const MAX_NUMBER_CHARS: usize = 40;
const MAX_NAME_CHARS: usize = 200;
const MAX_DESCRIPTION_CHARS: usize = 10_000;
const MAX_QUERY_CHARS: usize = 200;

/// A matter number: letters, digits and `- _ / .`, at most 40 characters.
pub fn normalize_number(number: &str) -> Result<String, AppError> {
    let number = number.trim();
    if number.is_empty() {
        return Err(AppError::bad_request(crate::text::ENTER_THE_MATTER_NUMBER));
    }
    if number.chars().count() > MAX_NUMBER_CHARS {
        return Err(AppError::bad_request(format!(
            "A matter number has at most {MAX_NUMBER_CHARS} characters."
        )));
    }
    if !number
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.' | ' '))
    {
        return Err(AppError::bad_request(
            "A matter number may hold letters, digits, spaces and - _ / . only.",
        ));
    }
    Ok(number.to_string())
}

fn normalize_text(what: &str, text: &str, max: usize, required: bool) -> Result<String, AppError> {
    let text = text.trim();
    if required && text.is_empty() {
        return Err(AppError::bad_request(crate::text::enter_the_matters(&what)));
    }
    if text.chars().count() > max {
        return Err(AppError::bad_request(
            crate::text::the_matters_has_at_most_characters(&what, &max),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(AppError::bad_request(
            crate::text::the_matters_contains_characters_that_cannot(&what),
        ));
    }
    Ok(text.to_string())
}

struct Checked {
    number: String,
    name: String,
    description: String,
    responsible_id: Option<UserId>,
}

async fn check(db: &impl ConnectionTrait, input: MatterInput) -> Result<Checked, AppError> {
    let number = normalize_number(&input.number)?;
    let name = normalize_text("name", &input.name, MAX_NAME_CHARS, true)?;
    let description = normalize_text(
        "description",
        &input.description,
        MAX_DESCRIPTION_CHARS,
        false,
    )?;
    if let Some(id) = input.responsible_id {
        let firm = user::Entity::find_by_id(id)
            .one(db)
            .await?
            .filter(|u| u.role != Role::Client && u.disabled_at.is_none());
        if firm.is_none() {
            return Err(AppError::bad_request(
                crate::text::THE_RESPONSIBLE_PERSON_MUST_BE_AN,
            ));
        }
    }
    Ok(Checked {
        number,
        name,
        description,
        responsible_id: input.responsible_id,
    })
}

async fn number_taken(
    db: &impl ConnectionTrait,
    number: &str,
    except: Option<MatterId>,
) -> Result<bool, AppError> {
    let mut query =
        matter::Entity::find().filter(matter::Column::NumberKey.eq(number.to_lowercase()));
    if let Some(id) = except {
        query = query.filter(matter::Column::Id.ne(id));
    }
    Ok(query.count(db).await? > 0)
}

fn taken(number: &str) -> AppError {
    AppError::Conflict(crate::text::another_matter_already_has_the_number(&number))
}

pub async fn create(
    db: &DatabaseConnection,
    by: &FirmMember,
    input: MatterInput,
) -> Result<MatterSummary, AppError> {
    let checked = check(db, input).await?;
    let txn = begin_write(db).await?;
    if number_taken(&txn, &checked.number, None).await? {
        return Err(taken(&checked.number));
    }
    let now = Utc::now();
    let id = MatterId::fresh();
    let number = checked.number.clone();
    matter::Entity::insert(matter::ActiveModel {
        id: Set(id),
        number_key: Set(checked.number.to_lowercase()),
        number: Set(checked.number),
        name: Set(checked.name),
        description: Set(checked.description),
        status: Set(Status::Open),
        responsible_id: Set(checked.responsible_id.or(Some(by.id()))),
        search_text: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await
    .on_unique(|| taken(&number))?;
    refresh_search_text(&txn, id).await?;
    txn.commit().await?;
    summary_of(db, id).await
}

pub async fn update(
    db: &DatabaseConnection,
    manage: &ManageMatter,
    input: MatterInput,
) -> Result<MatterDetails, AppError> {
    let checked = check(db, input).await?;
    let id = manage.matter_id();
    let txn = begin_write(db).await?;
    if number_taken(&txn, &checked.number, Some(id)).await? {
        return Err(taken(&checked.number));
    }
    let number = checked.number.clone();
    matter::Entity::update_many()
        .col_expr(
            matter::Column::NumberKey,
            Expr::value(checked.number.to_lowercase()),
        )
        .col_expr(matter::Column::Number, Expr::value(checked.number))
        .col_expr(matter::Column::Name, Expr::value(checked.name))
        .col_expr(
            matter::Column::Description,
            Expr::value(checked.description),
        )
        .col_expr(
            matter::Column::ResponsibleId,
            Expr::value(checked.responsible_id),
        )
        .col_expr(matter::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(matter::Column::Id.eq(id))
        .exec(&txn)
        .await
        .on_unique(|| taken(&number))?;
    refresh_search_text(&txn, id).await?;
    txn.commit().await?;
    details(db, manage.access()).await
}

/// Closes (`open = false`) or reopens a matter. A closed matter stays readable.
pub async fn set_open(
    db: &DatabaseConnection,
    manage: &ManageMatter,
    open: bool,
) -> Result<MatterDetails, AppError> {
    let now = Utc::now();
    let (status, closed_at) = if open {
        (Status::Open, None)
    } else {
        (Status::Closed, Some(now))
    };
    matter::Entity::update_many()
        .col_expr(matter::Column::Status, Expr::value(status))
        .col_expr(matter::Column::ClosedAt, Expr::value(closed_at))
        // An open matter is never deleted on a date.
        .col_expr(
            matter::Column::RetainUntil,
            Expr::value(None::<chrono::DateTime<Utc>>),
        )
        .col_expr(matter::Column::UpdatedAt, Expr::value(now))
        .filter(matter::Column::Id.eq(manage.matter_id()))
        .exec(db)
        .await?;
    details(db, manage.access()).await
}

/// Puts the person with `email` on the matter in `role` (or changes their role there).
pub async fn add_person(
    db: &DatabaseConnection,
    manage: &ManageMatter,
    email: &str,
    role: MatterRole,
) -> Result<MatterDetails, AppError> {
    let email = crate::accounts::passwords::normalize_email(email)?;
    let person = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(crate::text::no_one_with_the_address_is(&email)))?;
    let is_firm = person.role != Role::Client;
    if is_firm != (role == MatterRole::Staff) {
        return Err(AppError::bad_request(if is_firm {
            crate::text::is_on_the_firms_staff_add(&person.display_name)
        } else {
            crate::text::is_a_contact_not_a_member(&person.display_name)
        }));
    }
    let id = manage.matter_id();
    let txn = begin_write(db).await?;
    matter_person::Entity::insert(matter_person::ActiveModel {
        matter_id: Set(id),
        user_id: Set(person.id),
        role: Set(role),
        added_at: Set(Utc::now()),
        added_by: Set(Some(manage.user().id())),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::columns([
            matter_person::Column::MatterId,
            matter_person::Column::UserId,
        ])
        .update_column(matter_person::Column::Role)
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    touch(&txn, id).await?;
    refresh_search_text(&txn, id).await?;
    txn.commit().await?;
    details(db, manage.access()).await
}

pub async fn remove_person(
    db: &DatabaseConnection,
    manage: &ManageMatter,
    person: UserId,
) -> Result<MatterDetails, AppError> {
    let id = manage.matter_id();
    let txn = begin_write(db).await?;
    let removed = matter_person::Entity::delete_many()
        .filter(matter_person::Column::MatterId.eq(id))
        .filter(matter_person::Column::UserId.eq(person))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::NotFound(
            crate::text::THAT_PERSON_IS_NOT_ON_THIS.into(),
        ));
    }
    touch(&txn, id).await?;
    refresh_search_text(&txn, id).await?;
    txn.commit().await?;
    details(db, manage.access()).await
}

async fn touch(db: &impl ConnectionTrait, id: MatterId) -> Result<(), AppError> {
    matter::Entity::update_many()
        .col_expr(matter::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(matter::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Search looks in one lower-cased column: number, name, and the names and addresses of the
/// matter's contacts, kept up to date whenever one of them changes here.
async fn refresh_search_text(db: &impl ConnectionTrait, id: MatterId) -> Result<(), AppError> {
    let Some(m) = matter::Entity::find_by_id(id).one(db).await? else {
        return Ok(());
    };
    let mut text = format!("{} {}", m.number, m.name);
    for (_, person) in people_of(db, id).await? {
        text.push(' ');
        text.push_str(&person.display_name);
        text.push(' ');
        text.push_str(&person.email);
    }
    matter::Entity::update_many()
        .col_expr(matter::Column::SearchText, Expr::value(text.to_lowercase()))
        .filter(matter::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

async fn people_of(
    db: &impl ConnectionTrait,
    matter: MatterId,
) -> Result<Vec<(matter_person::Model, user::Model)>, AppError> {
    Ok(people_of_many(db, vec![matter])
        .await?
        .remove(&matter)
        .unwrap_or_default())
}

/// The people on each of `matters`, in the order they were added: two queries however many
/// matters a list shows.
async fn people_of_many(
    db: &impl ConnectionTrait,
    matters: Vec<MatterId>,
) -> Result<HashMap<MatterId, Vec<(matter_person::Model, user::Model)>>, AppError> {
    let links = matter_person::Entity::find()
        .filter(matter_person::Column::MatterId.is_in(matters))
        .order_by_asc(matter_person::Column::AddedAt)
        .all(db)
        .await?;
    if links.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<UserId> = links.iter().map(|l| l.user_id).collect();
    let users = crate::policy::RequestMemo::users(db, ids).await?;
    let mut by_matter: HashMap<MatterId, Vec<_>> = HashMap::new();
    for link in links {
        if let Some(u) = users.get(&link.user_id) {
            by_matter
                .entry(link.matter_id)
                .or_default()
                .push((link, u.clone()));
        }
    }
    Ok(by_matter)
}

/// `%` and `_` typed by a person are searched for, not wildcards.
pub fn like_pattern(query: &str) -> String {
    let mut pattern = String::from("%");
    for c in query.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The matters `user` may see, newest activity first, narrowed by `query` (number, name or
/// contact), closed ones only when asked.
pub async fn list(
    db: &DatabaseConnection,
    user: &SignedInUser,
    query: &str,
    include_closed: bool,
) -> Result<Vec<MatterSummary>, AppError> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::bad_request(format!(
            "A search can be at most {MAX_QUERY_CHARS} characters long."
        )));
    }
    let mut select = matter::Entity::find();
    if user.role() == Role::Client {
        let mine: Vec<MatterId> = matter_person::Entity::find()
            .filter(matter_person::Column::UserId.eq(user.id()))
            .filter(matter_person::Column::Role.is_in(MatterRole::CONTACTS))
            .select_only()
            .column(matter_person::Column::MatterId)
            .into_tuple()
            .all(db)
            .await?;
        select = select.filter(matter::Column::Id.is_in(mine));
    }
    if !include_closed {
        select = select.filter(matter::Column::Status.eq(Status::Open));
    }
    if !query.trim().is_empty() {
        let like = || sea_orm::sea_query::LikeExpr::new(like_pattern(query)).escape('\\');
        select = if user.role() == Role::Client {
            // A contact finds their matters by number and name only: the search text holds the
            // other people on a matter, and a partial address must not tell who they are.
            select.filter(
                sea_orm::Condition::any()
                    .add(Expr::expr(Func::lower(Expr::col(matter::Column::Number))).like(like()))
                    .add(Expr::expr(Func::lower(Expr::col(matter::Column::Name))).like(like())),
            )
        } else {
            select.filter(Expr::col(matter::Column::SearchText).like(like()))
        };
    }
    let rows = select
        .order_by_desc(matter::Column::UpdatedAt)
        .limit(LIST_LIMIT)
        .all(db)
        .await?;
    let mut people = people_of_many(db, rows.iter().map(|m| m.id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|m| {
            let on_it = people.remove(&m.id).unwrap_or_default();
            summary(m, on_it)
        })
        .collect())
}

fn summary(m: matter::Model, people: Vec<(matter_person::Model, user::Model)>) -> MatterSummary {
    let clients = people
        .into_iter()
        .filter(|(l, _)| l.role == MatterRole::Client)
        .map(|(_, u)| u.display_name)
        .collect();
    MatterSummary {
        id: m.id,
        number: m.number,
        name: m.name,
        open: m.status == Status::Open,
        clients,
        updated_at: m.updated_at.to_rfc3339(),
    }
}

async fn summary_of(db: &DatabaseConnection, id: MatterId) -> Result<MatterSummary, AppError> {
    let m = matter::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("matter vanished"))?;
    let people = people_of(db, id).await?;
    Ok(summary(m, people))
}

/// The matter page. Contacts see the firm's people on it and themselves, not the other contacts'
/// addresses.
pub async fn details(
    db: &DatabaseConnection,
    access: &MatterAccess,
) -> Result<MatterDetails, AppError> {
    let m = matter::Entity::find_by_id(access.id())
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(crate::policy::NO_SUCH_MATTER.into()))?;
    details_of(db, access, m).await
}

/// The matter as the policy read it for this request, when nothing in the request changed it
/// (`details` reads it again after a change).
pub async fn details_as_read(
    db: &DatabaseConnection,
    access: &MatterAccess,
) -> Result<MatterDetails, AppError> {
    details_of(db, access, access.matter().clone()).await
}

async fn details_of(
    db: &DatabaseConnection,
    access: &MatterAccess,
    m: matter::Model,
) -> Result<MatterDetails, AppError> {
    let people = people_of(db, m.id).await?;
    // Usually one of the matter's people, so already read for them.
    let responsible = match m.responsible_id {
        Some(id) => crate::policy::RequestMemo::users(db, [id])
            .await?
            .remove(&id),
        None => None,
    };
    let people = people
        .into_iter()
        .filter(|(l, u)| access.firm() || l.role == MatterRole::Staff || u.id == access.user().id())
        .map(|(l, u)| MatterPerson {
            user_id: u.id,
            email: if access.firm() || u.id == access.user().id() {
                u.email
            } else {
                String::new()
            },
            name: u.display_name,
            role: l.role,
            revoked: u.disabled_at.is_some(),
        })
        .collect();
    Ok(MatterDetails {
        id: m.id,
        number: m.number,
        name: m.name,
        description: m.description,
        open: m.status == Status::Open,
        responsible_id: responsible.as_ref().map(|u| u.id),
        responsible: responsible.map(|u| u.display_name),
        people,
        can_manage: access.firm(),
        legal_hold: access.firm() && m.legal_hold_at.is_some(),
        retain_until: m
            .retain_until
            .filter(|_| access.firm())
            .map(|at| at.date_naive().to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matter_numbers_are_checked() {
        assert_eq!(
            normalize_number("  2026-0142 ").ok().as_deref(),
            Some("2026-0142")
        );
        assert!(normalize_number("A/12.3_x").is_ok());
        for bad in ["", "   ", "12;DROP", "a\u{0}b", "../x?", &"9".repeat(41)] {
            assert!(normalize_number(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn search_wildcards_are_literal() {
        assert_eq!(like_pattern(" 100%_A\\ "), "%100\\%\\_a\\\\%");
    }
}
