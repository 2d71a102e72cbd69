-- Sessions were never written before this migration (session_id was always null): nothing to keep.
DELETE FROM "sessions";--> statement-breakpoint
CREATE TABLE "visitor_browsers" (
	"workspace_id" uuid NOT NULL,
	"ga_id" text NOT NULL,
	"visitor_id" uuid NOT NULL,
	"mapped_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "visitor_browsers_pk" PRIMARY KEY("workspace_id","ga_id")
);
--> statement-breakpoint
DROP INDEX "sessions_visitor_idx";--> statement-breakpoint
DROP INDEX "sessions_anon_idx";--> statement-breakpoint
ALTER TABLE "sessions" ALTER COLUMN "started_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "sessions" ALTER COLUMN "last_event_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "ga_id" uuid NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "entry_host" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "entry_path" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "exit_path" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "channel" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "referrer_host" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "link_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "partner_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "country" text;--> statement-breakpoint
CREATE INDEX "visitor_browsers_visitor_idx" ON "visitor_browsers" USING btree ("workspace_id","visitor_id");--> statement-breakpoint
CREATE INDEX "sessions_browser_idx" ON "sessions" USING btree ("workspace_id","ga_id","last_event_at" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "visitor_id";--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "anonymous_id";--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "entry_url";--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "entry_page";--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "exit_page";--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "inserted_at";--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "updated_at";--> statement-breakpoint
ALTER TABLE "visitors" DROP COLUMN "total_sessions";--> statement-breakpoint
ALTER TABLE "visitors" DROP COLUMN "total_pageviews";--> statement-breakpoint
ALTER TABLE "visitors" DROP COLUMN "total_events";--> statement-breakpoint
ALTER TABLE "visitors" DROP COLUMN "total_time_seconds";--> statement-breakpoint
ALTER TABLE "visitors" DROP COLUMN "avg_scroll_depth";--> statement-breakpoint
ALTER TABLE "visitors" DROP COLUMN "top_pages";