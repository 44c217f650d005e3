-- The API inspector and the Conversions tab stream too: new ApiCall rows and conversion status
-- changes are announced on the same channel as sync jobs and queue items.
CREATE FUNCTION paidsync_notify_api_call() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('paidsync_events',
    json_build_object('kind', 'apiCall', 'id', NEW.id, 'destinationId', NEW.destination_id, 'syncJobId', NEW.sync_job_id)::text);
  RETURN NULL;
END $$;

CREATE FUNCTION paidsync_notify_conversion_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('paidsync_events', json_build_object('kind', 'conversionEvent', 'id', NEW.id)::text);
  RETURN NULL;
END $$;

CREATE TRIGGER api_calls_notify AFTER INSERT ON "api_calls"
  FOR EACH ROW EXECUTE FUNCTION paidsync_notify_api_call();

CREATE TRIGGER conversion_events_notify_insert AFTER INSERT ON "conversion_events"
  FOR EACH ROW EXECUTE FUNCTION paidsync_notify_conversion_event();
CREATE TRIGGER conversion_events_notify_update AFTER UPDATE ON "conversion_events"
  FOR EACH ROW WHEN ((OLD.status, OLD.attempts, OLD.next_attempt_at, OLD.sync_job_id)
    IS DISTINCT FROM (NEW.status, NEW.attempts, NEW.next_attempt_at, NEW.sync_job_id))
  EXECUTE FUNCTION paidsync_notify_conversion_event();
