-- Rate-limit hits are kept for a minute and need not outlive a crash (PostgreSQL empties an unlogged
-- table after one: the window starts again). Unlogged, a hit is written without the WAL, so the
-- commit that ends takes_record_hits, and with it the per-key lock, does not wait for a disk flush.
ALTER TABLE "rate_limit_hits" SET UNLOGGED;
