# Los textos de Convene en español (mismos ids que ../en/convene.ftl).

## Dates and times

time-date-clock-zone = { $date }, { $clock } { $zone }
time-span = { $start } – { $end }
time-all-day = todo el día
time-all-day-on = { $date }, todo el día
time-all-day-from-to = { $first } – { $last }, todo el día
time-just-now = ahora mismo
time-minutes-ago = { $count ->
    [one] hace 1 minuto
   *[other] hace { $count } minutos
}
time-hours-ago = { $count ->
    [one] hace 1 hora
   *[other] hace { $count } horas
}
time-days-ago = { $count ->
    [one] hace 1 día
   *[other] hace { $count } días
}
time-in-minutes = { $count ->
    [one] en 1 minuto
   *[other] en { $count } minutos
}
time-in-hours = { $count ->
    [one] en 1 hora
   *[other] en { $count } horas
}
time-in-days = { $count ->
    [one] en 1 día
   *[other] en { $count } días
}
time-happening-now = en curso
time-today = hoy
time-tomorrow = mañana
time-day-today = Hoy
time-day-tomorrow = Mañana

## The frame of every page

nav-skip = Saltar al contenido
nav-label = Principal
nav-dashboard = Panel
nav-organizations = Organizaciones
nav-mail = Correo
nav-sign-in = Iniciar sesión
nav-sign-up = Registrarse
nav-sign-out = Cerrar sesión
footer-about = Convene reúne los eventos que tus organizaciones publican en lu.ma.
language-label = Idioma
language-change = Cambiar idioma
language-unknown = Convene aún no habla ese idioma: elige uno de la lista.

## Signing up and in

field-email = Correo electrónico
field-display-name = Nombre visible
field-password = Contraseña
signup-title = Registro
signup-heading = Crea tu cuenta
signup-lede = Únete a tus organizaciones y ve todos sus eventos en un solo lugar.
signup-hint = Te enviaremos un enlace: síguelo para confirmar tu dirección y elegir tu contraseña.
signup-submit = Crear cuenta
signup-have-account = ¿Ya tienes una cuenta?
signin-title = Iniciar sesión
signin-forgot = ¿Olvidaste tu contraseña?
signin-just-signed-up = ¿Acabas de registrarte? Sigue primero el enlace que te enviamos: allí eliges tu contraseña.
signin-new-here = ¿Eres nuevo?
signin-create-account = Crear una cuenta

## Places

place-online = En línea
place-to-be-announced = Lugar por anunciar

## An event's page

event-loading = Cargando el evento…
event-not-found = Evento no encontrado
event-not-found-why = No hay ningún evento en esta dirección. Puede que se haya cancelado o hecho privado en lu.ma.
event-see-upcoming = Ver los próximos eventos
event-members-only-title = Evento solo para miembros
event-members-only-of = Este evento es para miembros de
event-members-only-join = Únete a la organización para verlo.
event-members-only-sign-in = Inicia sesión para verlo.
event-breadcrumb-events = Eventos
badge-members-only = Solo miembros
badge-cross-listed = Publicado desde otro calendario
event-ended = Este evento ha terminado.
event-address-hidden = Dirección compartida con los asistentes inscritos en lu.ma
event-add-to-calendar = Añadir al calendario
event-more-from = Más de { $name }
event-all-events = Todos los eventos
event-times-in-my-zone = Mostrar las horas en mi zona horaria

## Registering

event-register = Inscribirse

## The account's language

account-language-heading = Idioma
account-language-browser = El idioma de tu navegador
account-language-hint = Las páginas de Convene se muestran en este idioma en todos los dispositivos donde inicies sesión.
account-language-save = Guardar idioma
language-saved = Tu idioma se ha guardado.

## The dashboard's range

range-this-week = Esta semana
range-next-30-days = Próximos 30 días
range-next-90-days = Próximos 90 días
range-from-to = { $first } – { $last }
range-with-place = { $range }, { $place }
near-label = cerca de { $city } ({ $km } km)
near-label-or-online = cerca de { $city } ({ $km } km) o en línea

## The month

month-loading = Cargando el mes…
month-previous = ← Mes anterior
month-next = Mes siguiente →
month-none = Ningún evento de este mes coincide con estos filtros.
month-events =
    { $count ->
        [one] 1 evento este mes.
       *[other] { $count } eventos este mes.
    }
month-first-events = Los primeros { $count } eventos de este mes: tiene más de los que caben en una cuadrícula; ajusta los filtros para ver el resto.
month-events-where = Eventos { $place }.
month-more = { $count } más
month-badge-members = Miembros
month-all-day = Todo el día

## The map

map-loading = Cargando el mapa…
map-none = Ningún evento presencial coincide con estos filtros.
map-pinned =
    { $count ->
        [one] 1 evento en el mapa.
       *[other] { $count } eventos en el mapa.
    }
map-pinned-and-cities = { $count } en el mapa, { $cities } más con ciudad pero sin lugar que marcar.
map-truncated = Coinciden más eventos de los que muestra un mapa: acota las fechas o el lugar.
map-unpinned-heading = Presenciales, sin lugar que marcar
map-heading = Mapa
map-region-label = Mapa de los eventos (la lista de al lado tiene los mismos)
map-fallback = El mapa se dibuja con JavaScript; la lista contiene todos sus eventos.
map-list-label = Eventos en el mapa
map-show = Ver en el mapa

## Trips

