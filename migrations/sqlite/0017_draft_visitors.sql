-- Which browser started a request draft, so "Contact support" resumes that visitor's unsent
-- request instead of a blank form: a hash of the visitor cookie (never the cookie itself),
-- set when the draft is first stored. Drafts stored before have none and are not resumed.
ALTER TABLE request_drafts ADD COLUMN visitor_key TEXT;
CREATE INDEX request_drafts_by_visitor ON request_drafts (visitor_key, updated_at);
