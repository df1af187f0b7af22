# Answerdesk laiškai klientams: lietuvių kalba (Lithuanian).
# Kreipiamasi „Jūs“ (didžiąja raide): laiškas skirtas vienam žmogui. Pasisveikinime vardo
# nėra: kreipinyje reikėtų šauksmininko, kurio iš bet kokio vardo patikimai nesudarysime.

## Visi laiškai

email-greeting = Laba diena,
email-sign-off = Pagarbiai
email-team = { $site } komanda

## Patvirtinimas: užklausa gauta

email-confirmation-subject = [{ $reference }] Jūsų užklausa gauta: { $subject }
email-confirmation-received = Dėkojame, kad kreipėtės į { $site } pagalbos tarnybą. { $date } gavome Jūsų užklausą { $reference }. Mūsų komanda su Jumis susisieks.
email-confirmation-follow = Užklausos būseną stebėti ir papildomą informaciją pateikti galite čia:
email-confirmation-your-message = Jūsų pranešimas:

## Pagalbos tarnybos atsakymas

email-reply-subject = [{ $reference }] Re: { $subject }
email-reply-follow = Atsakyti arba stebėti užklausos { $reference } eigą galite čia:
email-reply-resolved = Jūsų užklausą { $reference } pažymėjome kaip išspręstą.

## Užklausa išspręsta, prašymas įvertinti pagalbą

email-resolved-subject = [{ $reference }] Jūsų užklausa išspręsta: { $subject }
email-resolved-text = { $date } Jūsų užklausą { $reference } pažymėjome kaip išspręstą.
email-resolved-reopen = Jei kas nors vis dar neveikia, atsakykite užklausos puslapyje – užklausa bus vėl atidaryta:
email-rating-request = Kaip mums sekėsi? Įvertinkite mūsų pagalbą – tereikia vieno paspaudimo:

## The links of a customer's requests, sent again
email-lost-links-subject = Jūsų užklausos { $site }
email-lost-links-intro = Paprašėte nuorodų į savo užklausas { $site }. Štai tos, kurios dar neuždarytos:
email-lost-links-private = Kiekviena nuoroda atveria jūsų užklausą be slaptažodžio: nepersiųskite šio laiško. Jei jo neprašėte, galite jo nepaisyti.
