//! Every background loop of a server process, in one place: the hourly housekeeping, the daily
//! import, lu.ma webhooks left waiting, the mail sender and the member mail.
//! [`Background::start`] starts them together, each under [`supervise`] (a loop that panics or
//! ends is logged and started again), and each pass runs in a tracing span named after its loop.
//!
//! [`Background::stop`] stops them cooperatively: their token is cancelled, and each loop
//! finishes the step it is in (one organization's sync, one round of mail, one housekeeping
//! pass) and returns. A loop still busy after the grace period is aborted; what it left is
//! recorded as interrupted where it matters: a sync run left `running` is closed as
//! interrupted by the next start's housekeeping, and a message whose sender stopped is taken
//! up again once its lease runs out.

use std::time::Duration;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;
use tracing::Instrument;

use crate::import::schedule::{self, DailySchedule};
use crate::import::sync::{Importer, SyncOutcome};
use crate::mail::jobs::MemberMail;
use crate::mail::sender::{self, SenderPace};
use crate::mail::smtp::Mailer;
use crate::store::sessions::SeaOrmSessionStore;

/// How long [`supervise`] waits before starting a loop that ended again.
pub const RESTART_PAUSE: Duration = Duration::from_secs(10);
/// How often housekeeping runs (and once at start).
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(3_600);

/// What a process runs in the background, as its settings say.
pub struct Loops {
    pub db: DatabaseConnection,
    /// The daily import, when scheduled.
    pub daily: Option<(Importer, DailySchedule)>,
    /// The mail sender, when there is an SMTP server.
    pub mail_sender: Option<(Mailer, SenderPace)>,
    /// Digests, new-event mail and import alerts, written every so often (`None`: never).
    pub member_mail: Option<(MemberMail, Duration)>,
    /// lu.ma webhooks their answer did not apply (a crash, a slow lu.ma), taken up every
    /// [`WEBHOOK_BACKLOG_EVERY`].
    pub webhook_backlog: Option<Importer>,
}

/// How often lu.ma webhooks left waiting are looked for.
const WEBHOOK_BACKLOG_EVERY: Duration = Duration::from_secs(60);

/// The running loops and the token that stops them.
pub struct Background {
    token: CancellationToken,
    tasks: Vec<(&'static str, JoinHandle<()>)>,
}

/// How the loops stopped.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Stopped {
    /// Finished their step and returned within the grace period.
    pub finished: Vec<&'static str>,
    /// Still busy after it, so aborted.
    pub aborted: Vec<&'static str>,
}

impl Background {
    /// Starts every loop `loops` names; each process has its own name for the leases it holds.
    pub fn start(loops: Loops) -> Self {
        let mut background = Self {
            token: CancellationToken::new(),
            tasks: Vec::new(),
        };
        let owner = process_owner();
        let db = loops.db;
        background.spawn("housekeeping", {
            let db = db.clone();
            move |stop| housekeeping(db.clone(), stop)
        });
        if let Some((importer, schedule)) = loops.daily {
            let (db, owner) = (db.clone(), owner.clone());
            background.spawn("daily import", move |stop| {
                daily_imports(importer.clone(), db.clone(), schedule, owner.clone(), stop)
            });
        }
        if let Some((mailer, pace)) = loops.mail_sender {
            let (db, owner) = (db.clone(), owner.clone());
            background.spawn("mail sender", move |stop| {
                send_mail(db.clone(), mailer.clone(), owner.clone(), pace, stop)
            });
        }
        if let Some(importer) = loops.webhook_backlog {
            background.spawn("webhook backlog", move |stop| {
                webhook_backlog(importer.clone(), stop)
            });
        }
        if let Some((member_mail, every)) = loops.member_mail {
            background.spawn("member mail", move |stop| {
                write_member_mail(member_mail.clone(), owner.clone(), every, stop)
            });
        }
        background
    }

