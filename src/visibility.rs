//! Who sees which event, the way lu.ma decides it. lu.ma's API answers the calendar's own key
//! with everything, so Convene applies lu.ma's rules itself, here, for every surface:
//! private events are never imported; members-only events reach the organization's members
//! and site admins only; guests-only street addresses and join links are never stored.

use sea_orm::{ColumnTrait, Condition, ConnectionTrait};

use crate::Error;
use crate::access::Actor;
use crate::store::entities::event;
use crate::store::memberships;

/// An event's visibility on lu.ma (`visibility`), or a feed's `CLASS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Listed: anyone may see it.
    Public,
    /// Only the calendar's members see it on lu.ma.
    MembersOnly,
    /// Unlisted (reachable by link only): Convene never imports it.
    Private,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::MembersOnly => "members-only",
            Visibility::Private => "private",
        }
    }

    /// lu.ma's `visibility`. Missing means public (cross-listed entries may lack it); a value
    /// we do not know is read as private, the reading that never shows too much.
    pub fn from_luma(value: Option<&str>) -> Self {
        match value.map(str::trim) {
            None | Some("" | "public") => Visibility::Public,
            Some("members-only" | "members_only") => Visibility::MembersOnly,
            Some(_) => Visibility::Private,
        }
    }

    /// A feed's `CLASS`: `PRIVATE` and `CONFIDENTIAL` are private, anything else public
    /// (feeds carry no notion of members).
    pub fn from_ical_class(class: Option<&str>) -> Self {
        match class
            .map(|class| class.trim().to_ascii_uppercase())
            .as_deref()
        {
            Some("PRIVATE" | "CONFIDENTIAL") => Visibility::Private,
            _ => Visibility::Public,
        }
    }

    /// As stored; anything unrecognised is private.
    pub fn from_stored(text: &str) -> Self {
        match text {
            "public" => Visibility::Public,
            "members-only" => Visibility::MembersOnly,
            _ => Visibility::Private,
        }
    }
}

/// Who is looking at events: what they may see of each organization's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

    /// The audience of a request: a visitor, a member of their organizations, or a site
    /// admin. One statement for a member, none otherwise.
    pub async fn of(db: &impl ConnectionTrait, actor: Option<Actor>) -> Result<Self, Error> {
        Ok(match actor {
            None => Self::public(),
            Some(actor) if actor.is_site_admin => Self::site_admin(),
            Some(actor) => Self::member_of(
                memberships::organizations_of(db, actor.user_id)
                    .await?
                    .into_iter()
                    .map(|(org, _)| org.id)
                    .collect(),
            ),
        })
    }

    /// The audience of one organization's page: its members (and site admins) see its
    /// members-only events, anyone else its public ones.
    pub fn of_organization(actor: Option<Actor>, is_member: bool, organization_id: i64) -> Self {
        match actor {
            Some(actor) if actor.is_site_admin => Self::site_admin(),
            Some(_) if is_member => Self::member_of(vec![organization_id]),
            _ => Self::public(),
        }
    }

    pub fn may_see(&self, organization_id: i64, visibility: Visibility) -> bool {
        match visibility {
            Visibility::Public => true,
            Visibility::MembersOnly => self.site_admin || self.member_of.contains(&organization_id),
            Visibility::Private => false,
        }
    }

    /// The same rule as a condition on `events` rows, for queries.
    pub fn condition(&self) -> Condition {
        let public = event::Column::Visibility.eq(Visibility::Public.as_str());
        let members_only = event::Column::Visibility.eq(Visibility::MembersOnly.as_str());
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
        assert_eq!(Visibility::from_luma(None), Visibility::Public);
        assert_eq!(Visibility::from_luma(Some("public")), Visibility::Public);
        assert_eq!(
            Visibility::from_luma(Some("members-only")),
            Visibility::MembersOnly
        );
        assert_eq!(Visibility::from_luma(Some("private")), Visibility::Private);
        assert_eq!(
            Visibility::from_luma(Some("secret-new-value")),
            Visibility::Private,
            "unknown reads as private"
        );
        assert_eq!(
            Visibility::from_ical_class(Some("CONFIDENTIAL")),
            Visibility::Private
        );
        assert_eq!(
            Visibility::from_ical_class(Some("private")),
            Visibility::Private
        );
        assert_eq!(
            Visibility::from_ical_class(Some("PUBLIC")),
            Visibility::Public
        );
        assert_eq!(Visibility::from_ical_class(None), Visibility::Public);
        assert_eq!(
            Visibility::from_stored("members-only"),
            Visibility::MembersOnly
        );
        assert_eq!(Visibility::from_stored("garbage"), Visibility::Private);
    }

    #[test]
    fn each_audience_sees_what_lu_ma_would_show_it() {
        let visitor = Audience::public();
        let member = Audience::member_of(vec![1]);
        let admin = Audience::site_admin();
        for audience in [&visitor, &member, &admin] {
            assert!(audience.may_see(1, Visibility::Public));
            assert!(!audience.may_see(1, Visibility::Private));
        }
        assert!(!visitor.may_see(1, Visibility::MembersOnly));
        assert!(member.may_see(1, Visibility::MembersOnly));
        assert!(
            !member.may_see(2, Visibility::MembersOnly),
            "another organization's members-only event"
        );
        assert!(admin.may_see(2, Visibility::MembersOnly));
    }
}
