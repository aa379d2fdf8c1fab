//! Every server function, called as each kind of visitor, against the matrix documented in
//! `app/src/organizations/mod.rs` (`app/src/auth/mod.rs` and `app/src/auth/links.rs` for the
//! account functions, `app/src/mail.rs` for the outbox,
//! `app/src/integration/mod.rs` for the lu.ma settings, `app/src/events/mod.rs` for events).
//! Each cell runs in a fresh world so one call's effects never change another's answer.

use app::account::{
    AddTrip, ChangeEmail, ChangePassword, ConfirmEmailChange, GetAccount, RememberTimezone,
    RemoveTrip, SaveLanguage, SaveMailSettings, SaveProfile, SetNewEventMail,
};
use app::auth::links::{
    ConfirmEmail, DescribeConfirmation, LinkIsUsable, RequestPasswordReset, ResetPassword,
};
use app::auth::{GetCurrentUser, SignIn, SignOut, SignUp};
use app::dashboard::{
    GetDashboard, GetDashboardMap, GetDashboardMarker, GetDashboardMonth, GetOrganizationOptions,
    GetPersonalFeed, GetTripEvents, RegeneratePersonalFeed,
};
use app::error::AppError;
use app::events::{GetEventPage, GetOrganizationEvents};
use app::i18n::ChooseLanguage;
use app::insights::{
    GetClashRadar, GetNetworkView, GetOrganizationInsights, MarkClash, SaveClashWindow,
};
use app::integration::{
    DisconnectLuma, GetLumaSettings, GetSyncProgress, GetSyncStatus, ListTimezones, RemoveIcalFeed,
    RemoveLumaKey, RemoveWebhookSecret, SaveIcalFeed, SaveLumaSettings, SaveWebhookSecret,
    StartLumaSync, TestLumaConnection,
};
use app::mail::{DescribeUnsubscribe, GetOutbox, GetOutboxMessage};
use app::network::{GetNetworkSettings, SaveNetworkKey, SaveNetworkWebhookSecret, SyncNetwork};
use app::organizations::{
    AcceptInvitation, AnswerMembershipRequest, CreateInvitation, CreateOrganization,
    FollowOrganization, GetMembershipSettings, GetOrganization, LeaveOrganization, ListMembers,
    ListOrganizations, RemoveMember, RequestMembership, SaveJoinPolicy, SetMemberRole,
    WithdrawInvitation,
};
use app::status::GetStatus;
use app::topics::{GetTopicPage, GetTopicSettings, ListTopicOptions, SaveTopicRule};
use convene::accounts::{DisplayName, Email, Password};
use convene::rules::access::Role;
use convene::store::entities::{membership, session, user};
use convene::store::users::{self, NewUser};
use convene::store::{self, memberships, organizations};
use leptos::server_fn::ServerFn;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel};

use crate::helpers::{TestApp, session_cookie, spawn_app};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Persona {
    Anonymous,
    SignedIn,
    Member,
    AdminElsewhere,
    OrgAdmin,
    SiteAdmin,
}

const PERSONAS: [Persona; 6] = [
    Persona::Anonymous,
    Persona::SignedIn,
    Persona::Member,
    Persona::AdminElsewhere,
    Persona::OrgAdmin,
    Persona::SiteAdmin,
];

/// What a call must answer: allowed (2xx, or a redirect after success), or this status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allowed,
    Status(u16),
}
use Expect::{Allowed, Status};

pub const PASSWORD: &str = "correct horse battery";
/// The organization every call is about, and one it is not about.
const ORG: &str = "rust-berlin";
const OTHER_ORG: &str = "rust-lisbon";

