-- Two ingest batches creating the same new month's partition at once: the second failed with
-- "relation already exists". The check-and-create now runs under an advisory lock.
CREATE OR REPLACE FUNCTION ensure_audit_partitions(from_month date, months integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  m date := date_trunc('month', from_month)::date;
  part text;
  created integer := 0;
BEGIN
  IF months < 1 OR months > 1200 THEN
    RAISE EXCEPTION 'months must be between 1 and 1200';
  END IF;
  -- Concurrent batches for the same new month must not both try to create its partition.
  PERFORM pg_advisory_xact_lock(7261003);
  FOR i IN 1..months LOOP
    part := format('audit_events_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'));
    IF to_regclass(part) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)',
        part, to_char(m, 'YYYY-MM-DD') || ' 00:00:00+00',
        to_char((m + interval '1 month')::date, 'YYYY-MM-DD') || ' 00:00:00+00');
      EXECUTE format(
        'CREATE TRIGGER audit_no_change_stmt BEFORE UPDATE OR DELETE OR TRUNCATE ON %I
           FOR EACH STATEMENT EXECUTE FUNCTION audit_forbid_change()', part);
      EXECUTE format('ALTER TABLE %I ENABLE ALWAYS TRIGGER audit_no_change_stmt', part);
      EXECUTE format('ALTER TABLE %I ENABLE ALWAYS TRIGGER audit_no_change_row', part);
      created := created + 1;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
  RETURN created;
END
$$;
