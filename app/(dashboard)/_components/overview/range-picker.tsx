import Form from 'next/form';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { cn } from '@/lib/utils';
import {
  DEFAULT_HEAT,
  DEFAULT_RANGE,
  DEFAULT_REVIEW_HOURS,
  overviewHref,
  PRESET_LABELS,
  RANGE_PRESETS,
  type OverviewState,
} from './range';

/** Parameters the other controls own, carried through a form's GET. */
function Keep({ state, review = true }: { state: OverviewState; review?: boolean }) {
  return (
    <>
      {state.heat !== DEFAULT_HEAT ? <input type="hidden" name="heat" value={state.heat} /> : null}
      {review && state.reviewHours !== DEFAULT_REVIEW_HOURS ? (
        <input type="hidden" name="review" value={state.reviewHours} />
      ) : null}
    </>
  );
}

/**
 * The one date range every chart on the page follows: presets as links and custom UTC days as
 * a GET form, all in the URL (works without JavaScript; back and forward restore it).
 */
export function RangePicker({ state }: { state: OverviewState }) {
  const { range } = state;
  return (
    <div className="flex flex-wrap items-end gap-3">
      <nav aria-label="Date range" className="flex rounded-md border bg-card p-0.5">
        {RANGE_PRESETS.map((preset) => {
          const current = range.preset === preset;
          return (
            <Link
              key={preset}
              href={overviewHref({ ...state, preset })}
              aria-current={current ? 'page' : undefined}
              title={PRESET_LABELS[preset]}
              className={cn(
                'rounded px-3 py-1.5 text-sm font-medium focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none',
                current
                  ? 'bg-primary text-primary-foreground'
                  : 'text-muted-foreground hover:bg-accent hover:text-accent-foreground',
              )}
            >
              <span aria-hidden>{preset}</span>
              <span className="sr-only">{PRESET_LABELS[preset]}</span>
            </Link>
          );
        })}
      </nav>
      <Form action="/" aria-label="Custom date range" className="flex flex-wrap items-end gap-2">
        <label className="grid gap-1 text-xs text-muted-foreground">
          From (UTC)
          <Input
            type="date"
            name="from"
            required
            defaultValue={range.firstDay}
            min="2000-01-01"
            max="2100-12-31"
            className="h-8 w-40"
          />
        </label>
        <label className="grid gap-1 text-xs text-muted-foreground">
          To (UTC)
          <Input
            type="date"
            name="to"
            required
            defaultValue={range.lastDay}
            min="2000-01-01"
            max="2100-12-31"
            className="h-8 w-40"
          />
        </label>
        <Keep state={state} />
        <Button type="submit" variant="outline" size="sm">
          Apply range
        </Button>
      </Form>
    </div>
  );
}

/** The review target (hours), editable where the figure is shown; kept in the URL. */
export function ReviewTargetForm({ state }: { state: OverviewState }) {
  const { range } = state;
  return (
    <Form action="/" className="flex items-center gap-2 text-xs text-muted-foreground">
      {range.preset === null ? (
        <>
          <input type="hidden" name="from" value={range.firstDay} />
          <input type="hidden" name="to" value={range.lastDay} />
        </>
      ) : range.preset !== DEFAULT_RANGE ? (
        <input type="hidden" name="range" value={range.preset} />
      ) : null}
      <Keep state={state} review={false} />
      <label className="flex items-center gap-1">
        Target
        <Input
          type="number"
          name="review"
          min={1}
          max={720}
          step={1}
          required
          defaultValue={state.reviewHours}
          className="h-7 w-16 px-2 text-xs"
          aria-label="Review target in hours"
        />
        h
      </label>
      <Button type="submit" variant="ghost" size="sm" className="h-7 px-2 text-xs">
        Set
      </Button>
    </Form>
  );
}
