//! The weekly digest: on the member's day (Monday unless changed) at 07:00 in their own
//! timezone, the next 14 days of events from their organizations, then a short list from the
//! rest of the network. One per member per week (the ISO week is in its key), none when there
//! is nothing to say, and only to confirmed addresses.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use convene_types::{MailKind, Role, Visibility};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};

use crate::Error;
use crate::mail::compose::{self, Footer, Section};
use crate::mail::lists::{self, MailList};
use crate::mail::member::{self, MailEvent, Reader};
use crate::mail::outbox::{self, OutgoingMail};
use crate::places::near::{KnownCities, Near, NearQuery};
use crate::places::trips::{self, Trip};
use crate::rules::visibility::Audience;
use crate::secrets::SecretKey;
use crate::site::PublicUrl;
use crate::store::entities::event;
use crate::store::entities::mail_message;

/// How far ahead a digest looks.
pub const WINDOW_DAYS: i64 = 14;
/// The local hour a digest is due on its day.
pub const SEND_AT: u32 = 7;
/// A digest not written within this long after it was due waits for the next week (a server
/// down for two days does not send Monday's digest on Wednesday).
pub const LATE_BY_AT_MOST: Duration = Duration::hours(24);
/// Events of the member's organizations listed at most (the message says how many more).
pub const OWN_SHOWN: usize = 40;
/// Events of other organizations listed.
pub const ELSEWHERE_SHOWN: usize = 5;
/// Digests built, then written, at a time (bounds the memory a pass holds).
const PER_WRITE: usize = 200;

/// The ISO weekday of `day` (1 is Monday).
pub fn weekday(day: i16) -> Weekday {
    match day {
        2 => Weekday::Tue,
        3 => Weekday::Wed,
        4 => Weekday::Thu,
        5 => Weekday::Fri,
        6 => Weekday::Sat,
        7 => Weekday::Sun,
        _ => Weekday::Mon,
    }
}

/// The week whose digest is due at `now` for a reader in `zone` whose day is `day` (its key,
/// `2026-W49`), or `None` when none is due. Due at 07:00 local time on the day, whatever the
/// day's UTC offset (a daylight-saving change included), for [`LATE_BY_AT_MOST`].
pub fn due_week(now: DateTime<Utc>, zone: Tz, day: Weekday) -> Option<String> {
    let today = now.with_timezone(&zone).date_naive();
    let back =
        i64::from(today.weekday().num_days_from_monday()) - i64::from(day.num_days_from_monday());
    // The digest day of this ISO week, or of the last one when the day is later in the week.
    let back = if back < 0 { back + 7 } else { back };
    let digest_day = today.checked_sub_signed(Duration::days(back))?;
    let at = digest_day.and_time(NaiveTime::from_hms_opt(SEND_AT, 0, 0)?);
    // 07:00 exists on every day in every zone; were it skipped, the hour after it counts.
    let due = zone
        .from_local_datetime(&at)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(at + Duration::hours(1)))
                .earliest()
        })?
        .with_timezone(&Utc);
    if now < due || now >= due + LATE_BY_AT_MOST {
        return None;
    }
    let week = digest_day.iso_week();
    Some(format!("{}-W{:02}", week.year(), week.week()))
}

fn key(user_id: i64, week: &str) -> String {
    format!("weekly-digest:{user_id}:{week}")
}

/// What one pass wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DigestPass {
    /// Readers whose digest was due and not yet written.
    pub due: usize,
    pub queued: usize,
    /// Due, but with nothing to say.
    pub empty: usize,
}

/// Writes every digest due at `now` that is not in the outbox yet.
pub async fn queue_due(
    db: &DatabaseConnection,
    site: &PublicUrl,
    key_for_links: &SecretKey,
    now: DateTime<Utc>,
) -> Result<DigestPass, Error> {
    let readers = member::readers(db).await?;
    let written = written_recently(db, now).await?;
    let due: Vec<(Reader, String)> = readers
        .into_values()
        .filter(|reader| reader.digest_enabled)
        .filter_map(|reader| {
            let week = due_week(now, reader.zone, weekday(reader.digest_weekday))?;
            (!written.contains(&key(reader.user_id, &week))).then_some((reader, week))
        })
        .collect();
    queue(db, site, key_for_links, due, now).await
}

