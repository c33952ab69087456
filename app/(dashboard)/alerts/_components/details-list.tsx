import { Fragment } from 'react';

/** "eventCount" / "event_count" -> "Event count". */
function humanise(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : key;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

function Value({ value, depth }: { value: unknown; depth: number }) {
  if (value === null || value === undefined)
    return <span className="text-muted-foreground">—</span>;
  if (typeof value === 'boolean') return <>{value ? 'yes' : 'no'}</>;
  if (typeof value === 'number') return <span className="tabular-nums">{String(value)}</span>;
  if (typeof value === 'string') return <span className="whitespace-pre-wrap">{value}</span>;
  if (Array.isArray(value) && value.length <= 50 && value.every(isScalar))
    return <>{value.length ? value.map((v) => (v === null ? '—' : String(v))).join(', ') : '—'}</>;
  if (isPlainObject(value) && depth < 2 && Object.keys(value).length <= 30)
    return <DetailsList details={value} depth={depth + 1} />;
  // Anything deeper or larger: the JSON itself, as text.
  return (
    <pre className="max-h-60 overflow-auto rounded bg-muted/50 p-2 text-xs whitespace-pre-wrap">
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/**
 * A rule's facts (the alert's `details`) as a definition list. Every value is rendered as text:
 * details may carry names and values copied from the events, which are untrusted.
 */
export function DetailsList({
  details,
  depth = 0,
}: {
  details: Record<string, unknown>;
  depth?: number;
}) {
  const entries = Object.entries(details);
  if (entries.length === 0)
    return <p className="text-sm text-muted-foreground">No further details.</p>;
  return (
    <dl
      className={
        depth === 0
          ? 'grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[12rem_1fr]'
          : 'grid gap-x-4 gap-y-0.5 border-l pl-3 sm:grid-cols-[auto_1fr]'
      }
      data-testid={depth === 0 ? 'alert-details' : undefined}
    >
      {entries.map(([key, value]) => (
        <Fragment key={key}>
          <dt className="text-muted-foreground" title={key}>
            {humanise(key)}
          </dt>
          <dd className="break-words">
            <Value value={value} depth={depth} />
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}
