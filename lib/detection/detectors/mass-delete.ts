import { isDelete } from '../classify';
import {
  findingFor,
  initialThreshold,
  iso,
  localTime,
  localWhen,
  minutes,
  plural,
  thresholdStep,
  type ThresholdState,
  who,
} from '../finding';
import { paramsParser, wholeNumber } from '../params';
import { MINUTE } from '../schedule';
import { RULE_NAMES, type Detector } from '../types';

export type MassDeleteParams = {
  /** Alert on more than this many deletions… */
  maxDeletes: number;
  /** …within this many minutes. */
  windowMinutes: number;
};

const DEFAULTS: MassDeleteParams = { maxDeletes: 20, windowMinutes: 10 };

/**
 * mass_delete: more than `maxDeletes` (default 20) successful deletions by one actor within
 * `windowMinutes` (default 10). A deletion is an action whose verb says so: delete, remove,
 * purge, destroy, erase, wipe, trash, terminate (`contact.delete`, `group.member_remove`,
 * CloudTrail `iam.delete_user`); failed attempts destroyed nothing and do not count. Every actor
 * type counts (a script deleting records in bulk is worth a look too); anonymous events have no
 * actor to key on.
 *
 * State and dedupe as for burst: the newest maxDeletes + 1 deletions in time order and the open
 * incident, `mass_delete:<actor>:<time of its first deletion>`, which every further deletion
 * joins until the actor has been quiet for the window.
 */
export const massDelete: Detector<MassDeleteParams, ThresholdState> = {
  rule: 'mass_delete',
  name: RULE_NAMES.mass_delete,
  description:
    'One person deleted many records in a few minutes, as someone wiping data on their way out would.',
  defaultSeverity: 'high',
  defaults: DEFAULTS,
  parseParams: paramsParser(
    { maxDeletes: wholeNumber(1, 10000), windowMinutes: wholeNumber(1, 1440) },
    DEFAULTS,
  ),
  keyOf(event) {
    if (event.actorId === null || event.actorType === 'anonymous') return null;
    return isDelete(event) ? event.actorId : null;
  },
  initialState: initialThreshold,
  evaluate(event, state, params, ctx) {
    const span = params.windowMinutes * MINUTE;
    const step = thresholdStep(
      state,
      event.occurredAt,
      event.id,
      params.maxDeletes,
      span,
      `mass_delete:${event.actorId}`,
    );
    if (step.kind === 'none') return { state: step.state, findings: [] };
    const { open } = step;
    const kind = event.targetType ? `${event.targetType} records` : 'records';
    // Every finding words the whole incident so far: the engine shows the latest one.
    const summary = `${who(event)} deleted ${plural(open.count, 'record')} (${kind}, ${event.action}) within ${minutes(open.last - open.first)}, from ${localWhen(event, ctx.settings, open.first)} to ${localTime(event, ctx.settings, open.last)}: more than ${plural(params.maxDeletes, 'deletion')} in ${minutes(span)}.`;
    return {
      state: step.state,
      findings: [
        findingFor('mass_delete', event, {
          severity: ctx.severity,
          dedupeKey: open.key,
          summary,
          eventIds: step.kind === 'fired' ? step.ids : [event.id],
          details: {
            deletions: open.count,
            firstAt: iso(open.first),
            lastAt: iso(open.last),
            maxDeletes: params.maxDeletes,
            windowMinutes: params.windowMinutes,
            action: event.action,
            targetType: event.targetType,
          },
        }),
      ],
    };
  },
};
