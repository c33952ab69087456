import { describe, expect, it } from 'vitest';
import { ev, incidents, runRule } from '../testing';

const T0 = Date.parse('2026-05-30T03:12:00Z');
const MIN = 60_000;
const attempt = (at: number, account: string, extra: Partial<ReturnType<typeof ev>> = {}) =>
  ev({
    at,
    action: 'user.login_failed',
    outcome: 'failure',
    changes: [],
    actorId: null,
    actorName: null,
    actorEmail: null,
    actorType: 'anonymous',
    actorIp: '203.0.113.201',
    actorUserAgent: 'python-requests/2.31.0',
    targetType: 'user',
    targetId: account,
    targetLabel: `${account}@example.com`,
    ...extra,
  });
const run = (events: ReturnType<typeof ev>[]) => runRule('password_spraying', events);

describe('password_spraying (default: more than 10 accounts in 30 minutes)', () => {
  it('10 accounts do not fire, the 11th does', () => {
    const ten = Array.from({ length: 10 }, (_, i) => attempt(T0 + i * 15_000, `emp-${i}`));
    expect(run(ten)).toEqual([]);
    const [f] = run([...ten, attempt(T0 + 10 * 15_000, 'emp-10')]);
    expect(f).toMatchObject({ actorId: null, targetType: 'ip_address', targetId: '203.0.113.201' });
    expect(f!.eventIds).toHaveLength(11);
    expect(f!.summary).toContain(
      '203.0.113.201 (python-requests/2.31.0) failed to sign in to 11 different accounts',
    );
  });

  it('many attempts on the same few accounts are not spraying', () => {
    const events = Array.from({ length: 50 }, (_, i) => attempt(T0 + i * 10_000, `emp-${i % 5}`));
    expect(run(events)).toEqual([]);
  });

  it('the window edge: 11 accounts exactly 30 minutes first to last do not fire', () => {
    const spread = (span: number) =>
      Array.from({ length: 11 }, (_, i) => attempt(T0 + (i * span) / 10, `emp-${i}`));
    expect(run(spread(30 * MIN))).toEqual([]);
    expect(run(spread(30 * MIN - 10))).toHaveLength(1);
  });

  it('keeps the whole spray in one incident, tolerates late events, keeps addresses apart', () => {
    const spray = Array.from({ length: 40 }, (_, i) => attempt(T0 + i * 15_000, `emp-${i}`));
    // Swap neighbours: slightly out of order.
    for (let i = 0; i + 1 < spray.length; i += 4)
      [spray[i], spray[i + 1]] = [spray[i + 1]!, spray[i]!];
    const other = Array.from({ length: 8 }, (_, i) =>
      attempt(T0 + i * 1000, `emp-${i}`, { actorIp: '198.51.100.9' }),
    );
    const found = incidents(run([...spray, ...other].sort((a, b) => a.id - b.id)));
    expect(found.size).toBe(1);
    const [incident] = [...found.values()];
    expect(incident!.eventIds).toEqual(new Set(spray.map((e) => e.id)));
    expect(incident!.findings.at(-1)!.summary).toContain('40 different accounts (40 attempts)');
  });
});
