//! The network view's and an organization's insights as CSV downloads, for the same people as
//! their pages (site admins; the organization's admins). Thin: the core counts and writes.

use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use convene::rules::access::{Actor, require_site_admin};

/// A refusal or failure as the answer says it (never the details of an internal error).
fn refused(err: convene::Error) -> Response {
    match err {
        convene::Error::NotSignedIn => {
            (StatusCode::UNAUTHORIZED, "Sign in to download this.").into_response()
        }
        convene::Error::Forbidden => (
            StatusCode::FORBIDDEN,
            "Only the organization's admins (and site admins) may download this.",
        )
            .into_response(),
        convene::Error::NotFound(what) => {
            (StatusCode::NOT_FOUND, format!("{what} not found")).into_response()
        }
        err => {
            tracing::error!(error = %err, "writing insights as CSV failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn csv(file_name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

async fn actor(
    state: &AppState,
    session: &tower_sessions::Session,
) -> Result<Option<Actor>, Response> {
    app::auth::session::actor_of_session(&state.db, session)
        .await
        .map_err(|err| {
            tracing::error!(error = %err, "finding who asks for insights failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        })
}

/// `/admin/network.csv`: every organization's numbers.
pub async fn network(State(state): State<AppState>, session: tower_sessions::Session) -> Response {
    let actor = match actor(&state, &session).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    if let Err(err) = require_site_admin(actor) {
        return refused(err);
    }
    match convene::read_models::insights::network_csv(&state.db, chrono::Utc::now()).await {
        Ok(body) => csv("network.csv", body),
        Err(err) => refused(err),
    }
}

/// `/orgs/{slug}/insights.csv`: one organization's numbers, for its admins.
pub async fn organization(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    Path(slug): Path<String>,
) -> Response {
    let actor = match actor(&state, &session).await {
        Ok(actor) => actor,
        Err(response) => return response,
    };
    let written = async {
        let request =
            convene::read_models::organizations::org_request(&state.db, &slug, actor).await?;
        request.viewer.require_admin()?;
        let body = convene::read_models::insights::organization_csv(
            &state.db,
            request.organization.id,
            chrono::Utc::now(),
        )
        .await?;
        Ok::<_, convene::Error>((request.organization.slug, body))
    }
    .await;
    match written {
        Ok((slug, body)) => csv(&format!("{slug}.csv"), body),
        Err(err) => refused(err),
    }
}