/// The matrix: one row per server function, columns in `PERSONAS` order:
/// anonymous, signed in, member, admin elsewhere, org admin, site admin.
#[rustfmt::skip]
const MATRIX: &[(&str, [Expect; 6])] = &[
    ("list_organizations",  [Allowed;     6]),
    ("get_organization",    [Allowed;     6]),
    ("create_organization", [Status(401), Status(403), Status(403), Status(403), Status(403), Allowed]),
    ("follow_organization", [Status(401), Allowed,     Status(409), Allowed,     Status(409), Allowed]),
    ("request_membership",  [Status(401), Allowed,     Status(409), Allowed,     Status(409), Allowed]),
    ("leave_organization",  [Status(401), Status(404), Allowed,     Status(404), Status(409), Status(404)]),
    ("list_members",        [Status(401), Status(403), Status(403), Status(403), Allowed,     Allowed]),
    ("set_member_role",     [Status(401), Status(403), Status(403), Status(403), Allowed,     Allowed]),
    ("remove_member",       [Status(401), Status(403), Status(403), Status(403), Allowed,     Allowed]),
    ("get_membership_settings", [Status(401), Status(403), Status(403), Status(403), Allowed, Allowed]),
    // 404 where allowed: nobody asked to join.
    ("answer_membership_request", [Status(401), Status(403), Status(403), Status(403), Status(404), Status(404)]),
    ("save_join_policy",    [Status(401), Status(403), Status(403), Status(403), Allowed,     Allowed]),
    ("create_invitation",   [Status(401), Status(403), Status(403), Status(403), Allowed,     Allowed]),
    // 404 where allowed: no invitation has this id.
    ("withdraw_invitation", [Status(401), Status(403), Status(403), Status(403), Status(404), Status(404)]),
    // 422 for everyone signed in: a link no admin made.
    ("accept_invitation",   [Status(401), Status(422), Status(422), Status(422), Status(422), Status(422)]),
    ("get_current_user",    [Allowed;     6]),
    ("sign_up",             [Allowed;     6]),
    ("sign_in",             [Allowed;     6]),
    ("sign_out",            [Allowed;     6]),
    ("request_password_reset", [Allowed;  6]),
    // 422 for everyone: the link's token is its authority, and this one opens nothing.
    ("reset_password",      [Status(422); 6]),
    ("confirm_email",       [Status(422); 6]),
    ("link_is_usable",      [Allowed;     6]),
    // Anyone: the link's token is the authority (a made-up one is told nothing).
    ("describe_confirmation", [Allowed;   6]),
    ("get_outbox",          [Status(401), Status(403), Status(403), Status(403), Status(403), Allowed]),
    ("get_network_settings", [Status(401), Status(403), Status(403), Status(403), Status(403), Allowed]),
    // 422 for site admins: the key or secret is empty (the rule answering, nothing saved).
    ("save_network_key",    [Status(401), Status(403), Status(403), Status(403), Status(403), Status(422)]),
    ("save_network_webhook_secret", [Status(401), Status(403), Status(403), Status(403), Status(403), Status(422)]),
    // 404 for site admins: no organization key is saved.
    ("sync_network",        [Status(401), Status(403), Status(403), Status(403), Status(403), Status(404)]),
    // 404 for the site admin: no message has this id.
    ("get_outbox_message",  [Status(401), Status(403), Status(403), Status(403), Status(403), Status(404)]),
    // 422 for everyone: a link Convene did not sign.
    ("describe_unsubscribe", [Status(422); 6]),
    ("get_account",         [Status(401), Allowed,     Allowed,     Allowed,     Allowed,     Allowed]),
    ("save_profile",        [Status(401), Allowed,     Allowed,     Allowed,     Allowed,     Allowed]),
    ("remember_timezone",   [Status(401), Allowed,     Allowed,     Allowed,     Allowed,     Allowed]),
    ("save_language",       [Status(401), Allowed,     Allowed,     Allowed,     Allowed,     Allowed]),
    // Anyone: it sets the caller's own cookie (and, signed in, their own account's language).
    ("choose_language",     [Allowed;     6]),
    ("change_email",        [Status(401), Allowed,     Allowed,     Allowed,     Allowed,     Allowed]),
    ("change_password",     [Status(401), Allowed,     Allowed,     Allowed,     Allowed,     Allowed]),
    ("save_mail_settings",  [Status(401), Allowed,     Allowed,     Allowed,     Allowed,     Allowed]),
    // 404 where allowed but not a member: there is no membership to switch.
    ("set_new_event_mail",  [Status(401), Status(404), Allowed,     Status(404), Allowed,     Status(404)]),
    ("confirm_email_change", [Status(422); 6]),
    ("get_organization_events", [Allowed; 6]),
    // 404 for everyone: no event has this id. Who sees which event's page (and the 401 and 403
    // of a members-only one) is `visibility_matrix.rs`.
    ("get_event_page",      [Status(404); 6]),
    ("list_topic_options",  [Allowed;     6]),
    // 404 for everyone: no event has this topic.
    ("get_topic_page",      [Status(404); 6]),
    ("get_status",          [Allowed;     6]),
    ("get_network_view",    [Status(401), Status(403), Status(403), Status(403), Status(403), Allowed]),
    ("get_organization_insights", [Status(401), Status(403), Status(403), Status(403), Allowed, Allowed]),
    ("get_clash_radar",     [Status(401), Status(403), Status(403), Status(403), Allowed,     Allowed]),
    // 422 where allowed: these events do not clash (the rule answering, nothing stored).
    ("mark_clash",          [Status(401), Status(403), Status(403), Status(403), Status(422), Status(422)]),
    ("save_clash_window",   [Status(401), Status(403), Status(403), Status(403), Allowed,     Allowed]),
    ("get_topic_settings",  [Status(401), Status(403), Status(403), Status(403), Allowed,     Allowed]),
    // 404 where allowed: the organization has no such tag (the rule answering).
    ("save_topic_rule",     [Status(401), Status(403), Status(403), Status(403), Status(404), Status(404)]),
    ("get_dashboard",       [Allowed;     6]),
    ("get_dashboard_month", [Allowed;     6]),
    ("get_dashboard_map",   [Allowed;     6]),
    // Anyone: a visitor, or a member at home, is told there is no trip.
    ("get_trip_events",     [Allowed;     6]),
    ("add_trip",            [Status(401), Allowed,     Allowed,     Allowed,     Allowed,     Allowed]),
    // 404 where allowed: the caller has no trip with this id (nobody else's is ever found).
    ("remove_trip",         [Status(401), Status(404), Status(404), Status(404), Status(404), Status(404)]),
    ("get_dashboard_marker", [Allowed;    6]),
    ("get_organization_options", [Allowed; 6]),
    ("get_personal_feed",   [Status(401), Allowed,     Allowed,     Allowed,     Allowed,     Allowed]),
    ("regenerate_personal_feed", [Status(401), Allowed, Allowed,    Allowed,     Allowed,     Allowed]),
    ("get_luma_settings",   [Status(401), Status(403), Status(403), Status(403), Allowed,     Allowed]),
    ("get_sync_status",     [Status(401), Status(403), Status(403), Status(403), Allowed,     Allowed]),
    ("get_sync_progress",   [Status(401), Status(403), Status(403), Status(403), Allowed,     Allowed]),
    // 422 where allowed: no key typed, none stored (the rule answering, not a permission).
    ("test_luma_connection", [Status(401), Status(403), Status(403), Status(403), Status(422), Status(422)]),
    ("save_luma_settings",  [Status(401), Status(403), Status(403), Status(403), Allowed,     Allowed]),
    ("remove_luma_key",     [Status(401), Status(403), Status(403), Status(403), Allowed,     Allowed]),
    ("remove_webhook_secret", [Status(401), Status(403), Status(403), Status(403), Allowed,   Allowed]),
    // 422 where allowed: the secret is empty (the check answering, nothing saved).
    ("save_webhook_secret", [Status(401), Status(403), Status(403), Status(403), Status(422), Status(422)]),
    // 422 where allowed: an empty feed address (the rule answering, not a permission).
    ("list_timezones",      [Allowed;     6]),
    ("save_ical_feed",      [Status(401), Status(403), Status(403), Status(403), Status(422), Status(422)]),
    ("remove_ical_feed",    [Status(401), Status(403), Status(403), Status(403), Allowed,     Allowed]),
    // 422 where allowed: no key saved, so there is nothing to sync with.
    ("start_luma_sync",     [Status(401), Status(403), Status(403), Status(403), Status(422), Status(422)]),
    ("disconnect_luma",     [Status(401), Status(403), Status(403), Status(403), Allowed,     Allowed]),
];

