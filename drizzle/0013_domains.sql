CREATE TABLE "domains" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"host" text NOT NULL,
	"root_url" text,
	"not_found_url" text,
	"expired_url" text,
	"verification_token" text NOT NULL,
	"verified_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "referrer_policy" text;--> statement-breakpoint
CREATE UNIQUE INDEX "domains_host_idx" ON "domains" USING btree ("host");--> statement-breakpoint
CREATE INDEX "domains_workspace_created_idx" ON "domains" USING btree ("workspace_id","created_at");