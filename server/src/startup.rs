//! Building the application: open and migrate the store, start the demo, bind the listener.
//! Binding here (not in `main`) lets tests start the real server on port 0.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use app::state::AppState;
use axum::Router;
use axum::serve::ListenerExt;
use convene::accounts::client_limit::{ClientLimit, InFlight};
use convene::background::{Background, Loops};
use convene::demo::{self, Demo, DemoSetup};
use convene::import::luma::client::LumaClient;
use convene::import::refresh::Refresher;
use convene::import::sync::Importer;
use convene::mail::jobs::MemberMail;
use convene::mail::sender::SenderPace;
use convene::mail::smtp::Mailer;
use convene::site::PublicUrl;
use convene::store::{self, DatabaseConnection, DbErr};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::http::routes;
use crate::settings::Settings;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("DATABASE_URL: cannot open the store ({url}): {source}")]
    Connect { url: String, source: DbErr },
    #[error("DATABASE_URL: migrations failed: {0}")]
    Migrate(DbErr),
    #[error("CONVENE_DEMO: starting the demo failed: {0}")]
    Demo(convene::Error),
    #[error("LUMA_API_BASE: cannot build the lu.ma client: {0}")]
    Luma(convene::import::luma::client::LumaError),
    #[error("CONVENE_SMTP_URL: {0}")]
    Smtp(convene::mail::smtp::SmtpSettingError),
    #[error("CONVENE_PUBLIC_URL: {0}")]
    PublicUrl(convene::Error),
    #[error("LEPTOS_SITE_ADDR: cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
    #[error("CONVENE_METRICS_ADDR: cannot listen on {addr}: {source}")]
    BindMetrics { addr: SocketAddr, source: io::Error },
    #[error("CONVENE_METRICS_ADDR: the metrics recorder could not be installed: {0}")]
    Metrics(String),
}

/// Writes the `.br`/`.gz` copies of a fresh build's assets in the background (seconds for a
/// release bundle); until they exist the plain files are served. Without a site directory
/// (tests) there is nothing to do.
fn precompress_assets(options: &leptos::config::LeptosOptions) {
    let dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    if !dir.is_dir() {
        return;
    }
    tokio::task::spawn_blocking(move || match crate::http::assets::precompress(&dir) {
        Ok(0) => {}
        Ok(written) => tracing::info!(written, dir = %dir.display(), "assets precompressed"),
        Err(err) => {
            tracing::warn!(error = %err, dir = %dir.display(), "precompressing assets failed; they are sent as they are")
        }
    });
}

/// How long a stopping process waits for its background loops to finish the step they are in
/// (a sync of one organization, a round of mail) before aborting them.
const STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

pub struct Application {
    listener: TcpListener,
    local_addr: SocketAddr,
    router: Router,
    /// The housekeeping, the daily import and the mail loops.
    background: Background,
    /// `/metrics` on its own address, when configured.
    metrics: Option<(SocketAddr, JoinHandle<()>)>,
    /// Keeps the demo's fake lu.ma serving as long as the application runs.
    _demo: Option<Demo>,
}

