//! What a member can switch off, on `/account` or by one click from a message (RFC 8058): each
//! message that is not account mail belongs to one list, and carries a link signed with the
//! secret key that switches that list off for that member, without signing in.

use std::fmt;
use std::str::FromStr;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::Error;
use crate::secrets::SecretKey;
use crate::site::PublicUrl;
use crate::store::entities::{membership, user};
use convene_types::InputField;

/// A kind of member mail that can be switched off as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailList {
    WeeklyDigest,
    /// New events, from every organization (each can also be switched on `/account`).
    NewEvents,
    /// Import failures of the organizations the member administers.
    ImportAlerts,
    /// The monthly "Is this right?" of the organizations the member administers.
    ImportChecks,
    /// The monthly network report (site admins).
    NetworkReports,
}

impl MailList {
    pub fn as_str(self) -> &'static str {
        match self {
            MailList::WeeklyDigest => "digest",
            MailList::NewEvents => "new-events",
            MailList::ImportAlerts => "import-alerts",
            MailList::ImportChecks => "import-checks",
            MailList::NetworkReports => "network-reports",
        }
    }

    /// What the member stops getting, for the page that confirms it.
    pub fn description(self) -> &'static str {
        match self {
            MailList::WeeklyDigest => "the weekly digest",
            MailList::NewEvents => "mail about new events",
            MailList::ImportAlerts => "alerts about failing imports",
            MailList::ImportChecks => "the monthly check of imported events",
            MailList::NetworkReports => "the monthly network report",
        }
    }
}

impl fmt::Display for MailList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MailList {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        [
            MailList::WeeklyDigest,
            MailList::NewEvents,
            MailList::ImportAlerts,
            MailList::ImportChecks,
            MailList::NetworkReports,
        ]
        .into_iter()
        .find(|list| list.as_str() == text)
        .ok_or(())
    }
}

const MAC_CONTEXT: &str = "convene/unsubscribe";
/// 128 bits of the MAC are plenty for a link that only switches mail off.
const SIGNATURE_HEX_LEN: usize = 32;

/// `<user>.<list>.<signature>`: who, what, and proof that Convene wrote it.
pub fn token(key: &SecretKey, user_id: i64, list: MailList) -> String {
    let message = format!("{user_id}.{list}");
    let signature = hex::encode(key.mac(MAC_CONTEXT, &message));
    format!("{message}.{}", &signature[..SIGNATURE_HEX_LEN])
}

/// The one-click address of a list for a member (the `List-Unsubscribe` header's, and the
/// footer link's).
pub fn unsubscribe_url(site: &PublicUrl, key: &SecretKey, user_id: i64, list: MailList) -> String {
    site.link(&format!(
        "/mail/unsubscribe?t={}",
        token(key, user_id, list)
    ))
}

/// The member and list a token names, when its signature holds.
pub fn verify(key: &SecretKey, given: &str) -> Result<(i64, MailList), Error> {
    let refused = || {
        Error::invalid(
            InputField::Token,
            "this unsubscribe link is not one Convene wrote: use the link in the message, or the mail settings on your account page",
        )
    };
    if given.len() > 100 {
        return Err(refused());
    }
    let mut parts = given.splitn(3, '.');
    let (Some(user), Some(list), Some(signature)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(refused());
    };
    let user_id: i64 = user.parse().map_err(|_| refused())?;
    let list: MailList = list.parse().map_err(|()| refused())?;
    let expected = token(key, user_id, list);
    let given = format!("{user_id}.{list}.{signature}");
    if !crate::secrets::signatures_equal(&given, &expected) {
        return Err(refused());
    }
    Ok((user_id, list))
}

/// Switches `list` off for the member (idempotent: a second click changes nothing).
pub async fn switch_off(
    db: &impl ConnectionTrait,
    user_id: i64,
    list: MailList,
) -> Result<(), Error> {
    match list {
        MailList::WeeklyDigest => {
            user::Entity::update_many()
                .col_expr(user::Column::DigestEnabled, Expr::value(false))
                .filter(user::Column::Id.eq(user_id))
                .exec(db)
                .await?;
        }
        MailList::NewEvents => {
            membership::Entity::update_many()
                .col_expr(membership::Column::NewEventMail, Expr::value(false))
                .filter(membership::Column::UserId.eq(user_id))
                .exec(db)
                .await?;
        }
        MailList::ImportAlerts => {
            user::Entity::update_many()
                .col_expr(user::Column::ImportAlertMail, Expr::value(false))
                .filter(user::Column::Id.eq(user_id))
                .exec(db)
                .await?;
        }
        MailList::ImportChecks => {
            user::Entity::update_many()
                .col_expr(user::Column::ImportCheckMail, Expr::value(false))
                .filter(user::Column::Id.eq(user_id))
                .exec(db)
                .await?;
        }
        MailList::NetworkReports => {
            user::Entity::update_many()
                .col_expr(user::Column::NetworkReportMail, Expr::value(false))
                .filter(user::Column::Id.eq(user_id))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever a query string holds, it is refused, or it is exactly a token we wrote.
        #[test]
        fn generated_unsubscribe_links_verify_only_as_written(
            text in prop_oneof![
                ".{0,150}",
                "[0-9]{1,20}\\.(digest|new-events|import-alerts|import-checks|x)\\.[0-9a-f]{0,40}",
            ]
        ) {
            let key = SecretKey::from_hex(&"ab".repeat(32)).unwrap();
            if let Ok((user_id, list)) = verify(&key, &text) {
                prop_assert_eq!(token(&key, user_id, list), text);
            }
        }
    }

    #[test]
    fn a_token_verifies_only_unchanged_and_under_its_key() {
        let key = SecretKey::generate();
        let good = token(&key, 42, MailList::WeeklyDigest);
        assert_eq!(verify(&key, &good).unwrap(), (42, MailList::WeeklyDigest));
        let other_user = good.replacen("42.", "43.", 1);
        let other_list = good.replacen(".digest.", ".new-events.", 1);
        for forged in [
            other_user,
            other_list,
            format!("{good}0"),
            String::new(),
            "x.y.z".into(),
        ] {
            assert!(verify(&key, &forged).is_err(), "{forged}");
        }
        assert!(verify(&SecretKey::generate(), &good).is_err());
    }
}
