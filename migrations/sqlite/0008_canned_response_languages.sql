-- Canned responses in the customer's language. A canned response keeps its title and text
-- (the default, inserted when no variant fits) and may have one variant per language;
-- inserting it on a ticket picks the variant in the ticket's language.
CREATE TABLE canned_response_variants (
    canned_id   BIGINT  NOT NULL REFERENCES canned_responses (id) ON DELETE CASCADE,
    lang        TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    updated_at  BIGINT  NOT NULL,
    PRIMARY KEY (canned_id, lang)
);

-- The inbox's language filter, in the inbox's default order (next SLA due time).
CREATE INDEX tickets_inbox_by_lang_due ON tickets (lang, sla_due_at, id);
