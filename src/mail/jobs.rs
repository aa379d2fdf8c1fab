//! Member mail on a schedule: every few minutes, the replica holding the `member_mail` lease
//! writes the digests that are due, the new-event batches, the import alerts and the monthly
//! import checks into the outbox (the sender then sends them). Each step is idempotent, so a
//! pass cut short by a crash is finished by the next one, on any replica.

use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;

use crate::Error;
use crate::mail::alerts::{self, AlertPass};
use crate::mail::checks::{self, CheckPass};
use crate::mail::digest::{self, DigestPass};
use crate::mail::network_report::{self, ReportPass};
use crate::mail::news::{self, NewsPass};
use crate::secrets::SecretKey;
use crate::site::PublicUrl;
use crate::store::leases;

pub const JOBS_LEASE: &str = "member_mail";

/// What one pass wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MemberMailPass {
    pub held_lease: bool,
    pub digests: DigestPass,
    pub news: NewsPass,
    pub alerts: AlertPass,
    pub checks: CheckPass,
    pub reports: ReportPass,
}

/// Everything that writes member mail, with what its links need.
#[derive(Clone)]
pub struct MemberMail {
    pub db: DatabaseConnection,
    pub site: PublicUrl,
    pub key: SecretKey,
}

impl MemberMail {
    /// One pass, while this process holds the lease (held for `every` and a margin, so a slow
    /// pass is not started twice).
    pub async fn pass(
        &self,
        owner: &str,
        every: std::time::Duration,
        now: DateTime<Utc>,
    ) -> Result<MemberMailPass, Error> {
        let ttl = Duration::from_std(every).unwrap_or(Duration::minutes(5)) + Duration::minutes(5);
        if !leases::try_take(&self.db, JOBS_LEASE, owner, ttl, now).await? {
            return Ok(MemberMailPass::default());
        }
        Ok(MemberMailPass {
            held_lease: true,
            alerts: alerts::sweep(&self.db, &self.site, &self.key, now).await?,
            news: news::queue_batch(&self.db, &self.site, &self.key, now).await?,
            digests: digest::queue_due(&self.db, &self.site, &self.key, now).await?,
            checks: checks::queue_due(&self.db, &self.site, &self.key, now).await?,
            reports: network_report::queue_due(&self.db, &self.site, &self.key, now).await?,
        })
    }
}
