//! Who sees which event, the way lu.ma decides it. lu.ma's API answers the calendar's own key
//! with everything, so Convene applies lu.ma's rules itself, here, for every surface:
//! private events are never imported; members-only events reach the organization's members
//! and site admins only; guests-only street addresses and join links are never stored.

use sea_orm::{ColumnTrait, Condition, ConnectionTrait};

use crate::Error;
use crate::rules::access::{Actor, Role};
use crate::store::entities::event;
use crate::store::memberships;
use crate::store::organizations::Organization;

pub use convene_types::Visibility;

/// lu.ma's `visibility`. Missing means public (cross-listed entries may lack it); a value we do
/// not know is read as private, the reading that never shows too much.
pub fn from_luma(value: Option<&str>) -> Visibility {
    match value.map(str::trim) {
        None | Some("" | "public") => Visibility::Public,
        Some("members-only" | "members_only") => Visibility::MembersOnly,
        Some(_) => Visibility::Private,
    }
}

/// A feed's `CLASS`: `PRIVATE` and `CONFIDENTIAL` are private, anything else public (feeds
/// carry no notion of members).
pub fn from_ical_class(class: Option<&str>) -> Visibility {
    match class
        .map(|class| class.trim().to_ascii_uppercase())
        .as_deref()
    {
        Some("PRIVATE" | "CONFIDENTIAL") => Visibility::Private,
        _ => Visibility::Public,
    }
}

/// The organizations among `standings` whose members-only events the person sees: where they are
/// a member or admin, not where they only follow.
pub fn members_of(standings: &[(Organization, Role)]) -> Vec<i64> {
    standings
        .iter()
        .filter(|(_, role)| role.is_member())
        .map(|(org, _)| org.id)
        .collect()
}

/// Who is looking at events: what they may see of each organization's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Audience {
    site_admin: bool,
    /// Organizations whose members-only events this audience sees.
    member_of: Vec<i64>,
}

impl Audience {
    /// A visitor, a public feed, a search engine: public events only.
    pub fn public() -> Self {
        Self::default()
    }

    /// A member of these organizations (a personal feed, a signed-in page).
    pub fn member_of(organizations: Vec<i64>) -> Self {
        Self {
            site_admin: false,
            member_of: organizations,
        }
    }

    /// A site admin sees every organization's members-only events.
    pub fn site_admin() -> Self {
        Self {
            site_admin: true,
            member_of: Vec::new(),
        }
    }

    /// The audience of a viewer who is a member of `member_of`: a visitor, a member, or a site
    /// admin (who sees every organization's members-only events).
    pub fn of_viewer(actor: Option<Actor>, member_of: Vec<i64>) -> Self {
        match actor {
            None => Self::public(),
            Some(actor) if actor.is_site_admin => Self::site_admin(),
            Some(_) => Self::member_of(member_of),
        }
    }

    /// [`Audience::of_viewer`] with the viewer's organizations read from the store (one
    /// statement for a member, none otherwise).
    pub async fn of(db: &impl ConnectionTrait, actor: Option<Actor>) -> Result<Self, Error> {
        let member_of = match actor {
            Some(actor) if !actor.is_site_admin => {
                members_of(&memberships::organizations_of(db, actor.user_id).await?)
            }
            _ => Vec::new(),
        };
        Ok(Self::of_viewer(actor, member_of))
    }

    /// The audience of one organization's page: its members (and site admins) see its
    /// members-only events, anyone else its public ones.
    pub fn of_organization(actor: Option<Actor>, is_member: bool, organization_id: i64) -> Self {
        let member_of = if is_member {
            vec![organization_id]
        } else {
            Vec::new()
        };
        Self::of_viewer(actor, member_of)
    }

    /// Whether this audience sees an event of `organization_id` with `visibility`: the rule of
    /// [`Audience::condition`], for rows already in memory.
    pub fn sees(&self, organization_id: i64, visibility: Visibility) -> bool {
        match visibility {
            Visibility::Public => true,
            Visibility::MembersOnly => self.site_admin || self.member_of.contains(&organization_id),
            Visibility::Private => false,
        }
    }