impl Application {
    pub async fn build(settings: &Settings) -> Result<Self, StartupError> {
        let db = store::connect(settings.database_url.expose())
            .await
            .map_err(|source| StartupError::Connect {
                url: settings.database_url.to_string(),
                source,
            })?;
        store::migrate(&db).await.map_err(StartupError::Migrate)?;
        // Secrets sealed before they were bound to their row are bound now (once).
        match store::secrets_at_rest::bind_legacy(&db, &settings.secret_key).await {
            Ok(0) => {}
            Ok(bound) => tracing::info!(bound, "stored secrets bound to their rows"),
            Err(err) => {
                tracing::warn!(error = %err, "binding stored secrets failed; they still open where they are")
            }
        }
        let client = LumaClient::new(settings.luma_client_config()).map_err(StartupError::Luma)?;
        let importer = Importer::new(db.clone(), client, settings.secret_key.clone())
            .with_feeds(settings.feed_client_config());
        let demo = if settings.demo {
            start_demo(&db, &importer, settings).await?
        } else {
            warn_about_idle_demo(&db).await;
            None
        };

        let bind_error = |source| StartupError::Bind {
            addr: settings.listen,
            source,
        };
        let listener = TcpListener::bind(settings.listen)
            .await
            .map_err(bind_error)?;
        let local_addr = listener.local_addr().map_err(bind_error)?;
        let mut demo = demo;
        if let Some(demo) = &mut demo
            && settings.demo_live_changes
            && let Err(err) = demo.change_live(&db, &importer, local_addr).await
        {
            tracing::warn!(error = %err, "demo: live changes by webhook could not start");
        }
        let mut leptos_options = settings.leptos_options.clone();
        leptos_options.site_addr = local_addr;
        precompress_assets(&leptos_options);
        let mail_sender = mail_sender(settings)?;
        // Links in mail: the public address, or the address this process answers on.
        let site = settings
            .public_url
            .clone()
            .map_or_else(|| format!("http://{local_addr}/").parse::<url::Url>(), Ok)
            .map_err(|err| StartupError::PublicUrl(convene::Error::Internal(err.to_string())))
            .and_then(|url| PublicUrl::new(url).map_err(StartupError::PublicUrl))?;
        let member_mail = MemberMail {
            db: db.clone(),
            site: site.clone(),
            key: settings.secret_key.clone(),
        };
        if let Some(demo) = &demo
            && matches!(demo.setup, DemoSetup::Seeded)
        {
            queue_demo_digests(&member_mail).await;
        }
        // Every loop under a supervisor: one that panics or ends is logged and started again,
        // so a bug never silently ends daily imports for the life of the process.
        let background = Background::start(Loops {
            db: db.clone(),
            daily: settings
                .daily_sync
                .map(|schedule| (importer.clone(), schedule)),
            mail_sender,
            member_mail: settings
                .mail
                .member_mail_every
                .map(|every| (member_mail, every)),
            webhook_backlog: Some(importer.clone()),
        });
        let refresher = Refresher::new(importer, db.clone(), settings.refresh_ttl);
        let health_db = store::connect_for_health(settings.database_url.expose())
            .await
            .map_err(|source| StartupError::Connect {
                url: settings.database_url.to_string(),
                source,
            })?;
        let metrics = match settings.metrics_addr {
            Some(addr) => Some(start_metrics(addr, &db).await?),
            None => None,
        };
        let state = AppState {
            leptos_options,
            db,
            health_db,
            refresher,
            daily_sync_at: settings.daily_sync.map(|schedule| schedule.at),
            demo: settings.demo,
            trusted_proxies: settings.trusted_proxies.clone(),
            sign_ups: Arc::new(ClientLimit::sign_ups()),
            sign_ins_in_flight: Arc::new(InFlight::sign_ins()),
            email_changes: Arc::new(ClientLimit::email_changes()),
            account_actions: Arc::new(ClientLimit::account_actions()),
            caches: Default::default(),
            rendered: Default::default(),
            site,
            sends_mail: settings.mail.smtp.is_some(),
            map_tiles: settings.map_tiles.clone(),
        };
        let transport = routes::Transport {
            secure_cookies: settings.secure_cookies,
            https_only: settings
                .public_url
                .as_ref()
                .is_some_and(|url| url.scheme() == "https"),
        };
        let router = routes::router(state, transport);
        Ok(Self {
            listener,
            local_addr,
            router,
            background,
            metrics,
            _demo: demo,
        })
    }

    /// The address actually bound (the real port when port 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Where `/metrics` answers (the real port when port 0 was asked for), when it does.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().map(|(addr, _)| *addr)
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        // Without TCP_NODELAY a response written in pieces (streamed pages, files) waits for the
        // client's delayed ACK: about 40 ms per response on Linux.
        let listener = self.listener.tap_io(|stream| {
            if let Err(err) = stream.set_nodelay(true) {
                tracing::warn!(error = %err, "could not set TCP_NODELAY on a connection");
            }
        });
        // The peer address feeds sign-in throttling per client.
        let served = axum::serve(
            listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        let stopped = self.background.stop(STOP_GRACE).await;
        tracing::info!(finished = ?stopped.finished, aborted = ?stopped.aborted, "background tasks stopped");
        if let Some((_, task)) = self.metrics {
            task.abort();
        }
        served
    }
}

/// `/metrics` on `addr`, with the process's recorder (installed on first use).
async fn start_metrics(
    addr: SocketAddr,
    db: &DatabaseConnection,
) -> Result<(SocketAddr, JoinHandle<()>), StartupError> {
    let handle = crate::http::exporter::recorder().map_err(StartupError::Metrics)?;
    let bind_error = |source| StartupError::BindMetrics { addr, source };
    let listener = TcpListener::bind(addr).await.map_err(bind_error)?;
    let bound = listener.local_addr().map_err(bind_error)?;
    tracing::info!("metrics on {}", crate::http::exporter::describe(bound));
    Ok((
        bound,
        crate::http::exporter::serve(listener, db.clone(), handle),
    ))
}