    /// Starts `name`'s loop under [`supervise`], stopped by this background's token.
    fn spawn<Loop, Running>(&mut self, name: &'static str, mut start: Loop)
    where
        Loop: FnMut(CancellationToken) -> Running + Send + 'static,
        Running: Future<Output = ()> + Send + 'static,
    {
        let stop = self.token.clone();
        let task = tokio::spawn(supervise(name, RESTART_PAUSE, stop.clone(), move || {
            start(stop.clone())
        }));
        self.tasks.push((name, task));
    }

    /// Asks every loop to stop after the step it is in, waits up to `grace` for them, and
    /// aborts those still busy.
    pub async fn stop(self, grace: Duration) -> Stopped {
        self.token.cancel();
        let deadline = tokio::time::Instant::now() + grace;
        let mut stopped = Stopped::default();
        for (name, mut task) in self.tasks {
            match tokio::time::timeout_at(deadline, &mut task).await {
                Ok(_) => stopped.finished.push(name),
                Err(_) => {
                    task.abort();
                    tracing::warn!(
                        task = name,
                        "background task still busy at shutdown; aborted"
                    );
                    stopped.aborted.push(name);
                }
            }
        }
        stopped
    }
}

/// Unique per process: the leases name their holder.
fn process_owner() -> String {
    format!(
        "convene-{}-{}",
        std::process::id(),
        &crate::secrets::random_token()[..8]
    )
}

/// Runs a background loop until `stop` is cancelled: whenever its task ends otherwise (a panic,
/// or a return it should never make), logs why and starts a new one after `pause`. Dropping or
/// aborting the supervisor stops the task it is running too.
pub async fn supervise<Loop, Running>(
    name: &'static str,
    pause: Duration,
    stop: CancellationToken,
    mut start: Loop,
) where
    Loop: FnMut() -> Running,
    Running: Future<Output = ()> + Send + 'static,
{
    loop {
        let mut task = AbortOnDropHandle::new(tokio::spawn(start()));
        let ended = (&mut task).await;
        if stop.is_cancelled() {
            return;
        }
        match ended {
            Ok(()) => tracing::error!(task = name, "background task ended; starting it again"),
            Err(err) if err.is_panic() => tracing::error!(
                task = name,
                panic = %crate::import::sync::panic_message(err.into_panic()),
                "background task panicked; starting it again"
            ),
            Err(_) => {
                tracing::info!(task = name, "background task cancelled");
                return;
            }
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(pause) => {}
        }
    }
}

/// Waits `wait`, unless `stop` comes first: true when it is time to stop.
async fn stopped_during(stop: &CancellationToken, wait: Duration) -> bool {
    tokio::select! {
        () = stop.cancelled() => true,
        () = tokio::time::sleep(wait) => false,
    }
}

/// Every minute (and once at start): the lu.ma webhooks received and not yet applied.
async fn webhook_backlog(importer: Importer, stop: CancellationToken) {
    use crate::import::webhooks::{self, LEFT_TO_THE_ANSWER, Waiting};

    let mut every_minute = tokio::time::interval(WEBHOOK_BACKLOG_EVERY);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = every_minute.tick() => {}
        }
        let now = Utc::now();
        let applied = webhooks::apply_pending(
            &importer,
            Waiting::ReceivedBefore(now - LEFT_TO_THE_ANSWER),
            now,
        )
        .instrument(tracing::info_span!("webhook backlog"))
        .await;
        match applied {
            Ok(0) => {}
            Ok(applied) => tracing::info!(applied, "lu.ma webhooks left waiting applied"),
            Err(err) => tracing::warn!(error = %err, "applying waiting lu.ma webhooks failed"),
        }
    }
}

/// Every hour (and once at start): see [`housekeeping_pass`].
async fn housekeeping(db: DatabaseConnection, stop: CancellationToken) {
    let mut every_hour = tokio::time::interval(HOUSEKEEPING_EVERY);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = every_hour.tick() => {}
        }
        housekeeping_pass(&db)
            .instrument(tracing::info_span!("housekeeping"))
            .await;
    }
}

