import { describe, expect, it } from 'vitest';
import { ev, incidents, runRule } from '../testing';
import { burst } from './burst';

const T0 = Date.parse('2026-06-03T09:00:00Z');
const MIN = 60_000;
const change = (offsetMs: number, extra: Partial<ReturnType<typeof ev>> = {}) =>
  ev({ at: T0 + offsetMs, ...extra });
const run = (events: ReturnType<typeof ev>[], params: Record<string, unknown> = {}) =>
  runRule('burst', events, { params: { maxChanges: 5, ...params } });

describe('burst', () => {
  it('fires on more than N changes within the window, not on N', () => {
    const five = Array.from({ length: 5 }, (_, i) => change(i * MIN));
    expect(run(five)).toEqual([]);
    const six = [...five, change(5 * MIN)];
    const findings = run(six);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.eventIds).toEqual(six.map((e) => e.id));
    expect(findings[0]!.summary).toContain('made 6 changes within 5 minutes');
    expect(findings[0]!.summary).toContain('more than 5 changes in 10 minutes');
  });

  it('counts a window as first to last less than the window apart', () => {
    const at = (last: number) => [0, 1, 2, 3, 4].map((i) => change(i * MIN)).concat(change(last));
    expect(run(at(10 * MIN))).toEqual([]);
    expect(run(at(10 * MIN - 1))).toHaveLength(1);
  });

  it('keeps one incident while changes keep coming, and opens a new one after a quiet window', () => {
    const events = [
      ...Array.from({ length: 12 }, (_, i) => change(i * 30_000)),
      // 11 minutes of quiet, then another burst.
      ...Array.from({ length: 6 }, (_, i) => change(17 * MIN + i * 1000)),
    ];
    const found = incidents(run(events));
    expect(found.size).toBe(2);
    const [first, second] = [...found.values()];
    expect(first!.eventIds.size).toBe(12);
    expect(second!.eventIds.size).toBe(6);
    // The latest finding words the whole incident.
    expect(first!.findings.at(-1)!.summary).toContain('made 12 changes');
  });

  it('handles events that arrive slightly out of order', () => {
    const order = [0, 2, 1, 4, 3, 5];
    const events = order.map((i) => change(i * MIN));
    const findings = run(events);
    expect(findings).toHaveLength(1);
    expect(new Set(findings[0]!.eventIds)).toEqual(new Set(events.map((e) => e.id)));
  });

  it('counts only one actor’s changes; reads, failures and service accounts do not count', () => {
    const mixed = [
      ...[0, 1, 2].map((i) => change(i * MIN)),
      ...[0, 1, 2].map((i) => change(i * MIN, { actorId: 'u-2' })),
      change(3 * MIN, { action: 'record.view', changes: [] }),
      change(4 * MIN, { outcome: 'failure' }),
    ];
    expect(run(mixed)).toEqual([]);
    const service = Array.from({ length: 6 }, (_, i) =>
      change(i * MIN, { actorType: 'service', actorId: 'svc-1' }),
    );
    expect(run(service)).toEqual([]);
    expect(run(service, { includeServiceAccounts: true })).toHaveLength(1);
  });

  it('validates its parameters with one message per field', () => {
    expect(burst.parseParams({ maxChanges: 0, windowMinutes: 'soon', extra: 1 })).toEqual({
      ok: false,
      errors: {
        maxChanges: 'must be a whole number from 1 to 10000',
        windowMinutes: 'must be a whole number from 1 to 1440',
        extra: 'is not a parameter of this rule',
      },
    });
    expect(burst.parseParams({ maxChanges: 2.5 })).toMatchObject({ ok: false });
    expect(burst.parseParams({ maxChanges: '12' })).toEqual({
      ok: true,
      params: { ...burst.defaults, maxChanges: 12 },
    });
    expect(burst.parseParams(null)).toEqual({ ok: true, params: burst.defaults });
  });
});
