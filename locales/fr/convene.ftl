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

## Organizations and missing pages

not-found-title = Page introuvable
not-found-why = Il n’y a rien à cette adresse. Elle a peut-être changé, ou le lien contient une faute de frappe.
not-found-browse = Parcourir les organisations
directory-lede = Les groupes locaux de notre communauté et les événements qu’ils publient sur lu.ma.
directory-loading = Chargement des organisations…
directory-filter-label = Filtrer les organisations
directory-filter-placeholder = Nom ou description
directory-filter = Filtrer
directory-empty = Pas encore d’organisation. Un administrateur du site peut ajouter la première.
directory-members =
    { $count ->
        [one] { $count } membre
       *[other] { $count } membres
    }
directory-count =
    { $count ->
        [one] { $count } organisation
       *[other] { $count } organisations
    }
directory-none-match = Aucune organisation ne correspond à « { $filter } »
directory-showing = { $shown } sur { $count } organisations correspondent à « { $filter } »
directory-create-heading = Créer une organisation
directory-create-lede = Vous en devenez le premier administrateur.
directory-create-name = Nom
directory-create-slug = Adresse (slug)
directory-create-slug-hint = 2 à 64 caractères : a-z, 0-9 et tirets. Elle apparaît dans les liens : /orgs/votre-slug
directory-create-description = Description
directory-create-submit = Créer l’organisation

## An organization's page

org-loading = Chargement…
org-follow = Suivre
org-join-by-invitation = On devient membre sur invitation : demandez un lien à ses administrateurs.
org-join-at-once = Devenir membre
org-request-to-join = Demander à rejoindre
org-sign-in-to-follow = pour suivre ou rejoindre { $name }.
org-follow-why = Suivez-la pour voir ses événements dans votre tableau de bord ; les membres voient aussi ses événements réservés aux membres.
org-you-follow = Vous suivez ses événements publics.
org-unfollow = Ne plus suivre
org-request-waits = Votre demande attend la réponse des administrateurs ; nous vous écrirons.
org-withdraw = Retirer et partir
org-you-are-admin = Vous êtes administrateur de cette organisation.
org-you-are-member = Vous êtes membre.
org-leave = Quitter
org-preview-description = { $name } sur Convene : ses événements et ses membres.
org-see-events = Voir les événements
org-about = À propos
org-no-description = Pas encore de description.
org-membership = Adhésion
org-embed-heading = Sur votre propre site
org-embed-how = Collez ceci là où les prochains événements de { $name } doivent apparaître sur votre site. La liste se met à jour toute seule et ajuste sa hauteur ; ses liens ouvrent Convene ou lu.ma dans un nouvel onglet.
org-embed-options = Pour choisir, ajoutez à son adresse :
org-embed-code = Code du widget à coller
org-embed-preview = Aperçu du widget
org-admin-links = Administration de l’organisation
org-manage-members = Gérer les membres
org-luma-settings = Réglages lu.ma
org-topics = Thèmes
org-insights = Statistiques

## Mailed links

sent-title = Consultez vos e-mails
signup-sent-lede = Nous avons envoyé un message à l’adresse indiquée. Suivez son lien pour confirmer votre adresse et choisir votre mot de passe.
signup-sent-nothing = Rien reçu après quelques minutes ? Regardez dans vos indésirables, ou
signup-sent-again = inscrivez-vous à nouveau
signup-sent-fresh-link = avec la même adresse pour recevoir un nouveau lien. Déjà confirmé ?
forgot-lede = Nous vous enverrons un lien pour en définir un nouveau.
forgot-submit = M’envoyer un lien
forgot-remembered = Il vous est revenu ?
forgot-sent-lede = Si un compte utilise cette adresse, un lien pour définir un nouveau mot de passe est en route. Il fonctionne une fois, pendant une heure.
forgot-sent-nothing = Rien reçu ? Regardez dans vos indésirables, ou
forgot-sent-ask-again = redemandez
forgot-sent-in-minutes = dans quelques minutes.
link-spent = Ce lien a expiré ou a déjà servi.
reset-title = Définir un nouveau mot de passe
reset-new-password = Nouveau mot de passe
reset-password-hint = Au moins 8 caractères. Vous serez déconnecté partout ailleurs.
reset-submit = Définir le mot de passe et se connecter
reset-new-link = M’envoyer un nouveau lien
confirm-title = Confirmez votre adresse e-mail
confirm-choose-password = Choisissez un mot de passe
confirm-password-hint = Au moins 8 caractères.
confirm-submit = Confirmer et se connecter
confirm-sign-up-again = S’inscrire à nouveau
