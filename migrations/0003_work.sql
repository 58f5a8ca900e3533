-- Trigram matching for memory search (tasks, initiatives, decisions, artifacts); pg_trgm is a
-- trusted extension on PostgreSQL 13+ and ships with PGlite (loaded in src/db/index.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "agents" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"domain" text NOT NULL,
	"description" text,
	"status" text DEFAULT 'active' NOT NULL,
	"canonical" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agents_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "artifacts" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"initiative_id" uuid,
	"name" text NOT NULL,
	"artifact_type" text NOT NULL,
	"artifact_url" text,
	"external_url" text,
	"preview_markdown" text,
	"status" text DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by_type" text NOT NULL,
	"created_by_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search_text" text GENERATED ALWAYS AS (coalesce("name", '') || ' ' || left(coalesce("preview_markdown", ''), 20000)) STORED,
	"search_tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, coalesce("name", '')), 'A') || setweight(to_tsvector('english'::regconfig, left(coalesce("preview_markdown", ''), 20000)), 'B')) STORED,
	CONSTRAINT "artifacts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "decision_options" (
	"tenant_id" uuid NOT NULL,
	"decision_id" uuid NOT NULL,
	"id" text NOT NULL,
	"label" text NOT NULL,
	"description" text,
	"position" smallint DEFAULT 0 NOT NULL,
	CONSTRAINT "decision_options_tenant_id_decision_id_id_pk" PRIMARY KEY("tenant_id","decision_id","id")
);
--> statement-breakpoint
CREATE TABLE "decisions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"title" text NOT NULL,
	"summary" text,
	"type" text DEFAULT 'approval' NOT NULL,
	"urgency" text DEFAULT 'medium' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"chosen_option_id" text,
	"resolution_note" text,
	"initiative_id" uuid,
	"task_id" uuid,
	"run_id" uuid,
	"requested_by_type" text NOT NULL,
	"requested_by_id" text,
	"requested_by_name" text,
	"resolved_by_type" text,
	"resolved_by_id" text,
	"resolved_by_name" text,
	"due_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search_text" text GENERATED ALWAYS AS (coalesce("title", '') || ' ' || left(coalesce("summary", ''), 20000)) STORED,
	"search_tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, coalesce("title", '')), 'A') || setweight(to_tsvector('english'::regconfig, left(coalesce("summary", ''), 20000)), 'B')) STORED,
	CONSTRAINT "decisions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "initiatives" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"title" text NOT NULL,
	"summary" text,
	"status" text DEFAULT 'draft' NOT NULL,
	"priority" text DEFAULT 'medium' NOT NULL,
	"target_date" date,
	"task_count" integer DEFAULT 0 NOT NULL,
	"done_count" integer DEFAULT 0 NOT NULL,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search_text" text GENERATED ALWAYS AS (coalesce("title", '') || ' ' || left(coalesce("summary", ''), 20000)) STORED,
	"search_tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, coalesce("title", '')), 'A') || setweight(to_tsvector('english'::regconfig, left(coalesce("summary", ''), 20000)), 'B')) STORED,
	CONSTRAINT "initiatives_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "milestones" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"initiative_id" uuid NOT NULL,
	"workstream_id" uuid,
	"title" text NOT NULL,
	"description" text,
	"status" text DEFAULT 'planned' NOT NULL,
	"due_date" date,
	"task_count" integer DEFAULT 0 NOT NULL,
	"done_count" integer DEFAULT 0 NOT NULL,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "milestones_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "milestones_initiative_key" UNIQUE("tenant_id","initiative_id","id")
);
--> statement-breakpoint
CREATE TABLE "run_activity" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"initiative_id" uuid,
	"phase" text NOT NULL,
	"level" text DEFAULT 'info' NOT NULL,
	"message" text NOT NULL,
	"progress_pct" smallint,
	"next_step" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "run_activity_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"task_id" uuid,
	"initiative_id" uuid,
	"status" text DEFAULT 'queued' NOT NULL,
	"progress" smallint DEFAULT 0 NOT NULL,
	"blockers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"summary" text,
	"quality_score" smallint,
	"origin" text DEFAULT 'dispatch' NOT NULL,
	"model_tier" text,
	"dispatched_by_type" text,
	"dispatched_by_id" text,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "runs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "task_agents" (
	"tenant_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"position" smallint DEFAULT 0 NOT NULL,
	CONSTRAINT "task_agents_tenant_id_task_id_agent_id_pk" PRIMARY KEY("tenant_id","task_id","agent_id")
);
--> statement-breakpoint
CREATE TABLE "task_dependencies" (
	"tenant_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"depends_on_id" uuid NOT NULL,
	CONSTRAINT "task_dependencies_tenant_id_task_id_depends_on_id_pk" PRIMARY KEY("tenant_id","task_id","depends_on_id")
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"initiative_id" uuid NOT NULL,
	"workstream_id" uuid NOT NULL,
	"milestone_id" uuid,
	"title" text NOT NULL,
	"description" text,
	"status" text DEFAULT 'todo' NOT NULL,
	"priority" text DEFAULT 'medium' NOT NULL,
	"sequence" integer NOT NULL,
	"due_date" date,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search_text" text GENERATED ALWAYS AS (coalesce("title", '') || ' ' || left(coalesce("description", ''), 20000)) STORED,
	"search_tsv" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, coalesce("title", '')), 'A') || setweight(to_tsvector('english'::regconfig, left(coalesce("description", ''), 20000)), 'B')) STORED,
	CONSTRAINT "tasks_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "workstream_dependencies" (
	"tenant_id" uuid NOT NULL,
	"workstream_id" uuid NOT NULL,
	"depends_on_id" uuid NOT NULL,
	CONSTRAINT "workstream_dependencies_tenant_id_workstream_id_depends_on_id_pk" PRIMARY KEY("tenant_id","workstream_id","depends_on_id")
);
--> statement-breakpoint
CREATE TABLE "workstreams" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"initiative_id" uuid NOT NULL,
	"name" text NOT NULL,
	"summary" text,
	"status" text DEFAULT 'ready' NOT NULL,
	"task_count" integer DEFAULT 0 NOT NULL,
	"done_count" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workstreams_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "workstreams_initiative_key" UNIQUE("tenant_id","initiative_id","id")
);
--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_tenant_id_initiative_id_initiatives_tenant_id_id_fk" FOREIGN KEY ("tenant_id","initiative_id") REFERENCES "public"."initiatives"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decision_options" ADD CONSTRAINT "decision_options_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decision_options" ADD CONSTRAINT "decision_options_tenant_id_decision_id_decisions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","decision_id") REFERENCES "public"."decisions"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_tenant_id_initiative_id_initiatives_tenant_id_id_fk" FOREIGN KEY ("tenant_id","initiative_id") REFERENCES "public"."initiatives"("tenant_id","id") ON DELETE SET NULL ("initiative_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_tenant_id_task_id_tasks_tenant_id_id_fk" FOREIGN KEY ("tenant_id","task_id") REFERENCES "public"."tasks"("tenant_id","id") ON DELETE SET NULL ("task_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_tenant_id_run_id_runs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","run_id") REFERENCES "public"."runs"("tenant_id","id") ON DELETE SET NULL ("run_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "initiatives" ADD CONSTRAINT "initiatives_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestones" ADD CONSTRAINT "milestones_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestones" ADD CONSTRAINT "milestones_tenant_id_initiative_id_initiatives_tenant_id_id_fk" FOREIGN KEY ("tenant_id","initiative_id") REFERENCES "public"."initiatives"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestones" ADD CONSTRAINT "milestones_tenant_id_initiative_id_workstream_id_workstreams_tenant_id_initiative_id_id_fk" FOREIGN KEY ("tenant_id","initiative_id","workstream_id") REFERENCES "public"."workstreams"("tenant_id","initiative_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_activity" ADD CONSTRAINT "run_activity_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_activity" ADD CONSTRAINT "run_activity_tenant_id_run_id_runs_tenant_id_id_fk" FOREIGN KEY ("tenant_id","run_id") REFERENCES "public"."runs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_tenant_id_agent_id_agents_tenant_id_id_fk" FOREIGN KEY ("tenant_id","agent_id") REFERENCES "public"."agents"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_tenant_id_task_id_tasks_tenant_id_id_fk" FOREIGN KEY ("tenant_id","task_id") REFERENCES "public"."tasks"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_tenant_id_initiative_id_initiatives_tenant_id_id_fk" FOREIGN KEY ("tenant_id","initiative_id") REFERENCES "public"."initiatives"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_agents" ADD CONSTRAINT "task_agents_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_agents" ADD CONSTRAINT "task_agents_tenant_id_task_id_tasks_tenant_id_id_fk" FOREIGN KEY ("tenant_id","task_id") REFERENCES "public"."tasks"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_agents" ADD CONSTRAINT "task_agents_tenant_id_agent_id_agents_tenant_id_id_fk" FOREIGN KEY ("tenant_id","agent_id") REFERENCES "public"."agents"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_dependencies" ADD CONSTRAINT "task_dependencies_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_dependencies" ADD CONSTRAINT "task_dependencies_tenant_id_task_id_tasks_tenant_id_id_fk" FOREIGN KEY ("tenant_id","task_id") REFERENCES "public"."tasks"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_dependencies" ADD CONSTRAINT "task_dependencies_tenant_id_depends_on_id_tasks_tenant_id_id_fk" FOREIGN KEY ("tenant_id","depends_on_id") REFERENCES "public"."tasks"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_tenant_id_initiative_id_workstream_id_workstreams_tenant_id_initiative_id_id_fk" FOREIGN KEY ("tenant_id","initiative_id","workstream_id") REFERENCES "public"."workstreams"("tenant_id","initiative_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_tenant_id_initiative_id_milestone_id_milestones_tenant_id_initiative_id_id_fk" FOREIGN KEY ("tenant_id","initiative_id","milestone_id") REFERENCES "public"."milestones"("tenant_id","initiative_id","id") ON DELETE SET NULL ("milestone_id") ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workstream_dependencies" ADD CONSTRAINT "workstream_dependencies_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workstream_dependencies" ADD CONSTRAINT "workstream_dependencies_tenant_id_workstream_id_workstreams_tenant_id_id_fk" FOREIGN KEY ("tenant_id","workstream_id") REFERENCES "public"."workstreams"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workstream_dependencies" ADD CONSTRAINT "workstream_dependencies_tenant_id_depends_on_id_workstreams_tenant_id_id_fk" FOREIGN KEY ("tenant_id","depends_on_id") REFERENCES "public"."workstreams"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workstreams" ADD CONSTRAINT "workstreams_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workstreams" ADD CONSTRAINT "workstreams_tenant_id_initiative_id_initiatives_tenant_id_id_fk" FOREIGN KEY ("tenant_id","initiative_id") REFERENCES "public"."initiatives"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agents_name_key" ON "agents" USING btree ("tenant_id",lower("name"));--> statement-breakpoint
CREATE INDEX "artifacts_entity_idx" ON "artifacts" USING btree ("tenant_id","entity_type","entity_id","created_at");--> statement-breakpoint
CREATE INDEX "artifacts_initiative_idx" ON "artifacts" USING btree ("tenant_id","initiative_id");--> statement-breakpoint
CREATE INDEX "artifacts_search_tsv_idx" ON "artifacts" USING gin ("search_tsv");--> statement-breakpoint
CREATE INDEX "artifacts_search_trgm_idx" ON "artifacts" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "decisions_status_due_idx" ON "decisions" USING btree ("tenant_id","status","due_at");--> statement-breakpoint
CREATE INDEX "decisions_created_idx" ON "decisions" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "decisions_initiative_idx" ON "decisions" USING btree ("tenant_id","initiative_id");--> statement-breakpoint
CREATE INDEX "decisions_task_idx" ON "decisions" USING btree ("tenant_id","task_id");--> statement-breakpoint
CREATE INDEX "decisions_run_idx" ON "decisions" USING btree ("tenant_id","run_id");--> statement-breakpoint
CREATE INDEX "decisions_search_tsv_idx" ON "decisions" USING gin ("search_tsv");--> statement-breakpoint
CREATE INDEX "decisions_search_trgm_idx" ON "decisions" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "initiatives_created_idx" ON "initiatives" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "initiatives_status_idx" ON "initiatives" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "initiatives_search_tsv_idx" ON "initiatives" USING gin ("search_tsv");--> statement-breakpoint
CREATE INDEX "initiatives_search_trgm_idx" ON "initiatives" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "milestones_workstream_idx" ON "milestones" USING btree ("tenant_id","workstream_id");--> statement-breakpoint
CREATE INDEX "run_activity_created_idx" ON "run_activity" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "run_activity_run_idx" ON "run_activity" USING btree ("tenant_id","run_id","created_at");--> statement-breakpoint
CREATE INDEX "runs_agent_idx" ON "runs" USING btree ("tenant_id","agent_id","created_at");--> statement-breakpoint
CREATE INDEX "runs_status_idx" ON "runs" USING btree ("tenant_id","status","created_at");--> statement-breakpoint
CREATE INDEX "runs_task_idx" ON "runs" USING btree ("tenant_id","task_id");--> statement-breakpoint
CREATE INDEX "runs_initiative_idx" ON "runs" USING btree ("tenant_id","initiative_id");--> statement-breakpoint
CREATE INDEX "runs_created_idx" ON "runs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "task_agents_agent_idx" ON "task_agents" USING btree ("tenant_id","agent_id");--> statement-breakpoint
CREATE INDEX "task_dependencies_dependant_idx" ON "task_dependencies" USING btree ("tenant_id","depends_on_id");--> statement-breakpoint
CREATE INDEX "tasks_workstream_queue_idx" ON "tasks" USING btree ("tenant_id","workstream_id","status","sequence");--> statement-breakpoint
CREATE INDEX "tasks_initiative_idx" ON "tasks" USING btree ("tenant_id","initiative_id","status");--> statement-breakpoint
CREATE INDEX "tasks_milestone_idx" ON "tasks" USING btree ("tenant_id","milestone_id");--> statement-breakpoint
CREATE INDEX "tasks_created_idx" ON "tasks" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "tasks_search_tsv_idx" ON "tasks" USING gin ("search_tsv");--> statement-breakpoint
CREATE INDEX "tasks_search_trgm_idx" ON "tasks" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "workstream_dependencies_dependant_idx" ON "workstream_dependencies" USING btree ("tenant_id","depends_on_id");--> statement-breakpoint
-- Every workspace that existed before the Work module gets the seven canonical agents
-- (src/work/canonical-agents.ts creates them for new ones).
INSERT INTO "agents" ("tenant_id", "id", "name", "domain", "description", "canonical")
SELECT t."id", gen_random_uuid(), a.name, a.domain, a.description, true
FROM "tenants" t
CROSS JOIN (VALUES
	('engineering-agent', 'engineering', 'Builds and fixes software: code, tests, infrastructure.'),
	('product-agent', 'product', 'Shapes what to build: requirements, specs, priorities.'),
	('design-agent', 'design', 'Designs the experience: flows, interfaces, visual assets.'),
	('marketing-agent', 'marketing', 'Tells the story: campaigns, content, positioning.'),
	('sales-agent', 'sales', 'Finds and wins customers: outreach, proposals, follow-ups.'),
	('operations-agent', 'operations', 'Keeps the business running: processes, tooling, reporting.'),
	('orchestrator-agent', 'orchestration', 'Plans and coordinates the work of the other agents.')
) AS a(name, domain, description)
ON CONFLICT DO NOTHING;