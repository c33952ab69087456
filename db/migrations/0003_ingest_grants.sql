-- Hand-written: stream creation, grants and guards for sources, API keys and ingest ids.

-- New streams start at the genesis head; only this function creates them (the app role has no
-- INSERT or UPDATE right on audit_streams, so it can never plant a head).
CREATE FUNCTION create_audit_stream(stream_kind text, stream_name text) RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  new_id uuid;
BEGIN
  INSERT INTO audit_streams (kind, name, head_seq, head_hash)
  VALUES (stream_kind, stream_name, 0, '\x0000000000000000000000000000000000000000000000000000000000000000')
  RETURNING id INTO new_id;
  RETURN new_id;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION create_audit_stream(text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION create_audit_stream(text, text) TO whochanged_app;
--> statement-breakpoint

-- The idempotency record is as permanent as the events it stands for.
CREATE TRIGGER ingest_ids_no_change_row BEFORE UPDATE OR DELETE ON ingest_ids
  FOR EACH ROW EXECUTE FUNCTION audit_forbid_change();
--> statement-breakpoint
CREATE TRIGGER ingest_ids_no_change_stmt BEFORE UPDATE OR DELETE OR TRUNCATE ON ingest_ids
  FOR EACH STATEMENT EXECUTE FUNCTION audit_forbid_change();
--> statement-breakpoint
ALTER TABLE ingest_ids ENABLE ALWAYS TRIGGER ingest_ids_no_change_row;
--> statement-breakpoint
ALTER TABLE ingest_ids ENABLE ALWAYS TRIGGER ingest_ids_no_change_stmt;
--> statement-breakpoint

GRANT SELECT, INSERT ON ingest_ids TO whochanged_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON sources TO whochanged_app;
--> statement-breakpoint
GRANT UPDATE (description, rate_limit_per_second) ON sources TO whochanged_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON api_keys TO whochanged_app;
--> statement-breakpoint
GRANT UPDATE (revoked_at, revoked_by) ON api_keys TO whochanged_app;
