CREATE TABLE "connector_dispatch_attempts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"dispatch_id" uuid NOT NULL,
	"connector" text NOT NULL,
	"attempt" integer NOT NULL,
	"outcome" text NOT NULL,
	"http_status" integer,
	"error_kind" text,
	"duration_ms" integer NOT NULL,
	"response_excerpt" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "connector_dispatch_attempts_dispatch_idx" ON "connector_dispatch_attempts" USING btree ("workspace_id","dispatch_id","created_at");--> statement-breakpoint
-- Hand-written (the outbox table is declared by the conversions feature): the delivery lease,
-- the last attempt time and the platform's trace id. A row in 'delivering' whose lease_until has
-- passed belongs to a worker that died; any worker may claim it again.
ALTER TABLE "connector_dispatches" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "connector_dispatches" ADD COLUMN "last_attempted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "connector_dispatches" ADD COLUMN "platform_ref" text;--> statement-breakpoint
CREATE INDEX "connector_dispatches_lease_idx" ON "connector_dispatches" USING btree ("lease_until") WHERE "connector_dispatches"."status" = 'delivering';--> statement-breakpoint
CREATE INDEX "connector_dispatches_list_idx" ON "connector_dispatches" USING btree ("workspace_id","created_at" DESC);
