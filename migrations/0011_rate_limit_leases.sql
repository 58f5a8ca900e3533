-- Leased budget slices (src/platform/rate-limits.ts): `leased` is the budget of the window handed
-- out to nodes. Rows from before count as leased what they admitted: the lease statement starts
-- from greatest(leased, count), so no backfill is needed.
ALTER TABLE "rate_limit_windows" ADD COLUMN "leased" integer DEFAULT 0 NOT NULL;
