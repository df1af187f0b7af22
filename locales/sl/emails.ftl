# Answerdesk, e-poštna sporočila strankam: slovenščina (Slovenian).
# Vikanje; datum stoji samostojno (»Datum prejema: …«), ker je oblika meseca imenovalniška.

## Vsa sporočila

email-greeting = Pozdravljeni, { $name }!
email-sign-off = Lep pozdrav
email-team = Ekipa { $site }

## Potrditev: zahteva je prejeta

email-confirmation-subject = [{ $reference }] Vašo zahtevo smo prejeli: { $subject }
email-confirmation-received = Hvala, ker ste se obrnili na podporo { $site }. Vašo zahtevo { $reference } smo prejeli in naša ekipa se vam bo oglasila. Datum prejema: { $date }.
email-confirmation-follow = Stanje zahteve lahko spremljate in dodate podatke tukaj:
email-confirmation-your-message = Vaše sporočilo:

## Odgovor podpore

email-reply-subject = [{ $reference }] Re: { $subject }
email-reply-follow = Na zahtevo { $reference } lahko odgovorite ali jo spremljate tukaj:
email-reply-resolved = Vašo zahtevo { $reference } smo označili kot rešeno.

## Zahteva je rešena, prošnja za oceno podpore

email-resolved-subject = [{ $reference }] Vaša zahteva je rešena: { $subject }
email-resolved-text = Vašo zahtevo { $reference } smo označili kot rešeno. Datum rešitve: { $date }.
email-resolved-reopen = Če kaj še vedno ne deluje, odgovorite na strani zahteve in zahteva se bo znova odprla:
email-rating-request = Kako smo se odrezali? Ocenite našo podporo – potreben je le en klik:

## The links of a customer's requests, sent again
email-lost-links-subject = Vaše zahteve pri { $site }
email-lost-links-intro = Zaprosili ste za povezave do svojih zahtev pri { $site }. Tu so tiste, ki še niso zaprte:
email-lost-links-private = Vsaka povezava odpre vašo zahtevo brez gesla: tega sporočila ne posredujte. Če ga niste zahtevali, ga lahko prezrete.
