//! `/account`: the signed-in member's profile and mail settings.

use chrono::{DateTime, Utc};
use convene_types::views::{AccountOrganization, AccountView, TripView};
use convene_types::{Role, TokenPurpose};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::Error;
use crate::rules::access::{Actor, require_signed_in};
use crate::store::entities::{account_token, membership, organization, user};

pub async fn account(
    db: &DatabaseConnection,
    actor: Option<Actor>,
    now: DateTime<Utc>,
) -> Result<AccountView, Error> {
    let actor = require_signed_in(actor)?;
    let me = user::Entity::find_by_id(actor.user_id)
        .one(db)
        .await?
        .ok_or(Error::NotSignedIn)?;
    let pending_email = account_token::Entity::find()
        .filter(account_token::Column::UserId.eq(me.id))
        .filter(account_token::Column::Purpose.eq(TokenPurpose::ChangeEmail))
        .filter(account_token::Column::UsedAt.is_null())
        .filter(account_token::Column::ExpiresAt.gt(now))
        .order_by_desc(account_token::Column::Id)
        .one(db)
        .await?
        .and_then(|token| token.new_email);
    let memberships = membership::Entity::find()
        .filter(membership::Column::UserId.eq(me.id))
        .find_also_related(organization::Entity)
        .order_by_asc(organization::Column::Name)
        .all(db)
        .await?;
    let administers = memberships
        .iter()
        .any(|(membership, _)| membership.role == Role::Admin);
    let organizations = memberships
        .into_iter()
        .filter_map(|(membership, org)| {
            org.map(|org| AccountOrganization {
                slug: org.slug,
                name: org.name,
                new_event_mail: membership.new_event_mail,
            })
        })
        .collect();
    Ok(AccountView {
        display_name: me.display_name,
        email: me.email,
        pending_email,
        timezone: me.timezone,
        digest_enabled: me.digest_enabled,
        digest_weekday: me.digest_weekday,
        import_alert_mail: me.import_alert_mail,
        import_check_mail: me.import_check_mail,
        site_admin: actor.is_site_admin,
        network_report_mail: me.network_report_mail,
        administers: administers || actor.is_site_admin,
        organizations,
        digest_near: me.digest_near,
        locale: me.locale,
        digest_near_km: u32::try_from(me.digest_near_km).unwrap_or(crate::places::near::DEFAULT_KM),
        trips: crate::places::trips::ahead(db, me.id, now.date_naive())
            .await?
            .into_iter()
            .map(|trip| TripView {
                id: trip.id,
                now: trip.includes(now.date_naive()),
                dates: trip.dates(crate::i18n::Locale::English),
                city: trip.city,
            })
            .collect(),
    })
}
