'use client';

import {
  columnVisibilityFeature,
  createColumnHelper,
  rowExpandingFeature,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Fragment, useOptimistic, useTransition } from 'react';
import { DataTableHead, EmptyRow } from '@/components/data-table/data-table';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { LocalTime } from '@/components/ui/local-time';
import type { EventRow } from '@/db/queries/events';
import { formatCount } from '@/lib/format';
import {
  COLUMN_LABELS,
  EVENT_COLUMNS,
  eventsHref,
  fieldQuery,
  type EventColumn,
} from '../search-params';
import { ChangeDiff } from '@/components/events/change-diff';

const features = tableFeatures({ columnVisibilityFeature, rowExpandingFeature });
const helper = createColumnHelper<typeof features, EventRow>();

const FilterLink = ({
  q,
  children,
  label,
}: {
  q: string;
  children: React.ReactNode;
  label?: string;
}) => (
  <Link href={eventsHref({ q })} className="hover:underline" title={label ?? q}>
    {children}
  </Link>
);

function buildColumns() {
  return helper.columns([
    helper.display({
      id: 'expand',
      header: () => <span className="sr-only">Details</span>,
      cell: ({ row }) => (
        <Button
          size="sm"
          variant="ghost"
          aria-expanded={row.getIsExpanded()}
          aria-label={`${row.getIsExpanded() ? 'Hide' : 'Show'} details of event ${row.original.id}`}
          onClick={() => row.toggleExpanded()}
        >
          {row.getIsExpanded() ? '▾' : '▸'}
        </Button>
      ),
    }),
    helper.accessor('occurredAt', {
      id: 'time',
      header: 'Time',
      cell: (info) => <LocalTime iso={info.getValue()} />,
    }),
    helper.display({
      id: 'actor',
      header: 'Actor',
      cell: ({ row }) => {
        const a = row.original.actor;
        const shown = a.name ?? a.email ?? a.id ?? (a.type === 'anonymous' ? 'anonymous' : '—');
        return a.id ? (
          <Link
            href={`/actors/${encodeURIComponent(a.id)}`}
            className="hover:underline"
            title={`Timeline of ${a.id}`}
          >
            {shown}
          </Link>
        ) : (
          <span>{shown}</span>
        );
      },
    }),
    helper.accessor('action', {
      header: 'Action',
      cell: (info) => (
        <FilterLink q={fieldQuery('action', info.getValue())}>
          <code className="text-xs">{info.getValue()}</code>
        </FilterLink>
      ),
    }),
    helper.display({
      id: 'target',
      header: 'Target',
      cell: ({ row }) => {
        const t = row.original.target;
        if (!t.type && !t.id) return <span className="text-muted-foreground">—</span>;
        const text = t.label ?? `${t.type ?? ''}/${t.id ?? ''}`;
        return t.type && t.id ? (
          <Link
            href={`/records/${encodeURIComponent(t.type)}/${encodeURIComponent(t.id)}`}
            className="hover:underline"
            title={`Timeline of ${t.type}/${t.id}`}
          >
            {text}
          </Link>
        ) : (
          <span>{text}</span>
        );
      },
    }),
    helper.display({
      id: 'fields',
      header: 'Changed fields',
      cell: ({ row }) => (
        <span className="text-xs">
          {row.original.changes.slice(0, 4).map((c, i) => (
            <Fragment key={`${c.field}-${i}`}>
              {i ? ', ' : ''}
              <FilterLink q={fieldQuery('field', c.field)}>{c.field}</FilterLink>
            </Fragment>
          ))}
          {row.original.changes.length > 4 ? ` +${row.original.changes.length - 4}` : ''}
        </span>
      ),
    }),
    helper.accessor('source', {
      header: 'Source',
      cell: (info) => (
        <FilterLink q={fieldQuery('source', info.getValue())}>{info.getValue()}</FilterLink>
      ),
    }),
    helper.display({
      id: 'ip',
      header: 'IP',
      cell: ({ row }) => {
        const ip = row.original.actor.ip;
        if (!ip) return <span className="text-muted-foreground">—</span>;
        const invalid = row.original.flags.some((f) => f.startsWith('invalid_ip:'));
        return (
          <span className="font-mono text-xs">
            <FilterLink q={fieldQuery('ip', ip)}>{ip}</FilterLink>
            {invalid ? (
              <Badge
                variant="outline"
                className="ml-1"
                title="Kept as the source sent it; not a valid address"
              >
                invalid
              </Badge>
            ) : null}
          </span>
        );
      },
    }),
    helper.accessor('outcome', {
      header: 'Outcome',
      cell: (info) =>
        info.getValue() === 'failure' ? (
          <Badge variant="destructive">failure</Badge>
        ) : (
          <span className="text-muted-foreground">success</span>
        ),
    }),
  ]);
}

