import type { TriageAction, TriageResult } from '@/lib/alerts/triage';

const DONE: Record<TriageAction['kind'], string> = {
  acknowledge: 'acknowledged',
  assign: 'assigned',
  resolve: 'resolved',
  reopen: 'reopened',
  comment: 'commented on',
  snooze: 'snoozed',
};

/** Why an alert was skipped, without the alert's number, so equal reasons group together. */
function skipReason(refusal: TriageResult['refused'][number]): string {
  if (refusal.reason === 'segregation_of_duties') return 'about your own changes';
  return refusal.message
    .replace(/^Alert #\d+ (is )?/, '')
    .replace(/\.$/, '')
    .trim();
}

/**
 * What a bulk action did, in one line: "12 acknowledged; 2 skipped: about your own changes;
 * 1 skipped: already resolved". Segregation-of-duties refusals come first, then by count.
 */
export function summariseTriage(
  result: TriageResult,
  kind: TriageAction['kind'],
  options: { unassign?: boolean } = {},
): string {
  const verb = kind === 'assign' && options.unassign ? 'unassigned' : DONE[kind];
  const groups = new Map<string, number>();
  for (const r of result.refused) {
    const reason = skipReason(r);
    groups.set(reason, (groups.get(reason) ?? 0) + 1);
  }
  const skipped = [...groups.entries()]
    .sort(
      ([a, m], [b, n]) =>
        Number(b === 'about your own changes') - Number(a === 'about your own changes') || n - m,
    )
    .map(([reason, n]) => `${n} skipped: ${reason}`);
  return [`${result.done.length} ${verb}`, ...skipped].join('; ');
}
