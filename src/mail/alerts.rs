//! Import alerts for org admins: when an organization's import has failed three runs in a row
//! (a revoked key, a dead feed), each admin gets one message with the reason and a link to the
//! settings panel; when a run works again, one more. The organization remembers that it is
//! "alerting", written with the messages in one transaction. A sweep over recent runs decides,
//! so a run by any replica or by the command line counts, and a crash between a run and its
//! alert is caught up by the next sweep.

use chrono::{DateTime, Utc};
use convene_types::{MailKind, SyncOutcome};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::Error;
use crate::mail::compose::{self, Footer};
use crate::mail::lists::{self, MailList};
use crate::mail::member;
use crate::mail::outbox::{self, OutgoingMail};
use crate::secrets::SecretKey;
use crate::site::PublicUrl;
use crate::store::entities::{organization, sync_run};

/// Failed runs in a row before the admins hear of it.
pub const FAILURES_IN_A_ROW: u64 = 3;

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AlertPass {
    pub failing: usize,
    pub recovered: usize,
    pub queued: usize,
}

/// A run that counts as a failure of the organization's import (not our process stopping).
fn failed(outcome: SyncOutcome) -> bool {
    matches!(outcome, SyncOutcome::Failed | SyncOutcome::Partial)
}

pub async fn sweep(
    db: &DatabaseConnection,
    site: &PublicUrl,
    key_for_links: &SecretKey,
    now: DateTime<Utc>,
) -> Result<AlertPass, Error> {
    // Only organizations whose last run did not work, or whose admins were told it did not.
    let candidates = organization::Entity::find()
        .filter(
            Condition::any()
                .add(organization::Column::ImportAlerting.eq(true))
                .add(
                    organization::Column::LastSyncOutcome
                        .is_in([SyncOutcome::Failed, SyncOutcome::Partial]),
                ),
        )
        .all(db)
        .await?;
    let mut pass = AlertPass::default();
    for org in candidates {
        // Imports only: a webhook's run says nothing about whether the calendar imports.
        let recent = sync_run::Entity::find()
            .filter(sync_run::Column::OrganizationId.eq(org.id))
            .filter(sync_run::Column::Trigger.ne(convene_types::SyncTrigger::Webhook))
            .filter(sync_run::Column::Outcome.ne(SyncOutcome::Running))
            .filter(sync_run::Column::Outcome.ne(SyncOutcome::Interrupted))
            .order_by_desc(sync_run::Column::Id)
            .limit(FAILURES_IN_A_ROW)
            .all(db)
            .await?;
        let Some(latest) = recent.first() else {
            continue;
        };
        let failing = recent.len() as u64 == FAILURES_IN_A_ROW
            && recent.iter().all(|run| failed(run.outcome));
        let recovered = latest.outcome == SyncOutcome::Ok;
        let kind = match (org.import_alerting, failing, recovered) {
            (false, true, _) => MailKind::ImportFailing,
            (true, _, true) => MailKind::ImportRecovered,
            _ => continue,
        };
        let reason = latest
            .error_message
            .clone()
            .unwrap_or_else(|| "no reason was recorded".to_owned());
        let admins = crate::store::memberships::admin_ids(db, org.id).await?;
        let settings = site.link(&format!("/orgs/{}/settings", org.slug));
        let txn = crate::store::begin_write(db).await?;
        for user_id in admins {
            let Some(reader) = member::reader(&txn, user_id).await? else {
                continue;
            };
            if !reader.import_alert_mail {
                continue;
            }
            let unsubscribe =
                lists::unsubscribe_url(site, key_for_links, user_id, MailList::ImportAlerts);
            let why = format!(
                "You get this because you administer {} on Convene.",
                org.name
            );
            let footer = Footer {
                why: &why,
                links: vec![("Unsubscribe from import alerts", &unsubscribe)],
            };
            let content = match kind {
                MailKind::ImportFailing => {
                    compose::import_failing(&reader.name, &org.name, &reason, &settings, footer)
                }
                _ => compose::import_recovered(&reader.name, &org.name, &settings, footer),
            };
            let mail = OutgoingMail {
                idempotency_key: format!("{kind}:{}:{}:{user_id}", org.id, latest.id),
                kind,
                recipient: reader.email,
                user_id: Some(user_id),
                content,
                unsubscribe_url: Some(unsubscribe),
            };
            if outbox::enqueue(&txn, mail, now).await? {
                pass.queued += 1;
            }
        }
        organization::Entity::update_many()
            .col_expr(
                organization::Column::ImportAlerting,
                Expr::value(kind == MailKind::ImportFailing),
            )
            .filter(organization::Column::Id.eq(org.id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        match kind {
            MailKind::ImportFailing => pass.failing += 1,
            _ => pass.recovered += 1,
        }
    }
    Ok(pass)
}
