-- The agents' inbox: a stored "next SLA due time" and a numeric priority, so every inbox view
-- is an indexed range scan in the order it is shown, even with 100,000 tickets.

-- The next due time: first-response due until the first agent reply, then resolution due.
-- Resolved and closed tickets have none; they store the largest BIGINT so they sort last on
-- both backends and never match "breached" or "due soon".
ALTER TABLE tickets ADD COLUMN sla_due_at BIGINT NOT NULL DEFAULT 9223372036854775807;
-- low = 0, medium = 1, high = 2, urgent = 3.
ALTER TABLE tickets ADD COLUMN priority_rank BIGINT NOT NULL DEFAULT 0;

UPDATE tickets SET
    sla_due_at = CASE
        WHEN status IN ('resolved', 'closed') THEN 9223372036854775807
        WHEN first_responded_at IS NULL THEN first_response_due
        ELSE resolution_due END,
    priority_rank = CASE priority WHEN 'urgent' THEN 3 WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END;

CREATE INDEX tickets_inbox_by_due ON tickets (sla_due_at, id);
CREATE INDEX tickets_inbox_by_status_due ON tickets (status, sla_due_at, id);
CREATE INDEX tickets_inbox_by_assignee_due ON tickets (assignee_id, sla_due_at, id);
CREATE INDEX tickets_inbox_by_priority_due ON tickets (priority_rank DESC, sla_due_at, id);
CREATE INDEX tickets_inbox_by_category_due ON tickets (category, sla_due_at, id);
CREATE INDEX tickets_inbox_by_status_created ON tickets (status, created_at);
