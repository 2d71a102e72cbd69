-- Hand-written: drizzle-kit cannot express PARTITION BY. The events table holds every event
-- (link clicks included), range-partitioned by month on the event time, with a DEFAULT partition
-- as a safety net. Every key includes workspace_id (Citus-ready) and the partition key.
CREATE TABLE "events" (
	"id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"visitor_id" uuid,
	"session_id" uuid,
	"event_type" text NOT NULL,
	"event_name" text,
	"link_id" uuid,
	"click_id" uuid,
	"partner_id" uuid,
	"referral_link_id" uuid,
	"referral_click_id" uuid,
	"url" text,
	"host" text,
	"path" text,
	"referrer" text,
	"source_platform" text,
	"source_medium" text,
	"source_campaign" text,
	"channel" text,
	"source" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"fingerprint" text,
	"ip_address" inet,
	"user_agent" text,
	"device_type" text,
	"browser" text,
	"browser_version" text,
	"os" text,
	"os_version" text,
	"device_brand" text,
	"device_model" text,
	"bot" boolean DEFAULT false NOT NULL,
	"bot_name" text,
	"country" text,
	"geo" jsonb,
	"amount_cents" bigint,
	"currency" text,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"connector_source_context" jsonb,
	"client_event_id" uuid,
	"idempotency_key" text,
	"unique_click" boolean,
	"qr" boolean DEFAULT false NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"inserted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "events_pk" PRIMARY KEY ("workspace_id", "id", "occurred_at"),
	CONSTRAINT "events_event_type_check" CHECK ("event_type" IN ('link_click', 'pageview', 'session_start', 'identify', 'lead', 'sale', 'share', 'engagement', 'custom', 'api_request', 'visitor_merged'))
) PARTITION BY RANGE ("occurred_at");
--> statement-breakpoint
CREATE TABLE "events_default" PARTITION OF "events" DEFAULT;
--> statement-breakpoint
CREATE INDEX "events_ws_time_idx" ON "events" ("workspace_id", "occurred_at" DESC);
--> statement-breakpoint
CREATE INDEX "events_visitor_time_idx" ON "events" ("workspace_id", "visitor_id", "occurred_at" DESC) WHERE "visitor_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "events_ws_type_time_idx" ON "events" ("workspace_id", "event_type", "occurred_at" DESC);
--> statement-breakpoint
CREATE INDEX "events_link_time_idx" ON "events" ("workspace_id", "link_id", "occurred_at" DESC) WHERE "link_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "events_click_idx" ON "events" ("workspace_id", "click_id") WHERE "click_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "events_source_idx" ON "events" ("workspace_id", "source_platform", "source_medium", "occurred_at" DESC);
--> statement-breakpoint
CREATE INDEX "events_campaign_idx" ON "events" ("workspace_id", "source_campaign", "occurred_at" DESC) WHERE "source_campaign" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "events_session_idx" ON "events" ("workspace_id", "session_id", "occurred_at" DESC) WHERE "session_id" IS NOT NULL;
