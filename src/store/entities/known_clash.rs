//! The `known_clashes` table: clashes an organization's admins marked "we know" (the clash
//! radar keeps showing them, apart, and mail no longer raises them).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "known_clashes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    /// The organization's own event.
    pub event_id: i64,
    /// Another organization's event that clashes with it.
    pub other_event_id: i64,
    pub marked_by: Option<i64>,
    pub marked_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
