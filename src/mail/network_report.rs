//! The monthly network report: once per calendar month (UTC), in its first week (the outbox
//! forgets a key after 30 days: later, a 31-day month would send its report twice), each site
//! admin who wants it gets
//! the network's numbers: events last month against the month before, what is planned, which
//! organizations went quiet and which imports need a look, with the way to `/admin/network`.
//! Once per admin and month (the outbox's idempotency key), whichever replica writes it.

use chrono::{DateTime, Datelike, Utc};
use convene_types::MailKind;
use convene_types::views::SyncHealth;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::Error;
use crate::insights::activity::{self, Activity, Scope};
use crate::mail::compose::{self, Footer};
use crate::mail::lists::{self, MailList};
use crate::mail::outbox::{self, OutgoingMail};
use crate::secrets::SecretKey;
use crate::site::PublicUrl;
use crate::store::entities::user;

/// The days of a month its report may go out on.
pub const FIRST_DAYS: u32 = 7;

/// Organizations a list in the report names at most ("… and 12 more").
pub const NAMED_MAX: usize = 20;

/// What one pass wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReportPass {
    pub queued: usize,
}

/// The report's numbers, in words, the same for every site admin of one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// "November 2026": the month the numbers look back on.
    pub month: String,
    pub summary: String,
    /// (heading, lines)
    pub sections: Vec<(String, Vec<String>)>,
}

fn names(rows: &[&activity::Row]) -> Vec<String> {
    let mut lines: Vec<String> = rows
        .iter()
        .take(NAMED_MAX)
        .map(|row| row.name.clone())
        .collect();
    if rows.len() > NAMED_MAX {
        lines.push(format!("… and {} more", rows.len() - NAMED_MAX));
    }
    lines
}

/// The report of `activity` (read at the start of a month: "last month" is the one before).
pub fn report(activity: &Activity) -> Report {
    let current = activity.months.current;
    let labels = activity.months.labels();
    let month_total = |index: usize| -> u32 {
        activity
            .rows
            .iter()
            .filter_map(|row| row.per_month.get(index))
            .sum()
    };
    let last = current.saturating_sub(1);
    let before = current.saturating_sub(2);
    let planned: u32 = (current..activity.months.len()).map(month_total).sum();
    let summary = format!(
        "{} organizations held {} events in {} ({} the month before). {} are planned from now to the end of {}.",
        activity.rows.len(),
        month_total(last),
        labels[last],
        month_total(before),
        planned,
        labels[activity.months.len() - 1],
    );
    let mut busiest: Vec<&activity::Row> = activity
        .rows
        .iter()
        .filter(|row| row.per_month.get(last).is_some_and(|n| *n > 0))
        .collect();
    busiest.sort_by(|a, b| b.per_month[last].cmp(&a.per_month[last]));
    let quiet: Vec<&activity::Row> = activity.rows.iter().filter(|row| row.quiet).collect();
    let needs_a_look: Vec<&activity::Row> = activity
        .rows
        .iter()
        .filter(|row| matches!(row.health, SyncHealth::Stale | SyncHealth::Failing))
        .collect();
    let mut sections = Vec::new();
    if !busiest.is_empty() {
        sections.push((
            format!("Most events in {}", labels[last]),
            busiest
                .iter()
                .take(5)
                .map(|row| format!("{}: {}", row.name, row.per_month[last]))
                .collect(),
        ));
    }
    if !quiet.is_empty() {
        sections.push((
            "Quiet: no event in the last 60 days".to_owned(),
            names(&quiet),
        ));
    }
    if !needs_a_look.is_empty() {
        sections.push(("Imports that need a look".to_owned(), names(&needs_a_look)));
    }
    Report {
        month: labels[last].clone(),
        summary,
        sections,
    }
}

pub async fn queue_due(
    db: &DatabaseConnection,
    site: &PublicUrl,
    key_for_links: &SecretKey,
    now: DateTime<Utc>,
) -> Result<ReportPass, Error> {
    let admins: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::IsSiteAdmin.eq(true))
        .filter(user::Column::NetworkReportMail.eq(true))
        .filter(user::Column::EmailConfirmedAt.is_not_null())
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let mut pass = ReportPass::default();
    if admins.is_empty() || now.day() > FIRST_DAYS {
        return Ok(pass);
    }
    let period = now.format("%Y-%m").to_string();
    // Most passes of a month find every report written: nothing is counted then.
    let mut due = Vec::new();
    for user_id in admins {
        if !outbox::exists(db, &key(user_id, &period)).await? {
            due.push(user_id);
        }
    }
    if due.is_empty() {
        return Ok(pass);
    }
    let report = report(&activity::read(db, Scope::Network, now).await?);
    let network_url = site.link("/admin/network");
    for user_id in due {
        let Some(reader) = crate::mail::member::reader(db, user_id).await? else {
            continue;
        };
        let unsubscribe =
            lists::unsubscribe_url(site, key_for_links, user_id, MailList::NetworkReports);
        let footer = Footer {
            why: "You get this once a month because you are a site admin of this Convene.",
            links: vec![("Stop the monthly network report", &unsubscribe)],
        };
        let content = compose::network_report(
            &reader.name,
            &report.month,
            &report.summary,
            &report.sections,
            &network_url,
            footer,
        );
        let mail = OutgoingMail {
            idempotency_key: key(user_id, &period),
            kind: MailKind::NetworkReport,
            recipient: reader.email,
            user_id: Some(user_id),
            content,
            unsubscribe_url: Some(unsubscribe),
        };
        if outbox::enqueue(db, mail, now).await? {
            pass.queued += 1;
        }
    }
    Ok(pass)
}

