-- Custom SQL migration file, put your code below! --
-- Issue 14 item 1: every domain already used by links becomes owned by one workspace.
-- Conflicts (links of several workspaces on one domain) are decided deterministically: the domain
-- goes to the workspace of its OLDEST live link (created_at, then id) — first come, first served,
-- as with registration. Domains with archived links only are not claimed. The losing workspaces'
-- links stay in the database but are no longer served on that host (README "Domains").
INSERT INTO "domains" ("id", "workspace_id", "host", "verification_token", "created_at", "updated_at")
SELECT gen_random_uuid(), first_link.workspace_id, first_link.domain, replace(gen_random_uuid()::text, '-', ''), now(), now()
FROM (
  SELECT DISTINCT ON ("domain") "domain", "workspace_id"
  FROM "links"
  WHERE "archived_at" IS NULL
  ORDER BY "domain", "created_at", "id"
) AS first_link
ON CONFLICT ("host") DO NOTHING;
--> statement-breakpoint
-- The per-domain pages used to live in `settings` under `domain:<host>` (any workspace, no writer).
-- A host without links is claimed by the workspace whose setting is oldest.
INSERT INTO "domains" ("id", "workspace_id", "host", "verification_token", "created_at", "updated_at")
SELECT gen_random_uuid(), s."workspace_id", s.host, replace(gen_random_uuid()::text, '-', ''), now(), now()
FROM (
  SELECT DISTINCT ON (substr("key", 8)) substr("key", 8) AS host, "workspace_id"
  FROM "settings"
  WHERE "key" LIKE 'domain:%' AND length("key") > 7
  ORDER BY substr("key", 8), "updated_at", "workspace_id"
) AS s
ON CONFLICT ("host") DO NOTHING;
--> statement-breakpoint
-- The owner's own setting (only the owner's) carries over; string values only.
UPDATE "domains" d SET
  "root_url" = CASE WHEN jsonb_typeof(s."value" -> 'root_url') = 'string' THEN s."value" ->> 'root_url' END,
  "not_found_url" = CASE WHEN jsonb_typeof(s."value" -> 'not_found_url') = 'string' THEN s."value" ->> 'not_found_url' END,
  "expired_url" = CASE WHEN jsonb_typeof(s."value" -> 'expired_url') = 'string' THEN s."value" ->> 'expired_url' END
FROM "settings" s
WHERE s."workspace_id" = d."workspace_id" AND s."key" = 'domain:' || d."host";
--> statement-breakpoint
DELETE FROM "settings" WHERE "key" LIKE 'domain:%';
