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

## Organizations and missing pages

not-found-title = Page not found
not-found-why = There is nothing at this address. It may have moved, or the link may be mistyped.
not-found-browse = Browse organizations
directory-lede = Local groups of our community and the events they host on lu.ma.
directory-loading = Loading organizations…
directory-filter-label = Filter organizations
directory-filter-placeholder = Name or description
directory-filter = Filter
directory-empty = No organizations yet. A site administrator can add the first one.
directory-members =
    { $count ->
        [one] 1 member
       *[other] { $count } members
    }
directory-count =
    { $count ->
        [one] 1 organization
       *[other] { $count } organizations
    }
directory-none-match = No organizations match “{ $filter }”
directory-showing =
    Showing { $shown } of { $count ->
        [one] 1 organization
       *[other] { $count } organizations
    } matching “{ $filter }”
directory-create-heading = Create an organization
directory-create-lede = You become its first admin.
directory-create-name = Name
directory-create-slug = Address (slug)
directory-create-slug-hint = 2 to 64 characters: a-z, 0-9 and dashes. It appears in links: /orgs/your-slug
directory-create-description = Description
directory-create-submit = Create organization

## An organization's page

org-loading = Loading…
org-follow = Follow
org-join-by-invitation = Members join by invitation: ask its admins for a link.
org-join-at-once = Join as a member
org-request-to-join = Request to join
org-sign-in-to-follow = to follow or join { $name }.
org-follow-why = Follow to see its events on your dashboard; members also see its members-only events.
org-you-follow = You follow its public events.
org-unfollow = Unfollow
org-request-waits = Your request to join waits for the admins' answer; we will email you.
org-withdraw = Withdraw and leave
org-you-are-admin = You are an admin of this organization.
org-you-are-member = You are a member.
org-leave = Leave
org-preview-description = { $name } on Convene: its events and members.
org-see-events = See events
org-about = About
org-no-description = No description yet.
org-membership = Membership
org-embed-heading = On your own site
org-embed-how = Paste this where { $name }'s next events should appear on your website. The list keeps itself up to date and fits its height to the events; its links open Convene or lu.ma in a new tab.
org-embed-options = To choose, add to its address:
org-embed-code = Widget code to paste
org-embed-preview = Preview the widget
org-admin-links = Organization admin
org-manage-members = Manage members
org-luma-settings = lu.ma settings
org-topics = Topics
org-insights = Insights

## Mailed links

sent-title = Check your email
signup-sent-lede = We sent a message to the address you gave. Follow its link to confirm your address and choose your password.
signup-sent-nothing = Nothing arrived after a few minutes? Look in your spam folder, or
signup-sent-again = sign up again
signup-sent-fresh-link = with the same address for a fresh link. Already confirmed?
forgot-lede = We will send you a link to set a new one.
forgot-submit = Send me a link
forgot-remembered = Remembered it?
forgot-sent-lede = If an account uses that address, a link to set a new password is on its way. It works once, for an hour.
forgot-sent-nothing = Nothing arrived? Look in your spam folder, or
forgot-sent-ask-again = ask again
forgot-sent-in-minutes = in a few minutes.
link-spent = This link has expired or was already used.
reset-title = Set a new password
reset-new-password = New password
reset-password-hint = At least 8 characters. You will be signed out everywhere else.
reset-submit = Set password and sign in
reset-new-link = Send me a new link
confirm-title = Confirm your email address
confirm-choose-password = Choose a password
confirm-password-hint = At least 8 characters.
confirm-submit = Confirm and sign in
confirm-sign-up-again = Sign up again
