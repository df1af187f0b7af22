-- Articles: the database is the source of truth once content is imported.
CREATE TABLE articles (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug            TEXT    NOT NULL UNIQUE,
    lang            TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    category        TEXT    NOT NULL DEFAULT '',
    category_slug   TEXT    NOT NULL DEFAULT '',
    tags            TEXT    NOT NULL DEFAULT '[]',
    aliases         TEXT    NOT NULL DEFAULT '[]',
    status          TEXT    NOT NULL CHECK (status IN ('published', 'draft', 'archived')),
    translation_of  TEXT,
    updated_on      TEXT,
    body_markdown   TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    headings        TEXT    NOT NULL DEFAULT '[]',
    source_path     TEXT,
    content_hash    TEXT    NOT NULL,
    revision        BIGINT  NOT NULL,
    view_count      BIGINT  NOT NULL DEFAULT 0,
    created_at      BIGINT  NOT NULL,
    modified_at     BIGINT  NOT NULL
);
CREATE INDEX articles_by_category ON articles (category_slug, status);
CREATE INDEX articles_by_lang ON articles (lang, status);
CREATE INDEX articles_by_translation ON articles (translation_of);
CREATE INDEX articles_by_modified ON articles (modified_at);

-- Every change to an article, with the full document text: nothing is overwritten without a trace.
CREATE TABLE article_revisions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id  BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    revision    BIGINT  NOT NULL,
    author      TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    document    TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    UNIQUE (article_id, revision)
);
