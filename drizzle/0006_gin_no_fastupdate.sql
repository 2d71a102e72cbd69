-- Hand-written: identity lookups search the visitors' GIN indexes on every batch. With the default
-- fastupdate, each search also scans the pending list (up to 4 MB), ~1 ms per value; without it a
-- lookup is ~5 µs and an insert adds one entry per array element (one, typically).
ALTER INDEX "visitors_fingerprints_gin" SET (fastupdate = off);
--> statement-breakpoint
ALTER INDEX "visitors_anonymous_ids_gin" SET (fastupdate = off);
--> statement-breakpoint
ALTER INDEX "visitors_click_ids_gin" SET (fastupdate = off);
