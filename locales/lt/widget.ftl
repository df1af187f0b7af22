# Pagalbos valdiklis klientų svetainėse: mygtukas ir skydelis.

widget-launcher = Pagalba
widget-dialog-label = Pagalba
widget-close = Uždaryti pagalbą
widget-back = Atgal
widget-search-label = Kuo galime padėti?
widget-search-placeholder = Aprašykite savo problemą
widget-suggestions-title = Straipsniai, kurie gali padėti
widget-no-suggestions = Tinkamų straipsnių dar nėra. Rašykite toliau arba susisiekite su pagalbos tarnyba.
widget-for-page-title = Siūloma šiam puslapiui
widget-did-it-help = Ar tai atsakė į jūsų klausimą?
widget-solved = Taip, tai išsprendė mano problemą
widget-not-solved = Ne, susisiekti su pagalbos tarnyba
widget-solved-thanks = Džiaugiamės, kad padėjo!
widget-solved-text = Ačiū, kad pranešėte. Šį skydelį galite uždaryti.
widget-contact = Susisiekti su pagalbos tarnyba
widget-form-title = Susisiekti su pagalbos tarnyba
widget-send = Siųsti užklausą
widget-review-title = Prieš siųsdami: gal kuris nors iš šių straipsnių atsako į jūsų klausimą?
widget-review-file = Ne, siųsti mano užklausą
widget-filed-title = Jūsų užklausa išsiųsta
widget-filed-reference = Jūsų užklausos numeris:
widget-status-link = Sekti užklausą (atsidaro naujame skirtuke)
widget-error = Kažkas nepavyko. Jūsų tekstas vis dar čia: bandykite dar kartą.
