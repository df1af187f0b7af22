-- The channel (web_form, api, widget) on every request draft, event and ticket, so deflection
-- can be split by channel. Tickets already recorded where they came from as `source`
-- ('form' or 'api'); that column becomes `channel` with the new spellings.
ALTER TABLE tickets RENAME COLUMN source TO channel;
UPDATE tickets SET channel = 'web_form' WHERE channel = 'form';
ALTER TABLE request_drafts ADD COLUMN channel TEXT NOT NULL DEFAULT 'web_form';
ALTER TABLE events ADD COLUMN channel TEXT;
