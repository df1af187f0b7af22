# Answerdesk klienta saskarne: latviešu valoda (Latvian).

## Izkārtojums

skip-to-content = Pāriet uz saturu
site-navigation = Vietne
help-centre = Palīdzības centrs
contact-support = Sazināties ar atbalsta dienestu
footer-question = Neatradāt vajadzīgo?
footer-contact = Sazinieties ar atbalsta dienestu, un mēs jums atbildēsim.
powered-by = { $site } · nodrošina Answerdesk
language-switcher = Valoda

## Meklēšanas lodziņš un saraksti

search-label = Meklēt palīdzības centrā
search-placeholder = Aprakstiet savu problēmu, piemēram, „Nevaru pieteikties”
search-in-category-label = Meklēt sadaļā “{ $category }”
search-in-category-placeholder = Meklēt sadaļā “{ $category }”
category-sections = Sadaļas
category-other-articles = Citi raksti
search-button = Meklēt
breadcrumb = Navigācijas ceļš
no-articles-yet = Rakstu vēl nav.
article-count =
    { $count ->
        [zero] { $count } rakstu
        [one] { $count } raksts
       *[other] { $count } raksti
    }

## Sākumlapa

home-title = Kā varam jums palīdzēt?
home-lead = Meklējiet mūsu rakstos vai pārlūkojiet tēmas zemāk.
browse-by-topic = Pārlūkot pēc tēmas
no-articles-in-language = Šajā valodā rakstu vēl nav.
popular-articles = Populārākie raksti
recently-updated = Nesen atjaunināti
still-stuck = Joprojām nepieciešama palīdzība?
still-stuck-text = Pastāstiet, kas noticis. Rakstīšanas laikā mēs ieteiksim atbildes, un, ja neviena nederēs, mūsu komanda ar jums sazināsies.

## Raksts

article-updated = Atjaunināts
other-languages = Šis raksts citās valodās
also-in = Pieejams arī:
not-translated = Šis raksts vēl nav pieejams šajā valodā: { $language }. Šeit tas ir valodā: { $original }.
request-banner = Jūsu atbalsta pieprasījums
request-banner-text = Jūs atvērāt šo rakstu no sava atbalsta pieprasījuma. Vai tas atrisināja jūsu problēmu?
solved-button = Jā, tas atrisināja manu problēmu
back-to-request = Nē, atgriezties pie pieprasījuma
feedback-thanks = Paldies par atsauksmi!
feedback-question = Vai tas atbildēja uz jūsu jautājumu?
on-this-page = Šajā lapā
missing-title = Žēl, ka tas nepalīdzēja. Kā pietrūka?
missing-label = Ko jūs meklējāt? (nav obligāti)
missing-hint = Jūsu piezīmi saņems rakstu autori. Lūdzu, nenorādiet personas datus.
missing-send = Nosūtīt piezīmi
answer-yes = Jā
answer-no = Nē
related-articles = Saistītie raksti
no-related-articles = Saistītu rakstu nav.
didnt-find-answer = Neatradāt atbildi?

## Meklēšanas rezultāti

search-title = Meklēšana
search-title-query = Meklēšana: { $query }
results-for = Rezultāti vaicājumam „{ $query }”
topic = Tēma
all-topics = Visas tēmas
filter-button = Filtrēt
results-none = Jūsu meklējumam neatbilst neviens raksts.
results-count =
    { $total ->
        [zero] Rāda { $first }–{ $last } no { $total } rakstiem.
        [1] Atrasts { $total } raksts.
        [one] Rāda { $first }–{ $last } no { $total } rakstiem.
       *[other] Rāda { $first }–{ $last } no { $total } rakstiem.
    }
result-pages = Rezultātu lapas
page-previous = Iepriekšējā
page-next = Nākamā
no-results-hint = Mēģiniet izmantot mazāk vai citus vārdus vai pārbaudiet pareizrakstību.
send-question = Nosūtiet mums savu jautājumu, un mēs jums atbildēsim.

## Kļūdas

error-not-found-title = Mēs nevarējām atrast šo lapu
error-not-found-text = Iespējams, saite ir novecojusi vai raksts ir pārvietots. Pamēģiniet meklēt:
back-to-help-centre = Atpakaļ uz palīdzības centru
error-title-400 = Pieprasījumu nevarēja nolasīt
error-title-403 = Nav atļauts
error-title-404 = Lapa nav atrasta
error-title-409 = Pa to laiku ir veiktas izmaiņas
error-title-413 = Pārāk liels apjoms
error-title-422 = Lūdzu, pārbaudiet ievadīto
error-title-429 = Pārāk daudz pieprasījumu
error-title-500 = Radās kļūda
error-title-503 = Īslaicīgi nav pieejams
error-title-other = Radās kļūda
error-internal = Mūsu pusē radās kļūda.
error-expired-form = Šīs veidlapas derīguma termiņš ir beidzies. Lūdzu, atgriezieties, pārlādējiet lapu un mēģiniet vēlreiz.

