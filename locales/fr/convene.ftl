# Les textes de Convene en français (mêmes ids que ../en/convene.ftl).

## Dates and times

time-date-clock-zone = { $date }, { $clock } { $zone }
time-span = { $start } – { $end }
time-all-day = toute la journée
time-all-day-on = { $date }, toute la journée
time-all-day-from-to = { $first } – { $last }, toute la journée
time-just-now = à l’instant
time-minutes-ago = { $count ->
    [one] il y a 1 minute
   *[other] il y a { $count } minutes
}
time-hours-ago = { $count ->
    [one] il y a 1 heure
   *[other] il y a { $count } heures
}
time-days-ago = { $count ->
    [one] il y a 1 jour
   *[other] il y a { $count } jours
}
time-in-minutes = { $count ->
    [one] dans 1 minute
   *[other] dans { $count } minutes
}
time-in-hours = { $count ->
    [one] dans 1 heure
   *[other] dans { $count } heures
}
time-in-days = { $count ->
    [one] dans 1 jour
   *[other] dans { $count } jours
}
time-happening-now = en cours
time-today = aujourd’hui
time-tomorrow = demain
time-day-today = Aujourd’hui
time-day-tomorrow = Demain

## The frame of every page

nav-skip = Aller au contenu
nav-label = Principale
nav-dashboard = Tableau de bord
nav-organizations = Organisations
nav-mail = Courriels
nav-sign-in = Se connecter
nav-sign-up = S’inscrire
nav-sign-out = Se déconnecter
footer-about = Convene rassemble les événements que vos organisations publient sur lu.ma.
language-label = Langue
language-change = Changer de langue
language-unknown = Convene ne parle pas encore cette langue : choisissez-en une dans la liste.

## Signing up and in

field-email = Adresse e-mail
field-display-name = Nom affiché
field-password = Mot de passe
signup-title = Inscription
signup-heading = Créez votre compte
signup-lede = Rejoignez vos organisations et retrouvez tous leurs événements au même endroit.
signup-hint = Nous vous enverrons un lien : suivez-le pour confirmer votre adresse et choisir votre mot de passe.
signup-submit = Créer le compte
signup-have-account = Vous avez déjà un compte ?
signin-title = Connexion
signin-forgot = Mot de passe oublié ?
signin-just-signed-up = Vous venez de vous inscrire ? Suivez d’abord le lien que nous vous avons envoyé : vous y choisirez votre mot de passe.
signin-new-here = Nouveau ici ?
signin-create-account = Créer un compte

## Places

place-online = En ligne
place-to-be-announced = Lieu à confirmer

## An event's page

event-loading = Chargement de l’événement…
event-not-found = Événement introuvable
event-not-found-why = Il n’y a pas d’événement à cette adresse. Il a peut-être été annulé ou rendu privé sur lu.ma.
event-see-upcoming = Voir les événements à venir
event-members-only-title = Événement réservé aux membres
event-members-only-of = Cet événement est réservé aux membres de
event-members-only-join = Rejoignez l’organisation pour le voir.
event-members-only-sign-in = Connectez-vous pour le voir.
event-breadcrumb-events = Événements
badge-members-only = Réservé aux membres
badge-cross-listed = Repris d’un autre calendrier
event-ended = Cet événement est terminé.
event-address-hidden = Adresse communiquée aux participants inscrits sur lu.ma
event-add-to-calendar = Ajouter au calendrier
event-more-from = Plus de { $name }
event-all-events = Tous les événements
event-times-in-my-zone = Afficher les heures dans mon fuseau horaire

## Registering

event-register = S’inscrire

## The account's language

account-language-heading = Langue
account-language-browser = Langue de votre navigateur
account-language-hint = Les pages de Convene s’affichent dans cette langue sur tous les appareils où vous êtes connecté.
account-language-save = Enregistrer la langue
language-saved = Votre langue est enregistrée.

## The dashboard's range

range-this-week = Cette semaine
range-next-30-days = 30 prochains jours
range-next-90-days = 90 prochains jours
range-from-to = { $first } – { $last }
range-with-place = { $range }, { $place }
near-label = près de { $city } ({ $km } km)
near-label-or-online = près de { $city } ({ $km } km) ou en ligne

## The month

month-loading = Chargement du mois…
month-previous = ← Mois précédent
month-next = Mois suivant →
month-none = Aucun événement de ce mois ne correspond à ces filtres.
month-events =
    { $count ->
        [one] 1 événement ce mois-ci.
       *[other] { $count } événements ce mois-ci.
    }
month-first-events = Les { $count } premiers événements du mois : il en compte plus qu’une grille n’en montre ; affinez les filtres pour voir le reste.
month-events-where = Événements { $place }.
month-more = { $count } de plus
month-badge-members = Membres
month-all-day = Toute la journée

## The map

map-loading = Chargement de la carte…
map-none = Aucun événement en présentiel ne correspond à ces filtres.
map-pinned =
    { $count ->
        [one] 1 événement sur la carte.
       *[other] { $count } événements sur la carte.
    }
map-pinned-and-cities = { $count } sur la carte, { $cities } de plus avec une ville mais sans lieu à épingler.
map-truncated = Plus d’événements correspondent qu’une carte n’en montre : resserrez les dates ou le lieu.
map-unpinned-heading = En présentiel, sans lieu à épingler
map-heading = Carte
map-region-label = Carte des événements (la liste à côté contient les mêmes)
map-fallback = La carte se dessine avec JavaScript ; la liste contient chaque événement qui y figure.
map-list-label = Événements sur la carte
map-show = Voir sur la carte

## Trips

trip-heading = Pendant votre séjour à { $city }
trip-none-near = Aucun événement public du réseau n’est prévu près de là pendant votre séjour.
trip-city-unknown = Aucun événement du réseau ne mentionne encore cette ville.
trip-yours = Vos séjours

## The dashboard

dashboard-preview-title = Événements à venir
dashboard-preview-description = Les événements à venir de toutes les organisations du réseau.
dashboard-lede = Les événements à venir de toutes les organisations, les vôtres d’abord.
dashboard-loading = Chargement des événements…
dashboard-sign-in-why = pour voir d’abord les événements de vos organisations, ou
dashboard-create-account = créez un compte
layout-label = Affichage
layout-by-organization = Par organisation
layout-by-day = Par jour
layout-month = Mois
layout-map = Carte
filters-heading = Filtres
filters-search = Rechercher
filters-search-placeholder = Titre ou lieu
filters-near = Près de
filters-near-placeholder = Ville
filters-km = Dans un rayon de (km)
filters-online-too = Aussi les événements en ligne
filters-apply = Appliquer
filters-clear = Effacer
