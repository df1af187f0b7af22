-- A customer who lost the private link to a request asks for it by email address: the
-- address is compared without regard to case, as people type it either way.
CREATE INDEX tickets_by_lower_email ON tickets (lower(email));