trip-heading = Mientras estás en { $city }
trip-none-near = No hay ningún evento público de la red previsto cerca de allí durante tu viaje.
trip-city-unknown = Ningún evento de la red menciona todavía esta ciudad.
trip-yours = Tus viajes

## The dashboard

dashboard-preview-title = Próximos eventos
dashboard-preview-description = Los próximos eventos de todas las organizaciones de la red.
dashboard-lede = Los próximos eventos de todas las organizaciones, primero los tuyos.
dashboard-loading = Cargando eventos…
dashboard-sign-in-why = para ver primero los eventos de tus organizaciones, o
dashboard-create-account = crea una cuenta
layout-label = Vista
layout-by-organization = Por organización
layout-by-day = Por día
layout-month = Mes
layout-map = Mapa
filters-heading = Filtros
filters-search = Buscar
filters-search-placeholder = Título o lugar
filters-near = Cerca de
filters-near-placeholder = Ciudad
filters-km = Radio (km)
filters-online-too = También eventos en línea
filters-apply = Aplicar
filters-clear = Borrar

## Organizations and missing pages

not-found-title = Página no encontrada
not-found-why = No hay nada en esta dirección. Puede que se haya movido o que el enlace tenga un error.
not-found-browse = Ver las organizaciones
directory-lede = Los grupos locales de nuestra comunidad y los eventos que publican en lu.ma.
directory-loading = Cargando organizaciones…
directory-filter-label = Filtrar organizaciones
directory-filter-placeholder = Nombre o descripción
directory-filter = Filtrar
directory-empty = Aún no hay organizaciones. Un administrador del sitio puede añadir la primera.
directory-members =
    { $count ->
        [one] 1 miembro
       *[other] { $count } miembros
    }
directory-count =
    { $count ->
        [one] 1 organización
       *[other] { $count } organizaciones
    }
directory-none-match = Ninguna organización coincide con «{ $filter }»
directory-showing = Mostrando { $shown } de { $count } organizaciones que coinciden con «{ $filter }»
directory-create-heading = Crear una organización
directory-create-lede = Te conviertes en su primer administrador.
directory-create-name = Nombre
directory-create-slug = Dirección (slug)
directory-create-slug-hint = De 2 a 64 caracteres: a-z, 0-9 y guiones. Aparece en los enlaces: /orgs/tu-slug
directory-create-description = Descripción
directory-create-submit = Crear organización

## An organization's page

org-loading = Cargando…
org-follow = Seguir
org-join-by-invitation = Se entra como miembro por invitación: pide un enlace a sus administradores.
org-join-at-once = Unirse como miembro
org-request-to-join = Solicitar unirse
org-sign-in-to-follow = para seguir o unirte a { $name }.
org-follow-why = Síguela para ver sus eventos en tu panel; los miembros también ven sus eventos solo para miembros.
org-you-follow = Sigues sus eventos públicos.
org-unfollow = Dejar de seguir
org-request-waits = Tu solicitud espera la respuesta de los administradores; te escribiremos.
org-withdraw = Retirar y salir
org-you-are-admin = Eres administrador de esta organización.
org-you-are-member = Eres miembro.
org-leave = Salir
org-preview-description = { $name } en Convene: sus eventos y miembros.
org-see-events = Ver eventos
org-about = Acerca de
org-no-description = Aún no hay descripción.
org-membership = Membresía
org-embed-heading = En tu propio sitio
org-embed-how = Pega esto donde deban aparecer los próximos eventos de { $name } en tu sitio. La lista se actualiza sola y ajusta su altura; sus enlaces abren Convene o lu.ma en una pestaña nueva.
org-embed-options = Para elegir, añade a su dirección:
org-embed-code = Código del widget para pegar
org-embed-preview = Vista previa del widget
org-admin-links = Administración de la organización
org-manage-members = Gestionar miembros
org-luma-settings = Ajustes de lu.ma
org-topics = Temas
org-insights = Estadísticas

## Mailed links

sent-title = Revisa tu correo
signup-sent-lede = Enviamos un mensaje a la dirección que diste. Sigue su enlace para confirmar tu dirección y elegir tu contraseña.
signup-sent-nothing = ¿No llegó nada tras unos minutos? Mira en la carpeta de spam, o
signup-sent-again = regístrate de nuevo
signup-sent-fresh-link = con la misma dirección para recibir un enlace nuevo. ¿Ya confirmaste?
forgot-lede = Te enviaremos un enlace para elegir una nueva.
forgot-submit = Envíame un enlace
forgot-remembered = ¿Lo recordaste?
forgot-sent-lede = Si alguna cuenta usa esa dirección, va de camino un enlace para elegir una contraseña nueva. Funciona una vez, durante una hora.
forgot-sent-nothing = ¿No llegó nada? Mira en la carpeta de spam, o
forgot-sent-ask-again = vuelve a pedirlo
forgot-sent-in-minutes = dentro de unos minutos.
link-spent = Este enlace ha caducado o ya se usó.
reset-title = Elige una contraseña nueva
reset-new-password = Contraseña nueva
reset-password-hint = Al menos 8 caracteres. Se cerrará tu sesión en todos los demás sitios.
reset-submit = Guardar contraseña e iniciar sesión
reset-new-link = Envíame un enlace nuevo
confirm-title = Confirma tu correo electrónico
confirm-choose-password = Elige una contraseña
confirm-password-hint = Al menos 8 caracteres.
confirm-submit = Confirmar e iniciar sesión
confirm-sign-up-again = Registrarse de nuevo
