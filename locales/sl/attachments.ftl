# Datoteke, priložene zahtevkom in odgovorom.
field-attachments = Datoteke
attachments-hint = Do { $count } datotek: posnetki zaslona in druge slike, PDF, besedilne datoteke in dnevniki, CSV, pisarniški dokumenti. Vsaka največ { $size }, skupaj največ { $total }.
attachment-remove = Odstrani
attachments-kept = Datoteke, shranjene z vašim zahtevkom:
review-files-kept = Vaše datoteke so shranjene skupaj z zahtevkom:
attachment-chosen-remove = Odstrani { $name }
attachment-pasted-name = posnetek-zaslona.png
error-attachment-too-large = Datoteka je večja, kot je dovoljeno. Izberite manjšo; nič ni bilo priloženo.
error-attachments-too-large = Datoteke so skupaj večje, kot je dovoljeno. Pošljite manj ali manjše datoteke; nič ni bilo priloženo.
error-attachments-too-many = Preveč datotek za eno sporočilo. Izberite manj; nič ni bilo priloženo.
error-attachment-type = Datotek te vrste ne sprejemamo. Priložite slike, PDF, besedilne datoteke ali dnevnike, CSV ali pisarniške dokumente; nič ni bilo priloženo.
error-attachment-empty = Datoteka je prazna. Izberite jo znova ali je ne prilagajte; nič ni bilo priloženo.
error-attachment-truncated = Nalaganje se je ustavilo, preden se je končalo. Prosimo, izberite datoteke znova.
error-attachments-rate-limited = Z vaše povezave je bilo poslanih preveč datotek. Prosimo, poskusite znova čez eno uro.
