-- Version 20: a delivery row can say until when it is claimed. On SQLite the node is one process and keeps its claims
-- in memory (SqliteDeliveryQueue), so this stays NULL; the column is there so that the statements recording an outcome
-- are the same on both databases (on PostgreSQL every process claims in the row, PostgresDeliveryQueue).
ALTER TABLE deliveries ADD COLUMN claimed_until TEXT;
