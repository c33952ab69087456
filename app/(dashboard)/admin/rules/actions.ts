'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { db } from '@/db';
import { rawTransaction } from '@/db/client';
import { authorizedAction } from '@/lib/actions';
import { backtestRule } from '@/lib/detection/backtest';
import { parseRuleConfig, readSettings, updateRule, updateSettings } from '@/lib/detection/rules';
import { parseSchedules } from '@/lib/detection/schedule-text';
import { RULE_IDS } from '@/lib/detection/types';
import { ExpectedError } from '@/lib/errors';

const ruleInput = z.strictObject({
  rule: z.enum(RULE_IDS, { error: 'Unknown rule' }),
  enabled: z.boolean({ error: 'enabled must be true or false' }),
  severity: z.string().max(20),
  params: z.record(z.string(), z.unknown(), { error: 'params must be an object' }),
});

export const saveRuleAction = authorizedAction(
  'rules:manage',
  ruleInput,
  async (input, { acting }) => {
    const changes = await db.transaction((tx) => updateRule(tx, acting, input.rule, input));
    revalidatePath('/admin/rules');
    return { changed: changes.map((c) => c.field) };
  },
);

/** Runs the proposed settings over the last 30 days without saving anything. */
export const backtestRuleAction = authorizedAction('rules:manage', ruleInput, async (input) => {
  const parsed = parseRuleConfig(input.rule, input);
  if (!parsed.ok) {
    const [field, message] = Object.entries(parsed.errors)[0]!;
    throw new ExpectedError(`${field} ${message}`, field);
  }
  // A read-only transaction: the backtest cannot write, whatever it does.
  return db.transaction(
    async (tx) => {
      const settings = await readSettings(tx);
      const result = await backtestRule(rawTransaction(tx), input.rule, parsed.config, settings);
      return {
        ...result,
        incidents: result.incidents.slice(0, 100),
        total: result.incidents.length,
      };
    },
    { accessMode: 'read only' },
  );
});

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

export const saveSettingsAction = authorizedAction(
  'rules:manage',
  z.strictObject({
    timeZone: z.string().max(64),
    days: z.array(z.number().int()).max(7),
    startHour: z.number(),
    endHour: z.number(),
    holidays: z.string().max(50_000),
    sensitiveFields: z.string().max(50_000),
    adminActors: z.string().max(500_000),
    schedules: z.string().max(2_000_000),
  }),
  async (input, { acting }) => {
    const schedules = parseSchedules(input.schedules);
    if (!schedules.ok) throw new ExpectedError(schedules.error, 'schedules');
    const changes = await db.transaction((tx) =>
      updateSettings(tx, acting, {
        defaultSchedule: {
          timeZone: input.timeZone,
          days: input.days,
          startHour: input.startHour,
          endHour: input.endHour,
        },
        schedules: schedules.schedules,
        holidays: lines(input.holidays),
        sensitiveFields: lines(input.sensitiveFields),
        adminActors: lines(input.adminActors),
      }),
    );
    revalidatePath('/admin/rules');
    return { changed: changes.map((c) => c.field) };
  },
);
