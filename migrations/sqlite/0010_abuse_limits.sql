-- Failed staff sign-ins, counted for every instance at once: per account, and per account and
-- address together (see `accounts::login`). Keys are SHA-256 hashes: no email or address is
-- kept. A count starts again from 1 when its last failure is older than the window.
CREATE TABLE sign_in_failures (
    key_hash         TEXT    PRIMARY KEY,
    failures         BIGINT  NOT NULL,
    last_failure_at  BIGINT  NOT NULL
);
CREATE INDEX sign_in_failures_by_time ON sign_in_failures (last_failure_at);

-- `Idempotency-Key` of `POST /api/tickets`: a retried request answers the first one's result
-- instead of filing again. The key is stored hashed, with a hash of the request it came with;
-- `response_status` is NULL while the first request is still being answered.
CREATE TABLE api_idempotency_keys (
    key_hash         TEXT    PRIMARY KEY,
    request_hash     TEXT    NOT NULL,
    ticket_id        BIGINT  REFERENCES tickets (id) ON DELETE CASCADE,
    response_status  BIGINT,
    response_body    TEXT,
    created_at       BIGINT  NOT NULL
);
CREATE INDEX api_idempotency_keys_by_created ON api_idempotency_keys (created_at);

-- Drafts never filed are deleted after the retention period; this finds them.
CREATE INDEX request_drafts_by_updated ON request_drafts (updated_at);
