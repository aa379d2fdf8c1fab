//! Membership flows end to end through the server functions, and what the logs never contain.

use app::auth::{SignIn, SignOut};
use app::organizations::{
    CreateOrganization, FollowOrganization, LeaveOrganization, ListMembers, ListOrganizations,
    MemberRow, OrganizationSummary, Role, SetMemberRole,
};
use convene::accounts::{DisplayName, Email, Password};
use convene::store::{self, users};
use leptos::server_fn::ServerFn;

use crate::helpers::{TestApp, captured_logs, session_cookie, spawn_app};

const PASSWORD: &str = "correct horse battery";

async fn member_counts(app: &TestApp) -> Vec<(String, i64)> {
    let organizations: Vec<OrganizationSummary> = app
        .call(ListOrganizations::PATH, &[], None)
        .await
        .json()
        .await
        .unwrap();
    organizations
        .into_iter()
        .map(|o| (o.slug, o.member_count))
        .collect()
}

fn count_of(counts: &[(String, i64)], slug: &str) -> i64 {
    counts
        .iter()
        .find(|(s, _)| s == slug)
        .map_or(-1, |(_, n)| *n)
}

#[tokio::test]
async fn a_newcomer_signs_up_follows_two_organizations_and_leaves_one() {
    let app = spawn_app().await;
    let cookie = app
        .sign_up("newcomer@example.org", "Newcomer", PASSWORD)
        .await;
    for slug in ["rust-berlin", "rust-lisbon"] {
        let response = app
            .call(FollowOrganization::PATH, &[("slug", slug)], Some(&cookie))
            .await;
        assert!(
            response.status().is_success(),
            "join {slug}: {}",
            response.status()
        );
    }
    let response = app
        .call(
            LeaveOrganization::PATH,
            &[("slug", "rust-lisbon")],
            Some(&cookie),
        )
        .await;
    assert!(
        response.status().is_success(),
        "leave: {}",
        response.status()
    );

    let counts = member_counts(&app).await;
    assert_eq!(
        count_of(&counts, "rust-berlin"),
        0,
        "following is not membership"
    );
    assert_eq!(count_of(&counts, "rust-lisbon"), 0);

    let berlin = app.page_as("/orgs/rust-berlin", Some(&cookie)).await;
    assert!(
        berlin.contains("You follow its public events."),
        "a follower sees their standing"
    );
    assert!(berlin.contains(">Unfollow<") && berlin.contains(">Request to join<"));
    let lisbon = app.page_as("/orgs/rust-lisbon", Some(&cookie)).await;
    assert!(
        lisbon.contains(">Follow<"),
        "after leaving, Follow is offered again"
    );
    let anonymous = app.page_as("/orgs/rust-berlin", None).await;
    assert!(
        anonymous.contains("to follow or join") && !anonymous.contains(">Follow<"),
        "visitors are asked to sign in instead"
    );
    assert!(anonymous.contains("0 members"));
}

#[tokio::test]
async fn a_site_admin_creates_an_organization_and_makes_someone_its_admin() {
    let app = spawn_app().await;
    let db = store::connect(&app.database_url).await.unwrap();
    users::create(
        &db,
        users::NewUser {
            email: Email::parse("root@example.org").unwrap(),
            display_name: DisplayName::parse("Root").unwrap(),
            password: Password::parse_new(PASSWORD.into()).unwrap(),
            is_site_admin: true,
        },
    )
    .await
    .unwrap();
    let response = app
        .call(
            SignIn::PATH,
            &[("email", "root@example.org"), ("password", PASSWORD)],
            None,
        )
        .await;
    let root = session_cookie(&response).unwrap();

    let directory = app.page_as("/orgs", Some(&root)).await;
    assert!(
        directory.contains("Create an organization"),
        "site admins get the form"
    );
    assert!(
        !app.page_as("/orgs", None)
            .await
            .contains("Create an organization")
    );

    let response = app
        .call(
            CreateOrganization::PATH,
            &[
                ("slug", "rust-oslo"),
                ("name", "Rust Oslo"),
                ("description", "Fjord-side hacking"),
            ],
            Some(&root),
        )
        .await;
    assert!(response.status().is_success() || response.status().is_redirection());

    let ada = app.sign_up("ada@example.org", "Ada", PASSWORD).await;
    app.call(
        FollowOrganization::PATH,
        &[("slug", "rust-oslo")],
        Some(&ada),
    )
    .await;
    let members: Vec<MemberRow> = app
        .call(ListMembers::PATH, &[("slug", "rust-oslo")], Some(&root))
        .await
        .json()
        .await
        .unwrap();
    let roles: Vec<_> = members
        .iter()
        .map(|m| (m.display_name.as_str(), m.role))
        .collect();
    assert_eq!(roles, [("Root", Role::Admin), ("Ada", Role::Follower)]);

    let ada_id = members[1].user_id.to_string();
    let response = app
        .call(
            SetMemberRole::PATH,
            &[
                ("slug", "rust-oslo"),
                ("user_id", &ada_id),
                ("role", "admin"),
            ],
            Some(&root),
        )
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    // A role that does not exist is refused as a bad request, saying which would do.
    let response = app
        .call(
            SetMemberRole::PATH,
            &[
                ("slug", "rust-oslo"),
                ("user_id", &ada_id),
                ("role", "owner"),
            ],
            Some(&root),
        )
        .await;
    assert_eq!(response.status(), 400);
    let body = response.text().await.unwrap();
    assert!(body.contains("`follower`, `member`, `admin`"), "{body}");
    let page = app.page_as("/orgs/rust-oslo", Some(&ada)).await;
    assert!(page.contains("You are an admin of this organization."));
    assert!(
        page.contains("href=\"/orgs/rust-oslo/members\""),
        "admins get the members link"
    );
    let members_page = app.page_as("/orgs/rust-oslo/members", Some(&ada)).await;
    assert!(members_page.contains("Make member") && members_page.contains("Root"));
}

#[tokio::test]
async fn no_password_or_session_id_reaches_the_log() {
    let secret_password = "unmistakable-Pa55word-7c1e";
    let app = spawn_app().await;
    let cookie = app
        .sign_up("logged@example.org", "Logged", secret_password)
        .await;
    app.call(SignOut::PATH, &[], Some(&cookie)).await;
    let response = app
        .call(
            SignIn::PATH,
            &[
                ("email", "logged@example.org"),
                ("password", "wrong-Pa55word-7c1e"),
            ],
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 401);
    let response = app
        .call(
            SignIn::PATH,
            &[
                ("email", "logged@example.org"),
                ("password", secret_password),
            ],
            None,
        )
        .await;
    let second = session_cookie(&response).unwrap();
    app.page_as("/orgs", Some(&second)).await;

    let logs = captured_logs().text();
    assert!(
        logs.contains("signed in"),
        "the capture works: sign-in events are logged"
    );
    assert!(logs.contains("sign-in refused"), "and so are refusals");
    for secret in [secret_password, "wrong-Pa55word-7c1e"] {
        assert!(!logs.contains(secret), "a password reached the log");
    }
    for cookie in [&cookie, &second] {
        let id = cookie.trim_start_matches("convene_session=");
        assert!(!logs.contains(id), "a session id reached the log");
    }
}
