//! Who may do what: roles in an organization and the checks every server function runs.
//! The UI layer only asks these questions; the answers live here, where they are tested.

use std::fmt;

use crate::Error;

/// A member's role in one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Role {
    Member,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Result<Self, Error> {
        match text {
            "member" => Ok(Role::Member),
            "admin" => Ok(Role::Admin),
            other => Err(Error::invalid(
                "role",
                format!("must be member or admin, not {other:?}"),
            )),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    fn roles_round_trip_through_text() {
        for role in [Role::Member, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
        assert!(
            Role::parse("owner")
                .unwrap_err()
                .to_string()
                .starts_with("role: ")
        );
    }
}