fn key(user_id: i64, period: &str) -> String {
    format!("network_report:{user_id}:{period}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::activity::{Months15, Row};

    fn row(name: &str, per_month: Vec<u32>, quiet: bool, health: SyncHealth) -> Row {
        Row {
            organization_id: 1,
            slug: name.to_lowercase(),
            name: name.into(),
            per_month,
            last_event: None,
            next_event: None,
            quiet,
            health,
            followers: 0,
            members: 0,
            top_topics: Vec::new(),
        }
    }

    #[test]
    fn the_report_compares_last_month_with_the_one_before_and_names_who_needs_a_look() {
        let months = Months15::around(Utc::now()).expect("months");
        let labels = months.labels();
        let current = months.current;
        let with = |last: u32, before: u32| {
            let mut counts = vec![0; months.len()];
            counts[current - 1] = last;
            counts[current - 2] = before;
            counts[current + 1] = 1;
            counts
        };
        let activity = Activity {
            rows: vec![
                row("Busy", with(4, 1), false, SyncHealth::Fresh),
                row("Sleepy", vec![0; months.len()], true, SyncHealth::Stale),
                row("Steady", with(1, 2), false, SyncHealth::Failing),
            ],
            months,
        };
        let report = report(&activity);
        assert_eq!(report.month, labels[current - 1]);
        assert!(
            report.summary.starts_with(&format!(
                "3 organizations held 5 events in {} (3 the month before). 2 are planned",
                labels[current - 1]
            )),
            "{}",
            report.summary
        );
        let section = |heading: &str| {
            report
                .sections
                .iter()
                .find(|(h, _)| h.starts_with(heading))
                .map(|(_, lines)| lines.clone())
                .unwrap_or_default()
        };
        assert_eq!(section("Most events"), ["Busy: 4", "Steady: 1"]);
        assert_eq!(section("Quiet"), ["Sleepy"]);
        assert_eq!(section("Imports that need a look"), ["Sleepy", "Steady"]);
    }

    #[tokio::test]
    async fn site_admins_get_it_once_in_a_months_first_week_and_can_switch_it_off() {
        use chrono::{Duration, NaiveDate, TimeZone};
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, PaginatorTrait};

        use crate::accounts::{DisplayName, Email, Password};
        use crate::store::entities::mail_message;
        use crate::store::users::{self, NewUser};

        let store = crate::testing::fresh_store().await;
        let db = store.db();
        let person = |email: &str, site_admin: bool| NewUser {
            email: Email::parse(email).unwrap(),
            display_name: DisplayName::parse("Ada").unwrap(),
            password: Password::parse_new("correct horse battery".into()).unwrap(),
            is_site_admin: site_admin,
        };
        let admin = users::create(db, person("site@example.org", true))
            .await
            .unwrap();
        users::create(db, person("member@example.org", false))
            .await
            .unwrap();
        // The second day of the month after the test's now, and a day after the first week.
        let today = Utc::now().date_naive();
        let next_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
            .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
            .unwrap();
        let second_day =
            Utc.from_utc_datetime(&next_month.and_hms_opt(9, 0, 0).unwrap()) + Duration::days(1);
        let site = PublicUrl::new("https://convene.example/".parse().unwrap()).unwrap();
        let key = SecretKey::generate();
        let late = second_day + Duration::days(7);
        assert_eq!(
            queue_due(db, &site, &key, late).await.unwrap().queued,
            0,
            "day 9"
        );
        assert_eq!(
            queue_due(db, &site, &key, second_day).await.unwrap().queued,
            1
        );
        assert_eq!(
            queue_due(db, &site, &key, second_day + Duration::hours(1))
                .await
                .unwrap()
                .queued,
            0,
            "once a month"
        );
        let mail = mail_message::Entity::find().one(db).await.unwrap().unwrap();
        assert_eq!(mail.recipient, "site@example.org", "site admins only");
        assert_eq!(mail.kind, MailKind::NetworkReport);
        assert!(
            mail.text_body.contains("/admin/network"),
            "{}",
            mail.text_body
        );
        assert!(mail.subject.starts_with("The network in "));

        let mut row: user::ActiveModel = admin.into();
        row.network_report_mail = Set(false);
        row.update(db).await.unwrap();
        let following = second_day + Duration::days(31);
        assert_eq!(
            queue_due(db, &site, &key, following).await.unwrap().queued,
            0,
            "switched off"
        );
        assert_eq!(mail_message::Entity::find().count(db).await.unwrap(), 1);
    }
}