## Pieprasījuma veidlapa

request-lead = Pastāstiet, kas noticis. Kamēr rakstāt, mēs parādīsim rakstus, kuros, iespējams, jau ir atbilde.
request-check-fields = Lūdzu, pārbaudiet iezīmētos laukus. Viss, ko ievadījāt, ir saglabāts.
field-name = Jūsu vārds
field-optional = (neobligāti)
field-email = E-pasta adrese
field-topic = Tēma
choose-topic = Izvēlieties tēmu
field-subject = Temats
field-description = Kā varam jums palīdzēt?
send-request = Nosūtīt pieprasījumu
suggestions-title = Raksti, kas varētu palīdzēt
suggestions-hint = Sāciet rakstīt savu jautājumu, un mēs šeit ieteiksim atbildes.
notice-form-expired = Drošības nolūkos šīs veidlapas derīgums ir beidzies. Jūsu teksts ir saglabāts zemāk: lūdzu, iesniedziet to vēlreiz.
notice-rate-limited = Īsā laikā no jums ir saņemti vairāki pieprasījumi. Jūsu teksts ir saglabāts zemāk: lūdzu, mēģiniet vēlreiz pēc dažām minūtēm.
notice-draft-too-long = Daži lauki ir garāki, nekā pieprasījumā var ietilpt, tāpēc šī versija netika saglabāta. Lūdzu, saīsiniet tos.
notice-draft-resumed = Šeit ir jūsu iesāktais, vēl nenosūtītais pieprasījums tādā veidā, kādā to atstājāt.
draft-resumed-start-over = Sākt jaunu pieprasījumu
notice-draft-rate-limited = No šīs adreses pieprasījums tiek saglabāts ļoti bieži. Jūsu teksts paliek veidlapā: saglabāšana atsāksies pēc dažām minūtēm.
error-email-missing = Lūdzu, ievadiet savu e-pasta adresi, lai mēs varētu jums atbildēt.
error-email-invalid = Tas neizskatās pēc e-pasta adreses. Lūdzu, pārbaudiet to.
error-subject-missing = Lūdzu, norādiet īsu tematu.
error-subject-too-long = Lūdzu, saīsiniet tematu līdz 200 rakstzīmēm.
error-description-missing = Lūdzu, aprakstiet problēmu.
error-description-too-long = Lūdzu, saīsiniet aprakstu līdz 20 000 rakstzīmēm (garus žurnālfailus ievietojiet citur).
error-name-too-long = Lūdzu, saīsiniet vārdu līdz 200 rakstzīmēm.
error-category-unknown = Nezināma kategorija.

## Pārskatīšana pirms nosūtīšanas

review-page-title = Pirms nosūtīšanas
review-title = Šajos rakstos, iespējams, ir atbilde uz jūsu jautājumu
review-lead = Pirms nododam jūsu pieprasījumu mūsu komandai, ieskatieties: iespējams, atbilde ir tepat.
submit-anyway = Nē, nosūtīt pieprasījumu
edit-request = Labot pieprasījumu
solved-page-title = Priecājamies, ka varējām palīdzēt
solved-title = Lieliski, priecājamies, ka tas palīdzēja!
solved-article = Priecājamies, ka raksts „{ $title }” atbildēja uz jūsu jautājumu.
solved-generic = Priecājamies, ka atradāt atbildi.
solved-nothing-more = Jūsu pieprasījums netika nosūtīts, tāpēc nekas vairāk nav jādara.

## Tūlītēji ieteikumi (skripts)

suggest-list-label = Ieteiktie raksti
suggest-none = Ieteikumu nav.
suggest-available =
    { $count ->
        [zero] Pieejami { $count } ieteikumi. Izvēlieties ar bultiņu taustiņiem.
        [one] Pieejams { $count } ieteikums. Izvēlieties ar bultiņu taustiņiem.
       *[other] Pieejami { $count } ieteikumi. Izvēlieties ar bultiņu taustiņiem.
    }
suggest-panel-empty = Atbilstošu rakstu vēl nav. Turpiniet rakstīt vai nosūtiet pieprasījumu.

## Pieprasījuma statusa lapa

