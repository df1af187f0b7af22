# Answerdesk klientų sąsaja: lietuvių kalba (Lithuanian).

## Maketas

skip-to-content = Pereiti prie turinio
site-navigation = Svetainė
help-centre = Pagalbos centras
contact-support = Susisiekti su pagalbos tarnyba
footer-question = Neradote, ko ieškojote?
footer-contact = Susisiekite su pagalbos tarnyba ir mes jums atsakysime.
powered-by = { $site } · veikia „Answerdesk“ pagrindu
language-switcher = Kalba

## Paieškos laukas ir sąrašai

search-label = Ieškoti pagalbos centre
search-placeholder = Apibūdinkite problemą, pvz., „Nepavyksta prisijungti“
search-in-category-label = Ieškoti skiltyje „{ $category }“
search-in-category-placeholder = Ieškoti skiltyje „{ $category }“
category-sections = Skyriai
category-other-articles = Kiti straipsniai
search-button = Ieškoti
breadcrumb = Naršymo kelias
no-articles-yet = Straipsnių dar nėra.
article-count =
    { $count ->
        [one] { $count } straipsnis
        [few] { $count } straipsniai
        [many] { $count } straipsnio
       *[other] { $count } straipsnių
    }

## Pradžia

home-title = Kuo galime padėti?
home-lead = Ieškokite straipsnių arba peržiūrėkite toliau pateiktas temas.
browse-by-topic = Naršyti pagal temą
no-articles-in-language = Šia kalba straipsnių dar nėra.
popular-articles = Populiarūs straipsniai
recently-updated = Neseniai atnaujinti
still-stuck = Vis dar reikia pagalbos?
still-stuck-text = Papasakokite, kas nutiko. Kol rašysite, pasiūlysime atsakymų, o jei nė vienas netiks, mūsų komanda su jumis susisieks.

## Straipsnis

article-updated = Atnaujinta
other-languages = Šis straipsnis kitomis kalbomis
also-in = Taip pat:
not-translated = Šis straipsnis dar neišverstas į šią kalbą: { $language }. Čia jis pateikiamas šia kalba: { $original }.
request-banner = Jūsų pagalbos užklausa
request-banner-text = Šį straipsnį atidarėte iš savo pagalbos užklausos. Ar jis išsprendė jūsų problemą?
solved-button = Taip, problema išspręsta
back-to-request = Ne, grįžti į užklausą
feedback-thanks = Dėkojame už atsiliepimą!
feedback-question = Ar tai atsakė į jūsų klausimą?
on-this-page = Šiame puslapyje
missing-title = Gaila, kad tai nepadėjo. Ko trūko?
missing-label = Ko ieškojote? (neprivaloma)
missing-hint = Jūsų pastabą gaus straipsnių autoriai. Prašome nenurodyti asmens duomenų.
missing-send = Siųsti pastabą
answer-yes = Taip
answer-no = Ne
related-articles = Susiję straipsniai
no-related-articles = Susijusių straipsnių nėra.
didnt-find-answer = Neradote atsakymo?

## Paieškos rezultatai

search-title = Paieška
search-title-query = Paieška: { $query }
results-for = Paieškos rezultatai: „{ $query }“
topic = Tema
all-topics = Visos temos
filter-button = Filtruoti
results-none = Pagal jūsų paiešką straipsnių nerasta.
results-count =
    { $total ->
        [1] Rastas { $total } straipsnis.
        [one] Rodoma { $first }–{ $last } iš { $total } straipsnio.
        [few] Rodoma { $first }–{ $last } iš { $total } straipsnių.
        [many] Rodoma { $first }–{ $last } iš { $total } straipsnio.
       *[other] Rodoma { $first }–{ $last } iš { $total } straipsnių.
    }
result-pages = Rezultatų puslapiai
page-previous = Ankstesnis
page-next = Kitas
no-results-hint = Pabandykite įvesti mažiau ar kitų žodžių arba patikrinkite rašybą.
send-question = Atsiųskite mums savo klausimą ir mes jums atsakysime.

## Klaidos

error-not-found-title = Šio puslapio rasti nepavyko
error-not-found-text = Galbūt nuoroda pasenusi arba straipsnis perkeltas. Pabandykite paieškoti:
back-to-help-centre = Grįžti į pagalbos centrą
error-title-400 = Užklausos nepavyko nuskaityti
error-title-403 = Prieiga neleidžiama
error-title-404 = Puslapis nerastas
error-title-409 = Per tą laiką buvo pakeista
error-title-413 = Per daug duomenų
error-title-422 = Patikrinkite, ką įvedėte
error-title-429 = Per daug užklausų
error-title-500 = Įvyko klaida
error-title-503 = Laikinai nepasiekiama
error-title-other = Įvyko klaida
error-internal = Mūsų sistemoje įvyko klaida.
error-expired-form = Šios formos galiojimas baigėsi. Grįžkite atgal, iš naujo įkelkite puslapį ir bandykite dar kartą.

