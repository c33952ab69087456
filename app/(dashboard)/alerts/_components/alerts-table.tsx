'use client';

import {
  createColumnHelper,
  rowSelectionFeature,
  tableFeatures,
  useTable,
  type RowSelectionState,
} from '@tanstack/react-table';
import Link from 'next/link';
import { DataTableHead, EmptyRow } from '@/components/data-table/data-table';
import { createContext, use, useEffect, useRef, useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Label, NativeSelect } from '@/components/ui/input';
import { LocalTime } from '@/components/ui/local-time';
import type { AlertRow } from '@/db/queries/alerts';
import type { AlertFilters } from '@/lib/alerts/filters';
import { formatCount } from '@/lib/format';
import { bulkTriageAction } from '../actions';
import { formatAge, ruleLabel } from '../labels';
import { alertsHref, filtersSelection } from '../search-params';
import { SeverityBadge, StatusBadge } from './badges';
import { ResolveDialog, type DispositionOption } from './resolve-dialog';
import { summariseTriage } from './triage-summary';

type BulkAction = Parameters<typeof bulkTriageAction>[0]['action'];

const features = tableFeatures({ rowSelectionFeature });
const helper = createColumnHelper<typeof features, AlertRow>();

/** The server's clock, so ages render the same on the server and in the browser. */
const NowContext = createContext<string>('');

function Age({ iso }: { iso: string }) {
  const now = use(NowContext);
  return <span className="text-muted-foreground">{formatAge(iso, now)}</span>;
}

function StatusCell({ alert }: { alert: AlertRow }) {
  const now = use(NowContext);
  return (
    <span className="flex flex-col items-start gap-1">
      <StatusBadge status={alert.status} />
      {alert.snoozedUntil && alert.snoozedUntil > now ? (
        <span className="text-xs text-muted-foreground">
          snoozed until <LocalTime iso={alert.snoozedUntil} withSeconds={false} />
        </span>
      ) : null}
    </span>
  );
}

