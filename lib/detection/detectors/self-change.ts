import { fieldKey, grantOf, isChange, isSelfTarget, sensitiveSet } from '../classify';
import { findingFor, localDay, localWhen, shiftSeverity, who } from '../finding';
import { flag, paramsParser, stringList } from '../params';
import type { FieldChange } from '@/lib/audit/types';
import { RULE_NAMES, type Detector } from '../types';

export type SelfChangeParams = {
  /** Alert only when a sensitive field or access is among the changes. */
  onlySensitive: boolean;
  /** Fields people normally change on their own record (self-service); never alert. */
  ignoredFields: string[];
};

const DEFAULTS: SelfChangeParams = {
  onlySensitive: false,
  ignoredFields: [
    'password',
    'avatar',
    'photo',
    'locale',
    'language',
    'time_zone',
    'theme',
    'preferences',
    'display_name',
    'nickname',
    'phone',
    'mfa',
    'mfa_enabled',
  ],
};

const ignoredSets = new WeakMap<string[], Set<string>>();
function ignored(params: SelfChangeParams): Set<string> {
  let set = ignoredSets.get(params.ignoredFields);
  if (!set) {
    set = new Set(params.ignoredFields.map(fieldKey));
    ignoredSets.set(params.ignoredFields, set);
  }
  return set;
}

function describe(c: FieldChange): string {
  if (typeof c.old === 'number' && typeof c.new === 'number' && c.old !== 0) {
    const pct = Math.round(((c.new - c.old) / Math.abs(c.old)) * 1000) / 10;
    const fmt = (n: number) => n.toLocaleString('en-US');
    return `${c.field} ${fmt(c.old)} → ${fmt(c.new)} (${pct >= 0 ? '+' : ''}${pct}%)`;
  }
  return c.field;
}

/**
 * self_change: someone changed their own record — the target (or the member a group change is
 * about) is the actor's own id or e-mail, or for AWS the IAM user of the actor's ARN (see
 * classify.isSelfTarget) — with field changes (sign-ins and views on one's own account are
 * not changes). Self-service fields in `ignoredFields` (password, phone, avatar, locale…) do
 * not count.
 *
 * Severity: the rule's (default high) when a sensitive field (settings.sensitiveFields) or access
 * (a role, permission, group) is among the changes — raising one's own salary, granting oneself
 * a role; one step lower for other fields, or no alert at all with `onlySensitive`.
 *
 * No state. Dedupe: `self_change:<actor>:<local date>`, one alert per person and day.
 */
export const selfChange: Detector<SelfChangeParams, null> = {
  rule: 'self_change',
  name: RULE_NAMES.self_change,
  description:
    'Someone changed their own record — their salary, bank account, role or other fields that someone else should change for them.',
  defaultSeverity: 'high',
  defaults: DEFAULTS,
  parseParams: paramsParser({ onlySensitive: flag(), ignoredFields: stringList() }, DEFAULTS),
  keyOf(event) {
    if (event.actorId === null || event.changes.length === 0) return null;
    return isChange(event) && isSelfTarget(event) ? event.actorId : null;
  },
  initialState: () => null,
  evaluate(event, state, params, ctx) {
    const skip = ignored(params);
    const relevant = event.changes.filter((c) => !skip.has(fieldKey(c.field)));
    if (relevant.length === 0) return { state, findings: [] };
    const sensitiveNames = sensitiveSet(ctx.settings);
    const sensitive = relevant.filter((c) => sensitiveNames.has(fieldKey(c.field)));
    const grant = grantOf(event);
    const serious = sensitive.length > 0 || grant !== null;
    if (params.onlySensitive && !serious) return { state, findings: [] };
    const shown = (serious && sensitive.length > 0 ? sensitive : relevant).slice(0, 4);
    const list = shown.map(describe).join(', ');
    const more =
      relevant.length > shown.length ? ` and ${relevant.length - shown.length} more` : '';
    const access = grant ? ` — granting themselves ${grant.what.join('; ')}` : '';
    return {
      state,
      findings: [
        findingFor('self_change', event, {
          severity: serious ? ctx.severity : shiftSeverity(ctx.severity, -1),
          dedupeKey: `self_change:${event.actorId}:${localDay(event, ctx.settings)}`,
          summary: `${who(event)} changed their own record: ${list}${more}${access} (${event.action}) at ${localWhen(event, ctx.settings)}.`,
          details: {
            action: event.action,
            fields: relevant.map((c) => c.field),
            sensitiveFields: sensitive.map((c) => c.field),
            grantsAccess: grant !== null,
          },
        }),
      ],
    };
  },
};
