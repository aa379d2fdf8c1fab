# Os textos do Convene em português (os mesmos ids que ../en/convene.ftl).

## Dates and times

time-date-clock-zone = { $date }, { $clock } { $zone }
time-span = { $start } – { $end }
time-all-day = todo o dia
time-all-day-on = { $date }, todo o dia
time-all-day-from-to = { $first } – { $last }, todo o dia
time-just-now = agora mesmo
time-minutes-ago = { $count ->
    [one] há 1 minuto
   *[other] há { $count } minutos
}
time-hours-ago = { $count ->
    [one] há 1 hora
   *[other] há { $count } horas
}
time-days-ago = { $count ->
    [one] há 1 dia
   *[other] há { $count } dias
}
time-in-minutes = { $count ->
    [one] daqui a 1 minuto
   *[other] daqui a { $count } minutos
}
time-in-hours = { $count ->
    [one] daqui a 1 hora
   *[other] daqui a { $count } horas
}
time-in-days = { $count ->
    [one] daqui a 1 dia
   *[other] daqui a { $count } dias
}
time-happening-now = a decorrer
time-today = hoje
time-tomorrow = amanhã
time-day-today = Hoje
time-day-tomorrow = Amanhã

## The frame of every page

nav-skip = Saltar para o conteúdo
nav-label = Principal
nav-dashboard = Painel
nav-organizations = Organizações
nav-mail = Correio
nav-sign-in = Entrar
nav-sign-up = Registar-se
nav-sign-out = Sair
footer-about = O Convene reúne os eventos que as suas organizações publicam no lu.ma.
language-label = Idioma
language-change = Mudar de idioma
language-unknown = O Convene ainda não fala essa língua: escolha uma da lista.

## Signing up and in

field-email = E-mail
field-display-name = Nome a mostrar
field-password = Palavra-passe
signup-title = Registo
signup-heading = Crie a sua conta
signup-lede = Junte-se às suas organizações e veja todos os eventos delas num só lugar.
signup-hint = Vamos enviar-lhe uma ligação: siga-a para confirmar o seu endereço e escolher a sua palavra-passe.
signup-submit = Criar conta
signup-have-account = Já tem conta?
signin-title = Entrar
signin-forgot = Esqueceu-se da palavra-passe?
signin-just-signed-up = Acabou de se registar? Siga primeiro a ligação que lhe enviámos: é lá que escolhe a palavra-passe.
signin-new-here = É novo por aqui?
signin-create-account = Criar uma conta

## Places

place-online = Online
place-to-be-announced = Local a anunciar

## An event's page

event-loading = A carregar o evento…
event-not-found = Evento não encontrado
event-not-found-why = Não há nenhum evento neste endereço. Pode ter sido cancelado ou tornado privado no lu.ma.
event-see-upcoming = Ver os próximos eventos
event-members-only-title = Evento só para membros
event-members-only-of = Este evento é para membros de
event-members-only-join = Junte-se à organização para o ver.
event-members-only-sign-in = Entre para o ver.
event-breadcrumb-events = Eventos
badge-members-only = Só membros
badge-cross-listed = Listado a partir de outro calendário
event-ended = Este evento já terminou.
event-address-hidden = Morada partilhada com os convidados inscritos no lu.ma
event-add-to-calendar = Adicionar ao calendário
event-more-from = Mais de { $name }
event-all-events = Todos os eventos
event-times-in-my-zone = Mostrar as horas no meu fuso horário

## Registering

event-register = Inscrever-se

## The account's language

account-language-heading = Idioma
account-language-browser = O idioma do seu navegador
account-language-hint = As páginas do Convene são mostradas neste idioma em todos os dispositivos onde entrar.
account-language-save = Guardar idioma
language-saved = O seu idioma foi guardado.

## The dashboard's range

range-this-week = Esta semana
range-next-30-days = Próximos 30 dias
range-next-90-days = Próximos 90 dias
range-from-to = { $first } – { $last }
range-with-place = { $range }, { $place }
near-label = perto de { $city } ({ $km } km)
near-label-or-online = perto de { $city } ({ $km } km) ou online

## The month

month-loading = A carregar o mês…
month-previous = ← Mês anterior
month-next = Mês seguinte →
month-none = Nenhum evento deste mês corresponde a estes filtros.
month-events =
    { $count ->
        [one] 1 evento este mês.
       *[other] { $count } eventos este mês.
    }
month-first-events = Os primeiros { $count } eventos deste mês: tem mais do que uma grelha mostra; restrinja os filtros para ver o resto.
month-events-where = Eventos { $place }.
month-more = mais { $count }
month-badge-members = Membros
month-all-day = Todo o dia

## The map

map-loading = A carregar o mapa…
map-none = Nenhum evento presencial corresponde a estes filtros.
map-pinned =
    { $count ->
        [one] 1 evento no mapa.
       *[other] { $count } eventos no mapa.
    }
map-pinned-and-cities = { $count } no mapa, mais { $cities } com cidade mas sem local para marcar.
map-truncated = Correspondem mais eventos do que um mapa mostra: restrinja as datas ou o local.
map-unpinned-heading = Presenciais, sem local para marcar
map-heading = Mapa
map-region-label = Mapa dos eventos (a lista ao lado tem os mesmos)
map-fallback = O mapa é desenhado com JavaScript; a lista tem todos os eventos dele.
map-list-label = Eventos no mapa
map-show = Ver no mapa

## Trips

