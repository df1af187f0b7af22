-- Images uploaded in the article editor. The bytes live in the file store under their SHA-256
-- (`content_hash`), once however often they are uploaded; a row says that an article (and so
-- every revision of it) may refer to the image, which keeps the file from the cleanup.
CREATE TABLE article_images (
    content_hash  TEXT    NOT NULL,
    article_id    BIGINT  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    file_name     TEXT    NOT NULL,
    media_type    TEXT    NOT NULL,
    size_bytes    BIGINT  NOT NULL,
    created_at    BIGINT  NOT NULL,
    PRIMARY KEY (article_id, content_hash)
);
CREATE INDEX article_images_by_hash ON article_images (content_hash);
