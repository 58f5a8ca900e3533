-- A workstream keeps the highest sequence its tasks have had (new tasks go after it), so the
-- next sequence no longer needs the index that found max(sequence).
DROP INDEX "tasks_workstream_sequence_idx";--> statement-breakpoint
ALTER TABLE "workstreams" ADD COLUMN "last_sequence" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE "workstreams" w SET "last_sequence" = s.last
FROM (SELECT tenant_id, workstream_id, max(sequence) AS last FROM "tasks" GROUP BY tenant_id, workstream_id) s
WHERE w.tenant_id = s.tenant_id AND w.id = s.workstream_id;--> statement-breakpoint
-- The search columns call search_cjk_grams on every write of a task, initiative, decision or
-- artifact. As a SQL function it was parsed and planned again on every call (it cannot be
-- inlined); in PL/pgSQL its plan is kept per connection, and text without CJK characters (most
-- of it) returns after one regular-expression test.
CREATE OR REPLACE FUNCTION search_cjk_grams(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF t !~ '[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]' THEN
    RETURN '';
  END IF;
  RETURN (
    SELECT coalesce(string_agg(substr(r[1], i, 1) || CASE WHEN i < char_length(r[1]) THEN ' ' || substr(r[1], i, 2) ELSE '' END, ' '), '')
    FROM regexp_matches(t, '[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+', 'g') AS r, generate_series(1, char_length(r[1])) AS i
  );
END
$$;
