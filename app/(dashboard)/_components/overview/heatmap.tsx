'use client';

import Link from 'next/link';
import { useRef, useState, type KeyboardEvent } from 'react';
import { UNUSUAL_COLOR } from '@/components/charts/palette';

export type HeatCell = {
  /** ISO day 1-7 and hour 0-23, in each actor's own zone. */
  day: number;
  hour: number;
  value: number;
  unusual: boolean;
  /** The explorer, filtered to this hour of the week in the range. */
  href: string;
  /** What the cell says, for its tooltip and accessible name. */
  description: string;
};

const DAY_LABELS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * Hour of day × day of week. Every cell is a link (to the explorer filtered to exactly those
 * hours); the grid is one stop in the tab order and the arrow keys move between cells (Home/End
 * to the row's ends), Enter follows the link. Unusual cells carry an outline and a "!" besides
 * their colour.
 */
export function Heatmap({ cells, label }: { cells: HeatCell[]; label: string }) {
  const byKey = new Map(cells.map((c) => [`${c.day}-${c.hour}`, c]));
  const max = Math.max(1, ...cells.map((c) => c.value));
  const firstUnusual = cells.find((c) => c.unusual);
  const [active, setActive] = useState(
    firstUnusual ? { day: firstUnusual.day, hour: firstUnusual.hour } : { day: 1, hour: 0 },
  );
  const links = useRef(new Map<string, HTMLAnchorElement>());

  const move = (e: KeyboardEvent, day: number, hour: number) => {
    let next = { day, hour };
    switch (e.key) {
      case 'ArrowRight':
        next = { day, hour: Math.min(23, hour + 1) };
        break;
      case 'ArrowLeft':
        next = { day, hour: Math.max(0, hour - 1) };
        break;
      case 'ArrowDown':
        next = { day: Math.min(7, day + 1), hour };
        break;
      case 'ArrowUp':
        next = { day: Math.max(1, day - 1), hour };
        break;
      case 'Home':
        next = { day, hour: 0 };
        break;
      case 'End':
        next = { day, hour: 23 };
        break;
      default:
        return;
    }
    e.preventDefault();
    setActive(next);
    links.current.get(`${next.day}-${next.hour}`)?.focus();
  };

  return (
    <div className="overflow-x-auto">
      <table className="border-separate border-spacing-0.5 text-xs" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">Day</span>
            </th>
            {Array.from({ length: 24 }, (_, h) => (
              <th
                key={h}
                scope="col"
                className="w-7 min-w-7 font-normal text-muted-foreground tabular-nums"
              >
                <span aria-hidden={h % 3 !== 0}>
                  {h % 3 === 0 ? String(h).padStart(2, '0') : ''}
                </span>
                <span className="sr-only">{`${String(h).padStart(2, '0')}:00`}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {DAY_LABELS.map((dayLabel, i) => {
            const day = i + 1;
            return (
              <tr key={dayLabel}>
                <th scope="row" className="pr-2 text-right font-normal text-muted-foreground">
                  {dayLabel}
                </th>
                {Array.from({ length: 24 }, (_, hour) => {
                  const cell = byKey.get(`${day}-${hour}`);
                  const value = cell?.value ?? 0;
                  // Square-root scale: a handful of changes stays visible beside hundreds.
                  const strength = value ? Math.round(20 + 80 * Math.sqrt(value / max)) : 0;
                  const isActive = active.day === day && active.hour === hour;
                  return (
                    <td key={hour} className="p-0">
                      {cell ? (
                        <Link
                          ref={(el) => {
                            if (el) links.current.set(`${day}-${hour}`, el);
                            else links.current.delete(`${day}-${hour}`);
                          }}
                          href={cell.href}
                          prefetch={false}
                          tabIndex={isActive ? 0 : -1}
                          onKeyDown={(e) => move(e, day, hour)}
                          onFocus={() => setActive({ day, hour })}
                          aria-label={cell.description}
                          title={cell.description}
                          data-testid={`heat-${day}-${hour}`}
                          data-value={value}
                          data-unusual={cell.unusual || undefined}
                          className="relative flex h-6 w-7 items-center justify-center rounded-sm text-[10px] font-semibold focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-1 focus-visible:ring-offset-background focus-visible:outline-none"
                          style={
                            cell.unusual
                              ? // Unusual cells leave the blue scale: vermillion, with a black "!".
                                {
                                  background: UNUSUAL_COLOR,
                                  color: '#000',
                                  boxShadow: '0 0 0 1px var(--foreground)',
                                }
                              : {
                                  background: value
                                    ? `color-mix(in oklch, var(--primary) ${strength}%, var(--card))`
                                    : 'var(--muted)',
                                }
                          }
                        >
                          {cell.unusual ? (
                            <span aria-hidden className="text-xs">
                              !
                            </span>
                          ) : null}
                        </Link>
                      ) : (
                        <span className="block h-6 w-7 rounded-sm bg-muted" />
                      )}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