// Column definitions are static: cells must not remount on every render.
const columns = buildColumns();

function EventDetails({ event }: { event: EventRow }) {
  const facts: [string, React.ReactNode][] = [
    ['Occurred', <LocalTime key="o" iso={event.occurredAt} />],
    ['Received', <LocalTime key="r" iso={event.receivedAt} />],
    [
      'Actor',
      [
        event.actor.name,
        event.actor.email,
        event.actor.id && `(${event.actor.id})`,
        event.actor.type,
      ]
        .filter(Boolean)
        .join(' '),
    ],
    ['Actor time zone', event.actor.timeZone ?? '—'],
    ['User agent', event.actor.userAgent ?? '—'],
    [
      'Target',
      [event.target.type, event.target.id, event.target.label && `“${event.target.label}”`]
        .filter(Boolean)
        .join(' ') || '—',
    ],
    ['Request / session', `${event.requestId ?? '—'} / ${event.sessionId ?? '—'}`],
    ['Reason', event.reason ?? '—'],
    ['Event id (source)', event.sourceEventId ?? '—'],
    ['Chain', `${event.source} #${event.seq}`],
  ];
  return (
    <div className="space-y-4 bg-muted/30 p-4">
      {event.changes.length ? (
        <ChangeDiff changes={event.changes} />
      ) : (
        <p className="text-sm text-muted-foreground">No field changes recorded.</p>
      )}
      <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
        {facts.map(([k, v]) => (
          <Fragment key={k}>
            <dt className="text-muted-foreground">{k}</dt>
            <dd className="break-all">{v}</dd>
          </Fragment>
        ))}
        {event.flags.length ? (
          <>
            <dt className="text-muted-foreground">Flags</dt>
            <dd>
              {event.flags.map((f) => (
                <Badge key={f} variant="outline" className="mr-1">
                  {f}
                </Badge>
              ))}
            </dd>
          </>
        ) : null}
      </dl>
      {Object.keys(event.metadata).length ? (
        <details>
          <summary className="cursor-pointer text-sm text-muted-foreground">Metadata</summary>
          <pre className="mt-2 max-h-96 overflow-auto rounded bg-background p-2 text-xs">
            {JSON.stringify(event.metadata, null, 2)}
          </pre>
        </details>
      ) : null}
    </div>
  );
}

/** What an empty result means, and what to do about it. */
function EmptyState({
  q,
  hide,
  canManageSources,
}: {
  q: string;
  hide: EventColumn[];
  canManageSources: boolean;
}) {
  if (q) {
    return (
      <div className="space-y-1">
        <p>No events match this search.</p>
        <p>
          <Link
            href={eventsHref({ q: '', hide })}
            className="text-primary underline underline-offset-4"
          >
            Clear the search
          </Link>{' '}
          or open the search help (?) for the query language.
        </p>
      </div>
    );
  }
  return (
    <div className="space-y-1" data-testid="events-empty">
      <p className="font-medium text-foreground">No events yet.</p>
      <p>
        Create a source and send events to <code>POST /api/v1/events</code> with its API key: see
        “Sending events” in the README.
      </p>
      {canManageSources ? (
        <p>
          <Link href="/admin/sources" className="text-primary underline underline-offset-4">
            Create a source
          </Link>
        </p>
      ) : (
        <p>An admin can create a source on the Sources page.</p>
      )}
    </div>
  );
}

