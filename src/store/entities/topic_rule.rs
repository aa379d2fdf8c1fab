//! The `topic_rules` table: how an organization shows one of its tags (under another name, which
//! merges it with the tags of that name, or not at all).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "topic_rules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: i64,
    /// The tag's own slug (`crate::import::topics::slug`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub tag_slug: String,
    /// Shown under this name instead; `None`: under its own.
    pub name: Option<String>,
    pub hidden: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
