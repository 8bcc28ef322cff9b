-- Rate-limit hits are counted per key per second rather than kept one row each: a busy key (an upload
-- handshake per file, from one address) held a row per request, and every request counted them all.
-- Now a key holds at most a window's seconds of rows. A second's hits leave the window together, with
-- its last hit, so a key is never allowed more than its limit within any window. Unlogged, like the
-- table before it (migration 0012): the counts need not outlive a crash.
CREATE UNLOGGED TABLE "rate_limit_counts" (
	"key" text NOT NULL,
	"second" bigint NOT NULL,
	"hits" integer NOT NULL,
	"last_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "rate_limit_counts_key_second_pk" PRIMARY KEY("key","second")
);
--> statement-breakpoint
DROP TABLE "rate_limit_hits" CASCADE;
--> statement-breakpoint
-- Same contract as migration 0010's: under one advisory lock per key, taken in key order, answers NULL
-- when the hit was recorded, else the latest of the full keys' oldest counted seconds' last hits (nothing
-- is recorded then).
CREATE OR REPLACE FUNCTION takes_record_hits(hit_keys text[], hit_limit integer, since timestamptz, hit_at timestamptz)
RETURNS timestamptz LANGUAGE plpgsql AS $$
DECLARE
  hit_key text;
  oldest_full timestamptz;
BEGIN
  FOR hit_key IN SELECT DISTINCT k FROM unnest(hit_keys) AS k ORDER BY k LOOP
    PERFORM pg_advisory_xact_lock(727165007, hashtext(hit_key));
  END LOOP;
  DELETE FROM rate_limit_counts WHERE key = ANY(hit_keys) AND last_at <= since;
  SELECT max(oldest) INTO oldest_full FROM (
    SELECT min(last_at) AS oldest FROM rate_limit_counts WHERE key = ANY(hit_keys) GROUP BY key HAVING sum(hits) >= hit_limit
  ) AS full_keys;
  IF oldest_full IS NOT NULL THEN
    RETURN oldest_full;
  END IF;
  INSERT INTO rate_limit_counts AS counted (key, second, hits, last_at)
    SELECT DISTINCT k, floor(extract(epoch FROM hit_at))::bigint, 1, hit_at FROM unnest(hit_keys) AS k
    ON CONFLICT (key, second) DO UPDATE SET hits = counted.hits + 1, last_at = greatest(counted.last_at, excluded.last_at);
  RETURN NULL;
END $$;
