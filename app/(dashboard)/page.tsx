import type { Metadata } from 'next';
import { Suspense } from 'react';
import {
  getActivityOverview,
  getAlertFigures,
  getAlertTrends,
  listActivityByStream,
  listActorNames,
  listStreams,
  listTopFields,
  listTopRecords,
  type ActivityOverview,
  type ActorName,
  type AlertFigures,
  type AlertTrends,
  type StreamInfo,
  type TopField,
  type TopRecord,
} from '@/db/queries/overview';
import { can } from '@/lib/authz';
import { requirePermission } from '@/lib/session';
import { ActivityOverTime, NoSources } from './_components/overview/activity';
import { AlertTrendCharts } from './_components/overview/alert-trends';
import { HeadlineFigures } from './_components/overview/figures';
import { OffHoursHeatmap } from './_components/overview/off-hours';
import { RangePicker } from './_components/overview/range-picker';
import { DAY_MS, parseOverviewParams, type OverviewState } from './_components/overview/range';
import { ChartSkeleton, FiguresSkeleton, ListsSkeleton } from './_components/overview/skeletons';
import { TopActors, TopFields, TopRecords, UnusualActors } from './_components/overview/top-lists';

export const metadata: Metadata = { title: 'Overview' };

/** "the previous 30 days", "the previous 24 hours", "the previous 14 days" */
function periodWords(ms: number, lead: string): string {
  const hours = Math.round(ms / 3_600_000);
  if (hours < 48) return `${lead} ${hours} hours`;
  const days = Math.round(ms / DAY_MS);
  return `${lead} ${days} days`;
}

/**
 * The overview: is anything unusual happening, who and what is it, and how well is review
 * keeping up. Every figure reads the rollups or the alerts table (db/queries/overview.ts); the
 * queries start together here and each section streams in when its data is ready.
 */
export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requirePermission('events:read');
  const state = parseOverviewParams(await searchParams, new Date());
  const { range } = state;

  const activity = getActivityOverview(range);
  const timeline = listActivityByStream(range);
  const alertFigures = getAlertFigures(range, state.reviewHours);
  const trends = getAlertTrends(range);
  const fields = listTopFields(range);
  const records = listTopRecords(range);
  const names = activity.then((a) =>
    listActorNames([
      ...a.unusualCells.map((x) => x.actorId),
      ...a.topActors.map((x) => x.actorId),
      ...a.unusualActors.map((x) => x.actorId),
    ]),
  );
  // Each promise is awaited by the section that shows it (its error goes to error.tsx); this
  // only keeps one that fails before its section renders from being reported as unhandled.
  for (const p of [activity, timeline, alertFigures, trends, fields, records, names])
    p.catch(() => {});
  const streams = await listStreams();

  const span = Date.parse(range.to) - Date.parse(range.from);
  const previous = periodWords(span, 'the previous');
  const baseline = periodWords(Date.parse(range.from) - Date.parse(range.baseFrom), 'the');
  const baselineLabel = `${baseline} before`;
  const canManageSources = can(user.role, 'sources:manage');

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
          <p className="text-sm text-muted-foreground" data-testid="range-label">
            {range.label} ·{' '}
            {range.firstDay === range.lastDay
              ? range.firstDay
              : `${range.firstDay} to ${range.lastDay}`}{' '}
            (UTC)
          </p>
        </div>
        <RangePicker state={state} />
      </div>
      {state.problems.length ? (
        <div role="status" className="rounded-md border border-destructive/40 p-3 text-sm">
          {state.problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </div>
      ) : null}
      {streams.every((s) => s.kind !== 'source') ? (
        <NoSources canManage={canManageSources} />
      ) : null}

      <Suspense fallback={<FiguresSkeleton />}>
        <Figures state={state} activity={activity} alerts={alertFigures} previous={previous} />
      </Suspense>

      <Suspense fallback={<ChartSkeleton label="the off-hours heatmap" height="h-52" />}>
        <Heat state={state} activity={activity} names={names} baselineLabel={baselineLabel} />
      </Suspense>

      <Suspense fallback={<ChartSkeleton label="activity by source" height="h-72" />}>
        <Activity
          state={state}
          streams={streams}
          timeline={timeline}
          trends={trends}
          canManageSources={canManageSources}
        />
      </Suspense>

      <Suspense fallback={<ListsSkeleton label="top actors" />}>
        <People state={state} activity={activity} names={names} baselineLabel={baselineLabel} />
      </Suspense>

      <Suspense fallback={<ListsSkeleton label="top records and fields" />}>
        <Records state={state} records={records} fields={fields} />
      </Suspense>

      <Suspense fallback={<ChartSkeleton label="alert trends" />}>
        <Trends state={state} trends={trends} />
      </Suspense>
    </div>
  );
}

async function Figures(props: {
  state: OverviewState;
  activity: Promise<ActivityOverview>;
  alerts: Promise<AlertFigures>;
  previous: string;
}) {
  const [activity, alerts] = await Promise.all([props.activity, props.alerts]);
  return (
    <HeadlineFigures
      state={props.state}
      activity={activity}
      alerts={alerts}
      previousLabel={props.previous}
    />
  );
}

async function Heat(props: {
  state: OverviewState;
  activity: Promise<ActivityOverview>;
  names: Promise<ActorName[]>;
  baselineLabel: string;
}) {
  const [activity, names] = await Promise.all([props.activity, props.names]);
  return (
    <OffHoursHeatmap
      state={props.state}
      activity={activity}
      names={new Map(names.map((n) => [n.actorId, n]))}
      baselineLabel={props.baselineLabel}
    />
  );
}

async function Activity(props: {
  state: OverviewState;
  streams: StreamInfo[];
  timeline: Promise<{ bucket: number; streamId: string; events: number }[]>;
  trends: Promise<AlertTrends>;
  canManageSources: boolean;
}) {
  const [timeline, trends] = await Promise.all([props.timeline, props.trends]);
  return (
    <ActivityOverTime
      range={props.state.range}
      streams={props.streams}
      timeline={timeline}
      trends={trends}
      canManageSources={props.canManageSources}
    />
  );
}

async function People(props: {
  state: OverviewState;
  activity: Promise<ActivityOverview>;
  names: Promise<ActorName[]>;
  baselineLabel: string;
}) {
  const [activity, names] = await Promise.all([props.activity, props.names]);
  const byId = new Map(names.map((n) => [n.actorId, n]));
  return (
    <section aria-label="People" className="grid gap-4 lg:grid-cols-2">
      <TopActors range={props.state.range} activity={activity} names={byId} />
      <UnusualActors
        range={props.state.range}
        activity={activity}
        names={byId}
        baselineLabel={props.baselineLabel}
      />
    </section>
  );
}

async function Records(props: {
  state: OverviewState;
  records: Promise<TopRecord[]>;
  fields: Promise<TopField[]>;
}) {
  const [records, fields] = await Promise.all([props.records, props.fields]);
  return (
    <section aria-label="Records and fields" className="grid gap-4 lg:grid-cols-2">
      <TopRecords range={props.state.range} records={records} />
      <TopFields range={props.state.range} fields={fields} />
    </section>
  );
}

async function Trends(props: { state: OverviewState; trends: Promise<AlertTrends> }) {
  return <AlertTrendCharts range={props.state.range} trends={await props.trends} />;
}
