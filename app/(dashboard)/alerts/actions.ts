'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { db } from '@/db';
import { alertIdsMatching } from '@/db/queries/alerts';
import { authorizedAction } from '@/lib/actions';
import { parseAlertFilters } from '@/lib/alerts/filters';
import { triageAlerts, type TriageAction, type TriageResult } from '@/lib/alerts/triage';
import { DISPOSITIONS } from '@/db/schema';
import { ExpectedError } from '@/lib/errors';
import { text } from '@/lib/validation';

const optionalText = (label: string, max: number) =>
  z
    .union([z.literal(''), z.null(), text(label, max)])
    .optional()
    .transform((v) => v || null);

const triageAction = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('acknowledge') }),
    z.strictObject({
      kind: z.literal('assign'),
      assigneeId: z.union([z.uuid({ error: 'assigneeId must be a user id' }), z.null()]),
    }),
    z.strictObject({
      kind: z.literal('resolve'),
      disposition: z.enum(DISPOSITIONS, {
        error: `Disposition must be one of: ${DISPOSITIONS.join(', ')}`,
      }),
      ticket: optionalText('Ticket', 200),
      note: optionalText('Note', 2000),
    }),
    z.strictObject({ kind: z.literal('reopen'), note: optionalText('Note', 2000) }),
    z.strictObject({ kind: z.literal('comment'), text: text('Comment', 4000) }),
    z.strictObject({
      kind: z.literal('snooze'),
      // nullable(), not a union with null: a union reports a bad date as just "Invalid input".
      until: z.iso
        .datetime({ offset: true, error: 'Snooze end must be a date and time' })
        .transform((v) => new Date(v))
        .nullable(),
    }),
  ],
  { error: 'kind must be one of acknowledge, assign, resolve, reopen, comment, snooze' },
);

const alertId = z
  .number({ error: 'id must be an alert id' })
  .int()
  .positive()
  .max(2 ** 53);

function report(result: TriageResult): TriageResult {
  revalidatePath('/alerts');
  for (const id of result.done) revalidatePath(`/alerts/${id}`);
  return result;
}

/**
 * One alert, from its page. `version` is the version the reviewer saw; if someone acted on it
 * since, nothing changes and the message says who did what. A refusal (segregation of duties) is
 * recorded and committed, then reported as the error.
 */
export const triageAlertAction = authorizedAction(
  'alerts:triage',
  z.strictObject({ id: alertId, version: z.number().int().positive(), action: triageAction }),
  async (input, { user, acting }) => {
    const result = await db.transaction((tx) =>
      triageAlerts(
        tx,
        { ...acting, userId: user.id, email: user.email },
        [input.id],
        input.action as TriageAction,
        { expectedVersion: input.version },
      ),
    );
    report(result);
    if (result.refused.length) throw new ExpectedError(result.refused[0]!.message);
    return result;
  },
);

/**
 * Many alerts at once: the selected ids, or every alert matching the queue's filters (any
 * number, not just the page shown). Alerts the action does not apply to are skipped and counted.
 */
export const bulkTriageAction = authorizedAction(
  'alerts:triage',
  z.strictObject({
    selection: z.union([
      z.strictObject({ ids: z.array(alertId).min(1, 'Select at least one alert').max(10_000) }),
      z.strictObject({ filters: z.record(z.string(), z.string().max(200)) }),
    ]),
    action: triageAction,
  }),
  async (input, { user, acting }) => {
    let ids: number[];
    if ('ids' in input.selection) ids = input.selection.ids;
    else {
      const parsed = parseAlertFilters(input.selection.filters);
      if (!parsed.ok) throw new ExpectedError(parsed.error);
      ids = await alertIdsMatching(parsed.filters, user.id);
      if (ids.length === 0) throw new ExpectedError('No alerts match these filters.');
    }
    const result = await db.transaction((tx) =>
      triageAlerts(
        tx,
        { ...acting, userId: user.id, email: user.email },
        ids,
        input.action as TriageAction,
      ),
    );
    return report(result);
  },
);
