-- An optional section within the category (front matter `section`): a large category's page
-- lists its articles under headed groups. Empty when the article has none.
ALTER TABLE articles ADD COLUMN section TEXT NOT NULL DEFAULT '';