/// A fresh app with one user per persona (and their memberships) plus an extra member the
/// admin-only calls act on.
struct World {
    app: TestApp,
    cookies: Vec<(Persona, Option<String>)>,
    target_member_id: i64,
}

/// The accounts, memberships and signed-in sessions of a world, as stored: each further world
/// starts from a copy of them. Signing in every persona anew cost ten password hashes a world
/// (most of the matrix's time); a copied session opens its fresh server as a real sign-in does.
struct Accounts {
    users: Vec<user::Model>,
    memberships: Vec<membership::Model>,
    sessions: Vec<session::Model>,
    cookies: Vec<(Persona, Option<String>)>,
    target_member_id: i64,
}

impl Accounts {
    /// Signs every persona up and in on a world of its own, and keeps what that stored.
    async fn sign_in_everyone() -> Self {
        let world = World::signing_in_everyone().await;
        let db = store::connect(&world.app.database_url).await.unwrap();
        let accounts = Self {
            users: user::Entity::find().all(&db).await.unwrap(),
            memberships: membership::Entity::find().all(&db).await.unwrap(),
            sessions: session::Entity::find().all(&db).await.unwrap(),
            cookies: world.cookies.clone(),
            target_member_id: world.target_member_id,
        };
        db.close().await.unwrap();
        accounts
    }
}