export function EventsTable(props: {
  rows: EventRow[];
  q: string;
  hide: EventColumn[];
  older: string | null;
  newer: string | null;
  count: number;
  capped: boolean;
  estimated: boolean;
  /** Admins are shown the way to set up a source when there are no events at all. */
  canManageSources: boolean;
}) {
  const router = useRouter();
  // The URL is the state; the checkbox answers at once while the navigation catches up.
  const [hidden, setHidden] = useOptimistic(props.hide);
  const [, startTransition] = useTransition();
  const columnVisibility = Object.fromEntries(hidden.map((c) => [c, false]));
  const table = useTable({
    features,
    columns,
    data: props.rows,
    getRowId: (row) => row.id,
    getRowCanExpand: () => true,
    state: { columnVisibility },
  });
  const toggleColumn = (column: EventColumn) => {
    const hide = hidden.includes(column) ? hidden.filter((c) => c !== column) : [...hidden, column];
    startTransition(() => {
      setHidden(hide);
      router.replace(eventsHref({ q: props.q, hide }), { scroll: false });
    });
  };
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <p
          data-testid="event-count"
          title={
            props.estimated
              ? 'Estimated by the database: counting exactly would take too long'
              : undefined
          }
        >
          {props.estimated ? '≈ ' : ''}
          {props.capped ? `${formatCount(props.count)}+` : formatCount(props.count)} matching event
          {props.count === 1 && !props.capped && !props.estimated ? '' : 's'}
          {props.estimated ? ' (estimated)' : ''}
        </p>
        <div className="flex items-center gap-2">
          <Button asChild variant="outline" size="sm">
            <a
              href={`/events/export?${new URLSearchParams({ q: props.q, format: 'csv' })}`}
              download
            >
              Export CSV
            </a>
          </Button>
          <Button asChild variant="outline" size="sm">
            <a
              href={`/events/export?${new URLSearchParams({ q: props.q, format: 'jsonl' })}`}
              download
            >
              Export JSONL
            </a>
          </Button>
        </div>
        <details className="relative">
          <summary className="cursor-pointer rounded-md border px-3 py-1.5">Columns</summary>
          <fieldset className="absolute right-0 z-10 mt-1 space-y-1 rounded-md border bg-card p-3 shadow">
            <legend className="sr-only">Visible columns</legend>
            {EVENT_COLUMNS.map((c) => (
              <label key={c} className="flex items-center gap-2 whitespace-nowrap">
                <input
                  type="checkbox"
                  checked={!hidden.includes(c)}
                  onChange={() => toggleColumn(c)}
                />
                {COLUMN_LABELS[c]}
              </label>
            ))}
          </fieldset>
        </details>
      </div>
      <div className="overflow-x-auto rounded-lg border bg-card">
        <table className="w-full text-sm">
          <caption className="sr-only">Audit events, newest first</caption>
          <DataTableHead table={table} />
          <tbody>
            {table.getRowModel().rows.length === 0 ? (
              <EmptyRow colSpan={table.getVisibleLeafColumns().length}>
                <EmptyState q={props.q} hide={hidden} canManageSources={props.canManageSources} />
              </EmptyRow>
            ) : (
              table.getRowModel().rows.map((row) => (
                <Fragment key={row.id}>
                  <tr className="border-b align-top" data-event-id={row.original.id}>
                    {row.getVisibleCells().map((cell) => (
                      <td key={cell.id} className="px-3 py-2">
                        <table.FlexRender cell={cell} />
                      </td>
                    ))}
                  </tr>
                  {row.getIsExpanded() ? (
                    <tr className="border-b">
                      <td colSpan={row.getVisibleCells().length}>
                        <EventDetails event={row.original} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pages" className="flex justify-between">
        {props.newer ? (
          <Button asChild variant="outline" size="sm">
            <Link href={eventsHref({ q: props.q, before: props.newer, hide: hidden })}>
              ← Newer
            </Link>
          </Button>
        ) : (
          <span />
        )}
        {props.older ? (
          <Button asChild variant="outline" size="sm">
            <Link href={eventsHref({ q: props.q, after: props.older, hide: hidden })}>Older →</Link>
          </Button>
        ) : null}
      </nav>
    </div>
  );
}
