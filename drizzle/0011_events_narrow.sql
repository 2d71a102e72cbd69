-- Hand-written (drizzle-kit cannot express PARTITION BY). The ingest spine's events (issue 13,
-- DESIGN §5): immutable, narrow rows keyed by the browser id `ga_id`, never by a visitor (a merge
-- re-points visitor_browsers instead of rewriting events). The source is stored once as short
-- columns; jsonb only where it is not null: properties, and `context` (the request facts the
-- conversion APIs need: url, ip, user agent, browser ids), which only conversions carry.
-- Existing rows are moved over: their ga_id comes from their visitor (or the click's own id), and
-- every visitor's browsers are mapped to the living visitor (merge survivors followed).
ALTER TABLE "events" RENAME TO "events_legacy";
--> statement-breakpoint
-- The old table, its partitions and every index of them move out of the way of the new names.
DO $$
DECLARE rel record;
BEGIN
  FOR rel IN
    SELECT ic.relname FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = current_schema() AND (t.relname = 'events_legacy' OR t.oid IN (
      SELECT i.inhrelid FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'events_legacy' AND p.relnamespace = n.oid))
  LOOP
    EXECUTE format('ALTER INDEX %I RENAME TO %I', rel.relname, 'legacy_' || rel.relname);
  END LOOP;
  FOR rel IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
    JOIN pg_namespace n ON n.oid = p.relnamespace
    WHERE p.relname = 'events_legacy' AND n.nspname = current_schema()
  LOOP
    EXECUTE format('ALTER TABLE %I RENAME TO %I', rel.relname, 'legacy_' || rel.relname);
  END LOOP;
END $$;
--> statement-breakpoint
CREATE TABLE "events" (
	"occurred_at" timestamp with time zone NOT NULL,
	"amount_cents" bigint,
	"workspace_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"ga_id" uuid NOT NULL,
	"session_id" uuid,
	"link_id" uuid,
	"click_id" uuid,
	"partner_id" uuid,
	"bot" boolean DEFAULT false NOT NULL,
	"unique_click" boolean,
	"qr" boolean,
	"event_type" text NOT NULL,
	"event_name" text,
	"host" text,
	"path" text,
	"query" text,
	"referrer" text,
	"referrer_host" text,
	"channel" text,
	"source_platform" text,
	"source_medium" text,
	"source_campaign" text,
	"source_content" text,
	"source_term" text,
	"source_rule" text,
	"click_id_type" text,
	"click_id_value" text,
	"device_type" text,
	"browser" text,
	"bot_name" text,
	"os" text,
	"country" text,
	"currency" text,
	"properties" jsonb,
	"context" jsonb,
	CONSTRAINT "events_pk" PRIMARY KEY ("workspace_id", "id", "occurred_at"),
	CONSTRAINT "events_event_type_check" CHECK ("event_type" IN ('link_click', 'pageview', 'session_start', 'identify', 'lead', 'sale', 'share', 'engagement', 'custom'))
) PARTITION BY RANGE ("occurred_at");
--> statement-breakpoint
CREATE TABLE "events_default" PARTITION OF "events" DEFAULT;
--> statement-breakpoint
DO $$
DECLARE m timestamptz;
BEGIN
  FOR m IN SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' FROM events_legacy
  LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
      'events_' || to_char(m AT TIME ZONE 'UTC', 'YYYY_MM'), m, m + interval '1 month');
  END LOOP;
END $$;
--> statement-breakpoint
CREATE TEMP TABLE legacy_browsers AS
WITH RECURSIVE root(id, workspace_id, living_id) AS (
  SELECT id, workspace_id, id FROM visitors WHERE status <> 'merged' OR merged_into_id IS NULL
  UNION
  SELECT v.id, v.workspace_id, r.living_id FROM visitors v JOIN root r ON v.merged_into_id = r.id AND v.workspace_id = r.workspace_id
)
SELECT e.workspace_id, e.id AS event_id,
  coalesce(
    CASE WHEN v.ga_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN v.ga_id::uuid END,
    CASE WHEN e.properties->>'ga_id' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN (e.properties->>'ga_id')::uuid END,
    e.visitor_id, e.click_id, e.id) AS ga_id,
  r.living_id AS visitor_id
