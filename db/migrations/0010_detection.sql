CREATE TABLE "alert_events" (
	"alert_id" bigint NOT NULL,
	"event_id" bigint NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	CONSTRAINT "alert_events_alert_id_event_id_pk" PRIMARY KEY("alert_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"rule" text NOT NULL,
	"severity" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"disposition" text,
	"ticket" text,
	"assignee_id" uuid,
	"snoozed_until" timestamp with time zone,
	"actor_id" text,
	"actor_name" text,
	"actor_email" text,
	"target_type" text,
	"target_id" text,
	"target_label" text,
	"summary" text NOT NULL,
	"details" jsonb NOT NULL,
	"event_count" integer NOT NULL,
	"first_event_at" timestamp with time zone NOT NULL,
	"last_event_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "alerts_dedupeKey_unique" UNIQUE("dedupe_key"),
	CONSTRAINT "alerts_status_check" CHECK ("alerts"."status" in ('open', 'acknowledged', 'resolved')),
	CONSTRAINT "alerts_severity_check" CHECK ("alerts"."severity" in ('low', 'medium', 'high', 'critical')),
	CONSTRAINT "alerts_disposition_check" CHECK (("alerts"."status" = 'resolved') = ("alerts"."disposition" is not null))
);
--> statement-breakpoint
CREATE TABLE "detection_cursors" (
	"stream_id" uuid PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "detection_rules" (
	"rule" text PRIMARY KEY NOT NULL,
	"enabled" boolean NOT NULL,
	"severity" text NOT NULL,
	"params" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "detection_rules_severity_check" CHECK ("detection_rules"."severity" in ('low', 'medium', 'high', 'critical'))
);
--> statement-breakpoint
CREATE TABLE "detection_settings" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"settings" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "detection_settings_single_row" CHECK ("detection_settings"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "detection_state" (
	"rule" text NOT NULL,
	"key" text NOT NULL,
	"state" jsonb NOT NULL,
	CONSTRAINT "detection_state_rule_key_pk" PRIMARY KEY("rule","key")
);
--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_events_event_id_index" ON "alert_events" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "alerts_status_created_at_index" ON "alerts" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "alerts_actor_id_created_at_index" ON "alerts" USING btree ("actor_id","created_at");--> statement-breakpoint
CREATE INDEX "alerts_rule_created_at_index" ON "alerts" USING btree ("rule","created_at");--> statement-breakpoint
CREATE INDEX "alerts_assignee_id_index" ON "alerts" USING btree ("assignee_id");--> statement-breakpoint
CREATE INDEX "alerts_created_at_index" ON "alerts" USING btree ("created_at");--> statement-breakpoint
-- The app role triages alerts (UPDATE) but never deletes them; the engine moves cursors and state.
GRANT SELECT, INSERT, UPDATE ON alerts, detection_rules, detection_settings, detection_cursors, detection_state TO whochanged_app;--> statement-breakpoint
GRANT SELECT, INSERT ON alert_events TO whochanged_app;--> statement-breakpoint
GRANT USAGE ON SEQUENCE alerts_id_seq TO whochanged_app;
