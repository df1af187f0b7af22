# Answerdesk, uporabniški vmesnik za stranke: slovenščina (Slovenian).

## Postavitev

skip-to-content = Preskoči na vsebino
site-navigation = Spletno mesto
help-centre = Center za pomoč
contact-support = Stik s podporo
footer-question = Ne najdete, kar iščete?
footer-contact = Obrnite se na podporo in odgovorili vam bomo.
powered-by = { $site } · poganja Answerdesk
language-switcher = Jezik

## Iskalno polje in seznami

search-label = Iskanje po centru za pomoč
search-placeholder = Opišite težavo, npr. „Ne morem se prijaviti“
search-in-category-label = Iskanje v rubriki »{ $category }«
search-in-category-placeholder = Iskanje v rubriki »{ $category }«
category-sections = Razdelki
category-other-articles = Drugi članki
search-button = Išči
breadcrumb = Drobtinice
no-articles-yet = Člankov še ni.
article-count =
    { $count ->
        [one] { $count } članek
        [two] { $count } članka
        [few] { $count } članki
       *[other] { $count } člankov
    }

## Domača stran

home-title = Kako vam lahko pomagamo?
home-lead = Preiščite naše članke ali jih spodaj prebrskajte po temah.
browse-by-topic = Brskanje po temah
no-articles-in-language = V tem jeziku še ni člankov.
popular-articles = Priljubljeni članki
recently-updated = Nedavno posodobljeno
still-stuck = Še vedno potrebujete pomoč?
still-stuck-text = Povejte nam, kaj se dogaja. Med tipkanjem vam bomo predlagali odgovore, če noben ne ustreza, pa se vam bo oglasila naša ekipa.

## Članek

article-updated = Posodobljeno
other-languages = Ta članek v drugih jezikih
also-in = Na voljo tudi v:
not-translated = Ta članek še ni na voljo v jeziku: { $language }. Prikazan je v jeziku: { $original }.
request-banner = Vaša zahteva za podporo
request-banner-text = Ta članek ste odprli iz svoje zahteve za podporo. Ali je rešil vašo težavo?
solved-button = Da, to je rešilo mojo težavo
back-to-request = Ne, nazaj na mojo zahtevo
feedback-thanks = Hvala za povratne informacije!
feedback-question = Ali ste dobili odgovor na svoje vprašanje?
on-this-page = Na tej strani
missing-title = Žal to ni pomagalo. Kaj je manjkalo?
missing-label = Kaj ste iskali? (neobvezno)
missing-hint = Vaše sporočilo prejmejo avtorji člankov. Prosimo, ne navajajte osebnih podatkov.
missing-send = Pošlji sporočilo
answer-yes = Da
answer-no = Ne
related-articles = Sorodni članki
no-related-articles = Ni sorodnih člankov.
didnt-find-answer = Niste našli odgovora?

## Rezultati iskanja

search-title = Iskanje
search-title-query = Iskanje: { $query }
results-for = Rezultati za „{ $query }“
topic = Tema
all-topics = Vse teme
filter-button = Filtriraj
results-none = Vašemu iskanju ne ustreza noben članek.
results-count =
    { $total ->
        [1] Najden je { $total } članek.
        [one] Prikaz { $first }–{ $last } od { $total } članka.
        [two] Prikaz { $first }–{ $last } od { $total } člankov.
        [few] Prikaz { $first }–{ $last } od { $total } člankov.
       *[other] Prikaz { $first }–{ $last } od { $total } člankov.
    }
result-pages = Strani z rezultati
page-previous = Prejšnja
page-next = Naslednja
no-results-hint = Poskusite z manj ali drugačnimi besedami ali preverite črkovanje.
send-question = Pošljite nam svoje vprašanje in odgovorili vam bomo.

## Napake

error-not-found-title = Te strani nismo našli
error-not-found-text = Povezava je morda zastarela ali pa je bil članek premaknjen. Poskusite raje z iskanjem:
back-to-help-centre = Nazaj na center za pomoč
error-title-400 = Zahteve ni bilo mogoče prebrati
error-title-403 = Ni dovoljeno
error-title-404 = Strani ni mogoče najti
error-title-409 = Medtem spremenjeno
error-title-413 = Preveliko
error-title-422 = Preverite vnesene podatke
error-title-429 = Preveč zahtev
error-title-500 = Prišlo je do napake
error-title-503 = Začasno ni na voljo
error-title-other = Prišlo je do napake
error-internal = Na naši strani je prišlo do napake.
error-expired-form = Ta obrazec je potekel. Vrnite se, znova naložite stran in poskusite še enkrat.

