-- The admins' dashboard: indexes so every figure is one range scan, even with millions of events.

-- Help-centre visitors in a period: COUNT(DISTINCT visitor_id) read from the index alone.
CREATE INDEX events_by_time_visitor ON events (occurred_at, visitor_id);
-- Searches that ended in a ticket: a visitor's searches just before their ticket_filed event.
CREATE INDEX events_by_kind_visitor_time ON events (kind, visitor_id, occurred_at);
-- Per-agent replies in a period.
CREATE INDEX ticket_messages_by_kind_time ON ticket_messages (author_kind, created_at);
-- Per-agent resolutions in a period.
CREATE INDEX tickets_by_resolved ON tickets (resolved_at);
-- Searches (counts, top lists, zero results, language) read from the index alone.
CREATE INDEX events_search_cover ON events (kind, occurred_at, result_count, lang, query);
-- Per-article views by source, feedback and credited deflections read from the index alone.
CREATE INDEX events_article_cover ON events (kind, occurred_at, article_slug, source);
