-- The array GIN indexes skip empty arrays: GIN files every empty array under one shared
-- "empty item" entry, so each new visitor (no fingerprint, no anonymous id yet) appended to the
-- same posting tree, and concurrent flushes queued on its pages. Lookups state the predicate.
DROP INDEX "visitors_fingerprints_gin";--> statement-breakpoint
DROP INDEX "visitors_anonymous_ids_gin";--> statement-breakpoint
DROP INDEX "visitors_click_ids_gin";--> statement-breakpoint
CREATE INDEX "visitors_fingerprints_gin" ON "visitors" USING gin ("fingerprints") WITH (fastupdate=false) WHERE cardinality("visitors"."fingerprints") > 0;--> statement-breakpoint
CREATE INDEX "visitors_anonymous_ids_gin" ON "visitors" USING gin ("anonymous_ids") WITH (fastupdate=false) WHERE cardinality("visitors"."anonymous_ids") > 0;--> statement-breakpoint
CREATE INDEX "visitors_click_ids_gin" ON "visitors" USING gin ("click_ids") WITH (fastupdate=false) WHERE cardinality("visitors"."click_ids") > 0;--> statement-breakpoint
-- Hand-written: events indexes no query reads (source, campaign, session, click id). Each cost an
-- index insert per stored event on the hottest write path; add one back with the query that needs it.
DROP INDEX IF EXISTS "events_source_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "events_campaign_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "events_session_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "events_click_idx";
