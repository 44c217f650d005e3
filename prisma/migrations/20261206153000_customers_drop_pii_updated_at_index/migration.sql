-- No query can use this index: its readers (the PII-update agent, the PII_UPDATE job scope) compare
-- pii_updated_at with each membership's confirmed_at in a join on the customer id, which the primary
-- key serves. Every customer insert paid for it (about a tenth of the upsert's PostgreSQL time).
-- DropIndex
DROP INDEX "customers_pii_updated_at_idx";
