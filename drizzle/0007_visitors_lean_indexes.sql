-- Nothing queries visitors by status or last_seen_at, and the last_seen_at index made every
-- visitor update (each batch writes last_seen_at) a non-HOT update of all its indexes.
DROP INDEX "visitors_ws_status_idx";--> statement-breakpoint
DROP INDEX "visitors_ws_last_seen_idx";
--> statement-breakpoint
-- Room in each page for HOT updates of returning visitors.
ALTER TABLE "visitors" SET (fillfactor = 80);
