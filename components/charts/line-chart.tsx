'use client';

import { useRouter } from 'next/navigation';
import {
  CartesianGrid,
  Line,
  LineChart as RechartsLineChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { AXIS_TICK, TOOLTIP_STYLE } from './theme';

export type LinePoint = { label: string; value: number; href: string };

const count = new Intl.NumberFormat('en-US');

/** One series over time; a click on a point follows its link (also listed in the data table). */
export function LineChart({
  points,
  title,
  name,
  color,
  height = 'h-64',
}: {
  points: LinePoint[];
  title: string;
  name: string;
  color: string;
  height?: string;
}) {
  const router = useRouter();
  const data = points.map((p, index) => ({ index, label: p.label, value: p.value }));
  const go = (index: unknown) => {
    const href = typeof index === 'number' ? points[index]?.href : undefined;
    if (href) router.push(href);
  };
  return (
    <div className={`${height} w-full`} role="group" aria-label={title}>
      <RechartsLineChart
        data={data}
        responsive
        style={{ width: '100%', height: '100%' }}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        onClick={(state) =>
          go(state?.activeTooltipIndex === undefined ? undefined : Number(state.activeTooltipIndex))
        }
      >
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis dataKey="label" tick={AXIS_TICK} minTickGap={24} stroke="var(--border)" />
        <YAxis
          allowDecimals={false}
          tick={AXIS_TICK}
          width={52}
          stroke="var(--border)"
          tickFormatter={(v: number) => count.format(v)}
        />
        <Tooltip
          contentStyle={TOOLTIP_STYLE}
          labelStyle={{ color: 'var(--card-foreground)', fontWeight: 600 }}
          formatter={(value) => [count.format(Number(value)), name]}
        />
        <Line
          type="stepAfter"
          dataKey="value"
          name={name}
          stroke={color}
          strokeWidth={2}
          dot={points.length <= 60}
          activeDot={{ r: 5, cursor: 'pointer' }}
          cursor="pointer"
          isAnimationActive={false}
        />
      </RechartsLineChart>
    </div>
  );
}
