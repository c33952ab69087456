import Link from 'next/link';
import type { ReactNode } from 'react';
import type {
  ActivityOverview,
  ActorName,
  Counts,
  TopField,
  TopRecord,
} from '@/db/queries/overview';
import { formatCount } from './format';
import { SectionCard } from './section-card';
import {
  actorTerm,
  actorTimelineHref,
  exploreInDays,
  exploreInRange,
  fieldTerm,
  recordTerm,
  recordTimelineHref,
} from './links';
import type { OverviewRange } from './range';

const th = 'py-1.5 pr-3 font-medium';
const num = 'py-1.5 pr-3 text-right tabular-nums';

/** The lists' table: a header row of the given columns (numeric ones right-aligned). */
function ListTable({
  columns,
  children,
}: {
  columns: { label: string; numeric?: boolean; hidden?: boolean }[];
  children: ReactNode;
}) {
  return (
    <table className="w-full text-sm">
      <thead className="text-left text-muted-foreground">
        <tr>
          {columns.map((c) => (
            <th key={c.label} scope="col" className={c.numeric ? `${th} text-right` : th}>
              {c.hidden ? <span className="sr-only">{c.label}</span> : c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
const empty = (text: string) => <p className="text-sm text-muted-foreground">{text}</p>;

function ActorCell({
  actorId,
  names,
  href,
}: {
  actorId: string;
  names: Map<string, ActorName>;
  href: string;
}) {
  const n = names.get(actorId);
  const name = n?.name ?? n?.email ?? actorId;
  return (
    <td className="max-w-64 py-1.5 pr-3">
      <Link href={href} className="font-medium text-primary hover:underline" title={actorId}>
        {name}
      </Link>
      {n?.type === 'service' || n?.type === 'system' ? (
        <span className="ml-1 text-xs text-muted-foreground">({n.type})</span>
      ) : null}
      {name !== actorId ? (
        <div className="truncate font-mono text-xs text-muted-foreground">{actorId}</div>
      ) : null}
    </td>
  );
}

export function TopActors({
  range,
  activity,
  names,
}: {
  range: OverviewRange;
  activity: ActivityOverview;
  names: Map<string, ActorName>;
}) {
  return (
    <SectionCard
      title="Top actors"
      description="Who changed the most in this range. A name opens their events in the explorer."
      testId="top-actors"
    >
      {activity.topActors.length === 0 ? (
        empty('No one acted in this range.')
      ) : (
        <ListTable
          columns={[
            { label: 'Actor' },
            { label: 'Changes', numeric: true },
            { label: 'Events', numeric: true },
            { label: 'Off-hours', numeric: true },
            { label: 'Timeline', hidden: true },
          ]}
        >
          {activity.topActors.map((a) => (
            <tr key={a.actorId} className="border-t align-top">
              <ActorCell
                actorId={a.actorId}
                names={names}
                href={exploreInRange(range, actorTerm(a.actorId))}
              />
              <td className={num}>{formatCount(a.changes)}</td>
              <td className={num}>{formatCount(a.events)}</td>
              <td className={num}>{formatCount(a.offChanges)}</td>
              <td className="py-1.5 text-right">
                <Link
                  href={actorTimelineHref(a.actorId)}
                  className="text-xs text-muted-foreground hover:text-foreground hover:underline"
                >
                  Timeline
                </Link>
              </td>
            </tr>
          ))}
        </ListTable>
      )}
    </SectionCard>
  );
}

function departure(a: Counts & { expected: number }): string {
  if (a.expected < 0.5) return a.events > 0 ? 'new: little or no activity before' : '—';
  const ratio = a.events / a.expected;
  if (ratio >= 1) return `${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}× their usual`;
  return `${Math.round((1 - ratio) * 100)}% below their usual`;
}

export function UnusualActors({
  range,
  activity,
  names,
  baselineLabel,
}: {
  range: OverviewRange;
  activity: ActivityOverview;
  names: Map<string, ActorName>;
  baselineLabel: string;
}) {
  const rows = activity.unusualActors.filter((a) => Math.abs(a.score) >= 2);
  return (
    <SectionCard
      title="Unusual activity"
      description={`Actors whose share of all activity departs most from their own share in ${baselineLabel}.`}
      testId="unusual-actors"
    >
      {activity.scale === null ? (
        empty('Nothing to compare with: not enough history before this range.')
      ) : rows.length === 0 ? (
        empty('Everyone is about as active as usual.')
      ) : (
        <ListTable
          columns={[
            { label: 'Actor' },
            { label: 'Events', numeric: true },
            { label: 'Expected', numeric: true },
            { label: 'Departure' },
          ]}
        >
          {rows.map((a) => (
            <tr key={a.actorId} className="border-t align-top">
              <ActorCell
                actorId={a.actorId}
                names={names}
                href={exploreInRange(range, actorTerm(a.actorId))}
              />
              <td className={num}>{formatCount(a.events)}</td>
              <td className={num}>{formatCount(Math.round(a.expected))}</td>
              <td className="py-1.5 pr-3">
                <span aria-hidden className="mr-1">
                  {a.score > 0 ? '▲' : '▼'}
                </span>
                {departure(a)}
              </td>
            </tr>
          ))}
        </ListTable>
      )}
    </SectionCard>
  );
}

export function TopRecords({ range, records }: { range: OverviewRange; records: TopRecord[] }) {
  const days = range.preset === '24h' ? ' (over the UTC days this range touches)' : '';
  return (
    <SectionCard
      title="Most-changed records"
      description={`Records with the most changing events${days}. A record opens its timeline.`}
      testId="top-records"
    >
      {records.length === 0 ? (
        empty('No record changed in this range.')
      ) : (
        <ListTable
          columns={[
            { label: 'Record' },
            { label: 'Changes', numeric: true },
            { label: 'Events', hidden: true },
          ]}
        >
          {records.map((r) => (
            <tr key={`${r.targetType}/${r.targetId}`} className="border-t align-top">
              <td className="max-w-72 py-1.5 pr-3">
                <Link
                  href={recordTimelineHref(r.targetType, r.targetId)}
                  className="font-medium text-primary hover:underline"
                >
                  {r.label ?? r.targetId}
                </Link>
                <div className="truncate font-mono text-xs text-muted-foreground">
                  {r.targetType}/{r.targetId}
                </div>
              </td>
              <td className={num}>{formatCount(r.changes)}</td>
              <td className="py-1.5 text-right">
                <Link
                  href={exploreInDays(range, recordTerm(r.targetType, r.targetId))}
                  className="text-xs text-muted-foreground hover:text-foreground hover:underline"
                >
                  Events
                </Link>
              </td>
            </tr>
          ))}
        </ListTable>
      )}
    </SectionCard>
  );
}

export function TopFields({ range, fields }: { range: OverviewRange; fields: TopField[] }) {
  const max = Math.max(1, ...fields.map((f) => f.changes));
  const days = range.preset === '24h' ? ' (over the UTC days this range touches)' : '';
  return (
    <SectionCard
      title="Most-changed fields"
      description={`Field changes by field name${days}. A field opens the events that changed it.`}
      testId="top-fields"
    >
      {fields.length === 0 ? (
        empty('No field changed in this range.')
      ) : (
        <ul className="space-y-1.5 text-sm">
          {fields.map((f) => (
            <li
              key={f.field}
              className="grid grid-cols-[minmax(0,12rem)_1fr_auto] items-center gap-3"
            >
              <Link
                href={exploreInDays(range, fieldTerm(f.field))}
                className="truncate font-mono text-xs text-primary hover:underline"
                title={f.field}
              >
                {f.field}
              </Link>
              <span aria-hidden className="h-2 rounded-full bg-muted">
                <span
                  className="block h-2 rounded-full bg-primary"
                  style={{ width: `${Math.max(2, (f.changes / max) * 100)}%` }}
                />
              </span>
              <span className="text-right tabular-nums">{formatCount(f.changes)}</span>
            </li>
          ))}
        </ul>
      )}
    </SectionCard>
  );
}