## Užklausos forma

request-lead = Papasakokite, kas nutiko. Kol rašysite, parodysime straipsnius, kuriuose jau gali būti atsakymas.
request-check-fields = Patikrinkite pažymėtus laukus. Viskas, ką įvedėte, išsaugota.
field-name = Jūsų vardas
field-optional = (neprivaloma)
field-email = El. pašto adresas
field-topic = Tema
choose-topic = Pasirinkite temą
field-subject = Antraštė
field-description = Kuo galime padėti?
send-request = Siųsti užklausą
suggestions-title = Straipsniai, kurie gali padėti
suggestions-hint = Pradėkite rašyti klausimą, ir čia pasiūlysime atsakymų.
notice-form-expired = Saugumo sumetimais šios formos galiojimas baigėsi. Jūsų tekstas išsaugotas žemiau – pateikite jį dar kartą.
notice-rate-limited = Per trumpą laiką išsiuntėte kelias užklausas. Jūsų tekstas išsaugotas žemiau – bandykite dar kartą po kelių minučių.
notice-draft-too-long = Kai kurie laukai ilgesni, nei gali būti užklausoje, todėl ši versija neišsaugota. Sutrumpinkite juos.
notice-draft-resumed = Štai jūsų pradėta, bet dar neišsiųsta užklausa – tokia, kokią ją palikote.
draft-resumed-start-over = Pradėti naują užklausą
notice-draft-rate-limited = Iš šio adreso užklausa saugoma labai dažnai. Jūsų tekstas lieka formoje: saugojimas atsinaujins po kelių minučių.
error-email-missing = Įveskite el. pašto adresą, kad galėtume jums atsakyti.
error-email-invalid = Panašu, kad tai ne el. pašto adresas. Patikrinkite jį.
error-subject-missing = Įrašykite trumpą antraštę.
error-subject-too-long = Antraštė turi būti trumpesnė nei 200 simbolių.
error-description-missing = Aprašykite problemą.
error-description-too-long = Aprašymas turi būti trumpesnis nei 20 000 simbolių (ilgus žurnalo failus pateikite kitur).
error-name-too-long = Vardas turi būti trumpesnis nei 200 simbolių.
error-category-unknown = Nežinoma kategorija.

## Peržiūra prieš siunčiant ir atsakymų pasiūlymai

review-page-title = Prieš siunčiant
review-title = Šie straipsniai gali atsakyti į jūsų klausimą
review-lead = Prieš perduodant jūsų užklausą mūsų komandai, peržiūrėkite šiuos straipsnius – galbūt atsakymas jau čia.
submit-anyway = Ne, siųsti užklausą
edit-request = Redaguoti užklausą
solved-page-title = Džiaugiamės, kad galėjome padėti
solved-title = Puiku, džiaugiamės, kad padėjo!
solved-article = Džiaugiamės, kad straipsnis „{ $title }“ atsakė į jūsų klausimą.
solved-generic = Džiaugiamės, kad radote atsakymą.
solved-nothing-more = Jūsų užklausa nebuvo išsiųsta, todėl daugiau nieko daryti nereikia.

## Tiesioginiai pasiūlymai (scenarijus)

suggest-list-label = Siūlomi straipsniai
suggest-none = Pasiūlymų nėra.
suggest-available =
    { $count ->
        [one] Rastas { $count } pasiūlymas. Pasirinkite rodyklių klavišais.
        [few] Rasti { $count } pasiūlymai. Pasirinkite rodyklių klavišais.
        [many] Rasta { $count } pasiūlymo. Pasirinkite rodyklių klavišais.
       *[other] Rasta { $count } pasiūlymų. Pasirinkite rodyklių klavišais.
    }
suggest-panel-empty = Atitinkančių straipsnių kol kas nėra. Rašykite toliau arba išsiųskite užklausą.

## Užklausos būsenos puslapis

