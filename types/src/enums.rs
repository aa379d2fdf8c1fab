//! Every closed set of values that crosses a layer: stored in a column, carried in a read model,
//! or given in a URL. Each has one text form, used by the store, the wire and the URL alike.

use std::fmt;

/// A text that names none of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The values that would have been understood.
    pub expected: &'static [&'static str],
    pub given: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<String> = self
            .expected
            .iter()
            .map(|value| format!("{value:?}"))
            .collect();
        write!(
            f,
            "must be one of {}, not {:?}",
            shown.join(", "),
            self.given
        )
    }
}

impl std::error::Error for ParseError {}

/// An enum with one text per variant: `as_str`, `Display`, `FromStr`, and serde all use it.
/// `stored` ones also map to a text column (feature `sea-orm`).
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $kind:ident enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        text_enum!(@define $kind, $(#[$meta])* $name { $( $(#[$vmeta])* $variant = $text, )+ });

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            const TEXTS: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = ParseError;

            fn from_str(text: &str) -> Result<Self, ParseError> {
                match text {
                    $($text => Ok($name::$variant),)+
                    other => Err(ParseError {
                        expected: Self::TEXTS,
                        given: other.chars().take(40).collect(),
                    }),
                }
            }
        }
    };
    (@define stored, $(#[$meta:meta])* $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
        #[cfg_attr(
            feature = "sea-orm",
            sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)")
        )]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $text)]
                #[cfg_attr(feature = "sea-orm", sea_orm(string_value = $text))]
                $variant,
            )+
        }
    };
    (@define plain, $(#[$meta:meta])* $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $text)]
                $variant,
            )+
        }
    };
}

text_enum! {
    /// Someone's standing in one organization. A follower (anyone with a confirmed address)
    /// gets its public events under "Your orgs", in digests and feeds; members and admins also
    /// its members-only events. Following is not membership.
    stored enum Role {
        Follower = "follower",
        Member = "member",
        Admin = "admin",
    }
}

impl Role {
    /// Members and admins see the organization's members-only events; followers do not.
    pub fn is_member(self) -> bool {
        matches!(self, Role::Member | Role::Admin)
    }
}

text_enum! {
    /// How people become members of an organization (its admins choose). Admins can always
    /// invite, and add members directly on the members page or with `convene member add`.
    stored enum JoinPolicy {
        /// "Request to join": the admins approve or decline each request.
        Request = "request",
        /// Only through an invitation link an admin made.
        Invitation = "invitation",
    }
}

text_enum! {
    /// What started a sync run.
    stored enum SyncTrigger {
        Daily = "daily",
        /// A page showed data older than an hour.
        PageLoad = "page_load",
        /// "Sync now" in the settings panel.
        Manual = "manual",
        Cli = "cli",
        /// Demo mode's first import at start-up.
        Demo = "demo",
        /// A signed lu.ma webhook: one event created, changed or cancelled.
        Webhook = "webhook",
    }
}

text_enum! {
    /// Where an organization's events come from, as `/status` names it.
    plain enum ImportSource {
        /// The network's lu.ma organization key: every calendar in one list.
        OrganizationKey = "organization_key",
        /// The organization's own calendar key.
        CalendarKey = "calendar_key",
        /// An iCal feed: the daily import and page loads.
        Feed = "feed",
        /// Nothing is imported (an embed at most).
        NotConnected = "not_connected",
    }
}

impl ImportSource {
    /// What `/status` says of it.
    pub fn label(self) -> &'static str {
        match self {
            ImportSource::OrganizationKey => "lu.ma organization key",
            ImportSource::CalendarKey => "lu.ma calendar key",
            ImportSource::Feed => "iCal feed",
            ImportSource::NotConnected => "not connected",
        }
    }
}