ticket-page-title = Pieprasījums { $reference }
ticket-request = Pieprasījums
ticket-sent = nosūtīts { $date }
ticket-status = Statuss
ticket-priority = Prioritāte
status-new = Jauns
status-open = Atvērts
status-answered = Atbildēts
status-postponed = Atlikts
status-resolved = Atrisināts
status-closed = Slēgts
priority-low = Zema
priority-medium = Vidēja
priority-high = Augsta
priority-urgent = Steidzama
private-link = Šī lapa ir privāta, taču ikviens, kam ir tās saite, var to lasīt. Jūsu saite:
conversation = Sarakste
add-reply = Pievienot atbildi
send-reply = Nosūtīt atbildi
reply-not-sent = Jūsu atbilde netika nosūtīta. Tās teksts ir šeit, lai varat to iekopēt jaunā pieprasījumā:
request-closed = Šis pieprasījums ir slēgts.
start-new-request = Ja jums joprojām nepieciešama palīdzība, izveidojiet jaunu pieprasījumu.
follow-up-to = Turpinājums pieprasījumam { $reference }
rating-title = Kā mums veicās?
rating-comment = Komentārs
rating-good = Labi
rating-bad = Slikti
rated =
    { $rating ->
        [good] Jūs novērtējāt mūsu atbalstu: labi. Paldies!
       *[bad] Jūs novērtējāt mūsu atbalstu: slikti. Paldies!
    }
notice-filed = Jūsu pieprasījums ir nosūtīts. Saglabājiet šo privāto saiti, lai sekotu tā gaitai; mēs to nosūtījām arī uz jūsu e-pastu.
request-sent-title = Šis pieprasījums jau ir nosūtīts
request-sent-text = Privāto saiti, lai sekotu tā gaitai, mēs nosūtījām uz jūsu e-pastu. Ja jums vajadzīga palīdzība ar ko citu, sāciet jaunu pieprasījumu.
request-sent-new = Sākt jaunu pieprasījumu
notice-replied = Jūsu atbilde ir pievienota.
notice-rated = Paldies, ka novērtējāt mūsu atbalstu.

## Datumi

date-long = { $year }. gada { $day }. { $month }
month-1 = janvārī
month-2 = februārī
month-3 = martā
month-4 = aprīlī
month-5 = maijā
month-6 = jūnijā
month-7 = jūlijā
month-8 = augustā
month-9 = septembrī
month-10 = oktobrī
month-11 = novembrī
month-12 = decembrī

## Help centre in a language with fewer articles
more-in-english = Vairāk rakstu angļu valodā
more-in-english-text = Šīs tēmas vēl nav pilnībā iztulkotas; tulkotie raksti atvērsies latviski.

## Error pages for customers
error-text-400 = Mēs nevarējām saprast šo pieprasījumu. Lūdzu, atgriezieties un mēģiniet vēlreiz.
error-text-403 = Šī lapa jums nav pieejama. Ja aizpildījāt veidlapu, pārlādējiet lapu un mēģiniet vēlreiz.
error-text-404 = Iespējams, saite ir novecojusi vai raksts ir pārvietots.
error-text-409 = Pa to laiku kāds veica izmaiņas. Lūdzu, pārlādējiet lapu.
error-text-413 = Nosūtītais ir pārāk liels. Lūdzu, saīsiniet to un mēģiniet vēlreiz.
error-text-422 = Lūdzu, pārbaudiet ievadīto un mēģiniet vēlreiz.
error-text-429 = Īsā laikā nosūtīts pārāk daudz pieprasījumu. Lūdzu, uzgaidiet dažas minūtes un mēģiniet vēlreiz.
error-text-500 = Mūsu pusē radās kļūda. Lūdzu, pēc brīža mēģiniet vēlreiz.
error-text-503 = Pakalpojums uz brīdi nav pieejams. Lūdzu, mēģiniet vēlreiz pēc dažām minūtēm.
error-text-other = Radās kļūda. Lūdzu, mēģiniet vēlreiz.

## Replies on the status page
error-reply-empty = Lūdzu, vispirms uzrakstiet atbildi.
error-reply-too-long = Lūdzu, saīsiniet atbildi līdz 20 000 rakstzīmēm.
error-request-closed = Šis pieprasījums ir slēgts. Lūdzu, izveidojiet jaunu pieprasījumu; tajā varat norādīt šī pieprasījuma numuru.
error-not-resolved-yet = Atbalstu varēsiet novērtēt, kad pieprasījums būs atrisināts.

## A moment: a date and a time of day (UTC)
date-time = { $date }, plkst. { $time }

## Finding one's requests again (the private links, by email)
find-requests-title = Atrodiet savus pieprasījumus
find-requests-intro = Pazaudējāt saiti uz pieprasījumu? Ievadiet izmantoto e-pasta adresi, un mēs nosūtīsim saites uz jūsu atvērtajiem pieprasījumiem.
find-requests-send = Sūtīt man saites
find-requests-sent-title = Pārbaudiet savu e-pastu
find-requests-sent = Ja adresei { $email } ir atvērti pieprasījumi, e-pasts ar saitēm jau ceļā. Tas var aizņemt dažas minūtes; ieskatieties arī surogātpasta mapē.
find-requests-new = Kas jauns?
find-requests-link = Pazaudējāt saiti uz savu pieprasījumu?
