import type { Metadata } from 'next';
import Link from 'next/link';
import { listEvents } from '@/db/queries/events';
import { getRecordAsOf } from '@/db/queries/records';
import { db } from '@/db';
import { writeAuditEvent } from '@/lib/audit/writer';
import { decodeCursor } from '@/lib/cursor';
import { LocalTime } from '@/components/ui/local-time';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { getRequestContext } from '@/lib/request-context';
import { compileSearch, parseSearch } from '@/lib/search';
import { requirePermission } from '@/lib/session';
import { ChangeDiff } from '../../../events/_components/change-diff';
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
        <Link
          href={eventsHref({ q: targetQuery })}
          className="text-sm text-primary hover:underline"
        >
          Open in the explorer
        </Link>
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
      <section aria-label="Timeline" className="space-y-3">
        <h2 className="text-lg font-semibold">Timeline</h2>
        {page.rows.length === 0 ? (
          <p className="text-sm text-muted-foreground">No events on this record.</p>
        ) : null}
        <ol className="space-y-3">
          {page.rows.map((e) => (
            <li key={e.id} className="rounded-lg border bg-card p-4" data-event-id={e.id}>
              <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
                <LocalTime iso={e.occurredAt} />
                {e.actor.id ? (
                  <Link
                    href={`/actors/${encodeURIComponent(e.actor.id)}`}
                    className="font-medium hover:underline"
                  >
                    {e.actor.name ?? e.actor.email ?? e.actor.id}
                  </Link>
                ) : (
                  <span className="font-medium">{e.actor.name ?? e.actor.type}</span>
                )}
                <code className="text-xs">{e.action}</code>
                {e.actor.ip ? (
                  <span className="font-mono text-xs text-muted-foreground">from {e.actor.ip}</span>
                ) : null}
                {e.outcome === 'failure' ? <span className="text-destructive">failed</span> : null}
                <span className="text-xs text-muted-foreground">{e.source}</span>
              </div>
              {e.changes.length ? (
                <div className="mt-2">
                  <ChangeDiff changes={e.changes} />
                </div>
              ) : null}
            </li>
          ))}
        </ol>
        {page.older ? (
          <Button asChild variant="outline" size="sm">
            <Link
              href={`?${new URLSearchParams({ ...(asOfText ? { asof: asOfText } : {}), after: page.older })}`}
            >
              Older →
            </Link>
          </Button>
        ) : null}
      </section>
    </div>
  );
}
