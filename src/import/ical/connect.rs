//! Connecting an organization to an iCal feed (`convene org ical`, and the settings panel): the
//! feed is fetched and read before anything is saved, so a wrong address is refused with a reason
//! instead of failing every sync afterwards.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use url::Url;

use crate::Error;
use crate::import::ical::feed::{FeedSettings, read_feed_off_thread};
use crate::import::ical::fetch::{
    FeedClient, FeedClientConfig, Fetched, Validators, shown_address,
};
use crate::import::luma::calendar_ref::is_calendar_id;
use crate::secrets::{Purpose, SecretKey};
use crate::store::entities::organization;
use convene_types::InputField;

/// lu.ma's public feed of a calendar, free of Luma Plus.
pub const LUMA_FEED_PREFIX: &str = "https://api.lu.ma/ics/get?entity=calendar&id=";

/// The feed an admin means: an `http(s)` URL as given, or lu.ma's feed for a `cal-…` id.
pub fn feed_url(input: &str) -> Result<Url, Error> {
    let input = input.trim();
    if input.is_empty() {
        return Err(Error::invalid(
            InputField::FeedUrl,
            "enter the feed's address",
        ));
    }
    let address = if is_calendar_id(input) {
        format!("{LUMA_FEED_PREFIX}{input}")
    } else {
        input.to_owned()
    };
    let url = Url::parse(&address).map_err(|_| {
        Error::invalid(
            InputField::FeedUrl,
            "is not an address: paste the feed's https:// link or a lu.ma cal-… id",
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::invalid(
            InputField::FeedUrl,
            "only http:// and https:// feeds can be read",
        ));
    }
    Ok(url)
}

/// An IANA timezone name such as `Europe/Berlin`.
pub fn display_timezone(input: &str) -> Result<Tz, Error> {
    input.trim().parse::<Tz>().map_err(|_| {
        Error::invalid(
            InputField::Timezone,
            format!("{input:?} is not a timezone name like Europe/Berlin"),
        )
    })
}

/// IANA zone names to choose from: the "Area/City" ones, alphabetically, and UTC. Built once.
pub fn timezone_names() -> &'static [&'static str] {
    static NAMES: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        let mut names: Vec<&'static str> = chrono_tz::TZ_VARIANTS
            .iter()
            .map(|zone| zone.name())
            .filter(|name| {
                name.contains('/')
                    && !name.starts_with("Etc/")
                    && !name.starts_with("SystemV/")
                    && !name.starts_with("US/")
            })
            .collect();
        names.sort_unstable();
        names.push("UTC");
        names
    });
    &NAMES
}

/// What the feed held when it was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedCheck {
    pub url: Url,
    pub timezone: Tz,
    /// Events (recurring ones expanded for the coming year) the first sync will import.
    pub events: usize,
}

/// Fetches and reads the feed; nothing is saved.
pub async fn check(
    input_url: &str,
    timezone: &str,
    feeds: FeedClientConfig,
    now: DateTime<Utc>,
) -> Result<FeedCheck, Error> {
    let url = feed_url(input_url)?;
    let timezone = display_timezone(timezone)?;
    let feed_problem = |message: String| Error::invalid(InputField::FeedUrl, message);
    let client = FeedClient::new(feeds).map_err(|err| feed_problem(err.to_string()))?;
    let text = match client
        .fetch(&url, &Validators::default())
        .await
        .map_err(|err| feed_problem(err.to_string()))?
    {
        Fetched::Feed { text, .. } => text,
        Fetched::Unchanged => {
            return Err(feed_problem(
                "the feed answered 304 Not Modified to a plain request".into(),
            ));
        }
    };
    let settings = FeedSettings {
        display_timezone: timezone,
        from: now - Duration::days(1),
        until: now + Duration::days(366),
    };
    let events = read_feed_off_thread(text, settings)
        .await
        .map_err(|err| feed_problem(err.to_string()))?;
    Ok(FeedCheck {
        url,
        timezone,
        events: events.len(),
    })
}

/// A feed address as stored: sealed for its organization, and what pages show of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedFeed {
    pub sealed: String,
    pub shown: String,
}

impl SealedFeed {
    pub fn seal(key: &SecretKey, organization_id: i64, url: &Url) -> Result<Self, Error> {
        let sealed = key
            .seal(url.as_str(), Purpose::IcalFeed { organization_id })
            .map_err(|err| Error::Internal(format!("sealing a feed address failed: {err}")))?;
        Ok(Self {
            sealed,
            shown: shown_address(url),
        })
    }

    /// The address an organization's sealed value holds.
    pub fn open(key: &SecretKey, organization_id: i64, sealed: &str) -> Result<Url, Error> {
        let address = key
            .open(sealed, Purpose::IcalFeed { organization_id })
            .map_err(|err| Error::Internal(format!("a feed address cannot be opened: {err}")))?;
        Url::parse(&address)
            .map_err(|err| Error::Internal(format!("a sealed feed address is not a URL: {err}")))
    }
}

/// Saves a checked feed as the organization's calendar source (it is used while the
/// organization has no API key), its address sealed. The validators start empty: the next
/// sync fetches in full.
pub async fn save(
    db: &impl ConnectionTrait,
    key: &SecretKey,
    organization_id: i64,
    checked: &FeedCheck,
) -> Result<(), Error> {
    let feed = SealedFeed::seal(key, organization_id, &checked.url)?;
    organization::ActiveModel {
        id: Set(organization_id),
        ical_url_sealed: Set(Some(feed.sealed)),
        ical_url_shown: Set(Some(feed.shown)),
        ical_url_unsealed: Set(None),
        display_timezone: Set(Some(checked.timezone.name().to_owned())),
        ical_etag: Set(None),
        ical_last_modified: Set(None),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Stops importing from the organization's feed (its events stay; the display zone too).
pub async fn remove(db: &impl ConnectionTrait, organization_id: i64) -> Result<(), Error> {
    organization::ActiveModel {
        id: Set(organization_id),
        ical_url_sealed: Set(None),
        ical_url_shown: Set(None),
        ical_url_unsealed: Set(None),
        ical_etag: Set(None),
        ical_last_modified: Set(None),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_luma_calendar_id_becomes_its_public_feed() {
        assert_eq!(
            feed_url(" cal-AbC123 ").unwrap().as_str(),
            "https://api.lu.ma/ics/get?entity=calendar&id=cal-AbC123"
        );
        assert_eq!(
            feed_url("https://calendar.google.com/calendar/ical/x/public/basic.ics")
                .unwrap()
                .host_str(),
            Some("calendar.google.com")
        );
        let field = |input: &str| match feed_url(input) {
            Err(Error::Invalid { field, .. }) => field.as_str(),
            other => panic!("expected a field error, got {other:?}"),
        };
        assert_eq!(field(""), "ical_url");
        assert_eq!(field("not a url"), "ical_url");
        assert_eq!(field("ftp://example.org/cal.ics"), "ical_url");
        assert!(matches!(
            display_timezone("Mars/Olympus"),
            Err(Error::Invalid {
                field: InputField::Timezone,
                ..
            })
        ));
        assert_eq!(
            display_timezone("Europe/Berlin").unwrap(),
            chrono_tz::Europe::Berlin
        );
    }
}