## Obrazec za zahtevo

request-lead = Povejte nam, kaj se dogaja. Med tipkanjem vam bomo prikazovali članke, ki morda že vsebujejo odgovor.
request-check-fields = Preverite označena polja. Vse, kar ste vnesli, je ohranjeno.
field-name = Vaše ime
field-optional = (neobvezno)
field-email = E-poštni naslov
field-topic = Tema
choose-topic = Izberite temo
field-subject = Zadeva
field-description = Kako vam lahko pomagamo?
send-request = Pošlji zahtevo
suggestions-title = Članki, ki vam lahko pomagajo
suggestions-hint = Začnite vnašati vprašanje in tukaj vam bomo predlagali odgovore.
notice-form-expired = Zaradi vaše varnosti je ta obrazec potekel. Vaše besedilo je ohranjeno spodaj: pošljite ga znova.
notice-rate-limited = V kratkem času ste poslali več zahtev. Vaše besedilo je shranjeno spodaj: poskusite znova čez nekaj minut.
notice-draft-too-long = Nekatera polja so daljša, kot jih zahteva lahko vsebuje, zato ta različica ni bila shranjena. Prosimo, skrajšajte jih.
notice-draft-resumed = Tukaj je zahteva, ki ste jo začeli in je še niste poslali, takšna, kot ste jo pustili.
draft-resumed-start-over = Začni novo zahtevo
notice-draft-rate-limited = Z tega naslova se zahteva shranjuje zelo pogosto. Vaše besedilo ostane v obrazcu: shranjevanje se bo nadaljevalo čez nekaj minut.
error-email-missing = Vnesite svoj e-poštni naslov, da vam bomo lahko odgovorili.
error-email-invalid = To ni videti kot e-poštni naslov. Preverite ga.
error-subject-missing = Dodajte kratko zadevo.
error-subject-too-long = Zadeva naj ima manj kot 200 znakov.
error-description-missing = Opišite težavo.
error-description-too-long = Opis naj ima manj kot 20.000 znakov (dolge dnevniške zapise priložite drugje).
error-name-too-long = Ime naj ima manj kot 200 znakov.
error-category-unknown = Neznana kategorija.

## Pregled pred pošiljanjem in predlogi odgovorov

review-page-title = Preden pošljete
review-title = Ti članki morda odgovarjajo na vaše vprašanje
review-lead = Preden vašo zahtevo posredujemo naši ekipi, si oglejte te članke: odgovor je morda že tukaj.
submit-anyway = Ne, pošlji mojo zahtevo
edit-request = Uredi mojo zahtevo
solved-page-title = Veseli nas, da smo lahko pomagali
solved-title = Odlično, veseli nas, da je pomagalo!
solved-article = Veseli nas, da ste v članku „{ $title }“ našli odgovor na svoje vprašanje.
solved-generic = Veseli nas, da ste našli odgovor.
solved-nothing-more = Vaša zahteva ni bila poslana, zato vam ni treba storiti ničesar več.

## Sprotni predlogi (skript)

suggest-list-label = Predlagani članki
suggest-none = Ni predlogov.
suggest-available =
    { $count ->
        [one] Na voljo je { $count } predlog. Izbirate lahko s puščičnimi tipkami.
        [two] Na voljo sta { $count } predloga. Izbirate lahko s puščičnimi tipkami.
        [few] Na voljo so { $count } predlogi. Izbirate lahko s puščičnimi tipkami.
       *[other] Na voljo je { $count } predlogov. Izbirate lahko s puščičnimi tipkami.
    }
suggest-panel-empty = Ustreznih člankov še ni. Nadaljujte s tipkanjem ali pošljite zahtevo.

## Stran s stanjem zahteve

