-- The SLA clock stops while a ticket waits on the customer (answered), is postponed, or is
-- done (resolved, closed), and runs again when the ticket is new or open once more.
ALTER TABLE tickets ADD COLUMN sla_paused_at BIGINT;
ALTER TABLE tickets ADD COLUMN sla_paused_millis BIGINT NOT NULL DEFAULT 0;
-- Tickets already waiting stopped when they last changed; nothing is due while stopped.
UPDATE tickets SET sla_paused_at = updated_at, sla_due_at = 9223372036854775807
    WHERE status IN ('answered', 'postponed', 'resolved', 'closed');
