import type { Metadata } from 'next';
import Link from 'next/link';
import { listEvents } from '@/db/queries/events';
import { getRecordAsOf } from '@/db/queries/records';
import { db } from '@/db';
import { writeAuditEvent } from '@/lib/audit/writer';
import { decodeCursor } from '@/lib/cursor';
import { LocalTime } from '@/components/ui/local-time';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { getRequestContext } from '@/lib/request-context';
import { compileSearch, parseSearch } from '@/lib/search';
import { can } from '@/lib/authz';
import { requirePermission } from '@/lib/session';
import { Timeline } from '@/components/events/timeline';
import { eventsHref, fieldQuery } from '../../../events/search-params';
import { AsOfForm } from './as-of-form';

export const metadata: Metadata = { title: 'Record timeline' };

type Params = { type: string; id: string };

function show(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export default async function RecordPage({
  params,
  searchParams,
}: {
  params: Promise<Params>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requirePermission('events:read');
  const { type, id } = await params;
  const targetType = decodeURIComponent(type).slice(0, 100);
  const targetId = decodeURIComponent(id).slice(0, 200);
  const sp = await searchParams;
  const asOfText = typeof sp.asof === 'string' ? sp.asof : '';
  const asOf = asOfText && !Number.isNaN(Date.parse(asOfText)) ? new Date(asOfText) : null;
  const after = decodeCursor(typeof sp.after === 'string' ? sp.after : undefined);

  // Who looked at what is part of the record (it shows up in this timeline too).
  await db.transaction(async (tx) =>
    writeAuditEvent(tx, {
      action: 'record.view',
      actor: { id: user.id, name: user.name, email: user.email, type: 'user' },
      context: await getRequestContext(),
      sessionId: user.sessionId,
      target: { type: targetType, id: targetId, label: null },
      metadata: asOf ? { as_of: asOf.toISOString() } : {},
    }),
  );

  const targetQuery = fieldQuery('target', `${targetType}/${targetId}`);
  const parsed = parseSearch(targetQuery);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const [page, values] = await Promise.all([
    listEvents(compileSearch(parsed.tree), { after, limit: 100 }),
    asOf ? getRecordAsOf(targetType, targetId, asOf) : Promise.resolve(null),
  ]);
  const label = page.rows.find((r) => r.target.label)?.target.label;

  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-muted-foreground">
          <code>{targetType}</code> · <code>{targetId}</code>
        </p>
        <h1 className="text-2xl font-semibold tracking-tight">
          {label ?? `${targetType} ${targetId}`}
        </h1>
        <div className="flex flex-wrap gap-x-4">
          <Link
            href={eventsHref({ q: targetQuery })}
            className="text-sm text-primary hover:underline"
          >
            Open in the explorer
          </Link>
          {can(user.role, 'evidence:export') ? (
            <Link
              href={`/evidence?${new URLSearchParams({ record: `${targetType}/${targetId}` })}`}
              className="text-sm text-primary hover:underline"
            >
              Export evidence
            </Link>
          ) : null}
        </div>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Field values as of a moment</CardTitle>
        </CardHeader>
        <CardContent className="space-y-3">
          <AsOfForm value={asOfText} />
          {values ? (
            values.length === 0 ? (
              <p className="text-sm text-muted-foreground">No field had been changed by then.</p>
            ) : (
              <table className="w-full text-sm" aria-label="Field values as of the chosen moment">
                <thead className="text-left text-muted-foreground">
                  <tr>
                    <th className="py-1 font-medium">Field</th>
                    <th className="py-1 font-medium">Value</th>
                    <th className="py-1 font-medium">Set</th>
                  </tr>
                </thead>
                <tbody>
                  {values.map((v) => (
                    <tr key={v.field} className="border-t align-top">
                      <td className="py-1 pr-4">
                        <Link
                          href={eventsHref({ q: `${targetQuery} ${fieldQuery('field', v.field)}` })}
                          className="hover:underline"
                        >
                          {v.field}
                        </Link>
                      </td>
                      <td
                        className="py-1 pr-4 font-mono text-xs break-all"
                        data-testid={`asof-${v.field}`}
                      >
                        {show(v.value)}
                      </td>
                      <td className="py-1 text-muted-foreground">
                        <LocalTime iso={v.changedAt} /> {v.actorName ? `by ${v.actorName}` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          ) : null}
        </CardContent>
      </Card>
      <Timeline
        rows={page.rows}
        show="actor"
        olderHref={
          page.older
            ? `?${new URLSearchParams({ ...(asOfText ? { asof: asOfText } : {}), after: page.older })}`
            : null
        }
      />
    </div>
  );
}
