import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { LocalTime } from '@/components/ui/local-time';
import type { EventRow } from '@/db/queries/events';
import { ChangeDiff } from './change-diff';

const recordHref = (type: string, id: string) =>
  `/records/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;

/**
 * Events as a timeline, newest first, each with its field diff. A record's timeline names who
 * acted (`show="actor"`); a person's names what they touched (`show="target"`).
 */
export function Timeline({
  rows,
  show,
  olderHref,
}: {
  rows: EventRow[];
  show: 'actor' | 'target';
  olderHref: string | null;
}) {
  return (
    <section aria-label="Timeline" className="space-y-3">
      <h2 className="text-lg font-semibold">Timeline</h2>
      {rows.length === 0 ? (
        <p className="text-sm text-muted-foreground">
          {show === 'actor'
            ? 'No events about this record have been received.'
            : 'No events by this person have been received.'}
        </p>
      ) : null}
      <ol className="space-y-3">
        {rows.map((e) => (
          <li key={e.id} className="rounded-lg border bg-card p-4" data-event-id={e.id}>
            <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
              <LocalTime iso={e.occurredAt} />
              {show === 'actor' ? (
                e.actor.id ? (
                  <Link
                    href={`/actors/${encodeURIComponent(e.actor.id)}`}
                    className="font-medium hover:underline"
                  >
                    {e.actor.name ?? e.actor.email ?? e.actor.id}
                  </Link>
                ) : (
                  <span className="font-medium">{e.actor.name ?? e.actor.type}</span>
                )
              ) : null}
              <code className="text-xs">{e.action}</code>
              {show === 'target' && e.target.type && e.target.id ? (
                <Link href={recordHref(e.target.type, e.target.id)} className="hover:underline">
                  {e.target.label ?? `${e.target.type}/${e.target.id}`}
                </Link>
              ) : null}
              {e.actor.ip ? (
                <span className="font-mono text-xs text-muted-foreground">from {e.actor.ip}</span>
              ) : null}
              {e.outcome === 'failure' ? <Badge variant="destructive">failed</Badge> : null}
              <span className="text-xs text-muted-foreground">{e.source}</span>
            </div>
            {e.changes.length ? (
              <div className="mt-2">
                <ChangeDiff changes={e.changes} />
              </div>
            ) : null}
          </li>
        ))}
      </ol>
      {olderHref ? (
        <Button asChild variant="outline" size="sm">
          <Link href={olderHref}>Older →</Link>
        </Button>
      ) : null}
    </section>
  );
}
