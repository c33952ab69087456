import Link from 'next/link';
import { UNUSUAL_COLOR } from '@/components/charts/palette';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import type { ActivityOverview, ActorName } from '@/db/queries/overview';
import { cn } from '@/lib/utils';
import { formatCount } from './format';
import { Heatmap, type HeatCell } from './heatmap';
import { heatCellHref } from './links';
import { scoreCells, type ScoredCell } from './heat';
import { overviewHref, type HeatMode, type OverviewState } from './range';

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const DAY_SHORT = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const hh = (h: number) => String(h).padStart(2, '0');

const approx = (n: number) =>
  n < 10 ? n.toFixed(1).replace(/\.0$/, '') : formatCount(Math.round(n));

export function OffHoursHeatmap({
  state,
  activity,
  names,
  baselineLabel,
}: {
  state: OverviewState;
  activity: ActivityOverview;
  names: Map<string, ActorName>;
  /** "the 30 days before" */
  baselineLabel: string;
}) {
  const { range, heat } = state;
  const scored = scoreCells(activity, heat);
  const what = heat === 'off' ? 'changes outside working hours' : 'changes';
  const nameOf = (id: string) => names.get(id)?.name ?? names.get(id)?.email ?? id;
  const who = (c: ScoredCell) =>
    c.unusual
      .map(
        (u) =>
          `${nameOf(u.actorId)} made ${formatCount(u.value)} (about ${approx(u.expected)} expected)`,
      )
      .join('; ');
  const cells: HeatCell[] = scored.map((c) => {
    const when = `${DAY_NAMES[c.day - 1]} ${hh(c.hour)}:00–${hh(c.hour)}:59`;
    const unusual = c.unusual.length ? ` — unusual: ${who(c)}` : '';
    return {
      day: c.day,
      hour: c.hour,
      value: c.value,
      unusual: c.unusual.length > 0,
      href: heatCellHref(range, c.day, c.hour),
      description: `${when}: ${formatCount(c.value)} ${what}${unusual}. Opens the events of these hours.`,
    };
  });
  const unusual = scored
    .filter((c) => c.unusual.length > 0)
    .sort((a, b) => b.unusual[0]!.value - a.unusual[0]!.value)
    .slice(0, 6);
  const total = scored.reduce((n, c) => n + c.value, 0);
  const modes: { mode: HeatMode; label: string }[] = [
    { mode: 'off', label: 'Outside working hours only' },
    { mode: 'all', label: 'All activity' },
  ];

  return (
    <Card id="off-hours" className="scroll-mt-4">
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-3">
        <div>
          <CardTitle className="text-base text-foreground">When changes happen</CardTitle>
          <p className="text-sm text-muted-foreground">
            Hour of day × day of week, in each person&apos;s own time zone; colour is the number of{' '}
            {what}. A cell opens its events in the explorer.
          </p>
        </div>
        <nav aria-label="Heatmap activity" className="flex rounded-md border bg-card p-0.5">
          {modes.map((m) => (
            <Link
              key={m.mode}
              href={`${overviewHref({ ...range, ...state, heat: m.mode })}#off-hours`}
              scroll={false}
              aria-current={heat === m.mode ? 'true' : undefined}
              className={cn(
                'rounded px-3 py-1 text-xs font-medium focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none',
                heat === m.mode
                  ? 'bg-primary text-primary-foreground'
                  : 'text-muted-foreground hover:bg-accent hover:text-accent-foreground',
              )}
            >
              {m.label}
            </Link>
          ))}
        </nav>
      </CardHeader>
      <CardContent className="grid gap-6 lg:grid-cols-[auto_1fr]">
        <div>
          <Heatmap
            cells={cells}
            label={`${heat === 'off' ? 'Changes outside working hours' : 'Changes'} by hour of week`}
          />
          <p className="mt-2 max-w-2xl text-xs text-muted-foreground">
            {total === 0
              ? `No ${what} in this range. Pick a longer range above, or switch to all activity.`
              : heat === 'off'
                ? "Outside working hours follows each person's own schedule from the Rules page, else the organisation's hours in their time zone."
                : 'Counts events that changed at least one field.'}{' '}
            A cell&apos;s link lists every event in those hours (local to each actor&apos;s reported
            time zone, UTC if none).
          </p>
        </div>
        <div>
          <h3 className="text-sm font-medium">Unusual hours</h3>
          {unusual.length === 0 ? (
            <p className="mt-1 text-sm text-muted-foreground" data-testid="unusual-hours-empty">
              {activity.scale === null
                ? 'Nothing to compare with: not enough history before this range.'
                : `No one's ${what} stand out against their own history over ${baselineLabel}.`}
            </p>
          ) : (
            <ul className="mt-2 space-y-2 text-sm" aria-label="Unusual hours">
              {unusual.map((c) => (
                <li key={`${c.day}-${c.hour}`} className="flex items-start gap-2">
                  <span
                    aria-hidden
                    className="mt-0.5 inline-flex size-4 shrink-0 items-center justify-center rounded-sm text-[10px] font-bold text-black"
                    style={{ background: UNUSUAL_COLOR }}
                  >
                    !
                  </span>
                  <span>
                    <Link
                      href={heatCellHref(range, c.day, c.hour)}
                      className="font-medium text-primary hover:underline"
                    >
                      {DAY_SHORT[c.day - 1]} {hh(c.hour)}:00
                    </Link>{' '}
                    <span className="text-muted-foreground">{who(c)}</span>
                  </span>
                </li>
              ))}
            </ul>
          )}
          <p className="mt-3 text-xs text-muted-foreground">
            Unusual: one person made at least 3 {what} in that hour of the week, at least twice what
            their own history over {baselineLabel} predicts, while being more active than usual
            overall.
          </p>
        </div>
      </CardContent>
    </Card>
  );
}