ticket-page-title = Zahteva { $reference }
ticket-request = Zahteva
ticket-sent = poslano { $date }
ticket-status = Stanje
ticket-priority = Prioriteta
status-new = Nova
status-open = Odprta
status-answered = Odgovorjena
status-postponed = Preložena
status-resolved = Rešena
status-closed = Zaprta
priority-low = Nizka
priority-medium = Srednja
priority-high = Visoka
priority-urgent = Nujna
private-link = Ta stran je zasebna: prebere jo lahko vsak, ki ima njeno povezavo. Vaša povezava:
conversation = Pogovor
add-reply = Dodajte odgovor
send-reply = Pošlji odgovor
reply-not-sent = Vaš odgovor ni bil poslan. Tukaj je, da ga lahko kopirate v novo zahtevo:
request-closed = Ta zahteva je zaprta.
start-new-request = Če še potrebujete pomoč, oddajte novo zahtevo.
follow-up-to = Nadaljevanje zahteve { $reference }
rating-title = Kako smo se odrezali?
rating-comment = Komentar
rating-good = Dobro
rating-bad = Slabo
rated =
    { $rating ->
        [good] Našo podporo ste ocenili kot dobro. Hvala.
       *[bad] Našo podporo ste ocenili kot slabo. Hvala.
    }
notice-filed = Vaša zahteva je bila poslana. Shranite to zasebno povezavo, da jo boste lahko spremljali; poslali smo vam jo tudi po e-pošti.
request-sent-title = Ta zahteva je že bila poslana
request-sent-text = Zasebno povezavo za spremljanje smo vam poslali po e-pošti. Če potrebujete pomoč pri čem drugem, oddajte novo zahtevo.
request-sent-new = Oddaj novo zahtevo
notice-replied = Vaš odgovor je bil dodan.
notice-rated = Hvala, ker ste ocenili našo podporo.

## Datumi

date-long = { $day }. { $month } { $year }
month-1 = januar
month-2 = februar
month-3 = marec
month-4 = april
month-5 = maj
month-6 = junij
month-7 = julij
month-8 = avgust
month-9 = september
month-10 = oktober
month-11 = november
month-12 = december

## Help centre in a language with fewer articles
more-in-english = Več člankov v angleščini
more-in-english-text = Te teme še niso v celoti prevedene; prevedeni članki se odprejo v slovenščini.

## Error pages for customers
error-text-400 = Zahteve nismo mogli razumeti. Vrnite se in poskusite znova.
error-text-403 = Ta stran vam ni na voljo. Če ste izpolnjevali obrazec, znova naložite stran in poskusite še enkrat.
error-text-404 = Povezava je morda zastarela ali pa je bil članek premaknjen.
error-text-409 = Medtem je nekdo vnesel spremembe. Znova naložite stran.
error-text-413 = Poslana vsebina je prevelika. Skrajšajte jo in poskusite znova.
error-text-422 = Preverite, kaj ste vnesli, in poskusite znova.
error-text-429 = V kratkem času ste poslali preveč zahtev. Počakajte nekaj minut in poskusite znova.
error-text-500 = Na naši strani je prišlo do napake. Poskusite znova čez trenutek.
error-text-503 = Storitev je za kratek čas nedosegljiva. Poskusite znova čez nekaj minut.
error-text-other = Nekaj je šlo narobe. Poskusite znova.

## Replies on the status page
error-reply-empty = Najprej napišite odgovor.
error-reply-too-long = Odgovor naj bo krajši od 20.000 znakov.
error-request-closed = Ta zahteva je zaprta. Odprite novo zahtevo; v njej lahko navedete številko te zahteve.
error-not-resolved-yet = Podporo lahko ocenite, ko bo vaša zahteva rešena.

## A moment: a date and a time of day (UTC)
date-time = { $date } ob { $time }

## Finding one's requests again (the private links, by email)
find-requests-title = Poiščite svoje zahteve
find-requests-intro = Ste izgubili povezavo do zahteve? Vnesite e-poštni naslov, ki ste ga uporabili, in poslali vam bomo povezave do vaših odprtih zahtev.
find-requests-send = Pošljite mi povezave
find-requests-sent-title = Preverite e-pošto
find-requests-sent = Če ima { $email } pri nas odprte zahteve, je sporočilo s povezavami na poti. To lahko traja nekaj minut; poglejte tudi v mapo z neželeno pošto.
find-requests-new = Nekaj novega?
find-requests-link = Ste izgubili povezavo do svoje zahteve?
