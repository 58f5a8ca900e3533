-- The outbox trigger's NOTIFY, at most once per 10 ms across the cluster.
--
-- 0012 let one committing transaction at a time notify, but transactions seldom overlap, so
-- nearly every create of a subscribed tenant still sent one: about 2,000 a second, each taking
-- PostgreSQL's database-wide notify lock at commit and waking every listening node. With three
-- endpoints subscribed that cost create-employee about a tenth of its speed (97.6 % of its speed
-- without webhooks with no NOTIFY at all, 88 % with one per commit, the worker off in both).
-- Now the trigger notifies only when no notification went out in the last 10 ms: the time of the
-- last one is this table's one row, read by every trigger and written only by the transaction
-- that notifies (under the try-lock, so no trigger ever waits for the row). Events that commit in
-- the 10 ms after a notification are fanned out by the round it wakes, or by the worker's
-- follow-up round 20 ms after a round that found events (src/webhooks/worker.ts).
CREATE TABLE "webhook_wake" (
	"id" smallint PRIMARY KEY NOT NULL CHECK ("id" = 1),
	"notified_at" timestamp with time zone NOT NULL
);--> statement-breakpoint
INSERT INTO "webhook_wake" VALUES (1, '-infinity');--> statement-breakpoint
CREATE OR REPLACE FUNCTION webhook_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_events n JOIN webhook_endpoints e ON e.tenant_id = n.tenant_id AND e.enabled)
     AND coalesce((SELECT notified_at FROM webhook_wake WHERE id = 1), '-infinity') < clock_timestamp() - interval '10 milliseconds'
     AND pg_try_advisory_xact_lock(7262015) THEN
    INSERT INTO webhook_wake VALUES (1, clock_timestamp()) ON CONFLICT (id) DO UPDATE SET notified_at = excluded.notified_at;
    PERFORM pg_notify('orgstack_webhooks', '');
  END IF;
  RETURN NULL;
END $$;
