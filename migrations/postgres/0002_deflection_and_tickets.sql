-- Request drafts: whatever a customer types into the request form, kept server-side so
-- nothing is lost across validation errors, trips to an article, or a refresh.
CREATE TABLE request_drafts (
    id                 TEXT    PRIMARY KEY,
    name               TEXT    NOT NULL DEFAULT '',
    email              TEXT    NOT NULL DEFAULT '',
    subject            TEXT    NOT NULL DEFAULT '',
    description        TEXT    NOT NULL DEFAULT '',
    category           TEXT    NOT NULL DEFAULT '',
    lang               TEXT    NOT NULL DEFAULT '',
    state              TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'deflected', 'submitted', 'abandoned')),
    suggested_articles TEXT    NOT NULL DEFAULT '[]',
    opened_articles    TEXT    NOT NULL DEFAULT '[]',
    first_opened_at    BIGINT,
    started            BIGINT  NOT NULL DEFAULT 0,
    ticket_id          BIGINT,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);
CREATE INDEX request_drafts_open ON request_drafts (state, updated_at);

-- Tickets: stored durably (synchronously) before the customer sees success.
CREATE TABLE tickets (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    draft_id            TEXT    UNIQUE,
    status_token        TEXT    NOT NULL UNIQUE,
    name                TEXT    NOT NULL,
    email               TEXT    NOT NULL,
    subject             TEXT    NOT NULL,
    description         TEXT    NOT NULL,
    category            TEXT    NOT NULL DEFAULT '',
    lang                TEXT    NOT NULL DEFAULT '',
    tags                TEXT    NOT NULL DEFAULT '[]',
    matched_rules       TEXT    NOT NULL DEFAULT '[]',
    priority            TEXT    NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    status              TEXT    NOT NULL CHECK (status IN ('new', 'open', 'answered', 'postponed', 'resolved', 'closed')),
    source              TEXT    NOT NULL,
    suggestions_shown   BIGINT  NOT NULL DEFAULT 0,
    suggestions_opened  BIGINT  NOT NULL DEFAULT 0,
    first_response_due  BIGINT  NOT NULL,
    resolution_due      BIGINT  NOT NULL,
    first_responded_at  BIGINT,
    resolved_at         BIGINT,
    closed_at           BIGINT,
    satisfaction        TEXT    CHECK (satisfaction IN ('good', 'bad')),
    satisfaction_comment TEXT,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL
);
CREATE INDEX tickets_by_status ON tickets (status, resolution_due);
CREATE INDEX tickets_by_email ON tickets (email);
CREATE INDEX tickets_by_created ON tickets (created_at);

-- The articles a customer was suggested before filing, and which they opened.
CREATE TABLE ticket_articles (
    ticket_id     BIGINT  NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    article_slug  TEXT    NOT NULL,
    position      BIGINT  NOT NULL,
    opened        BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (ticket_id, article_slug)
);

-- The conversation: the customer's request, replies from both sides, internal notes.
CREATE TABLE ticket_messages (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id    BIGINT  NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author_kind  TEXT    NOT NULL CHECK (author_kind IN ('customer', 'agent', 'system')),
    author_name  TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    internal     BIGINT  NOT NULL DEFAULT 0,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, created_at);

-- Every change to a ticket: who, what, when.
CREATE TABLE ticket_history (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id   BIGINT  NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    actor       TEXT    NOT NULL,
    change      TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX ticket_history_by_ticket ON ticket_history (ticket_id, created_at);

-- Emails to send: delivered by SMTP when configured, otherwise kept here for admins to read.
CREATE TABLE outbox (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient   TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    ticket_id   BIGINT  REFERENCES tickets (id) ON DELETE SET NULL,
    created_at  BIGINT  NOT NULL,
    sent_at     BIGINT,
    attempts    BIGINT  NOT NULL DEFAULT 0,
    last_error  TEXT
);
CREATE INDEX outbox_unsent ON outbox (sent_at, id);

-- Self-service events for honest deflection figures. No IP addresses, no emails.
CREATE TABLE events (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          TEXT    NOT NULL,
    occurred_at   BIGINT  NOT NULL,
    visitor_id    TEXT,
    draft_id      TEXT,
    article_slug  TEXT,
    query         TEXT,
    result_count  BIGINT,
    lang          TEXT,
    source        TEXT,
    position      BIGINT,
    ticket_id     BIGINT,
    details       TEXT
);
CREATE INDEX events_by_kind_time ON events (kind, occurred_at);
CREATE INDEX events_by_time ON events (occurred_at);