/// Writes this week's digest for one member now, whatever the day: demo mode shows one.
pub async fn queue_now(
    db: &DatabaseConnection,
    site: &PublicUrl,
    key_for_links: &SecretKey,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<DigestPass, Error> {
    let Some(reader) = member::reader(db, user_id).await? else {
        return Ok(DigestPass::default());
    };
    let week = now.with_timezone(&reader.zone).date_naive().iso_week();
    let week = format!("{}-W{:02}", week.year(), week.week());
    queue(db, site, key_for_links, vec![(reader, week)], now).await
}

/// Digest keys written in the last eight days: a pass skips these readers without building.
async fn written_recently(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<HashSet<String>, Error> {
    Ok(mail_message::Entity::find()
        .select_only()
        .column(mail_message::Column::IdempotencyKey)
        .filter(mail_message::Column::Kind.eq(MailKind::WeeklyDigest))
        .filter(mail_message::Column::CreatedAt.gt(now - Duration::days(8)))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

async fn queue(
    db: &DatabaseConnection,
    site: &PublicUrl,
    key_for_links: &SecretKey,
    due: Vec<(Reader, String)>,
    now: DateTime<Utc>,
) -> Result<DigestPass, Error> {
    let mut pass = DigestPass {
        due: due.len(),
        ..Default::default()
    };
    if due.is_empty() {
        return Ok(pass);
    }
    let until = now + Duration::days(WINDOW_DAYS);
    let events = member::starting_between(db, now, until).await?;
    let names = member::organization_names(db).await?;
    let places = DigestPlaces::read(db, due.iter().map(|(reader, _)| reader), now, until).await?;
    let mut organizations_of: HashMap<i64, HashMap<i64, Role>> = HashMap::new();
    for membership in member::memberships(db).await? {
        organizations_of
            .entry(membership.user_id)
            .or_default()
            .insert(membership.organization_id, membership.role);
    }
    let no_organizations = HashMap::new();
    for chunk in due.chunks(PER_WRITE) {
        let mut mails = Vec::with_capacity(chunk.len());
        for (reader, week) in chunk {
            let mine = organizations_of
                .get(&reader.user_id)
                .unwrap_or(&no_organizations);
            let asked = Asked {
                reader,
                week,
                mine,
                places: &places,
            };
            match digest(&asked, &events, &names, site, key_for_links) {
                Some(mail) => mails.push(mail),
                None => pass.empty += 1,
            }
        }
        let written = outbox::enqueue_many(db, mails, now).await?;
        pass.queued += usize::try_from(written).unwrap_or(usize::MAX);
    }
    Ok(pass)
}

/// Cities the due readers' digests ask about (their digest's place, their trips' cities) at most
/// in one pass; further ones are left out of that pass, and said so in the log.
const CITIES_PER_PASS: usize = 500;
/// Events near one city read at most (the digest lists a few).
const NEAR_EVENTS_READ: u64 = 1_000;

/// The places one pass of digests needs: each asked city's public events in the window, and the
/// due readers' trips during it.
#[derive(Default)]
struct DigestPlaces {
    /// `None`: no public event names the city.
    near: HashMap<NearQuery, Option<(String, HashSet<i64>)>>,
    trips: HashMap<i64, Vec<Trip>>,
}

impl DigestPlaces {
    async fn read<'a>(
        db: &impl ConnectionTrait,
        readers: impl Iterator<Item = &'a Reader>,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Self, Error> {
        let mut places = Self::default();
        let mut asked: Vec<NearQuery> = Vec::new();
        let due: HashSet<i64> = readers
            .map(|reader| {
                asked.extend(reader.digest_near.clone());
                reader.user_id
            })
            .collect();
        for (user_id, trip) in trips::during(db, now.date_naive(), until.date_naive()).await? {
            if due.contains(&user_id) {
                asked.push(trip_near(&trip));
                places.trips.entry(user_id).or_default().push(trip);
            }
        }
        // The cities once for the pass; each question then reads only its city's venues.
        let cities = KnownCities::read(db, &Audience::public()).await?;
        for query in asked {
            if places.near.contains_key(&query) {
                continue;
            }
            if places.near.len() >= CITIES_PER_PASS {
                tracing::warn!(
                    cities = CITIES_PER_PASS,
                    "digests ask about more cities than one pass reads; the rest next pass"
                );
                break;
            }
            let found = match Near::resolve_among(db, &query, &cities).await {
                Ok(area) => {
                    let ids: HashSet<i64> = event::Entity::find()
                        .select_only()
                        .column(event::Column::Id)
                        .filter(event::Column::RemovedAt.is_null())
                        .filter(Audience::public().condition())
                        .filter(area.condition())
                        .filter(event::Column::StartAt.gte(now))
                        .filter(event::Column::StartAt.lt(until))
                        .limit(NEAR_EVENTS_READ)
                        .into_tuple::<i64>()
                        .all(db)
                        .await?
                        .into_iter()
                        .collect();
                    Some((area.label(crate::i18n::Locale::English), ids))
                }
                Err(Error::Invalid { .. }) => None,
                Err(err) => return Err(err),
            };
            places.near.insert(query, found);
        }
        Ok(places)
    }

    /// Whether `event` is near the city `query` names (false when none is known).
    fn is_near(&self, query: &NearQuery, event: &MailEvent) -> bool {
        matches!(self.near.get(query), Some(Some((_, ids))) if ids.contains(&event.id))
    }
}

fn trip_near(trip: &Trip) -> NearQuery {
    NearQuery {
        city: trip.city.clone(),
        km: trips::TRIP_KM,
        include_online: false,
    }
}

/// Whose digest, for which week, and what it may draw on.
struct Asked<'a> {
    reader: &'a Reader,
    week: &'a str,
    mine: &'a HashMap<i64, Role>,
    places: &'a DigestPlaces,
}

/// The reader's digest, or `None` when there is nothing to say. Members-only events appear
/// only in the digests of that organization's members (not its followers); the network list is
/// public events only (near the reader's chosen city, when they chose one), and so are the
/// lists of the cities their trips take them to.
fn digest(
    asked: &Asked<'_>,
    events: &[MailEvent],
    names: &HashMap<i64, String>,
    site: &PublicUrl,
    key_for_links: &SecretKey,
) -> Option<OutgoingMail> {
    let Asked {
        reader,
        week,
        mine,
        places,
    } = *asked;
    let own = member::merge_cross_listed(
        events
            .iter()
            .filter(|event| {
                mine.get(&event.organization_id).is_some_and(|role| {
                    event.visibility == Visibility::Public
                        || (event.visibility == Visibility::MembersOnly && role.is_member())
                })
            })
            .collect(),
    );
    // The network's list leaves out what the member's own list already has (a cross-listing).
    let mut listed: HashSet<&str> = own
        .iter()
        .map(|(event, _)| event.external_id.as_str())
        .collect();
    let mut travels = Vec::new();
    for trip in places.trips.get(&reader.user_id).into_iter().flatten() {
        let near = trip_near(trip);
        let Some((start, end)) = trip.span() else {
            continue;
        };
        let mut there = member::merge_cross_listed(
            events
                .iter()
                .filter(|event| {
                    event.visibility == Visibility::Public
                        && event.start_at >= start
                        && event.start_at < end
                        && places.is_near(&near, event)
                        && !listed.contains(event.external_id.as_str())
                })
                .collect(),
        );
        there.truncate(ELSEWHERE_SHOWN);
        listed.extend(there.iter().map(|(event, _)| event.external_id.as_str()));
        if !there.is_empty() {
            travels.push((
                format!(
                    "While you're in {} ({})",
                    trip.city,
                    trip.dates(crate::i18n::Locale::English)
                ),
                there,
            ));
        }
    }
    let mut elsewhere = member::merge_cross_listed(
        events
            .iter()
            .filter(|event| {
                !mine.contains_key(&event.organization_id)
                    && event.visibility == Visibility::Public
                    && !listed.contains(event.external_id.as_str())
                    && reader
                        .digest_near
                        .as_ref()
                        .is_none_or(|near| places.is_near(near, event))
            })
            .collect(),
    );
    elsewhere.truncate(ELSEWHERE_SHOWN);
    if own.is_empty() && elsewhere.is_empty() && travels.is_empty() {
        return None;
    }
    let mut sections = Vec::new();
    if !own.is_empty() {
        let mut heading = "From your organizations".to_owned();
        if own.len() > OWN_SHOWN {
            heading.push_str(&format!(" (the first {OWN_SHOWN} of {})", own.len()));
        }
        sections.push(Section {
            heading,
            events: own
                .iter()
                .take(OWN_SHOWN)
                .map(|(event, others)| {
                    let hosts = member::hosts(event.organization_id, others, names);
                    member::item(event, &hosts, reader.zone, site)
                })
                .collect(),
        });
    }
    for (heading, there) in travels {
        sections.push(Section {
            heading,
            events: there
                .iter()
                .map(|(event, others)| {
                    let hosts = member::hosts(event.organization_id, others, names);
                    member::item(event, &hosts, reader.zone, site)
                })
                .collect(),
        });
    }
    if !elsewhere.is_empty() {
        let near = reader
            .digest_near
            .as_ref()
            .and_then(|near| places.near.get(near))
            .and_then(|found| found.as_ref())
            .map(|(label, _)| format!(", {label}"))
            .unwrap_or_default();
        sections.push(Section {
            heading: format!("Elsewhere in the network{near}"),
            events: elsewhere
                .iter()
                .map(|(event, others)| {
                    let hosts = member::hosts(event.organization_id, others, names);
                    member::item(event, &hosts, reader.zone, site)
                })
                .collect(),
        });
    }
    let unsubscribe =
        lists::unsubscribe_url(site, key_for_links, reader.user_id, MailList::WeeklyDigest);
    let settings = site.link("/account");
    let day = crate::text::timefmt::weekday_name(
        weekday(reader.digest_weekday),
        crate::i18n::Locale::English,
    );
    let why = format!(
        "You get this digest every {day} at 07:00 ({zone}) because you have a Convene account.",
        zone = reader.zone.name()
    );
    let intro = format!(
        "Here is what is coming up in the next two weeks. Times are in your timezone, {}.",
        reader.zone.name()
    );
    let content = compose::weekly_digest(
        &reader.name,
        &intro,
        &sections,
        Footer {
            why: &why,
            links: vec![
                ("Unsubscribe from the weekly digest", &unsubscribe),
                ("Mail settings", &settings),
            ],
        },
    );
    Some(OutgoingMail {
        idempotency_key: key(reader.user_id, week),
        kind: MailKind::WeeklyDigest,
        recipient: reader.email.clone(),
        user_id: Some(reader.user_id),
        content,
        unsubscribe_url: Some(unsubscribe),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_digest_is_due_at_seven_local_time_across_a_daylight_saving_change() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        // Berlin leaves summer time on Sunday 25 October 2026: Monday 07:00 is 06:00 UTC.
        assert_eq!(
            due_week(utc("2026-10-26T05:59:00Z"), berlin, Weekday::Mon),
            None
        );
        assert_eq!(
            due_week(utc("2026-10-26T06:00:00Z"), berlin, Weekday::Mon).as_deref(),
            Some("2026-W44")
        );
        // A week earlier, still summer time: 07:00 is 05:00 UTC.
        assert_eq!(
            due_week(utc("2026-10-19T05:00:00Z"), berlin, Weekday::Mon).as_deref(),
            Some("2026-W43")
        );
        // Late by a day at most.
        assert_eq!(
            due_week(utc("2026-10-27T05:59:00Z"), berlin, Weekday::Mon).as_deref(),
            Some("2026-W44")
        );
        assert_eq!(
            due_week(utc("2026-10-27T06:00:00Z"), berlin, Weekday::Mon),
            None
        );
        // Another day, another zone: Sunday 07:00 in Auckland is Saturday 18:00 UTC.
        let auckland: Tz = "Pacific/Auckland".parse().unwrap();
        assert_eq!(
            due_week(utc("2026-11-28T18:00:00Z"), auckland, Weekday::Sun).as_deref(),
            Some("2026-W48")
        );
        assert_eq!(
            due_week(utc("2026-11-28T17:59:00Z"), auckland, Weekday::Sun),
            None
        );
    }

    #[test]
    fn weekdays_are_iso_and_anything_else_is_monday() {
        assert_eq!(weekday(1), Weekday::Mon);
        assert_eq!(weekday(7), Weekday::Sun);
        assert_eq!(weekday(0), Weekday::Mon);
        assert_eq!(weekday(i16::MAX), Weekday::Mon);
    }
}
