-- A rate-limited request is counted in one call (lib/db/rate-limit-queries.ts): under one advisory lock
-- per key, taken in key order, so every process on the database counts the same hits and no two
-- requests both take the last one. Answers NULL when the hit was recorded, else when the latest of
-- the full keys' oldest hits was (nothing is recorded then).
CREATE OR REPLACE FUNCTION takes_record_hits(hit_keys text[], hit_limit integer, since timestamptz, hit_at timestamptz)
RETURNS timestamptz LANGUAGE plpgsql AS $$
DECLARE
  hit_key text;
  oldest_full timestamptz;
BEGIN
  FOR hit_key IN SELECT DISTINCT k FROM unnest(hit_keys) AS k ORDER BY k LOOP
    PERFORM pg_advisory_xact_lock(727165007, hashtext(hit_key));
  END LOOP;
  DELETE FROM rate_limit_hits WHERE key = ANY(hit_keys) AND at <= since;
  SELECT max(oldest) INTO oldest_full FROM (
    SELECT min(at) AS oldest FROM rate_limit_hits WHERE key = ANY(hit_keys) AND at > since GROUP BY key HAVING count(*) >= hit_limit
  ) AS full_keys;
  IF oldest_full IS NOT NULL THEN
    RETURN oldest_full;
  END IF;
  INSERT INTO rate_limit_hits (key, at) SELECT DISTINCT k, hit_at FROM unnest(hit_keys) AS k;
  RETURN NULL;
END $$;
