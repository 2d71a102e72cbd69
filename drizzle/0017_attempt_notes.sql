-- Issue 19: what was changed before sending a conversion (an address value cut to the platform limit).
ALTER TABLE "connector_dispatch_attempts" ADD COLUMN IF NOT EXISTS "notes" text;
