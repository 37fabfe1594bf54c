//! `GET /matters/{id}/activity.csv`: a matter's whole access log, for the firm, streamed a page
//! at a time so that a long log costs no more memory than a short one.

use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderValue, header},
    response::Response,
};
use tower_sessions::Session;

use app::{
    AppError,
    activity::{AccessKind, Through, server},
    entities::access_event,
    ids::MatterId,
    policy::Actor,
    state::AppState,
};

pub const ROUTE: &str = "/matters/{id}/activity.csv";

/// Entries read from the database per chunk of the response.
const PAGE: u64 = 500;

const COLUMNS: [&str; 15] = [
    "entry",
    "time_utc",
    "person",
    "person_id",
    "action",
    "item",
    "version",
    "sha256",
    "through",
    "share_id",
    "attachment_id",
    "conversation_id",
    "ip",
    "user_agent",
    "entry_hash",
];

pub async fn export(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<MatterId>,
) -> Result<Response, AppError> {
    let files = Actor::from_session(&state.db, &session)
        .await?
        .matter(&state.db, id)
        .await?
        .files()?;
    let name = format!("activity-{}.csv", files.matter().number);
    let db = state.db.clone();
    // None: the header is still to send; Some(n): the entries after n; the stream ends on an
    // empty page, and a database error ends it early (the download is then incomplete).
    let chunks = futures_util::stream::unfold(Some(None::<i64>), move |at| {
        let db = db.clone();
        async move {
            let after = at?;
            let Some(after) = after else {
                return Some((Ok(csv_rows(|w| w.write_record(COLUMNS))), Some(Some(0))));
            };
            match server::page(&db, id, after, PAGE).await {
                Ok(page) if page.is_empty() => None,
                Ok(page) => {
                    let last = page.last().map_or(after, |e| e.seq);
                    let chunk = csv_rows(|w| {
                        page.iter()
                            .try_for_each(|e| w.write_record(row(e).iter().map(|c| guard(c))))
                    });
                    Some((Ok(chunk), Some(Some(last))))
                }
                Err(e) => Some((Err(std::io::Error::other(e.to_string())), None)),
            }
        }
    });
    let mut response = Response::new(Body::from_stream(chunks));
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::from_str(&crate::transfer::content_disposition("attachment", &name))
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// Some rows written as CSV (quoted where needed by the `csv` crate).
fn csv_rows(write: impl FnOnce(&mut csv::Writer<&mut Vec<u8>>) -> csv::Result<()>) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        // Writing to memory fails only on a bug; a row short is better than a broken export.
        let _ = write(&mut w).and_then(|()| w.flush().map_err(csv::Error::from));
    }
    out
}

fn row(e: &access_event::Model) -> [String; 15] {
    let id = |u: Option<uuid::Uuid>| u.map(|u| u.to_string()).unwrap_or_default();
    let kind = AccessKind::parse(&e.kind);
    let through = match kind.map(|k| server::through(e, k)) {
        Some(Through::Files) => "files",
        Some(Through::Message) => "message",
        Some(Through::Share) => "share",
        Some(Through::Conversation) | None => "",
    };
    [
        e.seq.to_string(),
        e.occurred_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        e.person_name.clone(),
        id(e.person_id.map(|p| p.0)),
        e.kind.clone(),
        e.item_name.clone(),
        e.version.map(|v| v.to_string()).unwrap_or_default(),
        e.sha256.clone().unwrap_or_default(),
        through.to_string(),
        id(e.share_id.map(|s| s.0)),
        id(e.attachment_id.map(|a| a.0)),
        id(e.conversation_id.map(|c| c.0)),
        e.ip.clone().unwrap_or_default(),
        e.user_agent.clone().unwrap_or_default(),
        e.hash.clone(),
    ]
}

/// A spreadsheet runs a cell that starts like a formula: a name, file name or user agent that
/// someone chose (`=HYPERLINK(…)`) is kept as text by a leading apostrophe.
fn guard(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::guard;

    #[test]
    fn a_cell_that_looks_like_a_formula_stays_text() {
        assert_eq!(
            guard("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(guard("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guard("Grace Hopper"), "Grace Hopper");
        assert_eq!(guard(""), "");
    }
}
