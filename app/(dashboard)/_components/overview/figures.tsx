import Link from 'next/link';
import type { ReactNode } from 'react';
import { SEVERITY_COLORS } from '@/components/charts/palette';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import type { ActivityOverview, AlertFigures } from '@/db/queries/overview';
import { SEVERITIES } from '@/lib/detection/types';
import { SEVERITY_LABELS } from '@/app/(dashboard)/alerts/labels';
import { formatChange, formatCount, formatDuration, formatShare } from './format';
import { exploreInRange, openSeverityHref, queueHref, raisedHref } from './links';
import { ReviewTargetForm } from './range-picker';
import type { OverviewState } from './range';

function Figure({
  title,
  children,
  footer,
  testId,
}: {
  title: string;
  children: ReactNode;
  footer?: ReactNode;
  testId: string;
}) {
  return (
    <Card data-testid={testId} className="flex flex-col">
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-1 flex-col justify-between gap-2">
        <div>{children}</div>
        {footer ? <div className="text-xs text-muted-foreground">{footer}</div> : null}
      </CardContent>
    </Card>
  );
}

/** "the previous 30 days: 6,707 (+3.1%)" — the change only when there was something before. */
function Versus({ now, before, label }: { now: number; before: number; label: string }) {
  return (
    <span>
      {label.charAt(0).toUpperCase() + label.slice(1)}: {formatCount(before)}
      {before > 0 ? ` (now ${formatChange(now, before)})` : ''}
    </span>
  );
}

const big = 'text-3xl font-semibold tabular-nums';
const figureLink =
  'rounded-sm hover:underline focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none';

/** The headline figures: activity from the rollups, alert figures from the alerts table. */
export function HeadlineFigures({
  state,
  activity,
  alerts,
  previousLabel,
}: {
  state: OverviewState;
  activity: ActivityOverview;
  alerts: AlertFigures;
  /** "the previous 30 days" */
  previousLabel: string;
}) {
  const { range } = state;
  const { totals } = activity;
  const open = SEVERITIES.reduce((n, s) => n + alerts.openBySeverity[s], 0);
  return (
    <section aria-label="Headline figures" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
      <Figure
        title="Events in range"
        testId="figure-events"
        footer={<Versus now={totals.events} before={totals.prevEvents} label={previousLabel} />}
      >
        <Link
          href={exploreInRange(range)}
          className={`${big} ${figureLink}`}
          data-testid="events-in-range"
        >
          {formatCount(totals.events)}
        </Link>
      </Figure>

      <Figure
        title="Changes outside working hours"
        testId="figure-off-hours"
        footer={
          <>
            By each person&apos;s own working hours.{' '}
            <Versus now={totals.offChanges} before={totals.prevOffChanges} label={previousLabel} />
          </>
        }
      >
        <a href="#off-hours" className={`${big} ${figureLink}`} data-testid="off-hours-changes">
          {formatCount(totals.offChanges)}
        </a>
      </Figure>

      <Figure
        title="Open alerts"
        testId="figure-open-alerts"
        footer={
          alerts.overdue > 0 ? (
            <Link href={queueHref({ status: 'open' })} className="hover:underline">
              {formatCount(alerts.overdue)} waiting past the {state.reviewHours} h target
            </Link>
          ) : (
            <>None waiting past the {state.reviewHours} h target</>
          )
        }
      >
        <div className="flex items-baseline gap-4">
          <Link href={openSeverityHref(null)} className={`${big} ${figureLink}`}>
            {formatCount(open)}
          </Link>
          <ul
            className="flex flex-wrap gap-x-3 gap-y-1 text-sm"
            aria-label="Open alerts by severity"
          >
            {[...SEVERITIES].reverse().map((s) => (
              <li key={s}>
                <Link
                  href={openSeverityHref(s)}
                  className="inline-flex items-center gap-1 hover:underline"
                  data-testid={`open-${s}`}
                >
                  <span
                    aria-hidden
                    className="inline-block size-2.5 rounded-full"
                    style={{ background: SEVERITY_COLORS[s] }}
                  />
                  {SEVERITY_LABELS[s]}{' '}
                  <span className="tabular-nums">{formatCount(alerts.openBySeverity[s])}</span>
                </Link>
              </li>
            ))}
          </ul>
        </div>
      </Figure>

      <Figure
        title="Alerts raised and resolved"
        testId="figure-raised-resolved"
        footer={
          <Versus
            now={alerts.raised}
            before={alerts.prevRaised}
            label={`raised in ${previousLabel}`}
          />
        }
      >
        <p className="flex items-baseline gap-2">
          <Link
            href={raisedHref(range)}
            className={`${big} ${figureLink}`}
            data-testid="alerts-raised"
          >
            {formatCount(alerts.raised)}
          </Link>
          <span className="text-sm text-muted-foreground">raised</span>
          <Link
            href={queueHref({ status: 'resolved' })}
            className={`ml-3 ${big} ${figureLink}`}
            data-testid="alerts-resolved"
          >
            {formatCount(alerts.resolved)}
          </Link>
          <span className="text-sm text-muted-foreground">resolved</span>
        </p>
      </Figure>

      <Figure
        title="Median time to acknowledge / resolve"
        testId="figure-medians"
        footer="Over the alerts first acknowledged, or resolved, in this range."
      >
        <p className="flex items-baseline gap-2">
          <span className={big} data-testid="median-ack">
            {alerts.ackMedianSeconds === null ? '—' : formatDuration(alerts.ackMedianSeconds)}
          </span>
          <span aria-hidden className="text-muted-foreground">
            /
          </span>
          <span className={big} data-testid="median-resolve">
            {alerts.resolveMedianSeconds === null
              ? '—'
              : formatDuration(alerts.resolveMedianSeconds)}
          </span>
        </p>
      </Figure>

      <Figure
        title={`Reviewed within ${state.reviewHours} h`}
        testId="figure-review"
        footer={
          <div className="flex flex-wrap items-center justify-between gap-2">
            <span>
              {alerts.reviewDue === 0
                ? 'No alert raised in this range is due yet.'
                : `${formatCount(alerts.reviewedInTime)} of ${formatCount(alerts.reviewDue)} alerts raised in this range were acknowledged in time.`}
            </span>
            <ReviewTargetForm state={state} />
          </div>
        }
      >
        <span className={big} data-testid="review-share">
          {formatShare(alerts.reviewedInTime, alerts.reviewDue)}
        </span>
      </Figure>
    </section>
  );
}
