-- The Reviews-only settings leave the tenant row for the Reviews module's own table; every
-- tenant's values are copied before the columns go.
CREATE TABLE "review_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"rating_threshold" smallint DEFAULT 4 NOT NULL,
	"feedback_contact_retention_days" integer DEFAULT 365 NOT NULL,
	"notify_on_negative_feedback" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
ALTER TABLE "review_settings" ADD CONSTRAINT "review_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
INSERT INTO "review_settings" ("tenant_id", "rating_threshold", "feedback_contact_retention_days", "notify_on_negative_feedback")
SELECT "id", "rating_threshold", "feedback_contact_retention_days", "notify_on_negative_feedback" FROM "tenants";--> statement-breakpoint
ALTER TABLE "tenants" DROP COLUMN "rating_threshold";--> statement-breakpoint
ALTER TABLE "tenants" DROP COLUMN "feedback_contact_retention_days";--> statement-breakpoint
ALTER TABLE "tenants" DROP COLUMN "notify_on_negative_feedback";