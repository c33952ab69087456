-- Hand-written: what drizzle-kit cannot express. The audit store is append-only (privileges
-- and triggers enabled ALWAYS, so session_replication_role = replica does not switch them off),
-- range-partitioned by month, and hash-chained per stream (docs/integrity.md).

-- The application's own login role: reads and appends audit rows, never rewrites them.
-- Its LOGIN and password are set at start-up (db/setup.ts); migrations run as the owner.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'whochanged_app') THEN
    CREATE ROLE whochanged_app NOLOGIN;
  END IF;
END
$$;
--> statement-breakpoint

CREATE FUNCTION audit_forbid_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint

-- Monthly partitions named audit_events_yYYYYmMM. Each partition gets its own statement-level
-- guards (statement triggers are not inherited) and every guard is enabled ALWAYS.
CREATE FUNCTION ensure_audit_partitions(from_month date, months integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  m date := date_trunc('month', from_month)::date;
  part text;
  created integer := 0;
BEGIN
  IF months < 1 OR months > 1200 THEN
    RAISE EXCEPTION 'months must be between 1 and 1200';
  END IF;
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
--> statement-breakpoint

-- Row guard on the parent is cloned onto every partition; the statement guard also catches
-- statements that match no row (DELETE ... WHERE false) and TRUNCATE.
CREATE TRIGGER audit_no_change_row BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_forbid_change();
--> statement-breakpoint
CREATE TRIGGER audit_no_change_stmt BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_forbid_change();
--> statement-breakpoint
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_no_change_row;
--> statement-breakpoint
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_no_change_stmt;
--> statement-breakpoint

-- Locks a stream's head for the rest of the transaction and returns it: one lock per batch.
-- SECURITY DEFINER so the app role needs no UPDATE right on audit_streams at all.
CREATE FUNCTION lock_audit_stream(stream uuid, OUT head_seq bigint, OUT head_hash bytea)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  SELECT s.head_seq, s.head_hash INTO head_seq, head_hash
    FROM audit_streams s WHERE s.id = stream FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown audit stream %', stream USING ERRCODE = 'foreign_key_violation';
  END IF;
END
$$;
--> statement-breakpoint

-- Every inserted batch must continue its stream's chain exactly: seq = head + 1, 2, ... with no
-- gap or repeat, and each row's prev_hash equal to the hash before it. The head then advances
-- to the batch's last row. Only this trigger moves a head.
CREATE FUNCTION audit_check_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  b record;
  head record;
  first_prev bytea;
  last_hash bytea;
BEGIN
  FOR b IN
    SELECT stream_id, min(seq) AS first_seq, max(seq) AS last_seq,
           count(*) AS n, count(DISTINCT seq) AS distinct_n
      FROM new_rows GROUP BY stream_id
  LOOP
    SELECT s.head_seq, s.head_hash INTO head FROM audit_streams s WHERE s.id = b.stream_id FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'audit chain: unknown stream %', b.stream_id USING ERRCODE = 'check_violation';
    END IF;
    IF b.first_seq <> head.head_seq + 1 OR b.n <> b.distinct_n OR b.last_seq - b.first_seq + 1 <> b.n THEN
      RAISE EXCEPTION 'audit chain: stream % expects seq % next, batch has % to % (% rows)',
        b.stream_id, head.head_seq + 1, b.first_seq, b.last_seq, b.n USING ERRCODE = 'check_violation';
    END IF;
    SELECT prev_hash INTO first_prev FROM new_rows WHERE stream_id = b.stream_id AND seq = b.first_seq;
    IF first_prev IS DISTINCT FROM head.head_hash THEN
      RAISE EXCEPTION 'audit chain: stream % seq % does not follow the head hash', b.stream_id, b.first_seq
        USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (
      SELECT 1 FROM new_rows a JOIN new_rows c ON c.stream_id = a.stream_id AND c.seq = a.seq + 1
       WHERE a.stream_id = b.stream_id AND c.prev_hash IS DISTINCT FROM a.hash
    ) THEN
      RAISE EXCEPTION 'audit chain: stream % has a row whose prev_hash breaks the chain', b.stream_id
        USING ERRCODE = 'check_violation';
    END IF;
    SELECT hash INTO last_hash FROM new_rows WHERE stream_id = b.stream_id AND seq = b.last_seq;
    UPDATE audit_streams SET head_seq = b.last_seq, head_hash = last_hash WHERE id = b.stream_id;
  END LOOP;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_chain AFTER INSERT ON audit_events
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_check_chain();
--> statement-breakpoint
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_chain;
--> statement-breakpoint

-- Time-range scans over millions of rows: BRIN on the insertion-ordered timestamp.
CREATE INDEX audit_events_occurred_brin ON audit_events USING brin (occurred_at);
--> statement-breakpoint

SELECT ensure_audit_partitions((date_trunc('month', now()) - interval '1 month')::date, 5);
--> statement-breakpoint

INSERT INTO audit_streams (kind, name, head_seq, head_hash)
VALUES ('dashboard', 'dashboard', 0, '\x0000000000000000000000000000000000000000000000000000000000000000');
--> statement-breakpoint

REVOKE ALL ON FUNCTION ensure_audit_partitions(date, integer) FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION lock_audit_stream(uuid) FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION audit_check_chain() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION ensure_audit_partitions(date, integer), lock_audit_stream(uuid) TO whochanged_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON audit_events TO whochanged_app;
--> statement-breakpoint
GRANT SELECT ON audit_streams TO whochanged_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON users, sessions TO whochanged_app;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON sign_in_failures, account_lockouts TO whochanged_app;
--> statement-breakpoint
GRANT UPDATE ON account_lockouts TO whochanged_app;
--> statement-breakpoint
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO whochanged_app;
