import Link from 'next/link';
import { BarChart, type BarPoint, type ChartSeries } from '@/components/charts/bar-chart';
import { ChartTable } from '@/components/charts/chart-table';
import { OTHER_COLOR, seriesColor, SEVERITY_COLORS } from '@/components/charts/palette';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { LocalTime } from '@/components/ui/local-time';
import type { AlertTrends, StreamInfo } from '@/db/queries/overview';
import { ruleLabel, SEVERITY_LABELS } from '@/app/(dashboard)/alerts/labels';
import { RULE_IDS, type RuleId } from '@/lib/detection/types';
import { formatCount, streamLabel, streamTerm } from './format';
import { alertHref, exploreRange, queueHref } from './links';
import { bucketLabel, bucketStarts, nextBucket, type OverviewRange } from './range';

/** Series beyond this many are merged into "Other" (the palette's size; charts stay readable). */
export const MAX_SERIES = 7;
const OTHER = '__other';

export function NoSources({ canManage }: { canManage: boolean }) {
  return (
    <div className="rounded-md border border-dashed p-6 text-sm" data-testid="no-sources">
      <p className="font-medium">No sources yet.</p>
      <p className="mt-1 text-muted-foreground">
        Events from your systems (CRM, HRIS, identity provider…) arrive through a source.{' '}
        {canManage ? (
          <Link href="/admin/sources" className="text-primary hover:underline">
            Create one
          </Link>
        ) : (
          'Ask an administrator to create one'
        )}{' '}
        and send events to its API key; until then only this dashboard&apos;s own actions are
        recorded.
      </p>
    </div>
  );
}

const isRule = (rule: string): rule is RuleId => (RULE_IDS as readonly string[]).includes(rule);

/** Where an axis mark goes: the alert itself, or the queue for its rule, or every alert. */
function markHref(m: AlertTrends['markers'][number]): string {
  if (m.alerts === 1) return alertHref(m.firstId);
  const rule = m.rules.length === 1 ? m.rules[0]! : null;
  return queueHref({ status: 'all', rule: rule && isRule(rule) ? rule : null });
}

