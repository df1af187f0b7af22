# Pieprasījumiem un atbildēm pievienotie faili.
field-attachments = Faili
attachments-hint = Līdz { $count } failiem: ekrānuzņēmumi un citi attēli, PDF, teksta un žurnālfaili, CSV, biroja dokumenti. Katrs ne lielāks par { $size }, kopā ne vairāk kā { $total }.
attachment-remove = Noņemt
attachments-kept = Faili, kas saglabāti kopā ar jūsu pieprasījumu:
review-files-kept = Jūsu faili ir saglabāti kopā ar pieprasījumu:
attachment-chosen-remove = Noņemt { $name }
attachment-pasted-name = ekranuznemums.png
error-attachment-too-large = Fails ir lielāks, nekā atļauts. Izvēlieties mazāku; nekas netika pievienots.
error-attachments-too-large = Faili kopā ir lielāki, nekā atļauts. Sūtiet mazāk vai mazākus failus; nekas netika pievienots.
error-attachments-too-many = Vienai ziņai ir pārāk daudz failu. Izvēlieties mazāk; nekas netika pievienots.
error-attachment-type = Šāda veida failus mēs nepieņemam. Pievienojiet attēlus, PDF, teksta vai žurnālfailus, CSV vai biroja dokumentus; nekas netika pievienots.
error-attachment-empty = Fails ir tukšs. Izvēlieties to vēlreiz vai nepievienojiet; nekas netika pievienots.
error-attachment-truncated = Augšupielāde apstājās, pirms tā bija pabeigta. Lūdzu, izvēlieties failus vēlreiz.
error-attachments-rate-limited = No jūsu savienojuma nosūtīts pārāk daudz failu. Lūdzu, mēģiniet vēlreiz pēc stundas.