/// With an SMTP server, the sender's mailer and pace; without one, mail stays in the outbox.
fn mail_sender(settings: &Settings) -> Result<Option<(Mailer, SenderPace)>, StartupError> {
    let config = &settings.mail;
    let Some(server) = &config.smtp else {
        tracing::info!(
            "no CONVENE_SMTP_URL: mail is kept in the outbox, where site admins read it at /admin/mail"
        );
        return Ok(None);
    };
    if server.is_unencrypted() {
        tracing::warn!(smtp = ?server, "CONVENE_SMTP_URL has tls=none: mail leaves this process unencrypted");
    }
    let mailer =
        Mailer::new(server, &config.from, config.smtp_timeout).map_err(StartupError::Smtp)?;
    Ok(Some((
        mailer,
        SenderPace::new(config.smtp_timeout, config.poll_every),
    )))
}

/// Demo mode shows its accounts' weekly digests in `/admin/mail` at once, whatever the day.
async fn queue_demo_digests(member_mail: &MemberMail) {
    for email in [demo::DEMO_MEMBER_EMAIL, demo::DEMO_ADMIN_EMAIL] {
        let queued = async {
            let email = convene::accounts::Email::parse(email)?;
            let Some(user) = convene::store::users::find_by_email(&member_mail.db, &email).await?
            else {
                return Ok(0);
            };
            convene::mail::digest::queue_now(
                &member_mail.db,
                &member_mail.site,
                &member_mail.key,
                user.id,
                chrono::Utc::now(),
            )
            .await
            .map(|pass| pass.queued)
        }
        .await;
        match queued {
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, email, "demo digest not written"),
        }
    }
}

/// Demo mode: the fake lu.ma starts, an empty store is seeded and imported (so the first page
/// shows events), a store from an earlier demo start is re-pointed at the new fake.
async fn start_demo(
    db: &DatabaseConnection,
    importer: &Importer,
    settings: &Settings,
) -> Result<Option<Demo>, StartupError> {
    let now = chrono::Utc::now();
    let Some(demo) = Demo::start(db, &settings.secret_key, now)
        .await
        .map_err(StartupError::Demo)?
    else {
        tracing::info!("demo mode: the store has data of its own, so no demo is added");
        return Ok(None);
    };
    match demo.setup {
        DemoSetup::Seeded => {
            let reports = demo
                .import_all(db, importer, now)
                .await
                .map_err(StartupError::Demo)?;
            let imported: u32 = reports.iter().map(|(_, r)| r.counts.created).sum();
            tracing::info!(
                organizations = reports.len(),
                events = imported,
                luma = %demo.luma_base_url(),
                "demo mode: organizations connected to the bundled fake lu.ma and imported (CONVENE_DEMO=0 turns this off)"
            );
            tracing::info!(
                "demo accounts (password {:?}): {} is an admin of Rust Berlin, {} a member of Rust Berlin and Rust Lisbon, {} follows Rust Berlin and waits for its answer to a request to join, {} a site admin (the mail the demo keeps is at /admin/mail)",
                demo::DEMO_PASSWORD,
                demo::DEMO_ADMIN_EMAIL,
                demo::DEMO_MEMBER_EMAIL,
                demo::DEMO_REQUESTER_EMAIL,
                demo::DEMO_OPERATOR_EMAIL
            );
        }
        DemoSetup::Repointed(organizations) => tracing::info!(
            organizations,
            luma = %demo.luma_base_url(),
            "demo mode: the demo organizations use this start's fake lu.ma; sign in as {} or {} (password {:?})",
            demo::DEMO_ADMIN_EMAIL,
            demo::DEMO_MEMBER_EMAIL,
            demo::DEMO_PASSWORD
        ),
    }
    Ok(Some(demo))
}

/// Demo organizations without demo mode have no lu.ma to sync from; say so once at start.
async fn warn_about_idle_demo(db: &DatabaseConnection) {
    match demo::count_demo_organizations(db).await {
        Ok(0) => {}
        Ok(organizations) => tracing::warn!(
            organizations,
            "the store holds demo organizations but CONVENE_DEMO=0: their fake lu.ma is not running, so their syncs will fail"
        ),
        Err(err) => tracing::warn!(error = %err, "cannot count demo organizations"),
    }
}

/// Completes on Ctrl-C or SIGTERM (what service managers send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for Ctrl-C; stop with SIGTERM");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM; stop with Ctrl-C");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}
