//! Topics (issue #18): each event's topics as rows (`event_topics`, from its tags after its
//! organization's rules), so pages and feeds filter by topic in the query; and each
//! organization's rules (`topic_rules`): show a tag under another name (two tags under one
//! name are merged), or hide it.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_organizations::Organizations;
use crate::m20261124_000002_create_events_and_sync_runs::Events;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EventTopics::Table)
                    .if_not_exists()
                    .col(big_integer(EventTopics::EventId))
                    .col(big_integer(EventTopics::OrganizationId))
                    .col(string_len(EventTopics::Slug, 64))
                    .col(string_len(EventTopics::Name, 64))
                    .primary_key(
                        Index::create()
                            .col(EventTopics::EventId)
                            .col(EventTopics::Slug),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EventTopics::Table, EventTopics::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EventTopics::Table, EventTopics::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("event_topics_slug")
                    .table(EventTopics::Table)
                    .col(EventTopics::Slug)
                    .col(EventTopics::EventId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("event_topics_organization")
                    .table(EventTopics::Table)
                    .col(EventTopics::OrganizationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TopicRules::Table)
                    .if_not_exists()
                    .col(big_integer(TopicRules::OrganizationId))
                    // The tag's own slug.
                    .col(string_len(TopicRules::TagSlug, 64))
                    // Shown under this name instead (its slug is the topic's); none: its own.
                    .col(string_len_null(TopicRules::Name, 64))
                    .col(boolean(TopicRules::Hidden).default(false))
                    .primary_key(
                        Index::create()
                            .col(TopicRules::OrganizationId)
                            .col(TopicRules::TagSlug),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TopicRules::Table, TopicRules::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TopicRules::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(EventTopics::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
pub enum EventTopics {
    Table,
    EventId,
    OrganizationId,
    Slug,
    Name,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum TopicRules {
    Table,
    OrganizationId,
    TagSlug,
    Name,
    Hidden,
}
