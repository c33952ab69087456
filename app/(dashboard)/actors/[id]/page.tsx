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
import { compileSearch, parseSearch } from '@/lib/search';
import { listAlertsForActor } from '@/db/queries/alerts';
import { readSettings } from '@/lib/detection/rules';
import { formatDays, formatHour } from '@/lib/detection/schedule-text';
import { Badge } from '@/components/ui/badge';
import { can } from '@/lib/authz';
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
  const [profile, settings] = await Promise.all([getActorProfile(actorId), readSettings(db)]);
  // Their own working hours (the rules page's personal schedule), else the organisation's in
  // their own zone: the same schedule the off-hours rule judges them by.
  const personal = settings.schedules[actorId];
  const schedule = personal ?? {
    ...settings.defaultSchedule,
    timeZone: profile.timeZone ?? settings.defaultSchedule.timeZone,
  };
  const [page, heatmap, ips, agents, alerts] = await Promise.all([
    listEvents(compileSearch(parsed.tree), { after, limit: 50 }),
    getActorHeatmap(actorId),
    listActorSeen(actorId, 'ip'),
    listActorSeen(actorId, 'user_agent'),
    listAlertsForActor(actorId),
  ]);
  const cell = new Map(heatmap.map((h) => [`${h.day}-${h.hour}`, h.events]));
  const max = Math.max(1, ...heatmap.map((h) => h.events));
  // An hour cell is working time when the whole hour is inside a shift (overnight shifts count
  // from the day they start).
  const { startHour: start, endHour: end, days } = schedule;
  const offHours = (day: number, hour: number) => {
    if (start < end) return !days.includes(day) || hour < start || hour + 1 > end;
    if (hour >= start) return !days.includes(day);
    if (hour + 1 <= end) return !days.includes(day === 1 ? 7 : day - 1);
    return true;
  };

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
        <div className="flex flex-wrap gap-x-4">
          <Link
            href={eventsHref({ q: actorQuery })}
            className="text-sm text-primary hover:underline"
          >
            Open in the explorer
          </Link>
          {can(user.role, 'evidence:export') ? (
            <Link
              href={`/evidence?${new URLSearchParams({ person: actorId })}`}
              className="text-sm text-primary hover:underline"
            >
              Export evidence
            </Link>
          ) : null}
        </div>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Activity by hour of week, last 90 days, in {schedule.timeZone}</CardTitle>
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
            Dashed cells are outside {personal ? 'their own' : "the organisation's"} working hours (
            {formatDays(schedule.days)} {formatHour(schedule.startHour)}–
            {formatHour(schedule.endHour)}, {schedule.timeZone}).
          </p>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Alerts about {profile.name ?? actorId}</CardTitle>
        </CardHeader>
        <CardContent>
          {alerts.length === 0 ? (
            <p className="text-sm text-muted-foreground">No alerts involve this person.</p>
          ) : (
            <ul className="space-y-2 text-sm" aria-label="Alerts about this person">
              {alerts.map((a) => (
                <li key={a.id} className="flex flex-wrap items-baseline gap-2">
                  <Badge
                    variant={
                      a.severity === 'critical' || a.severity === 'high' ? 'destructive' : 'outline'
                    }
                  >
                    {a.severity}
                  </Badge>
                  <Link href={`/alerts/${a.id}`} className="flex-1 hover:underline">
                    {a.summary}
                  </Link>
                  <span className="text-muted-foreground">{a.status}</span>
                  <LocalTime iso={a.lastEventAt} withSeconds={false} />
                </li>
              ))}
            </ul>
          )}
          {alerts.length >= 20 ? (
            <Link
              href={`/alerts?status=all&actor=${encodeURIComponent(actorId)}`}
              className="mt-2 inline-block text-sm text-primary hover:underline"
            >
              All alerts about this person
            </Link>
          ) : null}
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