/// Closes the sync runs a stopped process left running, drops expired sessions, sign-in
/// failures older than the throttling window, mail older than a month, accounts never
/// confirmed, events removed over 30 days ago, descriptions no event carries and expired
/// account links. Each step's failure is logged and the others still run.
pub async fn housekeeping_pass(db: &DatabaseConnection) {
    let now = Utc::now();
    match crate::import::sync::close_interrupted_runs(db, now).await {
        Ok(closed) if closed > 0 => {
            tracing::warn!(
                closed,
                "sync runs left running by a stopped process closed as interrupted"
            );
        }
        Ok(_) => {}
        Err(err) => tracing::warn!(error = %err, "closing interrupted sync runs failed"),
    }
    match SeaOrmSessionStore::new(db.clone())
        .delete_expired(now)
        .await
    {
        Ok(removed) if removed > 0 => tracing::info!(removed, "expired sessions removed"),
        Ok(_) => {}
        Err(err) => tracing::warn!(error = %err, "removing expired sessions failed"),
    }
    if let Err(err) = crate::store::sign_in::forget_old_failures(db, now).await {
        tracing::warn!(error = %err, "forgetting old sign-in failures failed");
    }
    match crate::mail::outbox::prune(db, now).await {
        Ok(forgotten) if forgotten > 0 => {
            tracing::info!(forgotten, "mail older than a month forgotten")
        }
        Ok(_) => {}
        Err(err) => tracing::warn!(error = %err, "forgetting old mail failed"),
    }
    match crate::accounts::links::forget_unconfirmed_accounts(db, now).await {
        Ok(forgotten) if forgotten > 0 => {
            tracing::info!(forgotten, "accounts never confirmed deleted")
        }
        Ok(_) => {}
        Err(err) => tracing::warn!(error = %err, "deleting unconfirmed accounts failed"),
    }
    match crate::store::events::purge_removed(db, now).await {
        Ok(purged) if purged > 0 => {
            tracing::info!(purged, "events removed over 30 days ago deleted")
        }
        Ok(_) => {}
        Err(err) => tracing::warn!(error = %err, "deleting long-removed events failed"),
    }
    // After the purge, so the texts only purged events carried go in the same round.
    match crate::store::descriptions::forget_unused(db).await {
        Ok(forgotten) if forgotten > 0 => {
            tracing::info!(forgotten, "descriptions no event carries any more deleted")
        }
        Ok(_) => {}
        Err(err) => tracing::warn!(error = %err, "deleting unused descriptions failed"),
    }
    if let Err(err) = crate::accounts::links::forget_expired_tokens(db, now).await {
        tracing::warn!(error = %err, "forgetting expired account links failed");
    }
    match crate::import::webhooks::forget_old(db, now).await {
        Ok(forgotten) if forgotten > 0 => {
            tracing::info!(
                forgotten,
                "lu.ma webhook deliveries older than two days deleted"
            )
        }
        Ok(_) => {}
        Err(err) => tracing::warn!(error = %err, "deleting old lu.ma webhook deliveries failed"),
    }
}

/// Runs the daily import at the scheduled time, every day, until stopped. The lease in the
/// database makes sure that of several replicas only one imports at a time; the others look
/// again every few seconds until the day is done, so one goes on if the holder dies. A stop
/// lets the organization being synced finish; the rest of the day is left to the lease's next
/// holder.
async fn daily_imports(
    importer: Importer,
    db: DatabaseConnection,
    schedule: DailySchedule,
    owner: String,
    stop: CancellationToken,
) {
    loop {
        let now = Utc::now();
        let next = schedule::next_run_after(now, schedule.at);
        tracing::info!(next = %next, "next daily lu.ma import");
        if stopped_during(&stop, (next - now).to_std().unwrap_or_default()).await {
            return;
        }
        // Until this replica has run (or found done) what is left of the day: the holder
        // may die, and then its lease runs out.
        let mut failures = 0_u32;
        loop {
            let day = schedule::run_daily(&importer, &db, &owner, schedule, Utc::now(), &stop)
                .instrument(tracing::info_span!("daily import", day = %next.date_naive()))
                .await;
            match day {
                Ok(outcome) if outcome.ran => {
                    if !outcome.organizations.is_empty() {
                        let failed = outcome
                            .organizations
                            .iter()
                            .filter(|(_, report)| !matches!(report, Ok(r) if r.outcome == SyncOutcome::Ok))
                            .count();
                        tracing::info!(
                            organizations = outcome.organizations.len(),
                            failed,
                            "daily lu.ma import done"
                        );
                    }
                    break;
                }
                Ok(_) => {
                    if failures > 0 {
                        tracing::info!("daily lu.ma import: the store answers again");
                    }
                    failures = 0;
                }
                Err(err) => {
                    failures = failures.saturating_add(1);
                    tracing::error!(
                        error = %err,
                        retry_in_seconds = schedule::daily_retry_after(failures).as_secs(),
                        "daily lu.ma import could not start"
                    );
                }
            }
            if stopped_during(&stop, schedule::daily_retry_after(failures)).await {
                return;
            }
            // Past the next day's time, that day is what to run.
            if Utc::now() >= next + chrono::Duration::days(1) {
                break;
            }
        }
    }
}

