'use client';

import { useRouter } from 'next/navigation';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { AXIS_TICK, TOOLTIP_STYLE } from './theme';

export type ChartSeries = { key: string; label: string; color: string };

export type BarPoint = {
  label: string;
  values: Record<string, number>;
  /** Where a click on each series' bar in this point goes (the same links as the data table). */
  hrefs: Record<string, string>;
  /** An optional mark on the axis under this point (e.g. alerts), with its own link. */
  mark?: { color: string; href: string; text: string } | null;
};

const count = new Intl.NumberFormat('en-US');

/**
 * Bars (stacked when there are several series) from plain serialisable data. A click on a bar
 * follows its link; ▲ marks sit on the axis under points that have one, and a click follows the
 * mark's link. The SVG is for the eye and the mouse: each chart has a table of the same links
 * beside it for the keyboard and screen readers (see ChartTable).
 */
export function BarChart({
  series,
  points,
  title,
  markLabel = 'Marks',
  height = 'h-64',
}: {
  series: ChartSeries[];
  points: BarPoint[];
  title: string;
  markLabel?: string;
  height?: string;
}) {
  const router = useRouter();
  // Marks sit at 0 on a hidden axis, in the same data (one category list for the whole chart):
  // null where there is none (no tooltip line), and the shape draws nothing there.
  const hasMarks = points.some((p) => p.mark);
  const data = points.map((p, index) => ({
    index,
    label: p.label,
    ...p.values,
    ...(hasMarks ? { mark: p.mark ? 0 : null } : {}),
  }));
  return (
    <div className={`${height} w-full`} role="group" aria-label={title}>
      <ComposedChart
        data={data}
        responsive
        style={{ width: '100%', height: '100%' }}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
      >
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis dataKey="label" tick={AXIS_TICK} minTickGap={24} stroke="var(--border)" />
        <YAxis
          yAxisId="values"
          allowDecimals={false}
          tick={AXIS_TICK}
          width={52}
          stroke="var(--border)"
          tickFormatter={(v: number) => count.format(v)}
        />
        {hasMarks ? <YAxis yAxisId="marks" hide domain={[0, 1]} /> : null}
        <Tooltip
          cursor={{ fill: 'var(--muted)', opacity: 0.5 }}
          contentStyle={TOOLTIP_STYLE}
          labelStyle={{ color: 'var(--card-foreground)', fontWeight: 600 }}
          formatter={(value, name, item) =>
            item.dataKey === 'mark'
              ? [points[(item.payload as { index: number }).index]?.mark?.text ?? '', markLabel]
              : [count.format(Number(value)), name]
          }
        />
        {series.length > 1 || hasMarks ? (
          <Legend
            wrapperStyle={{ fontSize: 12 }}
            formatter={(value) => <span style={{ color: 'var(--foreground)' }}>{value}</span>}
          />
        ) : null}
        {series.map((s) => (
          <Bar
            key={s.key}
            yAxisId="values"
            dataKey={s.key}
            name={s.label}
            stackId="stack"
            fill={s.color}
            cursor="pointer"
            isAnimationActive={false}
            onClick={(_, index) => {
              const href = points[index]?.hrefs[s.key];
              if (href) router.push(href);
            }}
          />
        ))}
        {hasMarks ? (
          <Scatter
            yAxisId="marks"
            dataKey="mark"
            name={markLabel}
            legendType="triangle"
            fill="var(--foreground)"
            isAnimationActive={false}
            shape={(props: unknown) => {
              const { cx, cy, payload } = props as {
                cx?: number;
                cy?: number;
                payload?: { index: number };
              };
              const mark = payload ? points[payload.index]?.mark : null;
              if (!mark || cx === undefined || cy === undefined) return <g />;
              return (
                <path
                  d={`M${cx},${cy - 9} L${cx + 6},${cy} L${cx - 6},${cy} Z`}
                  fill={mark.color}
                  stroke="var(--card-foreground)"
                  strokeWidth={0.75}
                  cursor="pointer"
                  data-mark-index={payload!.index}
                />
              );
            }}
            onClick={(entry) => {
              const index = (entry as { payload?: { index?: number } }).payload?.index;
              const href = index === undefined ? undefined : points[index]?.mark?.href;
              if (href) router.push(href);
            }}
          />
        ) : null}
      </ComposedChart>
    </div>
  );
}
