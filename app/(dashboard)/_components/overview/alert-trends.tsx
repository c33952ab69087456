import { BarChart, type BarPoint, type ChartSeries } from '@/components/charts/bar-chart';
import { ChartTable } from '@/components/charts/chart-table';
import { LineChart } from '@/components/charts/line-chart';
import { OTHER_COLOR, seriesColor, SERIES_COLORS } from '@/components/charts/palette';
import { RESOLVE_BINS_HOURS, type AlertTrends } from '@/db/queries/overview';
import { ruleLabel } from '@/app/(dashboard)/alerts/labels';
import { RULE_IDS, type RuleId } from '@/lib/detection/types';
import { formatCount } from './format';
import { SectionCard } from './section-card';
import { queueHref, raisedHref } from './links';
import { bucketLabel, bucketStarts, type OverviewRange } from './range';
import { MAX_SERIES } from './activity';

const OTHER = '__other';
const isRule = (rule: string): rule is RuleId => (RULE_IDS as readonly string[]).includes(rule);

const hoursLabel = (h: number) => (h < 24 ? `${h} h` : `${h / 24} d`);
/** "< 1 h", "1 h – 4 h", …, "> 30 d" for each time-to-resolve bin. */
export const RESOLVE_BIN_LABELS = [
  `< ${hoursLabel(RESOLVE_BINS_HOURS[0])}`,
  ...RESOLVE_BINS_HOURS.slice(1).map(
    (h, i) => `${hoursLabel(RESOLVE_BINS_HOURS[i]!)} – ${hoursLabel(h)}`,
  ),
  `≥ ${hoursLabel(RESOLVE_BINS_HOURS[RESOLVE_BINS_HOURS.length - 1]!)}`,
];

/** Running backlog: the start value plus each bucket's net change, at the end of each bucket. */
export function backlogSeries(start: number, starts: number[], delta: Map<number, number>) {
  const out: number[] = [];
  let open = start;
  for (const s of starts) {
    open += delta.get(s) ?? 0;
    out.push(open);
  }
  return out;
}