/// Sends due mail round after round until stopped (a round in progress finishes).
async fn send_mail(
    db: DatabaseConnection,
    mailer: Mailer,
    owner: String,
    pace: SenderPace,
    stop: CancellationToken,
) {
    while !stop.is_cancelled() {
        let outcome = sender::send_due(&db, &mailer, &owner, pace, Utc::now())
            .instrument(tracing::info_span!("mail round"))
            .await;
        match &outcome {
            Ok(round) if round.sent + round.failed + round.retrying > 0 => tracing::info!(
                sent = round.sent,
                failed = round.failed,
                retrying = round.retrying,
                "mail round"
            ),
            Ok(_) => {}
            Err(err) => {
                tracing::error!(error = %err, "the mail sender cannot read or write the outbox")
            }
        }
        // A full batch means more may be due: go on at once.
        if !matches!(&outcome, Ok(round) if round.sent as u64 >= pace.batch)
            && stopped_during(&stop, pace.poll_every).await
        {
            return;
        }
    }
}

/// Writes member mail every `every` until stopped (a pass in progress finishes).
async fn write_member_mail(
    member_mail: MemberMail,
    owner: String,
    every: Duration,
    stop: CancellationToken,
) {
    let mut ticks = tokio::time::interval(every);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = ticks.tick() => {}
        }
        let pass = member_mail
            .pass(&owner, every, Utc::now())
            .instrument(tracing::info_span!("member mail"))
            .await;
        match pass {
            Ok(pass) if pass.digests.queued + pass.news.queued + pass.alerts.queued > 0 => {
                tracing::info!(
                    digests = pass.digests.queued,
                    new_events = pass.news.queued,
                    alerts = pass.alerts.queued,
                    "member mail queued"
                )
            }
            Ok(_) => {}
            Err(err) => {
                tracing::error!(error = %err, "member mail pass failed; the next one tries again")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_supervised_loop_that_panics_or_returns_is_started_again_until_stopped() {
        let starts = Arc::new(AtomicUsize::new(0));
        let counted = starts.clone();
        let stop = CancellationToken::new();
        let supervisor = tokio::spawn(supervise(
            "test loop",
            Duration::from_millis(5),
            stop.clone(),
            move || {
                let starts = counted.clone();
                async move {
                    if starts.fetch_add(1, Ordering::SeqCst).is_multiple_of(2) {
                        panic!("a bug in the loop");
                    }
                }
            },
        ));
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while starts.load(Ordering::SeqCst) < 4 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the loop was not restarted"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        stop.cancel();
        tokio::time::timeout(Duration::from_secs(5), supervisor)
            .await
            .expect("a stopped supervisor returns")
            .unwrap();
    }

    #[tokio::test]
    async fn stop_lets_each_loop_finish_its_step_and_aborts_one_past_the_grace() {
        let store = crate::testing::fresh_store().await;
        let mut background = Background::start(Loops {
            db: store.db().clone(),
            daily: None,
            mail_sender: None,
            member_mail: None,
            webhook_backlog: None,
        });
        // A loop in the middle of a step that takes a while, and one that never checks.
        let finished_step = Arc::new(AtomicUsize::new(0));
        let noted = finished_step.clone();
        background.spawn("slow step", move |stop| {
            let noted = noted.clone();
            async move {
                stop.cancelled().await;
                tokio::time::sleep(Duration::from_millis(100)).await;
                noted.fetch_add(1, Ordering::SeqCst);
            }
        });
        background.spawn("deaf", |_stop| std::future::pending::<()>());
        let stopped = background.stop(Duration::from_secs(2)).await;
        assert_eq!(stopped.finished, ["housekeeping", "slow step"]);
        assert_eq!(stopped.aborted, ["deaf"]);
        assert_eq!(
            finished_step.load(Ordering::SeqCst),
            1,
            "the step in progress finished"
        );
    }
}
