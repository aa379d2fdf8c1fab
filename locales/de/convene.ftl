# Convenes Texte auf Deutsch (Ids wie in ../en/convene.ftl).

## Dates and times

time-date-clock-zone = { $date }, { $clock } { $zone }
time-span = { $start } – { $end }
time-all-day = ganztägig
time-all-day-on = { $date }, ganztägig
time-all-day-from-to = { $first } – { $last }, ganztägig
time-just-now = gerade eben
time-minutes-ago = { $count ->
    [one] vor 1 Minute
   *[other] vor { $count } Minuten
}
time-hours-ago = { $count ->
    [one] vor 1 Stunde
   *[other] vor { $count } Stunden
}
time-days-ago = { $count ->
    [one] vor 1 Tag
   *[other] vor { $count } Tagen
}
time-in-minutes = { $count ->
    [one] in 1 Minute
   *[other] in { $count } Minuten
}
time-in-hours = { $count ->
    [one] in 1 Stunde
   *[other] in { $count } Stunden
}
time-in-days = { $count ->
    [one] in 1 Tag
   *[other] in { $count } Tagen
}
time-happening-now = läuft gerade
time-today = heute
time-tomorrow = morgen
time-day-today = Heute
time-day-tomorrow = Morgen

## The frame of every page

nav-skip = Zum Inhalt springen
nav-label = Hauptmenü
nav-dashboard = Übersicht
nav-organizations = Organisationen
nav-mail = Post
nav-sign-in = Anmelden
nav-sign-up = Registrieren
nav-sign-out = Abmelden
footer-about = Convene bringt die Veranstaltungen zusammen, die deine Organisationen auf lu.ma anbieten.
language-label = Sprache
language-change = Sprache wechseln
language-unknown = Diese Sprache spricht Convene noch nicht: Wähle eine aus der Liste.

## Signing up and in

field-email = E-Mail
field-display-name = Anzeigename
field-password = Passwort
signup-title = Registrieren
signup-heading = Konto erstellen
signup-lede = Tritt deinen Organisationen bei und sieh alle ihre Veranstaltungen an einem Ort.
signup-hint = Wir schicken dir einen Link: Folge ihm, um deine Adresse zu bestätigen und dein Passwort zu wählen.
signup-submit = Konto erstellen
signup-have-account = Schon ein Konto?
signin-title = Anmelden
signin-forgot = Passwort vergessen?
signin-just-signed-up = Gerade registriert? Folge zuerst dem Link aus unserer E-Mail: Dort wählst du dein Passwort.
signin-new-here = Neu hier?
signin-create-account = Konto erstellen

## Places

place-online = Online
place-to-be-announced = Ort wird noch bekannt gegeben

## An event's page

event-loading = Die Veranstaltung wird geladen …
event-not-found = Veranstaltung nicht gefunden
event-not-found-why = Unter dieser Adresse gibt es keine Veranstaltung. Vielleicht wurde sie auf lu.ma abgesagt oder privat gestellt.
event-see-upcoming = Kommende Veranstaltungen ansehen
event-members-only-title = Veranstaltung nur für Mitglieder
event-members-only-of = Diese Veranstaltung ist für Mitglieder von
event-members-only-join = Tritt der Organisation bei, um sie zu sehen.
event-members-only-sign-in = Melde dich an, um sie zu sehen.
event-breadcrumb-events = Veranstaltungen
badge-members-only = Nur für Mitglieder
badge-cross-listed = Aus einem anderen Kalender übernommen
event-ended = Diese Veranstaltung ist vorbei.
event-address-hidden = Adresse nur für angemeldete Gäste auf lu.ma
event-add-to-calendar = Zum Kalender hinzufügen
event-more-from = Mehr von { $name }
event-all-events = Alle Veranstaltungen
event-times-in-my-zone = Zeiten in meiner Zeitzone zeigen

## Registering

event-register = Anmelden

## The account's language

account-language-heading = Sprache
account-language-browser = Sprache deines Browsers
account-language-hint = Convenes Seiten erscheinen in dieser Sprache, auf jedem Gerät, auf dem du angemeldet bist.
account-language-save = Sprache speichern
language-saved = Deine Sprache ist gespeichert.

