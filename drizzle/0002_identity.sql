CREATE TABLE "connector_dispatches" (
	"id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"event_occurred_at" timestamp with time zone NOT NULL,
	"visitor_id" uuid,
	"connector" text NOT NULL,
	"connector_event_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_error" text,
	"source_context" jsonb,
	"payload" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "connector_dispatches_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "connector_dispatches_status_check" CHECK ("connector_dispatches"."status" in ('planned', 'pending', 'delivering', 'delivered', 'failed', 'permanently_failed', 'skipped'))
);
--> statement-breakpoint
CREATE TABLE "event_keys" (
	"workspace_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"event_id" uuid NOT NULL,
	"body_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_keys_pk" PRIMARY KEY("workspace_id","kind","key")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"visitor_id" uuid NOT NULL,
	"anonymous_id" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_event_at" timestamp with time zone DEFAULT now() NOT NULL,
	"entry_url" text,
	"entry_page" text,
	"exit_page" text,
	"pageviews" integer DEFAULT 0 NOT NULL,
	"events" integer DEFAULT 0 NOT NULL,
	"duration_seconds" integer DEFAULT 0 NOT NULL,
	"engaged_seconds" integer DEFAULT 0 NOT NULL,
	"is_bounce" boolean DEFAULT true NOT NULL,
	"is_engaged" boolean DEFAULT false NOT NULL,
	"source_platform" text,
	"source_medium" text,
	"source_campaign" text,
	"click_id" uuid,
	"device_type" text,
	"browser" text,
	"os" text,
	"inserted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sessions_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "visitor_merges" (
	"id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"survivor_id" uuid NOT NULL,
	"merged_ids" uuid[] NOT NULL,
	"reason" text NOT NULL,
	"deciding_signals" text[] DEFAULT '{}' NOT NULL,
	"merged_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "visitor_merges_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "visitors" (
	"id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"fingerprints" text[] DEFAULT '{}' NOT NULL,
	"anonymous_ids" text[] DEFAULT '{}' NOT NULL,
	"click_ids" uuid[] DEFAULT '{}' NOT NULL,
	"ga_id" text,
	"person_external_id" text,
	"person_email" text,
	"person_phone" text,
	"person_name" text,
	"person_metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"first_source" jsonb,
	"last_source" jsonb,
	"first_click_id" uuid,
	"last_click_id" uuid,
	"first_partner_id" uuid,
	"first_referral_link_id" uuid,
	"first_referral_click_id" uuid,
	"last_partner_id" uuid,
	"last_referral_link_id" uuid,
	"last_referral_click_id" uuid,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attribution_path" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"click_id_params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"click_id_history" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"connector_identifiers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"geo" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"device" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"total_sessions" integer DEFAULT 0 NOT NULL,
	"total_pageviews" integer DEFAULT 0 NOT NULL,
	"total_events" integer DEFAULT 0 NOT NULL,
	"total_time_seconds" integer DEFAULT 0 NOT NULL,
	"avg_scroll_depth" numeric,
	"lead_quality_score" numeric,
	"fraud_risk_score" numeric,
	"top_pages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'anonymous' NOT NULL,
	"merged_into_id" uuid,
	"identified_at" timestamp with time zone,
	"converted_at" timestamp with time zone,
	"ltv_cents" bigint DEFAULT 0 NOT NULL,
	"inserted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "visitors_pk" PRIMARY KEY("workspace_id","id"),
	CONSTRAINT "visitors_status_check" CHECK ("visitors"."status" in ('anonymous', 'identified', 'lead', 'customer', 'churned', 'merged'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "connector_dispatches_event_uq" ON "connector_dispatches" USING btree ("workspace_id","connector","event_id");--> statement-breakpoint
CREATE INDEX "connector_dispatches_due_idx" ON "connector_dispatches" USING btree ("next_attempt_at") WHERE "connector_dispatches"."status" in ('pending', 'failed');--> statement-breakpoint
CREATE INDEX "connector_dispatches_visitor_idx" ON "connector_dispatches" USING btree ("workspace_id","visitor_id");--> statement-breakpoint
CREATE INDEX "event_keys_created_idx" ON "event_keys" USING btree ("kind","created_at");--> statement-breakpoint
CREATE INDEX "sessions_visitor_idx" ON "sessions" USING btree ("workspace_id","visitor_id","last_event_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sessions_anon_idx" ON "sessions" USING btree ("workspace_id","anonymous_id","last_event_at" DESC NULLS LAST) WHERE "sessions"."anonymous_id" is not null;--> statement-breakpoint
CREATE INDEX "sessions_started_idx" ON "sessions" USING btree ("workspace_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "visitor_merges_survivor_idx" ON "visitor_merges" USING btree ("workspace_id","survivor_id");--> statement-breakpoint
CREATE UNIQUE INDEX "visitors_external_id_uq" ON "visitors" USING btree ("workspace_id","person_external_id") WHERE "visitors"."person_external_id" is not null and "visitors"."status" <> 'merged';--> statement-breakpoint
CREATE INDEX "visitors_ga_id_idx" ON "visitors" USING btree ("workspace_id","ga_id") WHERE "visitors"."ga_id" is not null;--> statement-breakpoint
CREATE INDEX "visitors_email_idx" ON "visitors" USING btree ("workspace_id",lower("person_email")) WHERE "visitors"."person_email" is not null;--> statement-breakpoint
CREATE INDEX "visitors_fingerprints_gin" ON "visitors" USING gin ("fingerprints");--> statement-breakpoint
CREATE INDEX "visitors_anonymous_ids_gin" ON "visitors" USING gin ("anonymous_ids");--> statement-breakpoint
CREATE INDEX "visitors_click_ids_gin" ON "visitors" USING gin ("click_ids");--> statement-breakpoint
CREATE INDEX "visitors_ws_status_idx" ON "visitors" USING btree ("workspace_id","status");--> statement-breakpoint
CREATE INDEX "visitors_ws_inserted_idx" ON "visitors" USING btree ("workspace_id","inserted_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "visitors_ws_last_seen_idx" ON "visitors" USING btree ("workspace_id","last_seen_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "visitors_merged_into_idx" ON "visitors" USING btree ("workspace_id","merged_into_id") WHERE "visitors"."merged_into_id" is not null;