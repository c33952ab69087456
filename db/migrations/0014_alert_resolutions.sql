CREATE TABLE "alert_resolutions" (
	"alert_id" bigint NOT NULL,
	"resolved_at" timestamp with time zone NOT NULL,
	"reopened_at" timestamp with time zone,
	CONSTRAINT "alert_resolutions_alert_id_resolved_at_pk" PRIMARY KEY("alert_id","resolved_at")
);
--> statement-breakpoint
ALTER TABLE "alert_resolutions" ADD CONSTRAINT "alert_resolutions_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_resolutions_resolved_at_index" ON "alert_resolutions" USING btree ("resolved_at");--> statement-breakpoint
CREATE INDEX "alert_resolutions_reopened_at_index" ON "alert_resolutions" USING btree ("reopened_at");--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON alert_resolutions TO whochanged_app;--> statement-breakpoint
-- The resolutions so far, from the alerts' own history (alert.resolve and alert.reopen audit
-- events), so that alerts reopened before this table existed are counted right too.
INSERT INTO alert_resolutions (alert_id, resolved_at, reopened_at)
SELECT a.id, r.occurred_at,
       (SELECT min(o.occurred_at) FROM audit_events o
         WHERE o.action = 'alert.reopen' AND o.target_type = 'alert' AND o.target_id = r.target_id
           AND o.occurred_at >= r.occurred_at)
  FROM audit_events r
  JOIN alerts a ON a.id::text = r.target_id
 WHERE r.action = 'alert.resolve' AND r.target_type = 'alert' AND r.outcome = 'success'
ON CONFLICT DO NOTHING;
