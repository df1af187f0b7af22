-- Secrets of this installation, the same for every instance on the database: the key that
-- makes a stored hash of a client address unreadable to anyone who only has the database.
CREATE TABLE installation_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