impl World {
    /// A fresh app holding a copy of `accounts`.
    async fn new(accounts: &Accounts) -> Self {
        let app = spawn_app().await;
        let db = store::connect(&app.database_url).await.unwrap();
        user::Entity::insert_many(
            accounts
                .users
                .iter()
                .map(|row| row.clone().into_active_model().reset_all()),
        )
        .exec(&db)
        .await
        .unwrap();
        membership::Entity::insert_many(
            accounts
                .memberships
                .iter()
                .map(|row| row.clone().into_active_model().reset_all()),
        )
        .exec(&db)
        .await
        .unwrap();
        session::Entity::insert_many(
            accounts
                .sessions
                .iter()
                .map(|row| row.clone().into_active_model().reset_all()),
        )
        .exec(&db)
        .await
        .unwrap();
        if db.get_database_backend() == DbBackend::Postgres {
            // Rows copied with their ids leave Postgres's counters behind: the next account or
            // membership a call creates would take an id in use.
            for table in ["users", "memberships"] {
                db.execute_unprepared(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                ))
                .await
                .unwrap();
            }
        }
        db.close().await.unwrap();
        Self {
            app,
            cookies: accounts.cookies.clone(),
            target_member_id: accounts.target_member_id,
        }
    }

    /// A fresh app whose personas sign up and in as people do.
    async fn signing_in_everyone() -> Self {
        let app = spawn_app().await;
        let db = store::connect(&app.database_url).await.unwrap();
        let org = organizations::find_by_slug(&db, ORG)
            .await
            .unwrap()
            .unwrap();
        let other = organizations::find_by_slug(&db, OTHER_ORG)
            .await
            .unwrap()
            .unwrap();

        let mut cookies = Vec::new();
        for persona in PERSONAS {
            if persona == Persona::Anonymous {
                cookies.push((persona, None));
                continue;
            }
            let email = format!("{persona:?}@example.org").to_lowercase();
            let user = create_user(&db, &email, persona == Persona::SiteAdmin).await;
            match persona {
                Persona::Member => memberships::add(&db, user, org.id, Role::Member)
                    .await
                    .unwrap(),
                Persona::OrgAdmin => memberships::add(&db, user, org.id, Role::Admin)
                    .await
                    .unwrap(),
                Persona::AdminElsewhere => memberships::add(&db, user, other.id, Role::Admin)
                    .await
                    .unwrap(),
                _ => {}
            }
            let response = app
                .call(
                    SignIn::PATH,
                    &[("email", &email), ("password", PASSWORD)],
                    None,
                )
                .await;
            cookies.push((persona, Some(session_cookie(&response).expect("signed in"))));
        }
        let target_member_id = create_user(&db, "target@example.org", false).await;
        memberships::add(&db, target_member_id, org.id, Role::Member)
            .await
            .unwrap();
        db.close().await.unwrap();
        Self {
            app,
            cookies,
            target_member_id,
        }
    }

    fn cookie(&self, persona: Persona) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(p, _)| *p == persona)
            .and_then(|(_, cookie)| cookie.as_deref())
    }

    async fn call(&self, function: &str, persona: Persona) -> reqwest::Response {
        let target = self.target_member_id.to_string();
        let signup_email = format!("new-{persona:?}@example.org").to_lowercase();
        let sign_in_email = match persona {
            Persona::Anonymous => "target@example.org".to_owned(),
            other => format!("{other:?}@example.org").to_lowercase(),
        };
        let no_filters = serde_json::json!({
            "orgs": [], "range": "", "from": "", "to": "", "q": "", "mode": "", "after": ""
        });
        let json = match function {
            "get_dashboard" => Some((
                GetDashboard::PATH,
                serde_json::json!({ "filters": no_filters }),
            )),
            "get_dashboard_month" => Some((
                GetDashboardMonth::PATH,
                serde_json::json!({ "filters": no_filters, "month": "" }),
            )),
            "get_dashboard_map" => Some((
                GetDashboardMap::PATH,
                serde_json::json!({ "filters": no_filters }),
            )),
            _ => None,
        };
        if let Some((path, body)) = json {
            return self.app.call_json(path, &body, self.cookie(persona)).await;
        }
        let today = chrono::Utc::now().date_naive();
        let trip_from = today.format("%Y-%m-%d").to_string();
        let trip_to = (today + chrono::Duration::days(3))
            .format("%Y-%m-%d")
            .to_string();
        let (path, form): (&str, Vec<(&str, &str)>) = match function {
            "list_organizations" => (ListOrganizations::PATH, vec![]),
            "get_organization" => (GetOrganization::PATH, vec![("slug", ORG)]),
            "create_organization" => (
                CreateOrganization::PATH,
                vec![
                    ("slug", "brand-new"),
                    ("name", "Brand New"),
                    ("description", ""),
                ],
            ),
            "follow_organization" => (FollowOrganization::PATH, vec![("slug", ORG)]),
            "request_membership" => (RequestMembership::PATH, vec![("slug", ORG)]),
            "get_membership_settings" => (GetMembershipSettings::PATH, vec![("slug", ORG)]),
            "answer_membership_request" => (
                AnswerMembershipRequest::PATH,
                vec![("slug", ORG), ("user_id", &target), ("approve", "true")],
            ),
            "save_join_policy" => (
                SaveJoinPolicy::PATH,
                vec![("slug", ORG), ("policy", "request"), ("member_domain", "")],
            ),
            "create_invitation" => (
                CreateInvitation::PATH,
                vec![("slug", ORG), ("days", "7"), ("uses", "3")],
            ),
            "withdraw_invitation" => (
                WithdrawInvitation::PATH,
                vec![("slug", ORG), ("invitation_id", "999999")],
            ),
            "accept_invitation" => (
                AcceptInvitation::PATH,
                vec![
                    ("slug", ORG),
                    ("invitation", "1.00000000000000000000000000000000"),
                ],
            ),
            "leave_organization" => (LeaveOrganization::PATH, vec![("slug", ORG)]),
            "list_members" => (ListMembers::PATH, vec![("slug", ORG)]),
            "set_member_role" => (
                SetMemberRole::PATH,
                vec![("slug", ORG), ("user_id", &target), ("role", "admin")],
            ),
            "remove_member" => (
                RemoveMember::PATH,
                vec![("slug", ORG), ("user_id", &target)],
            ),
            "get_current_user" => (GetCurrentUser::PATH, vec![]),
            "sign_up" => (
                SignUp::PATH,
                vec![("email", &signup_email), ("display_name", "New")],
            ),
            "sign_in" => (
                SignIn::PATH,
                vec![("email", &sign_in_email), ("password", PASSWORD)],
            ),
            "sign_out" => (SignOut::PATH, vec![]),
            "request_password_reset" => {
                (RequestPasswordReset::PATH, vec![("email", &sign_in_email)])
            }
            "reset_password" => (
                ResetPassword::PATH,
                vec![("token", "not-a-token"), ("password", "a new password")],
            ),
            "confirm_email" => (
                ConfirmEmail::PATH,
                vec![
                    ("token", "not-a-token"),
                    ("display_name", "New"),
                    ("password", PASSWORD),
                ],
            ),
            "describe_confirmation" => (DescribeConfirmation::PATH, vec![("token", "not-a-token")]),
            "link_is_usable" => (
                LinkIsUsable::PATH,
                vec![("token", "not-a-token"), ("purpose", "reset_password")],
            ),
            "get_outbox" => (GetOutbox::PATH, vec![]),
            "get_network_settings" => (GetNetworkSettings::PATH, vec![]),
            "save_network_key" => (SaveNetworkKey::PATH, vec![("api_key", "")]),
            "save_network_webhook_secret" => {
                (SaveNetworkWebhookSecret::PATH, vec![("webhook_secret", "")])
            }
            "sync_network" => (SyncNetwork::PATH, vec![]),
            "get_outbox_message" => (GetOutboxMessage::PATH, vec![("id", "999999")]),
            "describe_unsubscribe" => (DescribeUnsubscribe::PATH, vec![("t", "1.digest.00")]),
            "get_account" => (GetAccount::PATH, vec![]),
            "save_profile" => (
                SaveProfile::PATH,
                vec![("display_name", "New Name"), ("timezone", "Europe/Berlin")],
            ),
            "remember_timezone" => (RememberTimezone::PATH, vec![("timezone", "Europe/Berlin")]),
            "save_language" => (SaveLanguage::PATH, vec![("lang", "de")]),
            "choose_language" => (ChooseLanguage::PATH, vec![("lang", "ar"), ("back", "/")]),
            "change_email" => (
                ChangeEmail::PATH,
                vec![("email", &signup_email), ("current_password", PASSWORD)],
            ),
            "change_password" => (
                ChangePassword::PATH,
                vec![
                    ("current_password", PASSWORD),
                    ("password", "another password"),
                ],
            ),
            "save_mail_settings" => (
                SaveMailSettings::PATH,
                vec![("weekday", "3"), ("digest", "on")],
            ),
            "set_new_event_mail" => (SetNewEventMail::PATH, vec![("slug", ORG), ("on", "off")]),
            "get_trip_events" => (GetTripEvents::PATH, vec![]),
            "add_trip" => (
                AddTrip::PATH,
                vec![("city", "Lisbon"), ("from", &trip_from), ("to", &trip_to)],
            ),
            "remove_trip" => (RemoveTrip::PATH, vec![("trip", "999999")]),
            "confirm_email_change" => (ConfirmEmailChange::PATH, vec![("token", "not-a-token")]),
            "get_organization_events" => (GetOrganizationEvents::PATH, vec![("slug", ORG)]),
            "get_event_page" => (GetEventPage::PATH, vec![("public_id", "nosuchevent")]),
            "list_topic_options" => (ListTopicOptions::PATH, vec![]),
            "get_topic_page" => (GetTopicPage::PATH, vec![("slug", "no-such-topic")]),
            "get_status" => (GetStatus::PATH, vec![]),
            "get_network_view" => (GetNetworkView::PATH, vec![]),
            "get_organization_insights" => (GetOrganizationInsights::PATH, vec![("slug", ORG)]),
            "get_clash_radar" => (GetClashRadar::PATH, vec![("slug", ORG)]),
            "mark_clash" => (
                MarkClash::PATH,
                vec![
                    ("slug", ORG),
                    ("event_id", "999999"),
                    ("other_event_id", "999998"),
                    ("known", "true"),
                ],
            ),
            "save_clash_window" => (
                SaveClashWindow::PATH,
                vec![("slug", ORG), ("window_minutes", "120")],
            ),
            "get_topic_settings" => (GetTopicSettings::PATH, vec![("slug", ORG)]),
            "save_topic_rule" => (
                SaveTopicRule::PATH,
                vec![("slug", ORG), ("tag", "talks"), ("name", "Talks")],
            ),
            "get_dashboard_marker" => (GetDashboardMarker::PATH, vec![]),
            "get_organization_options" => (GetOrganizationOptions::PATH, vec![]),
            "get_personal_feed" => (GetPersonalFeed::PATH, vec![]),
            "regenerate_personal_feed" => (RegeneratePersonalFeed::PATH, vec![]),
            "get_luma_settings" => (GetLumaSettings::PATH, vec![("slug", ORG)]),
            "get_sync_status" => (GetSyncStatus::PATH, vec![("slug", ORG)]),
            "get_sync_progress" => (GetSyncProgress::PATH, vec![("slug", ORG)]),
            "test_luma_connection" => (
                TestLumaConnection::PATH,
                vec![("slug", ORG), ("api_key", "")],
            ),
            "save_luma_settings" => (
                SaveLumaSettings::PATH,
                vec![
                    ("slug", ORG),
                    ("calendar_url", "https://lu.ma/rust-berlin"),
                    ("api_key", ""),
                ],
            ),
            "remove_luma_key" => (RemoveLumaKey::PATH, vec![("slug", ORG)]),
            "remove_webhook_secret" => (RemoveWebhookSecret::PATH, vec![("slug", ORG)]),
            "save_webhook_secret" => (
                SaveWebhookSecret::PATH,
                vec![("slug", ORG), ("webhook_secret", "")],
            ),
            "list_timezones" => (ListTimezones::PATH, vec![]),
            "save_ical_feed" => (
                SaveIcalFeed::PATH,
                vec![("slug", ORG), ("ical_url", ""), ("timezone", "UTC")],
            ),
            "remove_ical_feed" => (RemoveIcalFeed::PATH, vec![("slug", ORG)]),
            "start_luma_sync" => (StartLumaSync::PATH, vec![("slug", ORG)]),
            "disconnect_luma" => (
                DisconnectLuma::PATH,
                vec![("slug", ORG), ("events", "keep"), ("confirmed", "yes")],
            ),
            other => panic!("no call defined for {other}"),
        };
        self.app.call(path, &form, self.cookie(persona)).await
    }
}

