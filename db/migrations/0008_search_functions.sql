-- Helpers for the search language (lib/search): values that must never make a query fail.

-- An address as inet, or NULL when the stored text is not one (sources send what they send:
-- `225.01.00.16` is kept as given). Lets `ip:10.0.0.0/8` match with <<= instead of erroring.
CREATE FUNCTION whochanged_inet(value text) RETURNS inet
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN value::inet;
EXCEPTION WHEN others THEN
  RETURN NULL;
END
$$;
--> statement-breakpoint

-- The wall-clock time of an instant in the actor's own zone (UTC when none or unknown to the
-- database): the basis of off-hours searches.
CREATE FUNCTION whochanged_local_time(at timestamptz, zone text) RETURNS timestamp
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  RETURN at AT TIME ZONE coalesce(nullif(zone, ''), 'UTC');
EXCEPTION WHEN others THEN
  RETURN at AT TIME ZONE 'UTC';
END
$$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION whochanged_inet(text), whochanged_local_time(timestamptz, text) TO whochanged_app;
