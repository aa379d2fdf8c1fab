# Convene's messages in English, the language every other file follows: each message here is in
# every other file under the same id (`cargo test -p convene i18n` checks).

## Dates and times (the dates themselves come from the language's patterns in timefmt.rs)

time-date-clock-zone = { $date }, { $clock } { $zone }
time-span = { $start } – { $end }
time-all-day = all day
time-all-day-on = { $date }, all day
time-all-day-from-to = { $first } – { $last }, all day
time-just-now = just now
time-minutes-ago = { $count ->
    [one] 1 minute ago
   *[other] { $count } minutes ago
}
time-hours-ago = { $count ->
    [one] 1 hour ago
   *[other] { $count } hours ago
}
time-days-ago = { $count ->
    [one] 1 day ago
   *[other] { $count } days ago
}
time-in-minutes = { $count ->
    [one] in 1 minute
   *[other] in { $count } minutes
}
time-in-hours = { $count ->
    [one] in 1 hour
   *[other] in { $count } hours
}
time-in-days = { $count ->
    [one] in 1 day
   *[other] in { $count } days
}
time-happening-now = happening now
time-today = today
time-tomorrow = tomorrow
time-day-today = Today
time-day-tomorrow = Tomorrow

## The frame of every page

nav-skip = Skip to content
nav-label = Main
nav-dashboard = Dashboard
nav-organizations = Organizations
nav-mail = Mail
nav-sign-in = Sign in
nav-sign-up = Sign up
nav-sign-out = Sign out
footer-about = Convene brings together the events your organizations host on lu.ma.
language-label = Language
language-change = Change language
language-unknown = Convene does not speak that language yet: choose one from the list.

## Signing up and in

field-email = Email
field-display-name = Display name
field-password = Password
signup-title = Sign up
signup-heading = Create your account
signup-lede = Join your organizations and see all their events in one place.
signup-hint = We will mail you a link: follow it to confirm your address and choose your password.
signup-submit = Create account
signup-have-account = Already have an account?
signin-title = Sign in
signin-forgot = Forgot your password?
signin-just-signed-up = Just signed up? Follow the link we mailed you first: you choose your password there.
signin-new-here = New here?
signin-create-account = Create an account

## Places

place-online = Online
place-to-be-announced = Location to be announced

## An event's page

event-loading = Loading the event…
event-not-found = Event not found
event-not-found-why = There is no event at this address. It may have been cancelled or made private on lu.ma.
event-see-upcoming = See upcoming events
event-members-only-title = Members-only event
event-members-only-of = This event is for members of
event-members-only-join = Join the organization to see it.
event-members-only-sign-in = Sign in to see it.
event-breadcrumb-events = Events
badge-members-only = Members only
badge-cross-listed = Listed from another calendar
event-ended = This event has ended.
event-address-hidden = Address shared with registered guests on lu.ma
event-add-to-calendar = Add to calendar
event-more-from = More from { $name }
event-all-events = All events
event-times-in-my-zone = Show times in my timezone

## Registering

event-register = Register

## The account's language

account-language-heading = Language
account-language-browser = Your browser’s language
account-language-hint = Convene’s pages are written in this language on every device you sign in on.
account-language-save = Save language
language-saved = Saved your language.

## The dashboard's range

range-this-week = This week
range-next-30-days = Next 30 days
range-next-90-days = Next 90 days
range-from-to = { $first } – { $last }
range-with-place = { $range }, { $place }
near-label = near { $city } ({ $km } km)
near-label-or-online = near { $city } ({ $km } km) or online

## The month

month-loading = Loading the month…
month-previous = ← Previous month
month-next = Next month →
month-none = No events this month match these filters.
month-events =
    { $count ->
        [one] 1 event this month.
       *[other] { $count } events this month.
    }
month-first-events = The first { $count } events of this month: it has more than one grid shows; narrow the filters to see the rest.
month-events-where = Events { $place }.
month-more = { $count } more
month-badge-members = Members
month-all-day = All day

## The map

map-loading = Loading the map…
map-none = No in-person events match these filters.
map-pinned =
    { $count ->
        [one] 1 event on the map.
       *[other] { $count } events on the map.
    }
map-pinned-and-cities = { $count } on the map, { $cities } more with a city but no venue to pin.
map-truncated = More events match than one map shows: narrow the dates or the place.
map-unpinned-heading = In person, without a venue to pin
map-heading = Map
map-region-label = Map of the events (the list beside holds the same events)
map-fallback = The map draws itself with JavaScript; the list holds every event on it.
map-list-label = Events on the map
map-show = Show on map

## Trips

trip-heading = While you're in { $city }
trip-none-near = No public event of the network is planned near there during your trip.
trip-city-unknown = No event of the network names this city yet.
trip-yours = Your trips

## The dashboard

dashboard-preview-title = Upcoming events
dashboard-preview-description = Upcoming events across every organization of the network.
dashboard-lede = Upcoming events across every organization, yours first.
dashboard-loading = Loading events…
dashboard-sign-in-why = to see your organizations’ events first, or
dashboard-create-account = create an account
layout-label = Layout
layout-by-organization = By organization
layout-by-day = By day
layout-month = Month
layout-map = Map
filters-heading = Filters
filters-search = Search
filters-search-placeholder = Title or place
filters-near = Near
filters-near-placeholder = City
filters-km = Within (km)
filters-online-too = Online events too
filters-apply = Apply
filters-clear = Clear
