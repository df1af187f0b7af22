-- What the staff side adds to articles and tickets.

-- Old article URLs: after a slug change the old address redirects permanently.
CREATE TABLE article_redirects (
    old_slug    TEXT    PRIMARY KEY,
    article_id  BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at  BIGINT  NOT NULL
);

-- Who works a ticket, and who resolved it (per-agent figures).
ALTER TABLE tickets ADD COLUMN assignee_id BIGINT REFERENCES users (id);
ALTER TABLE tickets ADD COLUMN resolved_by BIGINT REFERENCES users (id);
CREATE INDEX tickets_by_assignee ON tickets (assignee_id, status);

-- Which staff member wrote an agent reply or an internal note.
ALTER TABLE ticket_messages ADD COLUMN author_user_id BIGINT REFERENCES users (id);
CREATE INDEX ticket_messages_by_author ON ticket_messages (author_user_id, created_at);

-- Tags one row each, so the inbox can filter by tag with an index; tickets.tags keeps the list.
CREATE TABLE ticket_tags (
    ticket_id  BIGINT  NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    tag        TEXT    NOT NULL,
    PRIMARY KEY (ticket_id, tag)
);
CREATE INDEX ticket_tags_by_tag ON ticket_tags (tag, ticket_id);
INSERT INTO ticket_tags (ticket_id, tag) SELECT DISTINCT t.id, j.tag FROM tickets t, jsonb_array_elements_text(t.tags::jsonb) AS j(tag);

-- Saved replies with placeholders such as {{customer_name}}.
CREATE TABLE canned_responses (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    created_by  BIGINT  REFERENCES users (id),
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
