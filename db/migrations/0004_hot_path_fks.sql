-- Drop the per-row foreign-key checks on the two tables every ingested event writes to. They
-- cost a trigger call per row on the hottest path, and both are already guaranteed:
-- audit_events.stream_id by the chain trigger (it locks that stream's head and refuses an
-- unknown stream), ingest_ids.source_id by the ingest code, which only writes the id of the
-- source it authenticated, in the same transaction.
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_stream_id_audit_streams_id_fk";
--> statement-breakpoint
ALTER TABLE "ingest_ids" DROP CONSTRAINT "ingest_ids_source_id_sources_id_fk";