## The dashboard's range

range-this-week = Diese Woche
range-next-30-days = Nächste 30 Tage
range-next-90-days = Nächste 90 Tage
range-from-to = { $first } – { $last }
range-with-place = { $range }, { $place }
near-label = in der Nähe von { $city } ({ $km } km)
near-label-or-online = in der Nähe von { $city } ({ $km } km) oder online

## The month

month-loading = Der Monat wird geladen …
month-previous = ← Voriger Monat
month-next = Nächster Monat →
month-none = Keine Veranstaltung in diesem Monat passt zu diesen Filtern.
month-events =
    { $count ->
        [one] 1 Veranstaltung in diesem Monat.
       *[other] { $count } Veranstaltungen in diesem Monat.
    }
month-first-events = Die ersten { $count } Veranstaltungen dieses Monats: Er hat mehr, als ein Raster zeigt; grenze die Filter ein, um den Rest zu sehen.
month-events-where = Veranstaltungen { $place }.
month-more = { $count } weitere
month-badge-members = Mitglieder
month-all-day = Ganztägig

## The map

map-loading = Die Karte wird geladen …
map-none = Keine Vor-Ort-Veranstaltung passt zu diesen Filtern.
map-pinned =
    { $count ->
        [one] 1 Veranstaltung auf der Karte.
       *[other] { $count } Veranstaltungen auf der Karte.
    }
map-pinned-and-cities = { $count } auf der Karte, { $cities } weitere mit Stadt, aber ohne Ort zum Markieren.
map-truncated = Es passen mehr Veranstaltungen, als eine Karte zeigt: Grenze Daten oder Ort ein.
map-unpinned-heading = Vor Ort, ohne Ort zum Markieren
map-heading = Karte
map-region-label = Karte der Veranstaltungen (die Liste daneben enthält dieselben)
map-fallback = Die Karte wird mit JavaScript gezeichnet; die Liste enthält jede Veranstaltung darauf.
map-list-label = Veranstaltungen auf der Karte
map-show = Auf der Karte zeigen

## Trips

trip-heading = Während du in { $city } bist
trip-none-near = Während deiner Reise ist dort in der Nähe keine öffentliche Veranstaltung des Netzwerks geplant.
trip-city-unknown = Noch keine Veranstaltung des Netzwerks nennt diese Stadt.
trip-yours = Deine Reisen

## The dashboard

dashboard-preview-title = Kommende Veranstaltungen
dashboard-preview-description = Kommende Veranstaltungen aller Organisationen des Netzwerks.
dashboard-lede = Kommende Veranstaltungen aller Organisationen, deine zuerst.
dashboard-loading = Veranstaltungen werden geladen …
dashboard-sign-in-why = um die Veranstaltungen deiner Organisationen zuerst zu sehen, oder
dashboard-create-account = erstelle ein Konto
layout-label = Ansicht
layout-by-organization = Nach Organisation
layout-by-day = Nach Tag
layout-month = Monat
layout-map = Karte
filters-heading = Filter
filters-search = Suche
filters-search-placeholder = Titel oder Ort
filters-near = In der Nähe von
filters-near-placeholder = Stadt
filters-km = Umkreis (km)
filters-online-too = Auch Online-Veranstaltungen
filters-apply = Anwenden
filters-clear = Zurücksetzen

## Organizations and missing pages

not-found-title = Seite nicht gefunden
not-found-why = Unter dieser Adresse gibt es nichts. Vielleicht ist sie umgezogen, oder der Link ist vertippt.
not-found-browse = Organisationen durchsuchen
directory-lede = Lokale Gruppen unserer Gemeinschaft und die Veranstaltungen, die sie auf lu.ma anbieten.
directory-loading = Organisationen werden geladen …
directory-filter-label = Organisationen filtern
directory-filter-placeholder = Name oder Beschreibung
directory-filter = Filtern
directory-empty = Noch keine Organisationen. Eine Administratorin der Seite kann die erste anlegen.
directory-members =
    { $count ->
        [one] 1 Mitglied
       *[other] { $count } Mitglieder
    }
directory-count =
    { $count ->
        [one] 1 Organisation
       *[other] { $count } Organisationen
    }
