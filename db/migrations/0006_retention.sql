-- Retention: whole expired months are dropped, never DELETEd, and only through this function,
-- which keeps the chains verifiable: for every run of consecutive seqs a stream loses, it
-- records the run and the hash of its last row, so a verifier can step over the run and still
-- check that the next row's prev_hash continues it.
CREATE TABLE audit_retention_runs (
  stream_id uuid NOT NULL,
  first_seq bigint NOT NULL,
  last_seq bigint NOT NULL,
  first_prev_hash bytea NOT NULL,
  last_hash bytea NOT NULL,
  partition_name text NOT NULL,
  dropped_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream_id, first_seq)
);
--> statement-breakpoint
CREATE TRIGGER audit_retention_runs_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_retention_runs
  FOR EACH STATEMENT EXECUTE FUNCTION audit_forbid_change();
--> statement-breakpoint
ALTER TABLE audit_retention_runs ENABLE ALWAYS TRIGGER audit_retention_runs_no_change;
--> statement-breakpoint
GRANT SELECT ON audit_retention_runs TO whochanged_app;
--> statement-breakpoint

-- Drops the partition of one month, which must end at least `min_months` months before the
-- current month. Returns the number of events dropped. Callers write the audit event for it in
-- the same transaction.
CREATE FUNCTION drop_audit_month(month date, min_months integer) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  m date := date_trunc('month', month)::date;
  part text := format('audit_events_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'));
  dropped bigint;
BEGIN
  IF min_months < 1 THEN
    RAISE EXCEPTION 'the minimum retention must be at least one month';
  END IF;
  IF m + make_interval(months => min_months + 1) > date_trunc('month', now()) THEN
    RAISE EXCEPTION 'audit_events for % are within the retention period of % months', to_char(m, 'YYYY-MM'), min_months
      USING ERRCODE = 'check_violation';
  END IF;
  IF to_regclass(part) IS NULL THEN
    RAISE EXCEPTION 'there is no audit partition for %', to_char(m, 'YYYY-MM') USING ERRCODE = 'undefined_table';
  END IF;
  -- Wait for every writer to finish and keep new ones out until the partition is gone (the
  -- DETACH needs this lock anyway): the runs recorded are exactly the rows dropped.
  LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE;
  EXECUTE format($q$
    INSERT INTO audit_retention_runs (stream_id, first_seq, last_seq, first_prev_hash, last_hash, partition_name)
    SELECT stream_id, min(seq), max(seq),
           (array_agg(prev_hash ORDER BY seq))[1], (array_agg(hash ORDER BY seq DESC))[1], %L
      FROM (SELECT stream_id, seq, prev_hash, hash, seq - row_number() OVER (PARTITION BY stream_id ORDER BY seq) AS island
              FROM %I) r
     GROUP BY stream_id, island$q$, part, part);
  EXECUTE format('SELECT count(*) FROM %I', part) INTO dropped;
  EXECUTE format('ALTER TABLE audit_events DETACH PARTITION %I', part);
  EXECUTE format('DROP TABLE %I', part);
  RETURN dropped;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION drop_audit_month(date, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION drop_audit_month(date, integer) TO whochanged_app;
