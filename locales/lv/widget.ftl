# Palīdzības logrīks klientu pašu vietnēs: poga un panelis.

widget-launcher = Palīdzība
widget-dialog-label = Palīdzība
widget-close = Aizvērt palīdzību
widget-back = Atpakaļ
widget-search-label = Kā mēs varam palīdzēt?
widget-search-placeholder = Aprakstiet savu problēmu
widget-suggestions-title = Raksti, kas varētu palīdzēt
widget-no-suggestions = Atbilstošu rakstu vēl nav. Turpiniet rakstīt vai sazinieties ar atbalstu.
widget-for-page-title = Ieteikts šai lapai
widget-did-it-help = Vai tas atbildēja uz jūsu jautājumu?
widget-solved = Jā, tas atrisināja manu problēmu
widget-not-solved = Nē, sazināties ar atbalstu
widget-solved-thanks = Priecājamies, ka palīdzēja!
widget-solved-text = Paldies, ka pastāstījāt. Šo paneli var aizvērt.
widget-contact = Sazināties ar atbalstu
widget-form-title = Sazināties ar atbalstu
widget-send = Nosūtīt pieprasījumu
widget-review-title = Pirms nosūtīšanas: vai kāds no šiem rakstiem atbild uz jūsu jautājumu?
widget-review-file = Nē, nosūtīt manu pieprasījumu
widget-filed-title = Jūsu pieprasījums ir nosūtīts
widget-filed-reference = Jūsu pieprasījuma numurs:
widget-status-link = Sekot pieprasījumam (atveras jaunā cilnē)
widget-error = Kaut kas nogāja greizi. Jūsu teksts joprojām ir šeit: lūdzu, mēģiniet vēlreiz.
