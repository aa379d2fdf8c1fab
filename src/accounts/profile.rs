//! The account page's changes: name and timezone, password, and what mail comes. Each takes the
//! signed-in user's id (the caller authorized) and input parsed by the core's rules.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::Error;
use crate::accounts::{DisplayName, Password};
use crate::places::near::{Near, NearParams, NearQuery};
use crate::rules::visibility::Audience;
use crate::store::entities::{event, membership, user};
use crate::store::sessions;
use convene_types::InputField;

/// Saves the name and the timezone digests and mail use.
pub async fn save_profile(
    db: &DatabaseConnection,
    user_id: i64,
    name: DisplayName,
    timezone: Tz,
) -> Result<(), Error> {
    user::Entity::update_many()
        .col_expr(user::Column::DisplayName, Expr::value(name.as_str()))
        .col_expr(user::Column::Timezone, Expr::value(timezone.name()))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The language the account reads Convene in (`None`: the browser's).
pub async fn save_language(
    db: &DatabaseConnection,
    user_id: i64,
    locale: Option<convene_types::Locale>,
) -> Result<(), Error> {
    user::Entity::update_many()
        .col_expr(
            user::Column::Locale,
            Expr::value(locale.map(|l| l.as_str())),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The browser's timezone, kept only while the member has chosen none (a guess, made once).
pub async fn remember_timezone(
    db: &DatabaseConnection,
    user_id: i64,
    timezone: Tz,
) -> Result<bool, Error> {
    Ok(user::Entity::update_many()
        .col_expr(user::Column::Timezone, Expr::value(timezone.name()))
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::Timezone.is_null())
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// A new password, given the current one (checked and throttled like a sign-in from
/// `client_address`); every session of the account ends (the caller signs its own in again).
pub async fn change_password(
    db: &DatabaseConnection,
    user_id: i64,
    current: Password,
    new: Password,
    client_address: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let account = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(Error::NotSignedIn)?;
    crate::store::sign_in::check_current_password(db, &account, current, client_address, now)
        .await?;
    let hash = new.hash_off_thread().await?;
    let txn = crate::store::begin_write(db).await?;
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .filter(user::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    sessions::delete_all_of_user(&txn, user_id).await?;
    txn.commit().await?;
    Ok(())
}

/// What mail a member wants, apart from each organization's new events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    pub digest_enabled: bool,
    /// ISO weekday, 1 (Monday) to 7.
    pub digest_weekday: i16,
    pub import_alert_mail: bool,
    /// The monthly "Is this right?" of the organizations they administer.
    pub import_check_mail: bool,
    /// The monthly network report (kept only for site admins: no one else gets it).
    pub network_report_mail: bool,
    /// The digest's other events near a city (checked against the cities public events name
    /// when saved); `None`: everywhere.
    pub digest_near: Option<NearQuery>,
}

impl MailSettings {
    pub fn parse(
        digest: bool,
        weekday: &str,
        import_alerts: bool,
        import_checks: bool,
        network_reports: bool,
        near: &NearParams<'_>,
    ) -> Result<Self, Error> {
        let digest_weekday = weekday
            .trim()
            .parse::<i16>()
            .ok()
            .filter(|day| (1..=7).contains(day))
            .ok_or_else(|| Error::invalid(InputField::Weekday, "must be a day of the week"))?;
        Ok(Self {
            digest_enabled: digest,
            digest_weekday,
            import_alert_mail: import_alerts,
            import_check_mail: import_checks,
            network_report_mail: network_reports,
            digest_near: NearQuery::parse(near)?,
        })
    }
}

pub async fn save_mail_settings(
    db: &DatabaseConnection,
    user_id: i64,
    settings: MailSettings,
) -> Result<(), Error> {
    // A city no public event names is refused (naming some that do), nothing saved.
    if let Some(near) = &settings.digest_near {
        Near::resolve(db, near, &Audience::public()).await?;
    }
    let (near, km) = match &settings.digest_near {
        Some(near) => (
            Some(near.city.clone()),
            i32::try_from(near.km).unwrap_or(50),
        ),
        None => (
            None,
            i32::try_from(crate::places::near::DEFAULT_KM).unwrap_or(50),
        ),
    };
    user::Entity::update_many()
        .col_expr(user::Column::DigestNear, Expr::value(near))
        .col_expr(user::Column::DigestNearKm, Expr::value(km))
        .col_expr(
            user::Column::DigestEnabled,
            Expr::value(settings.digest_enabled),
        )
        .col_expr(
            user::Column::DigestWeekday,
            Expr::value(settings.digest_weekday),
        )
        .col_expr(
            user::Column::ImportAlertMail,
            Expr::value(settings.import_alert_mail),
        )
        .col_expr(
            user::Column::ImportCheckMail,
            Expr::value(settings.import_check_mail),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    // Only a site admin's form has the box: anyone else's choice would read as "off".
    user::Entity::update_many()
        .col_expr(
            user::Column::NetworkReportMail,
            Expr::value(settings.network_report_mail),
        )
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::IsSiteAdmin.eq(true))
        .exec(db)
        .await?;
    Ok(())
}

/// New-event mail from one organization on or off. Switched on, it starts from now: what was
/// added while it was off is not sent at once.
pub async fn set_new_event_mail(
    db: &DatabaseConnection,
    user_id: i64,
    organization_id: i64,
    on: bool,
) -> Result<(), Error> {
    let mut update = membership::Entity::update_many()
        .col_expr(membership::Column::NewEventMail, Expr::value(on))
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::OrganizationId.eq(organization_id));
    if on {
        let newest: Option<i64> = event::Entity::find()
            .select_only()
            .column_as(event::Column::Id.max(), "newest")
            .into_tuple::<Option<i64>>()
            .one(db)
            .await?
            .flatten();
        update = update
            .col_expr(
                membership::Column::NewEventsAfterId,
                Expr::value(newest.unwrap_or(0)),
            )
            .filter(membership::Column::NewEventMail.eq(false));
    }
    let changed = update.exec(db).await?.rows_affected;
    if changed == 0 && !on {
        // Nothing to switch off means no such membership.
        let member = membership::Entity::find()
            .filter(membership::Column::UserId.eq(user_id))
            .filter(membership::Column::OrganizationId.eq(organization_id))
            .one(db)
            .await?;
        if member.is_none() {
            return Err(Error::NotFound("Membership".into()));
        }
    }
    Ok(())
}
