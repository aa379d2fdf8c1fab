//! Who may do what: roles in an organization and the checks every server function runs.
//! The UI layer only asks these questions; the answers live here, where they are tested.

use crate::Error;

pub use convene_types::Role;

/// The signed-in user making a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub is_site_admin: bool,
}

/// Anyone signed in.
pub fn require_signed_in(actor: Option<Actor>) -> Result<Actor, Error> {
    actor.ok_or(Error::NotSignedIn)
}

/// Site administrators only (creating organizations).
pub fn require_site_admin(actor: Option<Actor>) -> Result<Actor, Error> {
    let actor = require_signed_in(actor)?;
    if actor.is_site_admin {
        Ok(actor)
    } else {
        Err(Error::Forbidden)
    }
}

/// Admins of the organization, and site administrators (who may act as admin of any org).
/// `role_in_org` is the actor's own role there, if any.
pub fn require_org_admin(actor: Option<Actor>, role_in_org: Option<Role>) -> Result<Actor, Error> {
    let actor = require_signed_in(actor)?;
    if actor.is_site_admin || role_in_org == Some(Role::Admin) {
        Ok(actor)
    } else {
        Err(Error::Forbidden)
    }
}

/// Org admins and site admins manage an organization (members, calendar, settings).
pub fn can_manage(actor: Option<Actor>, role: Option<Role>) -> bool {
    require_org_admin(actor, role).is_ok()
}

/// Someone looking at one organization: who they are and their role there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OrgViewer {
    pub actor: Option<Actor>,
    pub role: Option<Role>,
}

impl OrgViewer {
    pub fn can_manage(self) -> bool {
        can_manage(self.actor, self.role)
    }

    pub fn require_admin(self) -> Result<Actor, Error> {
        require_org_admin(self.actor, self.role)
    }

    pub fn require_signed_in(self) -> Result<Actor, Error> {
        require_signed_in(self.actor)
    }

    /// A member or admin there (following is not membership).
    pub fn is_member(self) -> bool {
        self.role.is_some_and(Role::is_member)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMBER: Actor = Actor {
        user_id: 1,
        is_site_admin: false,
    };
    const SITE_ADMIN: Actor = Actor {
        user_id: 2,
        is_site_admin: true,
    };

    #[test]
    fn anonymous_is_not_signed_in_everywhere() {
        assert!(matches!(require_signed_in(None), Err(Error::NotSignedIn)));
        assert!(matches!(require_site_admin(None), Err(Error::NotSignedIn)));
        assert!(matches!(
            require_org_admin(None, Some(Role::Admin)),
            Err(Error::NotSignedIn)
        ));
    }

    #[test]
    fn org_admin_needs_the_admin_role_there_or_site_admin() {
        assert!(matches!(
            require_org_admin(Some(MEMBER), None),
            Err(Error::Forbidden)
        ));
        assert!(matches!(
            require_org_admin(Some(MEMBER), Some(Role::Member)),
            Err(Error::Forbidden)
        ));
        assert_eq!(
            require_org_admin(Some(MEMBER), Some(Role::Admin)).unwrap(),
            MEMBER
        );
        assert_eq!(
            require_org_admin(Some(SITE_ADMIN), None).unwrap(),
            SITE_ADMIN
        );
    }

    #[test]
    fn only_site_admins_pass_the_site_admin_check() {
        assert!(matches!(
            require_site_admin(Some(MEMBER)),
            Err(Error::Forbidden)
        ));
        assert!(require_site_admin(Some(SITE_ADMIN)).is_ok());
    }

    #[test]
    fn who_manages_an_organization() {
        let cases = [
            (None, None, false),
            (None, Some(Role::Admin), false),
            (Some(MEMBER), None, false),
            (Some(MEMBER), Some(Role::Member), false),
            (Some(MEMBER), Some(Role::Admin), true),
            (Some(SITE_ADMIN), None, true),
            (Some(SITE_ADMIN), Some(Role::Member), true),
        ];
        for (actor, role, expected) in cases {
            assert_eq!(
                OrgViewer { actor, role }.can_manage(),
                expected,
                "{actor:?} with {role:?}"
            );
        }
    }

    #[test]
    fn roles_round_trip_through_text() {
        for role in [Role::Member, Role::Admin] {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("owner".parse::<Role>().is_err());
    }
}
