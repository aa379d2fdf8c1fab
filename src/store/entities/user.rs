//! The `users` table. `email` is stored trimmed and lower-cased; `password_hash` is an Argon2id
//! PHC string and never leaves the domain core.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    #[sea_orm(column_type = "Text")]
    pub password_hash: String,
    pub is_site_admin: bool,
    pub created_at: DateTimeUtc,
    /// When the owner followed the confirmation link; member mail goes to confirmed
    /// addresses only.
    pub email_confirmed_at: Option<DateTimeUtc>,
    /// An IANA zone: digests come at 07:00 here and show times here. `None`: UTC.
    pub timezone: Option<String>,
    pub digest_enabled: bool,
    /// ISO weekday of the digest: 1 is Monday.
    pub digest_weekday: i16,
    /// Org admins: mail when their organization's import keeps failing.
    pub import_alert_mail: bool,
    /// The monthly "Is this right?" of the organizations they administer.
    pub import_check_mail: bool,
    /// The monthly network report (site admins only).
    pub network_report_mail: bool,
    /// The digest's "elsewhere in the network" keeps events near this city (within
    /// `digest_near_km`); `None`: everywhere.
    pub digest_near: Option<String>,
    pub digest_near_km: i32,
    /// The language the account reads Convene in; `None`: the browser's.
    pub locale: Option<convene_types::Locale>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::membership::Entity")]
    Membership,
}

impl Related<super::membership::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Membership.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
