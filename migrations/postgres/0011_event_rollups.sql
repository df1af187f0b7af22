-- Daily roll-ups of the self-service events, so dashboard figures for any period (a year
-- included) read a few rows per day instead of every event. They are kept up to date in the
-- transaction that stores the events; on a database that has events already, the first
-- start after this migration builds them from the events (`built_at` is NULL until then).

-- Events per UTC day (occurred_at / 86400000), kind, language and channel. The language is
-- the request draft's for request events and the event's own otherwise ('' when none).
CREATE TABLE event_days (
    kind           TEXT    NOT NULL,
    day            BIGINT  NOT NULL,
    lang           TEXT    NOT NULL,
    channel        TEXT    NOT NULL,
    events         BIGINT  NOT NULL,
    found_nothing  BIGINT  NOT NULL,
    PRIMARY KEY (kind, day, lang, channel)
);

-- Searches per day, language and normalised search text; `ended_in_ticket` counts those
-- followed within an hour by a ticket from the same visitor (marked when the ticket is filed).
CREATE TABLE search_days (
    day                            BIGINT  NOT NULL,
    lang                           TEXT    NOT NULL,
    query                          TEXT    NOT NULL,
    searches                       BIGINT  NOT NULL,
    found_nothing                  BIGINT  NOT NULL,
    ended_in_ticket                BIGINT  NOT NULL,
    ended_in_ticket_found_nothing  BIGINT  NOT NULL,
    PRIMARY KEY (day, lang, query)
);

-- Article views by source, helpful yes/no and credited deflections per day and article.
CREATE TABLE article_days (
    day           BIGINT  NOT NULL,
    article_slug  TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    source        TEXT    NOT NULL,
    events        BIGINT  NOT NULL,
    PRIMARY KEY (day, article_slug, kind, source)
);

-- Which visitors were seen each day: lang '' for any event, a language for those who searched
-- in it or viewed an article in it. Exact distinct counts over short periods come from here.
CREATE TABLE visitor_days (
    lang        TEXT    NOT NULL,
    day         BIGINT  NOT NULL,
    visitor_id  TEXT    NOT NULL,
    PRIMARY KEY (lang, day, visitor_id)
);

-- The same visitors as a HyperLogLog sketch per day and language (mergeable, so a year is a
-- few hundred small rows), with the exact number of visitor_days rows it stands for.
CREATE TABLE visitor_day_sketches (
    lang       TEXT    NOT NULL,
    day        BIGINT  NOT NULL,
    visitors   BIGINT  NOT NULL,
    registers  BYTEA   NOT NULL,
    PRIMARY KEY (lang, day)
);

-- A search followed by a ticket from the same visitor is marked once, whichever is stored first.
ALTER TABLE events ADD COLUMN ended_in_ticket BIGINT NOT NULL DEFAULT 0;

-- Whether the roll-ups were built from the events, and before which time raw events were
-- dropped (the retention purge); every figure of earlier days comes from the roll-ups alone.
CREATE TABLE event_rollup_state (
    only_row       INTEGER PRIMARY KEY CHECK (only_row = 1),
    built_at       BIGINT,
    purged_before  BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO event_rollup_state (only_row, built_at, purged_before) VALUES (1, NULL, 0);
