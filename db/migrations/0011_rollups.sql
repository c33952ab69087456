CREATE TABLE "activity_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"stream_id" uuid NOT NULL,
	"action" text NOT NULL,
	"actor_id" text NOT NULL,
	"off_hours" boolean NOT NULL,
	"local_dow" smallint NOT NULL,
	"local_hour" smallint NOT NULL,
	"events" integer NOT NULL,
	"changes" integer NOT NULL,
	CONSTRAINT "activity_hourly_hour_stream_id_action_actor_id_off_hours_local_dow_local_hour_pk" PRIMARY KEY("hour","stream_id","action","actor_id","off_hours","local_dow","local_hour")
);
--> statement-breakpoint
CREATE TABLE "actor_seen" (
	"actor_id" text NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"events" integer NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	CONSTRAINT "actor_seen_actor_id_kind_value_pk" PRIMARY KEY("actor_id","kind","value")
);
--> statement-breakpoint
CREATE INDEX "activity_hourly_actor_id_hour_index" ON "activity_hourly" USING btree ("actor_id","hour");--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON activity_hourly, actor_seen TO whochanged_app;
