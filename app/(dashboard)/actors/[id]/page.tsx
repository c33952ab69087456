import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { LocalTime } from '@/components/ui/local-time';
import { db } from '@/db';
import { getActorHeatmap, getActorProfile, listActorSeen, type Seen } from '@/db/queries/actors';
import { listEvents } from '@/db/queries/events';
import { writeAuditEvent } from '@/lib/audit/writer';
import { decodeCursor } from '@/lib/cursor';
import { formatCount } from '@/lib/format';
import { getRequestContext } from '@/lib/request-context';
import {
  compileSearch,
  parseSearch,
  WEEKEND_ISO_DAYS,
  WORKDAY_END_HOUR,
  WORKDAY_START_HOUR,
} from '@/lib/search';
import { requirePermission } from '@/lib/session';
import { Timeline } from '@/components/events/timeline';
import { eventsHref, fieldQuery } from '../../events/search-params';

export const metadata: Metadata = { title: 'Person timeline' };

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function SeenTable({
  label,
  rows,
  query,
}: {
  label: string;
  rows: Seen[];
  query: (v: string) => string;
}) {
  return (
    <table className="w-full text-sm" aria-label={label}>
      <thead className="text-left text-muted-foreground">
        <tr>
          <th className="py-1 pr-3 font-medium">{label}</th>
          <th className="py-1 pr-3 text-right font-medium">Events</th>
          <th className="py-1 pr-3 font-medium">First seen</th>
          <th className="py-1 font-medium">Last seen</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.value} className="border-t align-top">
            <td className="max-w-72 truncate py-1 pr-3 font-mono text-xs" title={r.value}>
              <Link href={eventsHref({ q: query(r.value) })} className="hover:underline">
                {r.value}
              </Link>
            </td>
            <td className="py-1 pr-3 text-right tabular-nums">{formatCount(r.events)}</td>
            <td className="py-1 pr-3">
              <LocalTime iso={r.firstSeen} withSeconds={false} />
            </td>
            <td className="py-1">
              <LocalTime iso={r.lastSeen} withSeconds={false} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default async function ActorPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requirePermission('events:read');
  const actorId = decodeURIComponent((await params).id).slice(0, 200);
  const sp = await searchParams;
  const after = decodeCursor(typeof sp.after === 'string' ? sp.after : undefined);

  await db.transaction(async (tx) =>
    writeAuditEvent(tx, {
      action: 'actor.view',
      actor: { id: user.id, name: user.name, email: user.email, type: 'user' },
      context: await getRequestContext(),
      sessionId: user.sessionId,
      target: { type: 'actor', id: actorId, label: null },
    }),
  );

  const actorQuery = fieldQuery('actor', actorId);
  const parsed = parseSearch(actorQuery);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const profile = await getActorProfile(actorId);
  const [page, heatmap, ips, agents] = await Promise.all([
    listEvents(compileSearch(parsed.tree), { after, limit: 50 }),
    getActorHeatmap(actorId, profile.timeZone),
    listActorSeen(actorId, 'actor_ip'),
    listActorSeen(actorId, 'actor_user_agent'),
  ]);
  const cell = new Map(heatmap.map((h) => [`${h.day}-${h.hour}`, h.events]));
  const max = Math.max(1, ...heatmap.map((h) => h.events));
  const offHours = (day: number, hour: number) =>
    (WEEKEND_ISO_DAYS as readonly number[]).includes(day) ||
    hour < WORKDAY_START_HOUR ||
    hour >= WORKDAY_END_HOUR;

  return (
    <div className="space-y-6">
      <div>
        <p className="font-mono text-sm text-muted-foreground">{actorId}</p>
        <h1 className="text-2xl font-semibold tracking-tight">
          {profile.name ?? profile.email ?? actorId}
        </h1>
        <p className="text-sm text-muted-foreground">
          {[profile.email, profile.type, profile.timeZone && `time zone ${profile.timeZone}`]
            .filter(Boolean)
            .join(' · ')}{' '}
          · {formatCount(profile.events)} events
          {profile.firstSeen ? (
            <>
              {' '}
              · first <LocalTime iso={profile.firstSeen} withSeconds={false} /> · last{' '}
              <LocalTime iso={profile.lastSeen!} withSeconds={false} />
            </>
          ) : null}
        </p>
        <Link href={eventsHref({ q: actorQuery })} className="text-sm text-primary hover:underline">
          Open in the explorer
        </Link>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>
            Activity by hour of week, last 90 days, in {profile.timeZone ?? 'UTC'}
          </CardTitle>
        </CardHeader>
        <CardContent className="overflow-x-auto">
          <table
            className="border-separate border-spacing-0.5 text-xs"
            aria-label="Activity by hour of week"
          >
            <thead>
              <tr>
                <th />
                {Array.from({ length: 24 }, (_, h) => (
                  <th key={h} scope="col" className="w-6 font-normal text-muted-foreground">
                    {h % 3 === 0 ? h : ''}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {DAYS.map((label, i) => (
                <tr key={label}>
                  <th scope="row" className="pr-2 text-right font-normal text-muted-foreground">
                    {label}
                  </th>
                  {Array.from({ length: 24 }, (_, h) => {
                    const n = cell.get(`${i + 1}-${h}`) ?? 0;
                    const off = offHours(i + 1, h);
                    return (
                      <td
                        key={h}
                        title={`${label} ${String(h).padStart(2, '0')}:00 — ${n} events${off ? ' (outside working hours)' : ''}`}
                        data-testid={`heat-${i + 1}-${h}`}
                        data-events={n}
                        className={`h-5 w-6 rounded-sm ${off ? 'outline outline-1 outline-dashed outline-muted-foreground/40' : ''}`}
                        style={{
                          background: n
                            ? `color-mix(in oklch, var(--primary) ${Math.round(15 + (85 * n) / max)}%, transparent)`
                            : 'var(--muted)',
                        }}
                      />
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="mt-2 text-xs text-muted-foreground">
            Dashed cells are outside working hours ({WORKDAY_START_HOUR}:00–{WORKDAY_END_HOUR}:00,
            Monday to Friday) in the person&apos;s own time zone.
          </p>
        </CardContent>
      </Card>

      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Addresses</CardTitle>
          </CardHeader>
          <CardContent className="overflow-x-auto">
            <SeenTable
              label="Address"
              rows={ips}
              query={(v) => `${actorQuery} ${fieldQuery('ip', v)}`}
            />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>User agents</CardTitle>
          </CardHeader>
          <CardContent className="overflow-x-auto">
            <SeenTable
              label="User agent"
              rows={agents}
              query={(v) => `${actorQuery} "${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`}
            />
          </CardContent>
        </Card>
      </div>

      <Timeline
        rows={page.rows}
        show="target"
        olderHref={page.older ? `?${new URLSearchParams({ after: page.older })}` : null}
      />
    </div>
  );
}
