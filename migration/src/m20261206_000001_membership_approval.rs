//! Membership with approval (issue #26): following is not membership. Each organization chooses
//! how people become members (`join_policy`: on request, the default, or by invitation only;
//! `member_domain`: addresses at that domain become members without asking), requests wait in
//! `membership_requests` for an admin, and invitation links live in `membership_invitations`.
//! Existing memberships stay members: `memberships.role` gains the value `follower`, which no
//! existing row has.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_organizations::Organizations;
use crate::m20261124_000001_create_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        for column in [
            string_len(Organization::JoinPolicy, 16)
                .default("request")
                .to_owned(),
            string_len_null(Organization::MemberDomain, 255),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organizations::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(MembershipRequests::Table)
                    .if_not_exists()
                    .col(big_pk_auto(MembershipRequests::Id))
                    .col(big_integer(MembershipRequests::OrganizationId))
                    .col(big_integer(MembershipRequests::UserId))
                    .col(timestamp_with_time_zone(MembershipRequests::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                MembershipRequests::Table,
                                MembershipRequests::OrganizationId,
                            )
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(MembershipRequests::Table, MembershipRequests::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("membership_requests_one_per_person")
                    .table(MembershipRequests::Table)
                    .col(MembershipRequests::OrganizationId)
                    .col(MembershipRequests::UserId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MembershipInvitations::Table)
                    .if_not_exists()
                    .col(big_pk_auto(MembershipInvitations::Id))
                    .col(big_integer(MembershipInvitations::OrganizationId))
                    // Random; the link carries a MAC of it under the secret key, never stored.
                    .col(string_len(MembershipInvitations::Nonce, 64))
                    .col(big_integer_null(MembershipInvitations::CreatedBy))
                    .col(timestamp_with_time_zone(MembershipInvitations::CreatedAt))
                    .col(timestamp_with_time_zone(MembershipInvitations::ExpiresAt))
                    .col(integer(MembershipInvitations::UsesLeft))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                MembershipInvitations::Table,
                                MembershipInvitations::OrganizationId,
                            )
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Until now anyone signed in could press Join, confirmed or not: such memberships of
        // unconfirmed accounts become follows (they see public events only, as before joining).
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE memberships SET role = 'follower' WHERE role = 'member' AND user_id IN \
                 (SELECT id FROM users WHERE email_confirmed_at IS NULL)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MembershipInvitations::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(MembershipRequests::Table).to_owned())
            .await?;
        for column in [Organization::JoinPolicy, Organization::MemberDomain] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organizations::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Organization {
    JoinPolicy,
    MemberDomain,
}

#[derive(DeriveIden)]
enum MembershipRequests {
    Table,
    Id,
    OrganizationId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MembershipInvitations {
    Table,
    Id,
    OrganizationId,
    Nonce,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UsesLeft,
}
