-- Indexes that answer the help centre's lists of published articles without reading the
-- articles' rows (bodies included) one by one: the categories of a language with their
-- counts, a category's articles by title, the most viewed and the most recently updated
-- articles of a language. With 100,000 articles these lists otherwise scan the table.
CREATE INDEX articles_published_categories ON articles (lang, status, category_slug, category);
CREATE INDEX articles_category_listing ON articles (category_slug, status, title, category, lang);
CREATE INDEX articles_popular ON articles (lang, status, view_count DESC, title);
CREATE INDEX articles_recent ON articles (lang, status, (COALESCE(updated_on, '')) DESC, modified_at DESC, title);
