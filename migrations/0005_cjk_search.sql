-- Chinese (CJK) search: every CJK character and pair of adjacent characters becomes a word of
-- its own in search_tsv, so one- and two-character queries are served by the GIN index.
CREATE OR REPLACE FUNCTION search_cjk_grams(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(substr(r[1], i, 1) || CASE WHEN i < char_length(r[1]) THEN ' ' || substr(r[1], i, 2) ELSE '' END, ' '), '')
  FROM regexp_matches(t, '[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+', 'g') AS r, generate_series(1, char_length(r[1])) AS i
$$;--> statement-breakpoint
ALTER TABLE "artifacts" drop column "search_tsv";--> statement-breakpoint
ALTER TABLE "artifacts" ADD COLUMN "search_tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, coalesce("name", '')), 'A') || setweight(to_tsvector('english'::regconfig, left(coalesce("preview_markdown", ''), 20000)), 'B') || to_tsvector('simple'::regconfig, search_cjk_grams(coalesce("name", '') || ' ' || left(coalesce("preview_markdown", ''), 20000)))) STORED;--> statement-breakpoint
ALTER TABLE "decisions" drop column "search_tsv";--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "search_tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, coalesce("title", '')), 'A') || setweight(to_tsvector('english'::regconfig, left(coalesce("summary", ''), 20000)), 'B') || to_tsvector('simple'::regconfig, search_cjk_grams(coalesce("title", '') || ' ' || left(coalesce("summary", ''), 20000)))) STORED;--> statement-breakpoint
ALTER TABLE "initiatives" drop column "search_tsv";--> statement-breakpoint
ALTER TABLE "initiatives" ADD COLUMN "search_tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, coalesce("title", '')), 'A') || setweight(to_tsvector('english'::regconfig, left(coalesce("summary", ''), 20000)), 'B') || to_tsvector('simple'::regconfig, search_cjk_grams(coalesce("title", '') || ' ' || left(coalesce("summary", ''), 20000)))) STORED;--> statement-breakpoint
ALTER TABLE "tasks" drop column "search_tsv";--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "search_tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, coalesce("title", '')), 'A') || setweight(to_tsvector('english'::regconfig, left(coalesce("description", ''), 20000)), 'B') || to_tsvector('simple'::regconfig, search_cjk_grams(coalesce("title", '') || ' ' || left(coalesce("description", ''), 20000)))) STORED;--> statement-breakpoint
CREATE INDEX "artifacts_search_tsv_idx" ON "artifacts" USING gin ("search_tsv");--> statement-breakpoint
CREATE INDEX "decisions_search_tsv_idx" ON "decisions" USING gin ("search_tsv");--> statement-breakpoint
CREATE INDEX "initiatives_search_tsv_idx" ON "initiatives" USING gin ("search_tsv");--> statement-breakpoint
CREATE INDEX "tasks_search_tsv_idx" ON "tasks" USING gin ("search_tsv");
