-- Rate-limit hits are now recorded in batches: a process sends the hits that arrive while its previous
-- batch is being counted in one call, rather than one round trip each (bench:proxy's upload handshake).
-- Each hit keeps its own answer, and the hits of a batch are counted in order, so a batch of hits on
-- one key lets exactly the limit through, as separate calls did.
--
-- Every key of the batch is locked first, in lock order (the key's hash), so two batches that share
-- keys never wait on each other in a circle. Seconds wholly out of a hit's window are no longer
-- deleted by each call: they are left out of the count, and the studio prunes them now and then
-- (lib/http/rate-limit.ts), which spares a statement a hit.
-- Every studio process on one PostgreSQL must run this version once it is applied (restart them together):
-- the function older ones call is gone.
DROP FUNCTION IF EXISTS takes_record_hits(text[], integer, timestamptz, timestamptz);
--> statement-breakpoint
-- batch: a JSON array of {"keys": [text], "limit": int, "since": timestamptz, "at": timestamptz}. Answers,
-- hit by hit: NULL when the hit was recorded on each of its keys, else the latest of its full keys'
-- oldest counted seconds' last hits (and nothing of that hit is recorded).
CREATE OR REPLACE FUNCTION takes_record_hits(batch jsonb)
RETURNS timestamptz[] LANGUAGE plpgsql AS $$
DECLARE
  lock_id integer;
  hit jsonb;
  hit_keys text[];
  oldest_full timestamptz;
  answers timestamptz[] := '{}';
BEGIN
  FOR lock_id IN
    SELECT DISTINCT hashtext(k) FROM jsonb_array_elements(batch) AS h(hit), jsonb_array_elements_text(h.hit -> 'keys') AS k ORDER BY 1
  LOOP
    PERFORM pg_advisory_xact_lock(727165007, lock_id);
  END LOOP;
  FOR hit IN SELECT h.hit FROM jsonb_array_elements(batch) WITH ORDINALITY AS h(hit, n) ORDER BY h.n LOOP
    hit_keys := ARRAY(SELECT DISTINCT jsonb_array_elements_text(hit -> 'keys'));
    SELECT max(oldest) INTO oldest_full FROM (
      SELECT min(last_at) AS oldest FROM rate_limit_counts
      WHERE key = ANY(hit_keys) AND last_at > (hit ->> 'since')::timestamptz
      GROUP BY key HAVING sum(hits) >= (hit ->> 'limit')::integer
    ) AS full_keys;
    IF oldest_full IS NULL THEN
      INSERT INTO rate_limit_counts AS counted (key, second, hits, last_at)
        SELECT k, floor(extract(epoch FROM (hit ->> 'at')::timestamptz))::bigint, 1, (hit ->> 'at')::timestamptz FROM unnest(hit_keys) AS k
        ON CONFLICT (key, second) DO UPDATE SET hits = counted.hits + 1, last_at = greatest(counted.last_at, excluded.last_at);
    END IF;
    answers := array_append(answers, oldest_full);
  END LOOP;
  RETURN answers;
END $$;
