-- The search indexes keep a small pending list (src/work/tables.ts, GIN_PENDING_KB). ALTER, not
-- drop-and-create: it changes the setting in place, without rebuilding the indexes.
ALTER INDEX "artifacts_search_tsv_idx" SET (gin_pending_list_limit = 128);--> statement-breakpoint
ALTER INDEX "artifacts_search_trgm_idx" SET (gin_pending_list_limit = 128);--> statement-breakpoint
ALTER INDEX "decisions_search_tsv_idx" SET (gin_pending_list_limit = 128);--> statement-breakpoint
ALTER INDEX "decisions_search_trgm_idx" SET (gin_pending_list_limit = 128);--> statement-breakpoint
ALTER INDEX "initiatives_search_tsv_idx" SET (gin_pending_list_limit = 128);--> statement-breakpoint
ALTER INDEX "initiatives_search_trgm_idx" SET (gin_pending_list_limit = 128);--> statement-breakpoint
ALTER INDEX "tasks_search_tsv_idx" SET (gin_pending_list_limit = 128);--> statement-breakpoint
ALTER INDEX "tasks_search_trgm_idx" SET (gin_pending_list_limit = 128);
