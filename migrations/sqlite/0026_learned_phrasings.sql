-- Learning how customers describe the problems an article solves.
-- Each anonymous visitor's latest vote per article and phrasing (the text already cleaned of
-- personal data), kept apart from drafts and events so the learning outlives their purge.
CREATE TABLE learned_phrasing_votes (
    article_id    BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    lang          TEXT    NOT NULL,
    phrasing_key  TEXT    NOT NULL,
    text          TEXT    NOT NULL,
    visitor_key   TEXT    NOT NULL,
    outcome       TEXT    NOT NULL,
    at            BIGINT  NOT NULL,
    PRIMARY KEY (article_id, lang, phrasing_key, visitor_key)
);
-- What the votes add up to: the phrasings search indexes beside the article's aliases.
CREATE TABLE learned_phrasings (
    article_id    BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    lang          TEXT    NOT NULL,
    phrasing_key  TEXT    NOT NULL,
    text          TEXT    NOT NULL,
    visitors      BIGINT  NOT NULL,
    score         DOUBLE PRECISION NOT NULL,
    learned_at    BIGINT  NOT NULL,
    PRIMARY KEY (article_id, lang, phrasing_key)
);
-- Phrasings an editor blocked for an article: never learned again, whatever the votes.
CREATE TABLE learned_phrasing_blocks (
    article_id    BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    phrasing_key  TEXT    NOT NULL,
    PRIMARY KEY (article_id, phrasing_key)
);
-- Per article: whether it learns, and from when evidence counts (after its text changed a lot).
CREATE TABLE article_learning (
    article_id      BIGINT  PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    enabled         BIGINT  NOT NULL DEFAULT 1,
    evidence_since  BIGINT  NOT NULL DEFAULT 0
);
-- How far the learning job has read the events table.
CREATE TABLE learning_progress (
    id              BIGINT  PRIMARY KEY CHECK (id = 1),
    last_event_id   BIGINT  NOT NULL
);
INSERT INTO learning_progress (id, last_event_id) VALUES (1, 0);
