-- Every change a page can see is published on the channel takes_events (lib/events), by the
-- database itself, so a change made by any process reaches the pages any other process serves.
-- Lease renewals, settle claims and the timestamp alone are not changes anyone sees.
CREATE OR REPLACE FUNCTION takes_publish_take_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'lease_owner' - 'lease_expires_at' - 'settling_until' - 'updated_at')
      = (to_jsonb(OLD) - 'lease_owner' - 'lease_expires_at' - 'settling_until' - 'updated_at') THEN
    RETURN NEW;
  END IF;
  PERFORM pg_notify('takes_events', json_build_object('take', NEW.id, 'sweep', NEW.sweep_id)::text);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER takes_publish_change AFTER INSERT OR UPDATE ON takes FOR EACH ROW EXECUTE FUNCTION takes_publish_take_change();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION takes_publish_sweep_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'lease_owner' - 'lease_expires_at' - 'updated_at')
      = (to_jsonb(OLD) - 'lease_owner' - 'lease_expires_at' - 'updated_at') THEN
    RETURN NEW;
  END IF;
  PERFORM pg_notify('takes_events', json_build_object('sweep', NEW.id)::text);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER sweeps_publish_change AFTER INSERT OR UPDATE ON sweeps FOR EACH ROW EXECUTE FUNCTION takes_publish_sweep_change();
