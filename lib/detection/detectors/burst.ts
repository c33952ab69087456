import { isChange } from '../classify';
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
import { flag, paramsParser, wholeNumber } from '../params';
import { MINUTE } from '../schedule';
import { RULE_NAMES, type Detector } from '../types';

export type BurstParams = {
  /** Alert on more than this many changes… */
  maxChanges: number;
  /** …within this many minutes (first to last less than this apart). */
  windowMinutes: number;
  /** Also judge service and system accounts (off by default: jobs legitimately write in bulk). */
  includeServiceAccounts: boolean;
};

const DEFAULTS: BurstParams = { maxChanges: 40, windowMinutes: 10, includeServiceAccounts: false };

/**
 * burst: more than `maxChanges` (default 40) changes by one actor within `windowMinutes`
 * (default 10). A change is a successful event with field changes or a writing verb
 * (classify.isChange). People only unless `includeServiceAccounts`.
 *
 * State per actor: the times and ids of the newest maxChanges + 1 changes, kept in time order
 * (a late event is slotted in where it belongs), and the open incident. Dedupe: the incident is
 * `burst:<actor>:<time of its first change>`; it stays open while further changes come less than
 * the window apart, and each of them joins the same alert.
 */
export const burst: Detector<BurstParams, ThresholdState> = {
  rule: 'burst',
  name: RULE_NAMES.burst,
  description:
    'One person made an unusually large number of changes in a few minutes, faster than anyone works by hand.',
  defaultSeverity: 'medium',
  defaults: DEFAULTS,
  parseParams: paramsParser(
    {
      maxChanges: wholeNumber(1, 10000),
      windowMinutes: wholeNumber(1, 1440),
      includeServiceAccounts: flag(),
    },
    DEFAULTS,
  ),
  keyOf(event, params) {
    if (event.actorId === null) return null;
    if (
      event.actorType !== 'user' &&
      !(params.includeServiceAccounts && event.actorType !== 'anonymous')
    )
      return null;
    return isChange(event) ? event.actorId : null;
  },
  initialState: initialThreshold,
  evaluate(event, state, params, ctx) {
    const span = params.windowMinutes * MINUTE;
    const step = thresholdStep(
      state,
      event.occurredAt,
      event.id,
      params.maxChanges,
      span,
      `burst:${event.actorId}`,
    );
    if (step.kind === 'none') return { state: step.state, findings: [] };
    const { open } = step;
    // Every finding words the whole incident so far: the engine shows the latest one.
    const summary = `${who(event)} made ${plural(open.count, 'change')} within ${minutes(open.last - open.first)}, from ${localWhen(event, ctx.settings, open.first)} to ${localTime(event, ctx.settings, open.last)}: more than ${plural(params.maxChanges, 'change')} in ${minutes(span)}.`;
    return {
      state: step.state,
      findings: [
        findingFor('burst', event, {
          severity: ctx.severity,
          dedupeKey: open.key,
          summary,
          eventIds: step.kind === 'fired' ? step.ids : [event.id],
          details: {
            changes: open.count,
            firstAt: iso(open.first),
            lastAt: iso(open.last),
            maxChanges: params.maxChanges,
            windowMinutes: params.windowMinutes,
            action: event.action,
          },
        }),
      ],
    };
  },
};
