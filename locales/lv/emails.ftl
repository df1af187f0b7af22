# Answerdesk e-pasti klientiem: latviešu valoda (Latvian).
# Uzruna ar «Jūs» (lielais sākumburts): vēstule adresēta vienam cilvēkam.

## Visas vēstules

email-greeting = Labdien, { $name }!
email-sign-off = Ar cieņu
email-team = { $site } komanda

## Apstiprinājums: pieprasījums ir saņemts

email-confirmation-subject = [{ $reference }] Jūsu pieprasījums ir saņemts: { $subject }
email-confirmation-received = Paldies, ka sazinājāties ar { $site } atbalsta dienestu. Jūsu pieprasījumu { $reference } saņēmām { $date }, un mūsu komanda ar Jums sazināsies.
email-confirmation-follow = Sekot pieprasījuma statusam vai papildināt informāciju varat šeit:
email-confirmation-your-message = Jūsu ziņojums:

## Atbalsta speciālista atbilde

email-reply-subject = [{ $reference }] Re: { $subject }
email-reply-follow = Atbildēt vai sekot pieprasījuma { $reference } gaitai varat šeit:
email-reply-resolved = Jūsu pieprasījumu { $reference } esam atzīmējuši kā atrisinātu.

## Pieprasījums atrisināts, lūgums novērtēt atbalstu

email-resolved-subject = [{ $reference }] Jūsu pieprasījums ir atrisināts: { $subject }
email-resolved-text = { $date } Jūsu pieprasījumu { $reference } atzīmējām kā atrisinātu.
email-resolved-reopen = Ja kaut kas joprojām nav kārtībā, atbildiet pieprasījuma lapā, un tas tiks atvērts no jauna:
email-rating-request = Kā mums veicās? Lūdzu, novērtējiet mūsu atbalstu – tas aizņems tikai vienu klikšķi:

## The links of a customer's requests, sent again
email-lost-links-subject = Jūsu pieprasījumi { $site }
email-lost-links-intro = Jūs lūdzāt saites uz saviem pieprasījumiem { $site }. Lūk, tie, kas vēl nav slēgti:
email-lost-links-private = Katra saite atver jūsu pieprasījumu bez paroles: nepārsūtiet šo e-pastu. Ja jūs to nelūdzāt, varat to neņemt vērā.