export function ActivityOverTime({
  range,
  streams,
  timeline,
  trends,
  canManageSources,
}: {
  range: OverviewRange;
  streams: StreamInfo[];
  timeline: { bucket: number; streamId: string; events: number }[];
  trends: AlertTrends;
  canManageSources: boolean;
}) {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  const names = new Map(streams.map((s) => [s.id, s.name]));
  const totals = new Map<string, number>();
  for (const t of timeline) totals.set(t.streamId, (totals.get(t.streamId) ?? 0) + t.events);
  const ordered = [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || (names.get(a[0]) ?? '').localeCompare(names.get(b[0]) ?? ''))
    .map(([id]) => id);
  const shown = ordered.length > MAX_SERIES ? ordered.slice(0, MAX_SERIES - 1) : ordered;
  const merged = ordered.slice(shown.length);
  const series: ChartSeries[] = shown.map((id, i) => ({
    key: id,
    label: streamLabel(names.get(id) ?? id),
    color: seriesColor(i),
  }));
  if (merged.length) series.push({ key: OTHER, label: 'Other sources', color: OTHER_COLOR });
  const termFor = (key: string) =>
    key === OTHER
      ? `(${merged.map((id) => streamTerm(names.get(id) ?? '')).join(' OR ')})`
      : streamTerm(names.get(key) ?? '');

  const byBucket = new Map<number, Record<string, number>>();
  for (const t of timeline) {
    const key = shown.includes(t.streamId) ? t.streamId : OTHER;
    const values = byBucket.get(t.bucket) ?? {};
    values[key] = (values[key] ?? 0) + t.events;
    byBucket.set(t.bucket, values);
  }
  const marks = new Map(trends.markers.map((m) => [m.bucket, m]));
  const points: (BarPoint & { start: number })[] = bucketStarts(from, to, range.bucket).map(
    (start) => {
      const lo = Math.max(start, from);
      const hi = Math.min(nextBucket(start, range.bucket), to);
      const values = byBucket.get(start) ?? {};
      const hrefs: Record<string, string> = {};
      for (const s of series) hrefs[s.key] = exploreRange(lo, hi, termFor(s.key));
      const m = marks.get(start);
      return {
        start,
        label: bucketLabel(start, range.bucket),
        values: Object.fromEntries(series.map((s) => [s.key, values[s.key] ?? 0])),
        hrefs,
        mark: m
          ? {
              color: SEVERITY_COLORS[m.maxSeverity],
              href: markHref(m),
              text: `${formatCount(m.alerts)} (${m.rules.map(ruleLabel).join(', ')}; highest ${SEVERITY_LABELS[m.maxSeverity].toLowerCase()})`,
            }
          : null,
      };
    },
  );
  const sourceStreams = streams.filter((s) => s.kind === 'source');
  const any = timeline.length > 0;
  const title = `Events by source per ${range.bucket}, ${range.label}`;

  return (
    <Card data-testid="activity-by-source">
      <CardHeader>
        <CardTitle className="text-base text-foreground">Activity by source</CardTitle>
        <p className="text-sm text-muted-foreground">
          Events per {range.bucket} (UTC), stacked by source; ▲ marks where alerts&apos; incidents
          began. A bar opens its events in the explorer; a mark opens its alert.
        </p>
      </CardHeader>
      <CardContent className="space-y-4">
        {sourceStreams.length === 0 ? <NoSources canManage={canManageSources} /> : null}
        {any ? (
          <>
            <BarChart
              series={series}
              points={points}
              title={title}
              markLabel="Alerts"
              height="h-72"
            />
            <ChartTable
              summary="Show as a table"
              caption={title}
              rowHeader={range.bucket === 'hour' ? 'Hour (UTC)' : 'Period (UTC)'}
              columns={series.map((s) => s.label)}
              rows={points
                .filter((p) => Object.values(p.values).some((v) => v > 0))
                .map((p) => ({
                  key: String(p.start),
                  label: p.label,
                  cells: series.map((s) => ({ value: p.values[s.key] ?? 0, href: p.hrefs[s.key] })),
                }))}
            />
          </>
        ) : (
          <p className="text-sm text-muted-foreground" data-testid="no-activity">
            No events in {range.label.toLowerCase().startsWith('last') ? 'the ' : ''}
            {range.label.charAt(0).toLowerCase() + range.label.slice(1)}. Pick a longer range above
            {sourceStreams.length ? ', or check that your sources are sending events' : ''}.
          </p>
        )}
        <AlertsInRange trends={trends} />
      </CardContent>
    </Card>
  );
}

function AlertsInRange({ trends }: { trends: AlertTrends }) {
  if (trends.list.length === 0)
    return (
      <p className="text-sm text-muted-foreground">No alert&apos;s incident began in this range.</p>
    );
  const total = trends.markers.reduce((n, m) => n + m.alerts, 0);
  return (
    <div>
      <h3 className="text-sm font-medium">
        Alerts whose incident began in this range
        {total > trends.list.length
          ? ` (the ${trends.list.length} most severe of ${formatCount(total)})`
          : ''}
      </h3>
      <ul className="mt-2 divide-y text-sm" aria-label="Alerts in this range">
        {trends.list.map((a) => (
          <li key={a.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-1.5">
            <Badge
              variant="outline"
              className="gap-1"
              title={`Severity: ${SEVERITY_LABELS[a.severity]}`}
            >
              <span
                aria-hidden
                className="inline-block size-2 rounded-full"
                style={{ background: SEVERITY_COLORS[a.severity] }}
              />
              {SEVERITY_LABELS[a.severity]}
            </Badge>
            <Link href={alertHref(a.id)} className="font-medium text-primary hover:underline">
              {ruleLabel(a.rule)}
            </Link>
            <span className="min-w-0 flex-1 truncate text-muted-foreground" title={a.summary}>
              {a.summary}
            </span>
            <span className="text-xs text-muted-foreground">
              <LocalTime iso={a.firstEventAt} withSeconds={false} />
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