pub async fn create_user(db: &store::DatabaseConnection, email: &str, site_admin: bool) -> i64 {
    users::create(
        db,
        NewUser {
            email: Email::parse(email).unwrap(),
            display_name: DisplayName::parse(email).unwrap(),
            password: Password::parse_new(PASSWORD.into()).unwrap(),
            is_site_admin: site_admin,
        },
    )
    .await
    .unwrap()
    .id
}

/// Calls `function` as `persona` in `world`; `Err` describes a mismatch.
async fn check_cell(
    world: &World,
    function: &'static str,
    persona: Persona,
    expected: Expect,
) -> Result<(), String> {
    let response = world.call(function, persona).await;
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    let ok = match expected {
        Allowed => (200..400).contains(&status),
        Status(code) => status == code,
    };
    if !ok {
        return Err(format!(
            "{function} as {persona:?}: expected {expected:?}, got {status}: {body}"
        ));
    }
    // A refusal carries the error and nothing else: no organization or member data.
    if let Status(401 | 403) = expected {
        let error: AppError = serde_json::from_str(&body).map_err(|e| {
            format!("{function} as {persona:?}: body is not an error ({e}): {body}")
        })?;
        if !matches!(error, AppError::Unauthorized | AppError::Forbidden)
            || body.contains("example.org")
            || body.contains("Berlin")
        {
            return Err(format!(
                "{function} as {persona:?}: refusal leaks or misreports: {body}"
            ));
        }
    }
    Ok(())
}

