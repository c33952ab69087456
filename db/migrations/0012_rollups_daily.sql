CREATE TABLE "field_daily" (
	"day" date NOT NULL,
	"stream_id" uuid NOT NULL,
	"field" text NOT NULL,
	"changes" integer NOT NULL,
	CONSTRAINT "field_daily_day_stream_id_field_pk" PRIMARY KEY("day","stream_id","field")
);
--> statement-breakpoint
CREATE TABLE "record_daily" (
	"day" date NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"changes" integer NOT NULL,
	CONSTRAINT "record_daily_day_target_type_target_id_pk" PRIMARY KEY("day","target_type","target_id")
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "acknowledged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON field_daily, record_daily TO whochanged_app;
