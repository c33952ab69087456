-- The chain check compared each new row with its successor through a self-join of the
-- transition table, which has no statistics and was planned as a nested loop (quadratic in the
-- batch). One ordered pass with lag() checks the same: seq contiguous from head + 1, each
-- prev_hash equal to the previous row's hash (the first one to the head's), no repeats.
CREATE OR REPLACE FUNCTION audit_check_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  s record;
  head record;
  bad record;
BEGIN
  FOR s IN SELECT DISTINCT stream_id FROM new_rows LOOP
    SELECT h.head_seq, h.head_hash INTO head FROM audit_streams h WHERE h.id = s.stream_id FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'audit chain: unknown stream %', s.stream_id USING ERRCODE = 'check_violation';
    END IF;
    SELECT x.seq, x.expected_seq, x.prev_ok INTO bad
      FROM (
        SELECT n.seq,
               head.head_seq + row_number() OVER w AS expected_seq,
               n.prev_hash = coalesce(lag(n.hash) OVER w, head.head_hash) AS prev_ok
          FROM new_rows n WHERE n.stream_id = s.stream_id
        WINDOW w AS (ORDER BY n.seq)
      ) x
     WHERE x.seq <> x.expected_seq OR NOT x.prev_ok
     ORDER BY x.seq LIMIT 1;
    IF FOUND THEN
      IF bad.seq <> bad.expected_seq THEN
        RAISE EXCEPTION 'audit chain: stream % expects seq % next, got %', s.stream_id, bad.expected_seq, bad.seq
          USING ERRCODE = 'check_violation';
      END IF;
      RAISE EXCEPTION 'audit chain: stream % seq % does not follow the previous hash', s.stream_id, bad.seq
        USING ERRCODE = 'check_violation';
    END IF;
    UPDATE audit_streams h SET head_seq = l.seq, head_hash = l.hash
      FROM (SELECT n.seq, n.hash FROM new_rows n WHERE n.stream_id = s.stream_id ORDER BY n.seq DESC LIMIT 1) l
     WHERE h.id = s.stream_id;
  END LOOP;
  RETURN NULL;
END
$$;
