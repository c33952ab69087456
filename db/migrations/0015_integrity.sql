CREATE TABLE "checkpoints" (
	"id" bigint PRIMARY KEY NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"key_id" text NOT NULL,
	"body" text NOT NULL,
	"hash" text NOT NULL,
	"signature" text NOT NULL,
	CONSTRAINT "checkpoints_reason_check" CHECK ("checkpoints"."reason" in ('interval', 'export', 'manual'))
);
--> statement-breakpoint
CREATE TABLE "integrity_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"trigger" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"ok" boolean NOT NULL,
	"events" bigint NOT NULL,
	"failure" text,
	"report" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signing_keys" (
	"key_id" text PRIMARY KEY NOT NULL,
	"public_key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
-- Checkpoints are append-only, as the audit store: no UPDATE, DELETE or TRUNCATE, even by the
-- owner or in replica mode; and each must follow the last (gapless id, prev = its hash).
CREATE TRIGGER checkpoints_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_forbid_change();--> statement-breakpoint
ALTER TABLE checkpoints ENABLE ALWAYS TRIGGER checkpoints_no_change;--> statement-breakpoint
CREATE FUNCTION checkpoint_check_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last_id bigint;
  last_hash text;
BEGIN
  SELECT id, hash INTO last_id, last_hash FROM checkpoints ORDER BY id DESC LIMIT 1;
  IF NEW.id <> coalesce(last_id, 0) + 1 THEN
    RAISE EXCEPTION 'checkpoint % does not follow checkpoint %', NEW.id, coalesce(last_id, 0);
  END IF;
  IF (NEW.body::jsonb ->> 'prev') IS DISTINCT FROM coalesce(last_hash, repeat('0', 64))
     OR (NEW.body::jsonb ->> 'id')::bigint IS DISTINCT FROM NEW.id THEN
    RAISE EXCEPTION 'checkpoint % does not name the previous checkpoint''s hash', NEW.id;
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER checkpoints_chain BEFORE INSERT ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION checkpoint_check_chain();--> statement-breakpoint
ALTER TABLE checkpoints ENABLE ALWAYS TRIGGER checkpoints_chain;--> statement-breakpoint
REVOKE ALL ON FUNCTION checkpoint_check_chain() FROM PUBLIC;--> statement-breakpoint
GRANT SELECT, INSERT ON checkpoints TO whochanged_app;--> statement-breakpoint
GRANT SELECT, INSERT ON signing_keys TO whochanged_app;--> statement-breakpoint
GRANT UPDATE (retired_at) ON signing_keys TO whochanged_app;--> statement-breakpoint
GRANT SELECT, INSERT ON integrity_runs TO whochanged_app;--> statement-breakpoint
GRANT USAGE ON SEQUENCE integrity_runs_id_seq TO whochanged_app;
