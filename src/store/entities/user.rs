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
