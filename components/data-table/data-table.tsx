'use client';

import {
  tableFeatures,
  useTable,
  type ColumnDef,
  type ReactTable,
  type RowData,
  type TableFeatures,
} from '@tanstack/react-table';
import { cn } from '@/lib/utils';

/** Core-only table features; pages with server paging/sorting run TanStack in manual mode. */
export const coreFeatures = tableFeatures({});
export type CoreFeatures = typeof coreFeatures;

export function DataTable<TData extends RowData>({
  columns,
  data,
  getRowId,
  caption,
  empty = 'Nothing to show.',
}: {
  columns: ColumnDef<CoreFeatures, TData, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  data: TData[];
  getRowId: (row: TData) => string;
  caption: string;
  empty?: string;
}) {
  const table = useTable({
    features: coreFeatures,
    columns,
    data,
    getRowId: (row) => getRowId(row),
  });
  return (
    <div className="overflow-x-auto rounded-lg border bg-card">
      <table className="w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <DataTableHead table={table} />
        <tbody>
          {table.getRowModel().rows.length === 0 ? (
            <EmptyRow colSpan={columns.length}>{empty}</EmptyRow>
          ) : (
            table.getRowModel().rows.map((row) => (
              <tr key={row.id} className={cn('border-b last:border-0')} data-row-id={row.id}>
                {row.getAllCells().map((cell) => (
                  <td key={cell.id} className="px-3 py-2 align-middle">
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** The header row(s) of any TanStack table, as every table in the dashboard renders them. */
export function DataTableHead<TFeatures extends TableFeatures, TData extends RowData>({
  table,
  nowrap = false,
}: {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  table: ReactTable<TFeatures, TData, any>;
  nowrap?: boolean;
}) {
  return (
    <thead className="border-b bg-muted/50 text-left">
      {table.getHeaderGroups().map((group) => (
        <tr key={group.id}>
          {group.headers.map((header) => (
            <th
              key={header.id}
              scope="col"
              className={cn(
                'px-3 py-2 font-medium text-muted-foreground',
                nowrap && 'whitespace-nowrap',
              )}
            >
              {header.isPlaceholder ? null : <table.FlexRender header={header} />}
            </th>
          ))}
        </tr>
      ))}
    </thead>
  );
}

/** The one row a table shows when it has nothing: a message across every column. */
export function EmptyRow({ colSpan, children }: { colSpan: number; children: React.ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="px-3 py-8 text-center text-muted-foreground">
        {children}
      </td>
    </tr>
  );
}
