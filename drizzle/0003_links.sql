CREATE TABLE "link_unique_clicks" (
	"link_id" uuid NOT NULL,
	"visitor_key" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"hits" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "link_unique_clicks_link_id_visitor_key_pk" PRIMARY KEY("link_id","visitor_key")
);
--> statement-breakpoint
CREATE TABLE "links" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"domain" text NOT NULL,
	"key" text NOT NULL,
	"url" text NOT NULL,
	"link_type" text DEFAULT 'short' NOT NULL,
	"utm_source" text,
	"utm_medium" text,
	"utm_campaign" text,
	"utm_content" text,
	"utm_term" text,
	"ios_url" text,
	"android_url" text,
	"geo_targeting" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"expires_at" timestamp with time zone,
	"expired_url" text,
	"password_hash" text,
	"og_title" text,
	"og_description" text,
	"og_image" text,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"external_id" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"archived_at" timestamp with time zone,
	"total_clicks" bigint DEFAULT 0 NOT NULL,
	"unique_clicks" bigint DEFAULT 0 NOT NULL,
	"bot_clicks" bigint DEFAULT 0 NOT NULL,
	"total_leads" bigint DEFAULT 0 NOT NULL,
	"total_sales" bigint DEFAULT 0 NOT NULL,
	"total_revenue_cents" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "links_link_type_check" CHECK ("links"."link_type" in ('short', 'referral', 'campaign'))
);
--> statement-breakpoint
CREATE INDEX "link_unique_clicks_window_idx" ON "link_unique_clicks" USING btree ("window_start");--> statement-breakpoint
CREATE UNIQUE INDEX "links_domain_key_live_idx" ON "links" USING btree ("domain","key") WHERE "links"."archived_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "links_workspace_external_id_live_idx" ON "links" USING btree ("workspace_id","external_id") WHERE "links"."archived_at" IS NULL AND "links"."external_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "links_key_live_idx" ON "links" USING btree ("key") WHERE "links"."archived_at" IS NULL;--> statement-breakpoint
CREATE INDEX "links_workspace_created_idx" ON "links" USING btree ("workspace_id","created_at" DESC NULLS LAST);