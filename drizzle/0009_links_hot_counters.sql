-- Hand-written: every click flush adds to the counters of the links it saw, one new row version
-- per link. Room left in each page lets those be HOT updates (no counter is indexed), instead of
-- five index inserts per link per flush. Applies to pages written from now on.
ALTER TABLE "links" SET (fillfactor = 80);