FROM events_legacy e
LEFT JOIN visitors v ON v.workspace_id = e.workspace_id AND v.id = e.visitor_id
LEFT JOIN root r ON r.workspace_id = e.workspace_id AND r.id = e.visitor_id;
--> statement-breakpoint
INSERT INTO "events" (occurred_at, amount_cents, workspace_id, id, ga_id, link_id, click_id, partner_id, bot, unique_click, qr,
  event_type, event_name, host, path, query, referrer, referrer_host, channel, source_platform, source_medium, source_campaign,
  source_content, source_term, source_rule, click_id_type, click_id_value, device_type, browser, bot_name, os, country, currency, properties, context)
SELECT e.occurred_at, e.amount_cents, e.workspace_id, e.id, b.ga_id, e.link_id, e.click_id, e.partner_id, e.bot, e.unique_click,
  CASE WHEN e.event_type = 'link_click' THEN e.qr END,
  e.event_type, e.event_name, e.host, e.path, nullif(substring(e.url from '\?([^#]*)'), ''),
  CASE WHEN coalesce((e.source->>'self_referral')::boolean, false) THEN NULL ELSE e.referrer END,
  e.source->>'referer_domain', e.channel,
  CASE WHEN e.source_platform = 'direct' THEN NULL ELSE e.source_platform END, e.source_medium, e.source_campaign,
  e.source->>'content', e.source->>'term', e.source->>'rule', e.source->>'click_id_type', e.source->>'click_id_value',
  e.device_type, e.browser, e.bot_name, e.os, e.country, e.currency,
  nullif(e.properties - 'ga_id', '{}'::jsonb),
  CASE WHEN e.event_type IN ('lead', 'sale', 'identify') THEN nullif(jsonb_strip_nulls(jsonb_build_object(
    'url', e.url, 'referrer', e.referrer, 'ip', host(e.ip_address), 'user_agent', e.user_agent, 'visitor_id', b.visitor_id,
    'signals', e.connector_source_context->'signals')), '{}'::jsonb) END
FROM events_legacy e JOIN legacy_browsers b ON b.workspace_id = e.workspace_id AND b.event_id = e.id
WHERE e.event_type IN ('link_click', 'pageview', 'session_start', 'identify', 'lead', 'sale', 'share', 'engagement', 'custom');
--> statement-breakpoint
INSERT INTO "visitor_browsers" (workspace_id, ga_id, visitor_id)
SELECT DISTINCT ON (workspace_id, ga_id) workspace_id, ga_id::text, visitor_id FROM legacy_browsers WHERE visitor_id IS NOT NULL
ORDER BY workspace_id, ga_id, visitor_id
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO "visitor_browsers" (workspace_id, ga_id, visitor_id)
SELECT workspace_id, ga_id, id FROM visitors WHERE status <> 'merged' AND ga_id IS NOT NULL
ON CONFLICT DO NOTHING;
--> statement-breakpoint
DROP TABLE "events_legacy";
--> statement-breakpoint
DROP TABLE legacy_browsers;
--> statement-breakpoint
-- Index entries are most of a narrow row's cost: only the reads that need them. Event ids are
-- UUIDv7s of the event's own time, so the primary key (workspace_id, id, …) also serves time
-- windows as id ranges: no separate (workspace_id, occurred_at) index.
CREATE INDEX "events_browser_idx" ON "events" ("workspace_id", "ga_id", "occurred_at");
--> statement-breakpoint
CREATE INDEX "events_link_idx" ON "events" ("workspace_id", "link_id", "occurred_at") WHERE "link_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "events_click_idx" ON "events" ("workspace_id", "click_id") WHERE "click_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "events_conversions_idx" ON "events" ("workspace_id", "occurred_at") WHERE "event_type" IN ('lead', 'sale');
