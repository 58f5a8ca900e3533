-- The outbox trigger's NOTIFY, sent by one committing transaction at a time.
--
-- PostgreSQL serializes the commits of notifying transactions (before 18, a transaction that
-- sent a NOTIFY holds a database-wide lock from just before its commit until after it, WAL flush
-- included), so with every create of a subscribed tenant notifying, its commits went through one
-- at a time: create-employee with three endpoints subscribed ran at a fraction of its speed with
-- the server's cores half idle. Now a transaction notifies only when no other one is about to
-- (a try-lock, held to its end, never waited for); the others' events are fanned out by the
-- round that notification wakes, or by the worker's follow-up round (src/webhooks/worker.ts:
-- after a round that found events it looks again shortly, notified or not).
CREATE OR REPLACE FUNCTION webhook_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_events n JOIN webhook_endpoints e ON e.tenant_id = n.tenant_id AND e.enabled)
     AND pg_try_advisory_xact_lock(7262015) THEN
    PERFORM pg_notify('orgstack_webhooks', '');
  END IF;
  RETURN NULL;
END $$;