/// One row: its refusals in one world (a refusal changes nothing, so the next one finds the
/// world as it was; one that changed something answers "allowed" and fails its cell), and each
/// allowed call in a fresh world of its own (it may change what the next one would find).
async fn check_row(accounts: &Accounts, function: &'static str, row: [Expect; 6]) -> Vec<String> {
    let cells: Vec<_> = PERSONAS.into_iter().zip(row).collect();
    let refused = async {
        let refusals: Vec<_> = cells.iter().filter(|(_, e)| *e != Allowed).collect();
        let mut failures = Vec::new();
        if refusals.is_empty() {
            return failures;
        }
        let world = World::new(accounts).await;
        for &&(persona, expected) in &refusals {
            failures.extend(check_cell(&world, function, persona, expected).await.err());
        }
        failures
    };
    let allowed =
        cells
            .iter()
            .filter(|(_, e)| *e == Allowed)
            .map(|&(persona, expected)| async move {
                let world = World::new(accounts).await;
                check_cell(&world, function, persona, expected).await.err()
            });
    let (mut failures, allowed) = tokio::join!(refused, futures_util::future::join_all(allowed));
    failures.extend(allowed.into_iter().flatten());
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_answers_every_persona_as_the_matrix_says() {
    let accounts = Accounts::sign_in_everyone().await;
    let mut failures = Vec::new();
    // A row at a time: few enough connection pools for Postgres.
    for (function, row) in MATRIX {
        failures.extend(check_row(&accounts, function, *row).await);
    }
    assert!(
        failures.is_empty(),
        "access matrix mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_matrix_covers_every_server_function() {
    // Every registered server function must have a row; a new one without a row fails here.
    let registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    let covered = [
        ListOrganizations::PATH,
        GetOrganization::PATH,
        CreateOrganization::PATH,
        FollowOrganization::PATH,
        RequestMembership::PATH,
        LeaveOrganization::PATH,
        GetMembershipSettings::PATH,
        AnswerMembershipRequest::PATH,
        SaveJoinPolicy::PATH,
        CreateInvitation::PATH,
        WithdrawInvitation::PATH,
        AcceptInvitation::PATH,
        ListMembers::PATH,
        SetMemberRole::PATH,
        RemoveMember::PATH,
        GetCurrentUser::PATH,
        SignUp::PATH,
        SignIn::PATH,
        SignOut::PATH,
        RequestPasswordReset::PATH,
        ResetPassword::PATH,
        ConfirmEmail::PATH,
        LinkIsUsable::PATH,
        DescribeConfirmation::PATH,
        GetOutbox::PATH,
        GetOutboxMessage::PATH,
        DescribeUnsubscribe::PATH,
        GetAccount::PATH,
        SaveProfile::PATH,
        RememberTimezone::PATH,
        SaveLanguage::PATH,
        ChooseLanguage::PATH,
        ChangeEmail::PATH,
        ChangePassword::PATH,
        SaveMailSettings::PATH,
        SetNewEventMail::PATH,
        ConfirmEmailChange::PATH,
        GetOrganizationEvents::PATH,
        GetEventPage::PATH,
        ListTopicOptions::PATH,
        GetTopicPage::PATH,
        GetStatus::PATH,
        GetNetworkView::PATH,
        GetOrganizationInsights::PATH,
        GetClashRadar::PATH,
        MarkClash::PATH,
        SaveClashWindow::PATH,
        GetNetworkSettings::PATH,
        SaveNetworkKey::PATH,
        SaveNetworkWebhookSecret::PATH,
        SyncNetwork::PATH,
        GetTopicSettings::PATH,
        SaveTopicRule::PATH,
        GetDashboard::PATH,
        GetDashboardMonth::PATH,
        GetDashboardMap::PATH,
        GetTripEvents::PATH,
        AddTrip::PATH,
        RemoveTrip::PATH,
        GetDashboardMarker::PATH,
        GetOrganizationOptions::PATH,
        GetPersonalFeed::PATH,
        RegeneratePersonalFeed::PATH,
        GetLumaSettings::PATH,
        GetSyncStatus::PATH,
        GetSyncProgress::PATH,
        TestLumaConnection::PATH,
        SaveLumaSettings::PATH,
        RemoveLumaKey::PATH,
        RemoveWebhookSecret::PATH,
        SaveWebhookSecret::PATH,
        ListTimezones::PATH,
        SaveIcalFeed::PATH,
        RemoveIcalFeed::PATH,
        StartLumaSync::PATH,
        DisconnectLuma::PATH,
    ];
    assert_eq!(covered.len(), MATRIX.len());
    for path in &registered {
        assert!(
            covered.contains(&path.as_str()),
            "server function {path} is missing from the access matrix"
        );
    }
    assert_eq!(registered.len(), covered.len());
}
