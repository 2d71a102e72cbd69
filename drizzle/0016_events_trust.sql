-- Hand-written (issue 14 item 2): who vouches for an event. "server": sent with a secret key (or
-- observed by the service itself, like a redirect click); "client": sent by a browser beacon.
-- Client-trust leads and sales reach ad platforms and revenue only where the workspace opts in.
-- Rows written before this migration keep the default "server" (they cannot be told apart now).
ALTER TABLE "events" ADD COLUMN "trust" text DEFAULT 'server' NOT NULL;
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_trust_check" CHECK ("trust" IN ('client', 'server'));
