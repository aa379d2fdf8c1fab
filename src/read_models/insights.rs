//! `/admin/network` (site admins) and `/orgs/{slug}/insights` (the organization's admins): each
//! organization's activity with its chart drawn here, the network's totals, and the same
//! numbers as CSV. Counts include members-only events (a number names no event); the pages name
//! none. The clash radar names what the viewer may see (`insights::clashes`).

use chrono::{DateTime, Utc};
use convene_types::views::{
    NetworkTotals, NetworkView, OrganizationActivity, OrganizationInsights, SyncHealth,
};
use convene_types::{InputField, Role};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::Error;
use crate::insights::activity::{self, Activity, Months15, Row, Scope};
use crate::insights::chart::{BarChart, ChartSize};
use crate::insights::{clashes, csv};
use crate::rules::visibility::Audience;
use crate::store::entities::{membership, organization};
use crate::text::timefmt;

/// Organizations per page of the network view: each row carries a drawn chart (about 1 KB) and
/// its name four times; twenty with the longest names make 54 KB, within the content pages'
/// 60 KB (tested).
pub const ORGANIZATIONS_PER_PAGE: usize = 20;
/// Pages the view may be asked for at most (a bound on the query string, not on the network).
pub const PAGES_MAX: u32 = 10_000;

/// `?page=`: absent or empty is the first; a refusal says what it may be.
pub fn parse_page(text: Option<&str>) -> Result<u32, Error> {
    match text.map(str::trim) {
        None | Some("") => Ok(1),
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|page| (1..=PAGES_MAX).contains(page))
            .ok_or_else(|| {
                Error::invalid(
                    InputField::Page,
                    format!("must be a whole number from 1 to {PAGES_MAX}"),
                )
            }),
    }
}

fn date(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(|at| timefmt::local_date(at, chrono_tz::UTC))
}

fn activity_view(
    row: &Row,
    months: &Months15,
    labels: &[String],
    size: ChartSize,
) -> Result<OrganizationActivity, Error> {
    let id = format!("chart-{}", row.slug);
    let title = format!("{}: events per month", row.name);
    let chart_svg = BarChart {
        id: &id,
        title: &title,
        labels,
        values: &row.per_month,
        planned_from: months.current + 1,
        size,
    }
    .svg()?;
    Ok(OrganizationActivity {
        slug: row.slug.clone(),
        name: row.name.clone(),
        per_month: row.per_month.clone(),
        chart_svg,
        last_event: date(row.last_event),
        next_event: date(row.next_event),
        quiet: row.quiet,
        health: row.health,
        followers: row.followers,
        members: row.members,
        top_topics: row.top_topics.clone(),
    })
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// People with any membership, and those who are a member (or admin) somewhere.
async fn people(db: &impl ConnectionTrait) -> Result<(u64, u64), Error> {
    let anyone = membership::Entity::find()
        .select_only()
        .column(membership::Column::UserId)
        .distinct()
        .count(db)
        .await?;
    let members = membership::Entity::find()
        .select_only()
        .column(membership::Column::UserId)
        .filter(membership::Column::Role.ne(Role::Follower))
        .distinct()
        .count(db)
        .await?;
    Ok((anyone, members))
}

fn totals(activity: &Activity, people: (u64, u64)) -> NetworkTotals {
    let months = activity.months.len();
    let mut per_month = vec![0u32; months];
    for row in &activity.rows {
        for (total, n) in per_month.iter_mut().zip(&row.per_month) {
            *total = total.saturating_add(*n);
        }
    }
    let current = activity.months.current;
    let (anyone, members) = people;
    NetworkTotals {
        organizations: count(activity.rows.len()),
        events_last_12_months: per_month[..=current].iter().sum(),
        events_next_3_months: per_month[current + 1..].iter().sum(),
        per_month,
        quiet: count(activity.rows.iter().filter(|row| row.quiet).count()),
        stale: count(
            activity
                .rows
                .iter()
                .filter(|row| row.health == SyncHealth::Stale)
                .count(),
        ),
        members: u32::try_from(members).unwrap_or(u32::MAX),
        followers: u32::try_from(anyone.saturating_sub(members)).unwrap_or(u32::MAX),
    }
}

/// The network view's `page` (from 1); a page past the last is not found.
pub async fn network(
    db: &impl ConnectionTrait,
    page: u32,
    now: DateTime<Utc>,
) -> Result<NetworkView, Error> {
    let activity = activity::read(db, Scope::Network, now).await?;
    let pages = count(activity.rows.len().div_ceil(ORGANIZATIONS_PER_PAGE).max(1));
    if page > pages {
        return Err(Error::NotFound(format!("Page {page} of the network view")));
    }
    let labels = activity.months.labels();
    let totals = totals(&activity, people(db).await?);
    let totals_chart_svg = BarChart {
        id: "chart-network",
        title: "The network: events per month",
        labels: &labels,
        values: &totals.per_month,
        planned_from: activity.months.current + 1,
        size: ChartSize::Full,
    }
    .svg()?;
    let skip = usize::try_from(page - 1).unwrap_or(usize::MAX) * ORGANIZATIONS_PER_PAGE;
    let organizations = activity
        .rows
        .iter()
        .skip(skip)
        .take(ORGANIZATIONS_PER_PAGE)
        .map(|row| activity_view(row, &activity.months, &labels, ChartSize::Spark))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(NetworkView {
        current_month: activity.months.current,
        months: labels,
        totals,
        totals_chart_svg,
        organizations,
        page,
        pages,
        generated_at: timefmt::absolute_utc(now, crate::i18n::Locale::English),
    })
}

/// One organization's insights, with its clash radar as `audience` (its admin) may read it.
pub async fn organization(
    db: &impl ConnectionTrait,
    organization: &organization::Model,
    audience: &Audience,
    now: DateTime<Utc>,
) -> Result<OrganizationInsights, Error> {
    let activity = activity::read(db, Scope::One(organization.id), now).await?;
    let labels = activity.months.labels();
    let row = activity
        .rows
        .first()
        .ok_or_else(|| Error::NotFound("Organization".into()))?;
    Ok(OrganizationInsights {
        activity: activity_view(row, &activity.months, &labels, ChartSize::Full)?,
        current_month: activity.months.current,
        months: labels,
        clashes: clashes::radar(db, organization, audience, now).await?,
        generated_at: timefmt::absolute_utc(now, crate::i18n::Locale::English),
    })
}

/// The network view's numbers as CSV, every organization.
pub async fn network_csv(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<String, Error> {
    Ok(csv::write(&activity::read(db, Scope::Network, now).await?))
}

/// One organization's numbers as CSV.
pub async fn organization_csv(
    db: &impl ConnectionTrait,
    organization_id: i64,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    Ok(csv::write(
        &activity::read(db, Scope::One(organization_id), now).await?,
    ))
}
