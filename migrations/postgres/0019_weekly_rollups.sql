-- Weekly sums of search_days and article_days (week = day / 7), kept in the same transaction
-- as the daily rows. A long period reads one row per week and key for its whole weeks and
-- daily rows only for the days at its two ends, instead of a row per day: a year of searches
-- is about 64 rows per search text rather than 365.
CREATE TABLE search_weeks (
    week                           BIGINT  NOT NULL,
    lang                           TEXT    NOT NULL,
    query                          TEXT    NOT NULL,
    searches                       BIGINT  NOT NULL,
    found_nothing                  BIGINT  NOT NULL,
    ended_in_ticket                BIGINT  NOT NULL,
    ended_in_ticket_found_nothing  BIGINT  NOT NULL,
    PRIMARY KEY (week, lang, query)
);

CREATE TABLE article_weeks (
    week          BIGINT  NOT NULL,
    article_slug  TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    source        TEXT    NOT NULL,
    events        BIGINT  NOT NULL,
    PRIMARY KEY (week, article_slug, kind, source)
);

INSERT INTO search_weeks (week, lang, query, searches, found_nothing, ended_in_ticket,
    ended_in_ticket_found_nothing)
SELECT day / 7, lang, query, SUM(searches), SUM(found_nothing), SUM(ended_in_ticket),
    SUM(ended_in_ticket_found_nothing)
FROM search_days GROUP BY day / 7, lang, query;

INSERT INTO article_weeks (week, article_slug, kind, source, events)
SELECT day / 7, article_slug, kind, source, SUM(events)
FROM article_days GROUP BY day / 7, article_slug, kind, source;
