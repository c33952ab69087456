import { describe, expect, it } from 'vitest';
import { ev, incidents, runRule } from '../testing';

const T0 = Date.parse('2026-06-01T08:00:00Z');
const MIN = 60_000;
const fail = (at: number, extra: Partial<ReturnType<typeof ev>> = {}) =>
  ev({
    at,
    action: 'user.login_failed',
    outcome: 'failure',
    changes: [],
    targetType: 'user',
    targetId: 'emp-1',
    targetLabel: 'kim@example.com',
    ...extra,
  });
const run = (events: ReturnType<typeof ev>[]) => runRule('failed_login_burst', events);

describe('failed_login_burst (default: more than 5 in 15 minutes)', () => {
  it('5 failures do not fire, the 6th does', () => {
    const five = Array.from({ length: 5 }, (_, i) => fail(T0 + i * MIN));
    expect(run(five)).toEqual([]);
    const [f] = run([...five, fail(T0 + 5 * MIN)]);
    expect(f).toMatchObject({ rule: 'failed_login_burst', actorId: 'emp-1', severity: 'high' });
    expect(f!.eventIds).toHaveLength(6);
    expect(f!.summary).toContain('6 failed sign-ins to the account kim@example.com');
  });

  it('the window edge: six failures exactly 15 minutes first to last do not fire', () => {
    const spread = (span: number) => Array.from({ length: 6 }, (_, i) => fail(T0 + (i * span) / 5));
    expect(run(spread(15 * MIN))).toEqual([]);
    expect(run(spread(15 * MIN - 5))).toHaveLength(1);
  });

  it('counts anonymous attempts against the account, keeps accounts apart, ignores successes', () => {
    const anonymous = {
      actorId: null,
      actorName: null,
      actorEmail: null,
      actorType: 'anonymous' as const,
    };
    const events = [
      ...Array.from({ length: 6 }, (_, i) =>
        fail(T0 + i * MIN, { ...anonymous, actorIp: `198.51.100.${i}` }),
      ),
      ...Array.from({ length: 5 }, (_, i) => fail(T0 + i * MIN, { targetId: 'emp-2' })),
      ...Array.from({ length: 5 }, (_, i) =>
        fail(T0 + i * MIN, { targetId: 'emp-2', action: 'user.login', outcome: 'success' }),
      ),
    ];
    const found = incidents(run(events));
    expect([...found.keys()]).toEqual([`failed_login_burst:emp-1:${T0}`]);
    const [f] = [...found.values()][0]!.findings;
    expect(f!.actorId).toBe('emp-1');
    expect(f!.details.addresses).toHaveLength(5);
  });

  it('slots late failures in by time', () => {
    const order = [1, 0, 3, 2, 5, 4];
    const events = order.map((i) => fail(T0 + i * MIN));
    expect(run(events)).toHaveLength(1);
    expect(run(events.slice(0, 5))).toEqual([]);
  });

  it('keeps a long brute force in one incident', () => {
    const events = Array.from({ length: 60 }, (_, i) => fail(T0 + i * 20_000));
    const found = incidents(run(events));
    expect(found.size).toBe(1);
    expect([...found.values()][0]!.eventIds.size).toBe(60);
  });
});
