import Link from 'next/link';
import type { ReactNode } from 'react';

export type ChartTableRow = {
  key: string;
  label: ReactNode;
  cells: { value: number; href?: string; text?: string }[];
};

const count = new Intl.NumberFormat('en-US');

/**
 * A chart's data as a table of links, folded under the chart: the keyboard and screen-reader
 * path to every drill-down the chart's bars and points offer.
 */
export function ChartTable({
  summary,
  caption,
  columns,
  rows,
  rowHeader,
}: {
  summary: string;
  caption: string;
  rowHeader: string;
  columns: string[];
  rows: ChartTableRow[];
}) {
  return (
    <details className="mt-2 text-sm">
      <summary className="cursor-pointer text-muted-foreground hover:text-foreground">
        {summary}
      </summary>
      <div className="mt-2 max-h-80 overflow-auto">
        <table className="w-full text-xs">
          <caption className="sr-only">{caption}</caption>
          <thead className="sticky top-0 bg-card text-left text-muted-foreground">
            <tr>
              <th scope="col" className="py-1 pr-3 font-medium">
                {rowHeader}
              </th>
              {columns.map((c) => (
                <th key={c} scope="col" className="py-1 pr-3 text-right font-medium">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} className="border-t">
                <th scope="row" className="py-1 pr-3 text-left font-normal whitespace-nowrap">
                  {r.label}
                </th>
                {r.cells.map((c, i) => (
                  <td key={i} className="py-1 pr-3 text-right tabular-nums">
                    {c.href && c.value > 0 ? (
                      <Link href={c.href} prefetch={false} className="text-primary hover:underline">
                        {c.text ?? count.format(c.value)}
                      </Link>
                    ) : (
                      (c.text ?? count.format(c.value))
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