directory-none-match = Keine Organisation passt zu „{ $filter }“
directory-showing = { $shown } von { $count } Organisationen passen zu „{ $filter }“
directory-create-heading = Organisation anlegen
directory-create-lede = Du wirst ihr erster Admin.
directory-create-name = Name
directory-create-slug = Adresse (Slug)
directory-create-slug-hint = 2 bis 64 Zeichen: a–z, 0–9 und Bindestriche. Sie erscheint in Links: /orgs/dein-slug
directory-create-description = Beschreibung
directory-create-submit = Organisation anlegen

## An organization's page

org-loading = Wird geladen …
org-follow = Folgen
org-join-by-invitation = Mitglied wird man auf Einladung: Bitte die Admins um einen Link.
org-join-at-once = Als Mitglied beitreten
org-request-to-join = Beitritt anfragen
org-sign-in-to-follow = um { $name } zu folgen oder beizutreten.
org-follow-why = Folge ihr, um ihre Veranstaltungen in deiner Übersicht zu sehen; Mitglieder sehen auch die Veranstaltungen nur für Mitglieder.
org-you-follow = Du folgst ihren öffentlichen Veranstaltungen.
org-unfollow = Nicht mehr folgen
org-request-waits = Deine Beitrittsanfrage wartet auf die Antwort der Admins; wir schreiben dir eine E-Mail.
org-withdraw = Zurückziehen und gehen
org-you-are-admin = Du bist Admin dieser Organisation.
org-you-are-member = Du bist Mitglied.
org-leave = Verlassen
org-preview-description = { $name } auf Convene: Veranstaltungen und Mitglieder.
org-see-events = Veranstaltungen ansehen
org-about = Über
org-no-description = Noch keine Beschreibung.
org-membership = Mitgliedschaft
org-embed-heading = Auf deiner eigenen Website
org-embed-how = Füge dies dort ein, wo die nächsten Veranstaltungen von { $name } auf deiner Website erscheinen sollen. Die Liste hält sich selbst aktuell und passt ihre Höhe an; ihre Links öffnen Convene oder lu.ma in einem neuen Tab.
org-embed-options = Zur Auswahl an ihre Adresse anhängen:
org-embed-code = Widget-Code zum Einfügen
org-embed-preview = Widget-Vorschau
org-admin-links = Verwaltung der Organisation
org-manage-members = Mitglieder verwalten
org-luma-settings = lu.ma-Einstellungen
org-topics = Themen
org-insights = Einblicke

## Mailed links

sent-title = Sieh in dein Postfach
signup-sent-lede = Wir haben eine Nachricht an die angegebene Adresse geschickt. Folge ihrem Link, um deine Adresse zu bestätigen und dein Passwort zu wählen.
signup-sent-nothing = Nach ein paar Minuten nichts angekommen? Sieh im Spam-Ordner nach, oder
signup-sent-again = registriere dich erneut
signup-sent-fresh-link = mit derselben Adresse, um einen neuen Link zu bekommen. Schon bestätigt?
forgot-lede = Wir schicken dir einen Link, um ein neues zu setzen.
forgot-submit = Link schicken
forgot-remembered = Wieder eingefallen?
forgot-sent-lede = Falls ein Konto diese Adresse nutzt, ist ein Link für ein neues Passwort unterwegs. Er funktioniert einmal, eine Stunde lang.
forgot-sent-nothing = Nichts angekommen? Sieh im Spam-Ordner nach, oder
forgot-sent-ask-again = frag erneut
forgot-sent-in-minutes = in ein paar Minuten.
link-spent = Dieser Link ist abgelaufen oder wurde schon benutzt.
reset-title = Neues Passwort setzen
reset-new-password = Neues Passwort
reset-password-hint = Mindestens 8 Zeichen. Überall sonst wirst du abgemeldet.
reset-submit = Passwort setzen und anmelden
reset-new-link = Neuen Link schicken
confirm-title = E-Mail-Adresse bestätigen
confirm-choose-password = Passwort wählen
confirm-password-hint = Mindestens 8 Zeichen.
confirm-submit = Bestätigen und anmelden
confirm-sign-up-again = Erneut registrieren
