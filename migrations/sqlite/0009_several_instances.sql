-- What several instances sharing one database need to agree on.

-- Every article write takes the next number from this one-row counter, in the transaction of
-- the write. Taking it locks the row until that transaction ends, so the numbers become
-- visible in the order they were taken: an instance whose index holds every change up to N
-- never sees a change below N appear later. Each instance's index remembers its N.
CREATE TABLE article_change_counter (
    only_row     INTEGER PRIMARY KEY CHECK (only_row = 1),
    last_change  BIGINT  NOT NULL
);
ALTER TABLE articles ADD COLUMN change_number BIGINT NOT NULL DEFAULT 0;
UPDATE articles SET change_number = id;
INSERT INTO article_change_counter (only_row, last_change)
    SELECT 1, COALESCE(MAX(change_number), 0) FROM articles;
CREATE INDEX articles_by_change ON articles (change_number);

-- Limits a user can notice (sign-in attempts, tickets filed per address), counted for every
-- instance at once: a key may act while `drained_at`, the time all its counted attempts
-- will have expired, is at most the limit's tolerance ahead of now. Keys are stored as
-- SHA-256 hashes, so no email or IP address is kept here.
CREATE TABLE rate_limits (
    bucket      TEXT    NOT NULL,
    key_hash    TEXT    NOT NULL,
    drained_at  BIGINT  NOT NULL,
    PRIMARY KEY (bucket, key_hash)
);
CREATE INDEX rate_limits_by_drained ON rate_limits (drained_at);

-- Periodic jobs (closing resolved tickets, the abandoned-request sweep): one instance
-- claims each round by moving `started_at` forward.
CREATE TABLE job_runs (
    job         TEXT    PRIMARY KEY,
    started_at  BIGINT  NOT NULL
);

-- An email being delivered is claimed by one instance until this time; a claim left by an
-- instance that stopped mid-delivery expires and the email is tried again.
ALTER TABLE outbox ADD COLUMN claimed_until BIGINT;