export function AlertTrendCharts({ range, trends }: { range: OverviewRange; trends: AlertTrends }) {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  const starts = bucketStarts(from, to, range.bucket);
  const per = range.bucket;

  // Raised per bucket, by rule (the most frequent rules, the rest as "Other").
  const ruleTotals = new Map<string, number>();
  for (const r of trends.raised) ruleTotals.set(r.rule, (ruleTotals.get(r.rule) ?? 0) + r.alerts);
  const rules = [...ruleTotals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = (rules.length > MAX_SERIES ? rules.slice(0, MAX_SERIES - 1) : rules).map(
    ([r]) => r,
  );
  const series: ChartSeries[] = shown.map((rule, i) => ({
    key: rule,
    label: ruleLabel(rule),
    color: seriesColor(i),
  }));
  if (rules.length > shown.length)
    series.push({ key: OTHER, label: 'Other rules', color: OTHER_COLOR });
  const raised = new Map<number, Record<string, number>>();
  for (const r of trends.raised) {
    const key = shown.includes(r.rule) ? r.rule : OTHER;
    const values = raised.get(r.bucket) ?? {};
    values[key] = (values[key] ?? 0) + r.alerts;
    raised.set(r.bucket, values);
  }
  const hrefFor = (key: string) => raisedHref(range, key !== OTHER && isRule(key) ? key : null);
  const raisedPoints: (BarPoint & { start: number })[] = starts.map((start) => {
    const values = raised.get(start) ?? {};
    return {
      start,
      label: bucketLabel(start, range.bucket),
      values: Object.fromEntries(series.map((s) => [s.key, values[s.key] ?? 0])),
      hrefs: Object.fromEntries(series.map((s) => [s.key, hrefFor(s.key)])),
    };
  });
  const raisedTotal = trends.raised.reduce((n, r) => n + r.alerts, 0);

  // Open backlog at the end of each bucket: the backlog at the start, plus raised, minus
  // resolved, plus reopened.
  const delta = new Map<number, number>();
  const add = (list: { bucket: number; alerts: number }[], sign: number) => {
    for (const r of list) delta.set(r.bucket, (delta.get(r.bucket) ?? 0) + sign * r.alerts);
  };
  add(trends.raised, 1);
  add(trends.resolved, -1);
  add(trends.reopened, 1);
  const backlog = backlogSeries(trends.backlogAtStart, starts, delta).map((value, i) => ({
    start: starts[i]!,
    label: bucketLabel(starts[i]!, range.bucket),
    value,
    href: queueHref({}),
  }));

  const resolvedTotal = trends.resolveBins.reduce((n, x) => n + x, 0);
  const resolvePoints: BarPoint[] = trends.resolveBins.map((n, i) => ({
    label: RESOLVE_BIN_LABELS[i]!,
    values: { resolved: n },
    hrefs: { resolved: queueHref({ status: 'resolved' }) },
  }));

  const raisedTitle = `Alerts raised per ${per} by rule, ${range.label}`;
  const backlogTitle = `Open alerts at the end of each ${per}, ${range.label}`;
  const resolveTitle = `Alerts resolved in ${range.label.toLowerCase()} by time to resolve`;
  return (
    <section aria-labelledby="alert-trends" className="space-y-3">
      <h2 id="alert-trends" className="text-lg font-semibold tracking-tight">
        Alert trends
      </h2>
      <div className="grid gap-4 xl:grid-cols-3">
        <SectionCard
          title="Raised by rule"
          description={`Alerts raised per ${per} (UTC). A bar opens the queue for its rule.`}
          testId="chart-raised"
        >
          {raisedTotal === 0 ? (
            <p className="text-sm text-muted-foreground">
              No alerts were raised in this range. Detection rules are set on the Rules page.
            </p>
          ) : (
            <>
              <BarChart series={series} points={raisedPoints} title={raisedTitle} />
              <ChartTable
                summary="Show as a table"
                caption={raisedTitle}
                rowHeader="Period (UTC)"
                columns={series.map((s) => s.label)}
                rows={raisedPoints
                  .filter((p) => Object.values(p.values).some((v) => v > 0))
                  .map((p) => ({
                    key: String(p.start),
                    label: p.label,
                    cells: series.map((s) => ({
                      value: p.values[s.key] ?? 0,
                      href: p.hrefs[s.key],
                    })),
                  }))}
              />
            </>
          )}
        </SectionCard>
        <SectionCard
          title="Open backlog"
          description="Alerts not yet resolved at the end of each period. A point opens the queue."
          testId="chart-backlog"
        >
          <LineChart
            points={backlog}
            title={backlogTitle}
            name="Open alerts"
            color={SERIES_COLORS[4]}
          />
          <ChartTable
            summary="Show as a table"
            caption={backlogTitle}
            rowHeader="End of period (UTC)"
            columns={['Open alerts']}
            rows={backlog.map((b) => ({
              key: String(b.start),
              label: b.label,
              cells: [{ value: b.value, href: b.href }],
            }))}
          />
          <p className="mt-2 text-xs text-muted-foreground">
            An alert reopened after being resolved counts as open from when it was raised.
          </p>
        </SectionCard>
        <SectionCard
          title="Time to resolve"
          description={`The ${formatCount(resolvedTotal)} alerts resolved in this range, by how long they took.`}
          testId="chart-resolve"
        >
          {resolvedTotal === 0 ? (
            <p className="text-sm text-muted-foreground">No alerts were resolved in this range.</p>
          ) : (
            <>
              <BarChart
                series={[{ key: 'resolved', label: 'Alerts resolved', color: SERIES_COLORS[2] }]}
                points={resolvePoints}
                title={resolveTitle}
              />
              <ChartTable
                summary="Show as a table"
                caption={resolveTitle}
                rowHeader="Time to resolve"
                columns={['Alerts']}
                rows={resolvePoints.map((p) => ({
                  key: p.label,
                  label: p.label,
                  cells: [{ value: p.values.resolved ?? 0, href: p.hrefs.resolved }],
                }))}
              />
            </>
          )}
        </SectionCard>
      </div>
    </section>
  );
}
