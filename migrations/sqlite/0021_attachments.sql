-- Files attached to request drafts, customer replies, agent replies and internal notes. The
-- bytes live in the file store under their SHA-256 (`content_hash`), once however often they
-- are attached; a row here is one attachment of one message. While the customer is still
-- writing, the row belongs to the draft; filing moves it to the ticket's first message.
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    content_hash  TEXT    NOT NULL,
    file_name     TEXT    NOT NULL,
    media_type    TEXT    NOT NULL,
    size_bytes    BIGINT  NOT NULL,
    draft_id      TEXT    REFERENCES request_drafts (id) ON DELETE CASCADE,
    ticket_id     BIGINT  REFERENCES tickets (id) ON DELETE CASCADE,
    message_id    BIGINT  REFERENCES ticket_messages (id) ON DELETE CASCADE,
    internal      BIGINT  NOT NULL DEFAULT 0,
    created_at    BIGINT  NOT NULL
);
CREATE INDEX attachments_by_draft ON attachments (draft_id);
CREATE INDEX attachments_by_ticket ON attachments (ticket_id, message_id);
CREATE INDEX attachments_by_hash ON attachments (content_hash);
