import 'server-only';
import { sql } from 'drizzle-orm';
import { db } from '@/db';

export type FieldValue = {
  field: string;
  value: unknown;
  changedAt: string;
  actorName: string | null;
};

/**
 * The record's field values as they stood at `asOf`, rebuilt from its change history: for each
 * field, the `new` value of the last change at or before that moment.
 */
export async function getRecordAsOf(
  targetType: string,
  targetId: string,
  asOf: Date,
): Promise<FieldValue[]> {
  const rows = await db.execute<{
    field: string;
    value: unknown;
    changed_at: string;
    actor_name: string | null;
  }>(sql`
    select distinct on (c.field) c.field, c.new as value,
           to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as changed_at, e.actor_name
      from audit_events e
      cross join lateral jsonb_to_recordset(case when jsonb_typeof(e.changes) = 'array' then e.changes else '[]'::jsonb end)
           as c(field text, new jsonb)
     where e.target_type = ${targetType} and e.target_id = ${targetId} and e.occurred_at <= ${asOf.toISOString()}::timestamptz
     order by c.field, e.occurred_at desc, e.id desc`);
  return [...rows].map((r) => ({
    field: r.field,
    value: r.value,
    changedAt: r.changed_at,
    actorName: r.actor_name,
  }));
}
