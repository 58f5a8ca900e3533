-- A webhook attempt no longer has a foreign key to its delivery.
--
-- The recorder writes a batch of attempts in the statement that also updates their deliveries
-- (src/webhooks/recorder.ts). The key's check, one per attempt at the statement's end, locked the
-- delivery row that statement had just updated, and under load it cost 2-4 ms a row: batches of
-- 500 took 1-2 s, and deliveries at 500 events/s waited 2.5 s instead of 25 ms (measured with
-- auto_explain's trigger timings). The recorder now writes attempts only for deliveries its
-- update found (which it holds locked), and a delivery's attempts go with it by this trigger, one
-- set-based delete per deleting statement (retention, an endpoint or tenant deleted).
ALTER TABLE "webhook_attempts" DROP CONSTRAINT "webhook_attempts_tenant_id_delivery_id_webhook_deliveries_tenant_id_id_fk";--> statement-breakpoint
CREATE FUNCTION webhook_deliveries_drop_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM webhook_attempts a USING gone_deliveries g WHERE a.tenant_id = g.tenant_id AND a.delivery_id = g.id;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER webhook_deliveries_drop_attempts AFTER DELETE ON webhook_deliveries REFERENCING OLD TABLE AS gone_deliveries
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_deliveries_drop_attempts();