text_enum! {
    /// What a lu.ma webhook says happened (the body's `type`; others are acknowledged and
    /// ignored).
    stored enum WebhookKind {
        EventCreated = "event.created",
        EventUpdated = "event.updated",
        EventCanceled = "event.canceled",
        /// An event managed elsewhere was listed on the calendar.
        CalendarEventAdded = "calendar.event.added",
    }
}

text_enum! {
    /// How applying a lu.ma webhook ended.
    stored enum WebhookOutcome {
        /// The change is in the store.
        Applied = "applied",
        /// Nothing to change (an older change, or an event the key cannot see): the daily
        /// import reconciles.
        Skipped = "skipped",
        /// It could not be applied (lu.ma or the store failed); the daily import heals it.
        Failed = "failed",
    }
}

text_enum! {
    /// Where a sync run stands, or how it ended.
    stored enum SyncOutcome {
        /// Still going (or, when it started long ago, left running by a stopped process).
        Running = "running",
        Ok = "ok",
        /// Nothing was changed because the answer looked wrong (suspiciously empty).
        Partial = "partial",
        Failed = "failed",
        /// The run's process or task stopped before it finished (closed afterwards).
        Interrupted = "interrupted",
    }
}

text_enum! {
    /// Why a run failed or changed nothing, by kind: alerts and the history can tell them apart.
    stored enum SyncFailure {
        /// Nothing to import from, or a stored key that cannot be opened.
        Configuration = "configuration",
        /// lu.ma refused the key (revoked, or the calendar lacks Luma Plus).
        KeyRejected = "key_rejected",
        /// lu.ma's rate limit did not clear.
        RateLimited = "rate_limited",
        /// lu.ma was unreachable, slow or failing (timeouts, server errors).
        LumaUnavailable = "luma_unavailable",
        /// lu.ma answered something Convene cannot read or did not expect.
        LumaAnswer = "luma_answer",
        /// The feed could not be fetched (refused address, HTTP error, too large, unreachable).
        FeedFetch = "feed_fetch",
        /// The feed was fetched but is not a calendar Convene can read within its limits.
        FeedUnreadable = "feed_unreadable",
        /// The answer looked wrong (suspiciously empty), so nothing was changed.
        Suspicious = "suspicious",
        /// The store refused a write.
        Store = "store",
        /// A bug: the run's task panicked.
        Internal = "internal",
        /// The process stopped during the run.
        Interrupted = "interrupted",
        /// The run would take the organization past what it may store, or add in a day.
        OverQuota = "over_quota",
    }
}

text_enum! {
    /// Where an event was imported from.
    stored enum EventSource {
        LumaApi = "luma_api",
        Ical = "ical",
    }
}

text_enum! {
    /// Where an event takes place, as far as its source says.
    stored enum LocationType {
        InPerson = "in_person",
        Online = "online",
        Unknown = "unknown",
    }
}

text_enum! {
    /// An event's visibility on lu.ma (`visibility`), or a feed's `CLASS`.
    stored enum Visibility {
        /// Listed: anyone may see it.
        Public = "public",
        /// Only the calendar's members see it on lu.ma.
        MembersOnly = "members-only",
        /// Unlisted (reachable by link only): Convene never imports it.
        Private = "private",
    }
}

text_enum! {
    /// What a message in the outbox is: account mail (sent to any address, confirmed or not)
    /// or a member's mail (sent to confirmed addresses only).
    stored enum MailKind {
        /// "Confirm your email address" after sign-up.
        ConfirmEmail = "confirm_email",
        /// Someone signed up with an address that already has an account.
        AccountExists = "account_exists",
        /// "Forgot password?": a single-use link valid for an hour.
        PasswordReset = "password_reset",
        /// Confirming a new address given on the account page.
        ChangeEmail = "change_email",
        /// To the old address, once the account moved to a new one.
        AddressChanged = "address_changed",
        /// The weekly digest of upcoming events.
        WeeklyDigest = "weekly_digest",
        /// Events an organization added since the member was last told.
        NewEvents = "new_events",
        /// To an organization's admins: its import failed three runs in a row.
        ImportFailing = "import_failing",
        /// To an organization's admins: its import works again.
        ImportRecovered = "import_recovered",
        /// To an organization's admins, monthly: the next 30 days as imported ("Is this right?").
        ImportCheck = "import_check",
        /// To site admins, monthly: the network's numbers.
        NetworkReport = "network_report",
        /// To an organization's admins: someone asks to become a member.
        JoinRequested = "join_requested",
        /// To the one who asked: their request to join was approved, or declined.
        JoinAnswered = "join_answered",
    }
}

