import type { CheckpointSummary, StreamIntegrity } from '@/db/queries/integrity';
import { formatCount } from '@/lib/format';
import { formatAge } from './format';

/**
 * Each chain's head and how much of it the newest checkpoint signs. Events past that seq are
 * "unanchored": chained, but not yet protected by a signature until the next checkpoint.
 */
export function StreamsTable({
  streams,
  checkpoint,
  now,
}: {
  streams: StreamIntegrity[];
  checkpoint: CheckpointSummary | null;
  now: number;
}) {
  if (streams.length === 0)
    return (
      <p className="text-sm text-muted-foreground">
        There are no audit streams yet: they are created by the migrations (the dashboard&apos;s
        own) and by each source an admin adds.
      </p>
    );
  const age = checkpoint ? formatAge(now - Date.parse(checkpoint.issuedAt)) : null;
  return (
    <div className="overflow-x-auto rounded-lg border bg-card">
      <table className="w-full text-sm" aria-label="Audit streams">
        <thead className="border-b bg-muted/50 text-left text-muted-foreground">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              Stream
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Events (head seq)
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Head hash
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Signed up to seq
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Unanchored
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Checkpoint age
            </th>
          </tr>
        </thead>
        <tbody>
          {streams.map((s) => {
            const unanchored = s.headSeq - (s.checkpointSeq ?? 0);
            return (
              <tr key={s.id} className="border-b last:border-0" data-stream={s.name}>
                <th scope="row" className="px-3 py-2 text-left font-medium">
                  {s.name}
                  <span className="ml-2 text-xs font-normal text-muted-foreground">{s.kind}</span>
                </th>
                <td className="px-3 py-2 text-right tabular-nums" data-testid="stream-head">
                  {formatCount(s.headSeq)}
                </td>
                <td className="px-3 py-2">
                  <code className="text-xs" title={s.headHash}>
                    {s.headHash.slice(0, 12)}…
                  </code>
                </td>
                <td className="px-3 py-2 text-right tabular-nums" data-testid="stream-signed">
                  {s.checkpointSeq === null ? 'not yet signed' : formatCount(s.checkpointSeq)}
                </td>
                <td
                  className={`px-3 py-2 text-right tabular-nums ${unanchored > 0 ? 'font-medium' : 'text-muted-foreground'}`}
                  data-testid="stream-unanchored"
                >
                  {formatCount(unanchored)}
                </td>
                <td className="px-3 py-2 whitespace-nowrap">
                  {checkpoint && s.checkpointSeq !== null ? (
                    <span title={checkpoint.issuedAt}>
                      {age} ago (#{checkpoint.id})
                    </span>
                  ) : (
                    <span className="text-muted-foreground">no checkpoint lists it</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
