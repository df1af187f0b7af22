# Prie užklausų ir atsakymų pridėti failai.
field-attachments = Failai
attachments-hint = Iki { $count } failų: ekrano nuotraukos ir kiti paveikslėliai, PDF, tekstiniai ir žurnalų failai, CSV, biuro dokumentai. Kiekvienas ne didesnis nei { $size }, visi kartu ne daugiau kaip { $total }.
attachment-remove = Pašalinti
attachments-kept = Failai, išsaugoti su jūsų užklausa:
review-files-kept = Jūsų failai išsaugoti kartu su užklausa:
attachment-chosen-remove = Pašalinti { $name }
attachment-pasted-name = ekrano-nuotrauka.png
error-attachment-too-large = Failas didesnis, nei leidžiama. Pasirinkite mažesnį; niekas nebuvo pridėta.
error-attachments-too-large = Visi failai kartu didesni, nei leidžiama. Siųskite mažiau arba mažesnių failų; niekas nebuvo pridėta.
error-attachments-too-many = Per daug failų vienam pranešimui. Pasirinkite mažiau; niekas nebuvo pridėta.
error-attachment-type = Tokio tipo failų nepriimame. Pridėkite paveikslėlius, PDF, tekstinius ar žurnalų failus, CSV arba biuro dokumentus; niekas nebuvo pridėta.
error-attachment-empty = Failas tuščias. Pasirinkite jį dar kartą arba nepridėkite; niekas nebuvo pridėta.
error-attachment-truncated = Įkėlimas nutrūko nepasibaigęs. Prašome pasirinkti failus dar kartą.
error-attachments-rate-limited = Iš jūsų ryšio išsiųsta per daug failų. Prašome pabandyti dar kartą po valandos.