impl MailKind {
    /// Account mail goes to any address (it is how an address gets confirmed); everything else
    /// only to confirmed addresses.
    pub fn is_account_mail(self) -> bool {
        matches!(
            self,
            MailKind::ConfirmEmail
                | MailKind::AccountExists
                | MailKind::PasswordReset
                | MailKind::ChangeEmail
                | MailKind::AddressChanged
        )
    }

    /// Account mail carries a single-use link: once sent, the stored copy is cleared of it, so
    /// the outbox (and whoever reads `/admin/mail`) holds no key to someone's account.
    pub fn carries_a_secret_link(self) -> bool {
        matches!(
            self,
            MailKind::ConfirmEmail | MailKind::PasswordReset | MailKind::ChangeEmail
        )
    }
}

text_enum! {
    /// Where a message in the outbox stands.
    stored enum MailStatus {
        /// Waiting for the sender (or for its next try after a temporary failure; or, with no
        /// SMTP server configured, kept for `/admin/mail`).
        Queued = "queued",
        /// The SMTP server accepted it.
        Sent = "sent",
        /// Refused for good, or still failing after every retry; the reason is kept.
        Failed = "failed",
    }
}

text_enum! {
    /// What a single-use link sent by mail allows.
    stored enum TokenPurpose {
        ConfirmEmail = "confirm_email",
        ResetPassword = "reset_password",
        ChangeEmail = "change_email",
    }
}

text_enum! {
    /// The dashboard's date range (`range=` in its URL).
    #[derive(Default)]
    plain enum DashboardRange {
        /// Today to the end of Sunday.
        Week = "week",
        #[default]
        Next30Days = "30",
        Next90Days = "90",
        /// `from=` to `to=`, both days included.
        Custom = "custom",
    }
}

text_enum! {
    /// A language Convene speaks (issue #35): the account's choice, the `lang` cookie's, or the
    /// browser's `Accept-Language`, in that order; English otherwise. The text is the BCP 47
    /// tag `<html lang>` carries.
    #[derive(Default)]
    stored enum Locale {
        #[default]
        English = "en",
        German = "de",
        French = "fr",
        Spanish = "es",
        Portuguese = "pt",
        Arabic = "ar",
    }
}

impl Locale {
    /// The language's name in itself, as a language picker lists it.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::English => "English",
            Locale::German => "Deutsch",
            Locale::French => "Français",
            Locale::Spanish => "Español",
            Locale::Portuguese => "Português",
            Locale::Arabic => "العربية",
        }
    }

    /// `dir` of a page in this language.
    pub fn is_right_to_left(self) -> bool {
        self == Locale::Arabic
    }

    pub fn direction(self) -> &'static str {
        if self.is_right_to_left() {
            "rtl"
        } else {
            "ltr"
        }
    }
}

text_enum! {
    /// Online, in person, or both (`mode=` in the dashboard's URL; empty means both).
    #[derive(Default)]
    plain enum Attendance {
        #[default]
        Any = "",
        Online = "online",
        InPerson = "in_person",
    }
}

