CREATE TABLE "checkpoint_heads" (
	"stream_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"checkpoint_id" bigint NOT NULL,
	CONSTRAINT "checkpoint_heads_stream_id_seq_checkpoint_id_pk" PRIMARY KEY("stream_id","seq","checkpoint_id")
);
--> statement-breakpoint
ALTER TABLE "checkpoint_heads" ADD CONSTRAINT "checkpoint_heads_checkpoint_id_checkpoints_id_fk" FOREIGN KEY ("checkpoint_id") REFERENCES "public"."checkpoints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE TRIGGER checkpoint_heads_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON checkpoint_heads
  FOR EACH STATEMENT EXECUTE FUNCTION audit_forbid_change();--> statement-breakpoint
ALTER TABLE checkpoint_heads ENABLE ALWAYS TRIGGER checkpoint_heads_no_change;--> statement-breakpoint
GRANT SELECT, INSERT ON checkpoint_heads TO whochanged_app;--> statement-breakpoint
INSERT INTO checkpoint_heads (stream_id, seq, checkpoint_id)
SELECT (s ->> 'id')::uuid, (s ->> 'seq')::bigint, c.id
  FROM checkpoints c, jsonb_array_elements(c.body::jsonb -> 'streams') s;
