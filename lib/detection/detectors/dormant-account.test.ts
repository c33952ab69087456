import { describe, expect, it } from 'vitest';
import { ev, incidents, runRule } from '../testing';

const DAY = 86_400_000;
const MIN = 60_000;
const T0 = Date.parse('2026-03-23T16:47:03Z');
const act = (at: number, extra: Partial<ReturnType<typeof ev>> = {}) =>
  ev({ at, action: 'user.login', changes: [], ...extra });
const run = (events: ReturnType<typeof ev>[]) => runRule('dormant_account', events);

describe('dormant_account (default: 30 days)', () => {
  it('the first event ever only starts the clock', () => {
    expect(run([act(T0)])).toEqual([]);
  });

  it('fires at 30 days without activity, not a millisecond before', () => {
    expect(run([act(T0), act(T0 + 30 * DAY - 1)])).toEqual([]);
    const [f] = run([act(T0), act(T0 + 30 * DAY, { actorIp: '203.0.113.144' })]);
    expect(f!.summary).toContain('after 30 days without any activity');
    expect(f!.summary).toContain('from 203.0.113.144');
  });

  it('the return and the next hour are one alert; later activity is ordinary again', () => {
    const back = T0 + 80 * DAY;
    const events = [
      act(T0),
      act(back),
      act(back + 38_000, { action: 'user.mfa_challenge' }),
      act(back + 26 * MIN, { action: 'candidate.view', source: 'ats' }),
      act(back + 61 * MIN, { action: 'candidate.view' }),
    ];
    const found = incidents(run(events));
    expect(found.size).toBe(1);
    const [incident] = [...found.values()];
    expect(incident!.eventIds).toEqual(new Set([events[1]!.id, events[2]!.id, events[3]!.id]));
    expect(incident!.findings.at(-1)!.summary).toContain('80 days without any activity');
    expect(incident!.findings.at(-1)!.summary).toContain('3 events since');
  });

  it('late events older than the last activity change nothing; anonymous events have no account', () => {
    expect(run([act(T0 + 40 * DAY), act(T0)])).toEqual([]);
    expect(
      run([
        act(T0, { actorId: null, actorType: 'anonymous' }),
        act(T0 + 40 * DAY, { actorId: null, actorType: 'anonymous' }),
      ]),
    ).toEqual([]);
  });
});
