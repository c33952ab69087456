import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing';
import { validateEvent } from '@/lib/events/schema';
import { ExpectedError } from '@/lib/errors';
import { ingestEvents } from '@/lib/ingest/ingest';
import { createSource } from '@/lib/ingest/sources';
import type { ActingUser } from '@/lib/users';
import { backtestRule } from './backtest';
import { catchUp } from './engine';
import { readRules, readSettings, updateRule, updateSettings } from './rules';
import { DEFAULT_SETTINGS } from './settings';

const ADMIN: ActingUser = {
  actor: {
    id: '00000000-0000-4000-8000-00000000000a',
    name: 'Avery Admin',
    email: 'admin@example.com',
    type: 'user',
  },
  context: { ip: '192.0.2.1', userAgent: 'vitest', requestId: null },
  sessionId: null,
};

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

async function auditOf(action: string) {
  return t.owner<{ target_id: string; changes: unknown; actor_id: string }[]>`
    select target_id, changes, actor_id from audit_events where action = ${action} order by seq`;
}

describe('rule changes', () => {
  it('records each changed parameter with its old and new value', async () => {
    const changes = await t.db.transaction((tx) =>
      updateRule(tx, ADMIN, 'mass_delete', {
        enabled: true,
        severity: 'critical',
        params: { maxDeletes: 50, windowMinutes: 10 },
      }),
    );
    expect(changes).toEqual([
      { field: 'severity', old: 'high', new: 'critical' },
      { field: 'maxDeletes', old: 20, new: 50 },
    ]);
    expect((await readRules(t.db)).mass_delete).toMatchObject({
      severity: 'critical',
      params: { maxDeletes: 50, windowMinutes: 10 },
    });
    const [event] = await auditOf('rule.update');
    expect(event).toMatchObject({ target_id: 'mass_delete', actor_id: ADMIN.actor.id, changes });
  });

  it('refuses bad parameters by name and changes nothing', async () => {
    const before = await readRules(t.db);
    const attempt = t.db.transaction((tx) =>
      updateRule(tx, ADMIN, 'mass_delete', {
        enabled: true,
        severity: 'high',
        params: { maxDeletes: -3, windowMinutes: 10 },
      }),
    );
    await expect(attempt).rejects.toThrow(ExpectedError);
    await expect(attempt).rejects.toThrow(/maxDeletes/);
    await expect(
      t.db.transaction((tx) =>
        updateRule(tx, ADMIN, 'burst', { enabled: true, severity: 'urgent', params: {} }),
      ),
    ).rejects.toThrow(/severity must be one of/);
    expect(await readRules(t.db)).toEqual(before);
    expect(await auditOf('rule.update')).toHaveLength(1);
  });

  it('saves settings with their audit trail, and refuses an unknown zone', async () => {
    const changes = await t.db.transaction((tx) =>
      updateSettings(tx, ADMIN, {
        ...DEFAULT_SETTINGS,
        holidays: ['2026-12-25'],
        schedules: {
          'u-1': { timeZone: 'Asia/Kolkata', days: [1, 2, 3, 4, 5], startHour: 22, endHour: 6 },
        },
      }),
    );
    expect(changes.map((c) => c.field).sort()).toEqual(['holidays', 'schedules']);
    expect((await readSettings(t.db)).schedules['u-1']!.timeZone).toBe('Asia/Kolkata');
    // Saving what is stored changes nothing (jsonb returns keys in its own order).
    const stored = await readSettings(t.db);
    await expect(t.db.transaction((tx) => updateSettings(tx, ADMIN, stored))).rejects.toThrow(
      'Nothing changed.',
    );
    await expect(
      t.db.transaction((tx) =>
        updateSettings(tx, ADMIN, {
          ...DEFAULT_SETTINGS,
          defaultSchedule: { ...DEFAULT_SETTINGS.defaultSchedule, timeZone: 'Mars/Olympus' },
        }),
      ),
    ).rejects.toThrow(/defaultSchedule.timeZone is not an IANA time zone/);
    expect(await auditOf('detection_settings.update')).toHaveLength(1);
  });
});

describe('backtest', () => {
  it('shows what proposed settings would raise over the last 30 days, writing nothing', async () => {
    const source = await t.db.transaction((tx) =>
      createSource(
        tx,
        { ...ADMIN, actor: { ...ADMIN.actor, id: null, type: 'system' } },
        {
          name: 'crm',
          description: '',
        },
      ),
    );
    // 30 deletes in 5 minutes, three days ago, at 11:00 UTC on whatever weekday that is.
    const start = Date.now() - 3 * 86_400_000;
    const events = Array.from({ length: 30 }, (_, i) => {
      const r = validateEvent(
        {
          id: `d${i}`,
          occurred_at: new Date(start + i * 10_000).toISOString(),
          action: 'contact.delete',
          actor: { id: 'leaver', name: 'Lee Leaver' },
          target: { type: 'contact', id: `c${i}` },
        },
        i,
      );
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
      return { index: i, event: r.event };
    });
    await ingestEvents(t.db.$client, source, events);
    await catchUp(t.db);
    const settings = await readSettings(t.db);
    const [alertsBefore] = await t.owner<{ n: number }[]>`select count(*)::int as n from alerts`;

    // Saved: more than 50 in 10 minutes (first test): nothing. Proposed: more than 25.
    const current = await backtestRule(
      t.db.$client,
      'mass_delete',
      (await readRules(t.db)).mass_delete,
      settings,
    );
    expect(current.incidents).toEqual([]);
    const proposed = await backtestRule(
      t.db.$client,
      'mass_delete',
      { enabled: true, severity: 'high', params: { maxDeletes: 25, windowMinutes: 10 } },
      settings,
    );
    expect(proposed.incidents).toHaveLength(1);
    expect(proposed.incidents[0]).toMatchObject({
      actorId: 'leaver',
      alreadyRaised: false,
      severity: 'high',
    });
    expect(proposed.evaluated).toBeGreaterThanOrEqual(30);
    expect(proposed.capped).toBe(false);
    const [alertsAfter] = await t.owner<{ n: number }[]>`select count(*)::int as n from alerts`;
    expect(alertsAfter!.n).toBe(alertsBefore!.n);
  });
});