ticket-page-title = Užklausa { $reference }
ticket-request = Užklausa
ticket-sent = išsiųsta { $date }
ticket-status = Būsena
ticket-priority = Prioritetas
status-new = Nauja
status-open = Atvira
status-answered = Atsakyta
status-postponed = Atidėta
status-resolved = Išspręsta
status-closed = Uždaryta
priority-low = Žemas
priority-medium = Vidutinis
priority-high = Aukštas
priority-urgent = Skubus
private-link = Šis puslapis privatus: jį gali perskaityti kiekvienas, turintis nuorodą. Jūsų nuoroda:
conversation = Susirašinėjimas
add-reply = Pridėti atsakymą
send-reply = Siųsti atsakymą
reply-not-sent = Jūsų atsakymas nebuvo išsiųstas. Štai jis – galite nukopijuoti jį į naują užklausą:
request-closed = Ši užklausa uždaryta.
start-new-request = Jei vis dar reikia pagalbos, pateikite naują užklausą.
follow-up-to = Užklausos { $reference } tęsinys
rating-title = Kaip mums sekėsi?
rating-comment = Komentaras
rating-good = Gerai
rating-bad = Blogai
rated =
    { $rating ->
        [good] Mūsų pagalbą įvertinote: gerai. Dėkojame.
       *[bad] Mūsų pagalbą įvertinote: blogai. Dėkojame.
    }
notice-filed = Jūsų užklausa išsiųsta. Išsaugokite šią privačią nuorodą, kad galėtumėte stebėti užklausos eigą; ją taip pat išsiuntėme jums el. paštu.
request-sent-title = Ši užklausa jau išsiųsta
request-sent-text = Privačią nuorodą, kuria galite stebėti jos eigą, išsiuntėme jums el. paštu. Jei reikia pagalbos dėl kito klausimo, pateikite naują užklausą.
request-sent-new = Pateikti naują užklausą
notice-replied = Jūsų atsakymas pridėtas.
notice-rated = Dėkojame, kad įvertinote mūsų pagalbą.

## Datos

date-long = { $year } m. { $month } { $day } d.
month-1 = sausio
month-2 = vasario
month-3 = kovo
month-4 = balandžio
month-5 = gegužės
month-6 = birželio
month-7 = liepos
month-8 = rugpjūčio
month-9 = rugsėjo
month-10 = spalio
month-11 = lapkričio
month-12 = gruodžio

## Help centre in a language with fewer articles
more-in-english = Daugiau straipsnių anglų kalba
more-in-english-text = Šios temos dar ne visai išverstos; išversti straipsniai atsidarys lietuviškai.

## Error pages for customers
error-text-400 = Nepavyko suprasti šios užklausos. Grįžkite atgal ir bandykite dar kartą.
error-text-403 = Šis puslapis Jums nepasiekiamas. Jei pildėte formą, įkelkite puslapį iš naujo ir bandykite dar kartą.
error-text-404 = Galbūt nuoroda pasenusi arba straipsnis perkeltas.
error-text-409 = Kažkas tuo metu atliko pakeitimų. Įkelkite puslapį iš naujo.
error-text-413 = Tai, ką siuntėte, per didelis. Sutrumpinkite ir bandykite dar kartą.
error-text-422 = Patikrinkite, ką įvedėte, ir bandykite dar kartą.
error-text-429 = Per trumpą laiką išsiuntėte per daug užklausų. Palaukite kelias minutes ir bandykite dar kartą.
error-text-500 = Mūsų pusėje įvyko klaida. Bandykite dar kartą po akimirkos.
error-text-503 = Paslauga trumpam nepasiekiama. Bandykite dar kartą po kelių minučių.
error-text-other = Kažkas nepavyko. Bandykite dar kartą.

## Replies on the status page
error-reply-empty = Pirmiausia parašykite atsakymą.
error-reply-too-long = Atsakymas turi būti trumpesnis nei 20 000 simbolių.
error-request-closed = Ši užklausa uždaryta. Sukurkite naują užklausą; joje galite nurodyti šios užklausos numerį.
error-not-resolved-yet = Įvertinti pagalbą galėsite, kai užklausa bus išspręsta.

## A moment: a date and a time of day (UTC)
date-time = { $date } { $time }

## Finding one's requests again (the private links, by email)
find-requests-title = Raskite savo užklausas
find-requests-intro = Pametėte nuorodą į užklausą? Įveskite naudotą el. pašto adresą ir atsiųsime nuorodas į jūsų atviras užklausas.
find-requests-send = Atsiųsti man nuorodas
find-requests-sent-title = Patikrinkite el. paštą
find-requests-sent = Jei adresas { $email } turi atvirų užklausų, laiškas su nuorodomis jau keliauja. Tai gali užtrukti kelias minutes; pažiūrėkite ir į šlamšto aplanką.
find-requests-new = Kažkas naujo?
find-requests-link = Pametėte nuorodą į savo užklausą?
