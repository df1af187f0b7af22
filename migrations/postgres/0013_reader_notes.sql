-- What readers said an article lacked, written after answering "No" to "Did this answer your
-- question?". Editors read them on the article's page in the editor. The text is optional
-- for the reader, so only the notes someone wrote are stored.
CREATE TABLE reader_notes (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id  BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    lang        TEXT    NOT NULL,
    note        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX reader_notes_by_article ON reader_notes (article_id, created_at);