text_enum! {
    /// The input a refusal is about. The core names it; each front end says it in its own words
    /// (the text here is the web form's field name; the command line names its flags).
    plain enum InputField {
        Slug = "slug",
        Name = "name",
        Description = "description",
        Email = "email",
        Password = "password",
        /// The password typed to prove it is you (changing the email or the password).
        CurrentPassword = "current_password",
        /// The weekly digest's day.
        Weekday = "weekday",
        DisplayName = "display_name",
        Role = "role",
        Membership = "membership",
        /// The lu.ma calendar: its page, `cal-…` id or iCal link.
        Calendar = "calendar_url",
        ApiKey = "api_key",
        /// lu.ma's webhook signing secret (`whsec_…`).
        WebhookSecret = "webhook_secret",
        FeedUrl = "ical_url",
        Timezone = "timezone",
        /// Keep or delete the imported events when disconnecting.
        ImportedEvents = "events",
        Confirmed = "confirmed",
        Organizations = "org",
        Text = "q",
        Range = "range",
        From = "from",
        To = "to",
        Attendance = "mode",
        After = "after",
        /// A single-use link's token (confirmation, password reset).
        Token = "token",
        /// What events are about (a lu.ma tag), as a slug.
        Topic = "topic",
        /// How many events the widget lists.
        Limit = "limit",
        /// Which page of a list.
        Page = "page",
        /// The widget's colours: light or dark.
        Theme = "theme",
        /// `CONVENE_TRUSTED_PROXIES` (configuration, not a form).
        TrustedProxies = "trusted_proxies",
        /// How people become members of an organization.
        JoinPolicy = "join_policy",
        /// The address domain whose owners become members without asking.
        MemberDomain = "member_domain",
        /// An invitation link: its days of validity and its number of uses.
        Invitation = "invitation",
        /// The clash radar's window: how far apart two events may start and still clash.
        ClashWindow = "window_minutes",
        /// A clash marked (or unmarked) "we know".
        Clash = "clash",
        /// A city events are near (`near=`), the radius around it (`km=`), and whether online
        /// events come too (`online=`).
        Near = "near",
        Km = "km",
        Online = "online",
        /// The dashboard's month grid: which month (`YYYY-MM`).
        Month = "month",
        /// A trip's city, and a trip as a whole (one too many, one not found).
        City = "city",
        Trip = "trip",
    }
}

impl SyncOutcome {
    /// A run that ended in a state worth an admin's attention.
    pub fn is_problem(self) -> bool {
        matches!(
            self,
            SyncOutcome::Failed | SyncOutcome::Partial | SyncOutcome::Interrupted
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_reads_back_from_its_text_and_serde_agrees() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(*role));
        }
        assert_eq!(
            Role::ALL
                .iter()
                .filter(|role| role.is_member())
                .collect::<Vec<_>>(),
            [&Role::Member, &Role::Admin],
            "following is not membership"
        );
        for policy in JoinPolicy::ALL {
            assert_eq!(policy.as_str().parse::<JoinPolicy>(), Ok(*policy));
        }
        for outcome in SyncOutcome::ALL {
            assert_eq!(outcome.as_str().parse::<SyncOutcome>(), Ok(*outcome));
            let json = serde_json::to_string(outcome).unwrap();
            assert_eq!(json, format!("\"{}\"", outcome.as_str()));
            assert_eq!(
                serde_json::from_str::<SyncOutcome>(&json).unwrap(),
                *outcome
            );
        }
        for range in DashboardRange::ALL {
            assert_eq!(range.as_str().parse::<DashboardRange>(), Ok(*range));
        }
        assert_eq!("".parse::<Attendance>(), Ok(Attendance::Any));
        assert_eq!(Visibility::MembersOnly.to_string(), "members-only");
    }

    #[test]
    fn an_unknown_text_is_refused_with_what_would_do() {
        let err = "year".parse::<DashboardRange>().unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"must be one of "week", "30", "90", "custom", not "year""#
        );
        let long = "x".repeat(1000);
        assert_eq!(long.parse::<Role>().unwrap_err().given.len(), 40);
    }
}
