//! What every request passes on its way in and out, in one layer: who is calling from where,
//! the cross-site check, the server functions' guard, the kept front page, and on the way out
//! the security headers and the request metrics. As separate `from_fn` layers each cloned the
//! services inside it on every request, which cost a tenth of a small page's time.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};

use app::state::AppState;

use crate::front_page::FrontPage;

#[derive(Clone)]
pub struct Edge {
    state: AppState,
    front_page: FrontPage,
}

impl Edge {
    pub fn new(state: AppState) -> Self {
        Self {
            state,
            front_page: FrontPage::default(),
        }
    }
}

pub async fn pass(State(edge): State<Edge>, request: Request, next: Next) -> Response {
    let timing = crate::metrics::Timing::start(&request);
    let mut response = inward(&edge, request, next).await;
    crate::security::set_headers(&mut response, edge.state.portal.https);
    if let Some(timing) = timing {
        timing.record(&response);
    }
    response
}

async fn inward(edge: &Edge, mut request: Request, next: Next) -> Response {
    let state = &edge.state;
    crate::security::note_client(&state.portal.trusted_proxies, &mut request);
    if let Err(refused) = crate::security::refuse_cross_site(&request, &state.portal.public_url) {
        return refused.into_response();
    }
    if request.uri().path().starts_with("/api/") {
        return crate::server_fns::guard(state, request, next).await;
    }
    crate::front_page::serve(state, &edge.front_page, request, next).await
}