function HeaderCheckbox({
  checked,
  indeterminate,
  onChange,
}: {
  checked: boolean;
  indeterminate: boolean;
  onChange: (e: unknown) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return (
    <input
      ref={ref}
      type="checkbox"
      className="size-4"
      aria-label="Select every alert on this page"
      checked={checked}
      onChange={onChange}
    />
  );
}

const selectColumn = helper.display({
  id: 'select',
  header: ({ table }) => (
    <HeaderCheckbox
      checked={table.getIsAllPageRowsSelected()}
      indeterminate={table.getIsSomePageRowsSelected() && !table.getIsAllPageRowsSelected()}
      onChange={table.getToggleAllPageRowsSelectedHandler()}
    />
  ),
  cell: ({ row }) => (
    <input
      type="checkbox"
      className="size-4"
      aria-label={`Select alert #${row.original.id}`}
      checked={row.getIsSelected()}
      onChange={row.getToggleSelectedHandler()}
    />
  ),
});

const dataColumns = helper.columns([
  helper.accessor('id', {
    header: 'Alert',
    cell: (info) => (
      <Link href={`/alerts/${info.getValue()}`} className="font-mono text-xs hover:underline">
        #{info.getValue()}
      </Link>
    ),
  }),
  helper.accessor('severity', {
    header: 'Severity',
    cell: (info) => <SeverityBadge severity={info.getValue()} />,
  }),
  helper.accessor('rule', {
    header: 'Rule',
    cell: (info) => (
      <span className="whitespace-nowrap" title={info.getValue()}>
        {ruleLabel(info.getValue())}
      </span>
    ),
  }),
  helper.accessor('summary', {
    header: 'Why it fired',
    cell: (info) => (
      <Link
        href={`/alerts/${info.row.original.id}`}
        className="line-clamp-2 max-w-md hover:underline"
        title={info.getValue()}
      >
        {info.getValue()}
      </Link>
    ),
  }),
  helper.display({
    id: 'person',
    header: 'Person',
    cell: ({ row }) => {
      const { actorId, actorName, actorEmail } = row.original;
      const shown = actorName ?? actorEmail ?? actorId ?? '—';
      return actorId ? (
        <Link
          href={`/actors/${encodeURIComponent(actorId)}`}
          className="hover:underline"
          title={`Timeline of ${actorId}`}
        >
          {shown}
        </Link>
      ) : (
        <span>{shown}</span>
      );
    },
  }),
  helper.display({
    id: 'status',
    header: 'Status',
    cell: ({ row }) => <StatusCell alert={row.original} />,
  }),
  helper.accessor('assigneeName', {
    header: 'Assignee',
    cell: (info) => info.getValue() ?? <span className="text-muted-foreground">—</span>,
  }),
  helper.accessor('eventCount', {
    header: 'Events',
    cell: (info) => <span className="tabular-nums">{formatCount(info.getValue())}</span>,
  }),
  helper.accessor('lastEventAt', {
    header: 'Last event',
    cell: (info) => <LocalTime iso={info.getValue()} withSeconds={false} />,
  }),
  helper.accessor('createdAt', {
    id: 'raised',
    header: 'Raised',
    cell: (info) => (
      <span className="flex flex-col">
        <LocalTime iso={info.getValue()} withSeconds={false} />
        <Age iso={info.getValue()} />
      </span>
    ),
  }),
]);

// Column definitions are static so cells do not remount on every render.
const triageColumns = [selectColumn, ...dataColumns];

type Message = { kind: 'ok' | 'error'; text: string } | null;

export function AlertsTable(props: {
  rows: AlertRow[];
  filters: AlertFilters;
  /** How many alerts match the filters (all pages). */
  total: number;
  older: number | null;
  newer: number | null;
  now: string;
  /** What an empty queue means and what to do (rendered on the server). */
  empty: React.ReactNode;
  canTriage: boolean;
  assignees: { id: string; name: string }[];
  dispositions: DispositionOption[];
}) {
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  // "Every alert matching these filters", beyond this page: sent as { filters }, not ids.
  const [allMatching, setAllMatching] = useState(false);
  const [assignTo, setAssignTo] = useState('');
  const [message, setMessage] = useState<Message>(null);
  const [pending, startTransition] = useTransition();

  const table = useTable({
    features,
    columns: props.canTriage ? triageColumns : dataColumns,
    data: props.rows,
    getRowId: (row) => String(row.id),
    enableRowSelection: props.canTriage,
    state: { rowSelection },
    onRowSelectionChange: (updater) => {
      setAllMatching(false);
      setRowSelection(updater);
    },
  });

  const selectedIds = table.getSelectedRowIds().map(Number);
  const selectedCount = allMatching ? props.total : selectedIds.length;
  const pageAllSelected = props.rows.length > 0 && table.getIsAllPageRowsSelected();

  const clearSelection = () => {
    setRowSelection({});
    setAllMatching(false);
  };

  /** Sends one bulk action; returns the error message, or null when it ran. */
  const runBulk = (action: BulkAction) =>
    new Promise<string | null>((resolve) =>
      startTransition(async () => {
        const selection = allMatching
          ? { filters: filtersSelection(props.filters) }
          : { ids: selectedIds };
        const result = await bulkTriageAction({ selection, action });
        if (result.ok) {
          setMessage({
            kind: 'ok',
            text: summariseTriage(result.data, action.kind, {
              unassign: action.kind === 'assign' && action.assigneeId === null,
            }),
          });
          clearSelection();
          setAssignTo('');
          resolve(null);
        } else {
          setMessage({ kind: 'error', text: result.error });
          resolve(result.error);
        }
      }),
    );

  return (
    <NowContext value={props.now}>
      <div className="space-y-3">
        {props.canTriage ? (
          <section
            aria-label="Bulk actions"
            className="flex min-h-12 flex-wrap items-center gap-3 rounded-lg border bg-card px-4 py-2 text-sm"
          >
            <p data-testid="selection-count">
              {allMatching
                ? `All ${formatCount(props.total)} alerts matching these filters are selected.`
                : selectedCount
                  ? `${formatCount(selectedCount)} selected.`
                  : 'Select alerts to act on several at once.'}
            </p>
            {pageAllSelected && !allMatching && props.total > props.rows.length ? (
              <Button size="sm" variant="link" onClick={() => setAllMatching(true)}>
                Select all {formatCount(props.total)} alerts matching these filters
              </Button>
            ) : null}
            {selectedCount ? (
              <>
                <Button size="sm" variant="ghost" onClick={clearSelection}>
                  Clear selection
                </Button>
                <div className="ml-auto flex flex-wrap items-center gap-2">
                  <Button
                    size="sm"
                    disabled={pending}
                    onClick={() => runBulk({ kind: 'acknowledge' })}
                  >
                    Acknowledge
                  </Button>
                  <Label htmlFor="bulk-assignee" className="sr-only">
                    Assign to
                  </Label>
                  <NativeSelect
                    id="bulk-assignee"
                    className="h-8 w-48"
                    value={assignTo}
                    onChange={(e) => setAssignTo(e.target.value)}
                  >
                    <option value="">Assign to…</option>
                    <option value="none">Nobody (unassign)</option>
                    {props.assignees.map((a) => (
                      <option key={a.id} value={a.id}>
                        {a.name}
                      </option>
                    ))}
                  </NativeSelect>
                  <Button
                    size="sm"
                    variant="outline"
                    disabled={pending || !assignTo}
                    onClick={() =>
                      runBulk({
                        kind: 'assign',
                        assigneeId: assignTo === 'none' ? null : assignTo,
                      })
                    }
                  >
                    Assign
                  </Button>
                  <ResolveDialog
                    title={`Resolve ${formatCount(selectedCount)} alerts`}
                    description="Each selected alert is resolved with this disposition. Alerts already resolved, or about your own changes, are skipped and counted."
                    dispositions={props.dispositions}
                    pending={pending}
                    onResolve={(input) => runBulk(input)}
                  />
                </div>
              </>
            ) : null}
          </section>
        ) : null}
        <div aria-live="polite">
          {message?.kind === 'ok' ? (
            <p role="status" className="text-sm text-success" data-testid="bulk-result">
              {message.text}
            </p>
          ) : null}
        </div>
        <p role="alert" className="text-sm text-destructive empty:hidden">
          {message?.kind === 'error' ? message.text : null}
        </p>
        <div className="overflow-x-auto rounded-lg border bg-card">
          <table className="w-full text-sm">
            <caption className="sr-only">Alerts, newest first</caption>
            <DataTableHead table={table} nowrap />
            <tbody>
              {table.getRowModel().rows.length === 0 ? (
                <EmptyRow colSpan={table.getAllLeafColumns().length}>{props.empty}</EmptyRow>
              ) : (
                table.getRowModel().rows.map((row) => (
                  <tr
                    key={row.id}
                    className="border-b align-top last:border-0 data-[selected=true]:bg-accent/50"
                    data-alert-id={row.original.id}
                    data-selected={row.getIsSelected() || allMatching}
                  >
                    {row.getAllCells().map((cell) => (
                      <td key={cell.id} className="px-3 py-2">
                        <table.FlexRender cell={cell} />
                      </td>
                    ))}
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
        <nav aria-label="Pages" className="flex justify-between">
          {props.newer ? (
            <Button asChild variant="outline" size="sm">
              <Link href={alertsHref(props.filters, { before: props.newer })}>← Newer</Link>
            </Button>
          ) : (
            <span />
          )}
          {props.older ? (
            <Button asChild variant="outline" size="sm">
              <Link href={alertsHref(props.filters, { after: props.older })}>Older →</Link>
            </Button>
          ) : null}
        </nav>
      </div>
    </NowContext>
  );
}