trip-heading = Enquanto está em { $city }
trip-none-near = Não há nenhum evento público da rede previsto perto dali durante a sua viagem.
trip-city-unknown = Nenhum evento da rede menciona ainda esta cidade.
trip-yours = As suas viagens

## The dashboard

dashboard-preview-title = Próximos eventos
dashboard-preview-description = Os próximos eventos de todas as organizações da rede.
dashboard-lede = Os próximos eventos de todas as organizações, os seus primeiro.
dashboard-loading = A carregar eventos…
dashboard-sign-in-why = para ver primeiro os eventos das suas organizações, ou
dashboard-create-account = crie uma conta
layout-label = Vista
layout-by-organization = Por organização
layout-by-day = Por dia
layout-month = Mês
layout-map = Mapa
filters-heading = Filtros
filters-search = Pesquisar
filters-search-placeholder = Título ou local
filters-near = Perto de
filters-near-placeholder = Cidade
filters-km = Raio (km)
filters-online-too = Também eventos online
filters-apply = Aplicar
filters-clear = Limpar

## Organizations and missing pages

not-found-title = Página não encontrada
not-found-why = Não há nada neste endereço. Pode ter mudado, ou a ligação pode ter um erro.
not-found-browse = Ver as organizações
directory-lede = Os grupos locais da nossa comunidade e os eventos que publicam no lu.ma.
directory-loading = A carregar organizações…
directory-filter-label = Filtrar organizações
directory-filter-placeholder = Nome ou descrição
directory-filter = Filtrar
directory-empty = Ainda não há organizações. Um administrador do site pode adicionar a primeira.
directory-members =
    { $count ->
        [one] { $count } membro
       *[other] { $count } membros
    }
directory-count =
    { $count ->
        [one] { $count } organização
       *[other] { $count } organizações
    }
directory-none-match = Nenhuma organização corresponde a «{ $filter }»
directory-showing = A mostrar { $shown } de { $count } organizações que correspondem a «{ $filter }»
directory-create-heading = Criar uma organização
directory-create-lede = Torna-se o primeiro administrador.
directory-create-name = Nome
directory-create-slug = Endereço (slug)
directory-create-slug-hint = De 2 a 64 caracteres: a-z, 0-9 e hífenes. Aparece nas ligações: /orgs/o-seu-slug
directory-create-description = Descrição
directory-create-submit = Criar organização

## An organization's page

org-loading = A carregar…
org-follow = Seguir
org-join-by-invitation = Entra-se como membro por convite: peça uma ligação aos administradores.
org-join-at-once = Aderir como membro
org-request-to-join = Pedir para aderir
org-sign-in-to-follow = para seguir ou aderir a { $name }.
org-follow-why = Siga-a para ver os eventos dela no seu painel; os membros também veem os eventos só para membros.
org-you-follow = Segue os eventos públicos dela.
org-unfollow = Deixar de seguir
org-request-waits = O seu pedido aguarda a resposta dos administradores; vamos enviar-lhe um e-mail.
org-withdraw = Retirar e sair
org-you-are-admin = É administrador desta organização.
org-you-are-member = É membro.
org-leave = Sair
org-preview-description = { $name } no Convene: eventos e membros.
org-see-events = Ver eventos
org-about = Sobre
org-no-description = Ainda sem descrição.
org-membership = Adesão
org-embed-heading = No seu próprio site
org-embed-how = Cole isto onde os próximos eventos de { $name } devem aparecer no seu site. A lista atualiza-se sozinha e ajusta a altura; as ligações abrem o Convene ou o lu.ma num novo separador.
org-embed-options = Para escolher, acrescente ao endereço:
org-embed-code = Código do widget para colar
org-embed-preview = Pré-visualizar o widget
org-admin-links = Administração da organização
org-manage-members = Gerir membros
org-luma-settings = Definições do lu.ma
org-topics = Temas
org-insights = Estatísticas

## Mailed links

sent-title = Verifique o seu e-mail
signup-sent-lede = Enviámos uma mensagem para o endereço indicado. Siga a ligação para confirmar o endereço e escolher a palavra-passe.
signup-sent-nothing = Nada chegou após alguns minutos? Veja na pasta de spam, ou
signup-sent-again = registe-se de novo
signup-sent-fresh-link = com o mesmo endereço para receber uma nova ligação. Já confirmou?
forgot-lede = Vamos enviar-lhe uma ligação para definir uma nova.
forgot-submit = Enviar-me uma ligação
forgot-remembered = Lembrou-se?
forgot-sent-lede = Se alguma conta usar esse endereço, está a caminho uma ligação para definir uma nova palavra-passe. Funciona uma vez, durante uma hora.
forgot-sent-nothing = Nada chegou? Veja na pasta de spam, ou
forgot-sent-ask-again = peça de novo
forgot-sent-in-minutes = daqui a alguns minutos.
link-spent = Esta ligação expirou ou já foi usada.
reset-title = Definir uma nova palavra-passe
reset-new-password = Nova palavra-passe
reset-password-hint = Pelo menos 8 caracteres. A sessão será terminada em todos os outros sítios.
reset-submit = Definir palavra-passe e entrar
reset-new-link = Enviar-me uma nova ligação
confirm-title = Confirme o seu endereço de e-mail
confirm-choose-password = Escolha uma palavra-passe
confirm-password-hint = Pelo menos 8 caracteres.
confirm-submit = Confirmar e entrar
confirm-sign-up-again = Registar-se de novo
