# Pripomoček za pomoč na spletnih mestih strank: gumb in plošča.

widget-launcher = Pomoč
widget-dialog-label = Pomoč
widget-close = Zapri pomoč
widget-back = Nazaj
widget-search-label = Kako vam lahko pomagamo?
widget-search-placeholder = Opišite svojo težavo
widget-suggestions-title = Članki, ki vam lahko pomagajo
widget-no-suggestions = Ustreznih člankov še ni. Pišite naprej ali se obrnite na podporo.
widget-for-page-title = Predlagano za to stran
widget-did-it-help = Ali je to odgovorilo na vaše vprašanje?
widget-solved = Da, to je rešilo mojo težavo
widget-not-solved = Ne, obrni se na podporo
widget-solved-thanks = Veseli nas, da je pomagalo!
widget-solved-text = Hvala, da ste nam sporočili. To ploščo lahko zaprete.
widget-contact = Obrnite se na podporo
widget-form-title = Obrnite se na podporo
widget-send = Pošlji zahtevo
widget-review-title = Preden pošljete: ali kateri od teh člankov odgovori na vaše vprašanje?
widget-review-file = Ne, pošlji mojo zahtevo
widget-filed-title = Vaša zahteva je bila poslana
widget-filed-reference = Številka vaše zahteve:
widget-status-link = Spremljajte svojo zahtevo (odpre se v novem zavihku)
widget-error = Nekaj je šlo narobe. Vaše besedilo je še vedno tukaj: poskusite znova.