    /// The same rule as a condition on `events` rows, for queries.
    pub fn condition(&self) -> Condition {
        let public = event::Column::Visibility.eq(Visibility::Public);
        let members_only = event::Column::Visibility.eq(Visibility::MembersOnly);
        if self.site_admin {
            return Condition::any().add(public).add(members_only);
        }
        let mut visible = Condition::any().add(public);
        if !self.member_of.is_empty() {
            visible = visible.add(
                Condition::all()
                    .add(members_only)
                    .add(event::Column::OrganizationId.is_in(self.member_of.clone())),
            );
        }
        visible
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lu_ma_and_feed_values_are_read_safely() {
        assert_eq!(from_luma(None), Visibility::Public);
        assert_eq!(from_luma(Some("public")), Visibility::Public);
        assert_eq!(from_luma(Some("members-only")), Visibility::MembersOnly);
        assert_eq!(from_luma(Some("private")), Visibility::Private);
        assert_eq!(
            from_luma(Some("secret-new-value")),
            Visibility::Private,
            "unknown reads as private"
        );
        assert_eq!(from_ical_class(Some("CONFIDENTIAL")), Visibility::Private);
        assert_eq!(from_ical_class(Some("private")), Visibility::Private);
        assert_eq!(from_ical_class(Some("PUBLIC")), Visibility::Public);
        assert_eq!(from_ical_class(None), Visibility::Public);
    }

    #[tokio::test]
    async fn each_audience_sees_what_lu_ma_would_show_it() {
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QueryFilter, QueryOrder};

        use crate::store::organizations::{self, NewOrganization};
        use crate::testing::fresh_store;

        let store = fresh_store().await;
        let mut orgs = Vec::new();
        for slug in ["org-a", "org-b"] {
            let org =
                organizations::create(store.db(), NewOrganization::parse(slug, slug, "").unwrap())
                    .await
                    .unwrap();
            orgs.push(org.id);
        }
        let (a, b) = (orgs[0], orgs[1]);
        let now = chrono::Utc::now();
        for (org, visibility) in [
            (a, Visibility::Public),
            (a, Visibility::MembersOnly),
            (a, Visibility::Private),
            (b, Visibility::MembersOnly),
        ] {
            event::ActiveModel {
                organization_id: Set(org),
                source: Set(convene_types::EventSource::LumaApi),
                external_id: Set(format!("{org}-{}", visibility.as_str())),
                title: Set(visibility.as_str().into()),
                start_at: Set(now),
                end_at: Set(now),
                timezone: Set("UTC".into()),
                location_type: Set(convene_types::LocationType::Unknown),
                visibility: Set(visibility),
                tags: Set("[]".into()),
                content_hash: Set(String::new()),
                synced_at: Set(now),
                ..Default::default()
            }
            .insert(store.db())
            .await
            .unwrap();
        }
        let db = store.db();
        // The SQL condition, checked against the in-memory rule the dashboard's shared
        // windows apply: both must let the same rows through.
        let seen = |audience: Audience| async move {
            let by_sql: Vec<String> = event::Entity::find()
                .filter(audience.condition())
                .order_by_asc(event::Column::Id)
                .all(db)
                .await
                .unwrap()
                .into_iter()
                .map(|row| row.external_id)
                .collect();
            let in_memory: Vec<String> = event::Entity::find()
                .order_by_asc(event::Column::Id)
                .all(db)
                .await
                .unwrap()
                .into_iter()
                .filter(|row| audience.sees(row.organization_id, row.visibility))
                .map(|row| row.external_id)
                .collect();
            assert_eq!(by_sql, in_memory, "{audience:?}");
            by_sql
        };
        let admin = Actor {
            user_id: 1,
            is_site_admin: true,
        };
        let member = Actor {
            user_id: 2,
            is_site_admin: false,
        };
        let public_a = format!("{a}-public");
        let members_a = format!("{a}-members-only");
        let members_b = format!("{b}-members-only");
        assert_eq!(
            seen(Audience::of_viewer(None, vec![a])).await,
            std::slice::from_ref(&public_a),
            "a visitor"
        );
        assert_eq!(
            seen(Audience::of_viewer(Some(member), vec![a])).await,
            [public_a.clone(), members_a.clone()],
            "a member sees their organization's members-only events, not another's"
        );
        assert_eq!(
            seen(Audience::of_organization(Some(member), false, b)).await,
            std::slice::from_ref(&public_a),
            "someone who is not a member of this organization"
        );
        assert_eq!(
            seen(Audience::of_viewer(Some(admin), Vec::new())).await,
            [public_a, members_a, members_b],
            "a site admin sees every members-only event, never a private one"
        );
    }
}
