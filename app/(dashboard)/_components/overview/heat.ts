import type { ActivityOverview, UnusualCell } from '@/db/queries/overview';
import type { HeatMode } from './range';

export type ScoredCell = {
  day: number;
  hour: number;
  /** Changes (outside working hours, in `off` mode) in this hour of the week, in the range. */
  value: number;
  /** The people whose changes here are unusual for them (most unusual first). */
  unusual: UnusualCell[];
};

/** The 168 cells of the heatmap for a mode, each with who (if anyone) makes it unusual. */
export function scoreCells(
  activity: Pick<ActivityOverview, 'heatmap' | 'unusualCells'>,
  mode: HeatMode,
): ScoredCell[] {
  const byKey = new Map(activity.heatmap.map((c) => [`${c.day}-${c.hour}`, c]));
  const cells: ScoredCell[] = [];
  for (let day = 1; day <= 7; day++)
    for (let hour = 0; hour < 24; hour++) {
      const c = byKey.get(`${day}-${hour}`);
      cells.push({
        day,
        hour,
        value: c ? (mode === 'off' ? c.offChanges : c.changes) : 0,
        unusual: activity.unusualCells.filter(
          (u) => u.mode === mode && u.day === day && u.hour === hour,
        ),
      });
    }
  return cells;
}
