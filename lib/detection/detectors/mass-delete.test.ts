import { describe, expect, it } from 'vitest';
import { ev, incidents, runRule } from '../testing';

const T0 = Date.parse('2026-05-29T22:05:00Z');
const del = (i: number, extra: Partial<ReturnType<typeof ev>> = {}) =>
  ev({ at: T0 + i * 4000, action: 'contact.delete', changes: [], targetType: 'contact', ...extra });
const run = (events: ReturnType<typeof ev>[]) => runRule('mass_delete', events);

describe('mass_delete (default: more than 20 in 10 minutes)', () => {
  it('20 deletions do not fire, the 21st does', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => del(i));
    expect(run(twenty)).toEqual([]);
    const findings = run([...twenty, del(20)]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.eventIds).toHaveLength(21);
    expect(findings[0]!.severity).toBe('high');
  });

  it('the window edge: 21 deletions spanning exactly 10 minutes do not fire', () => {
    const spread = (span: number) =>
      Array.from({ length: 21 }, (_, i) =>
        ev({ at: T0 + (i * span) / 20, action: 'contact.delete' }),
      );
    expect(run(spread(600_000))).toEqual([]);
    expect(run(spread(599_980))).toHaveLength(1);
  });

  it('300 deletions in 20 minutes are one incident holding all of them', () => {
    const events = Array.from({ length: 300 }, (_, i) => del(i));
    const found = incidents(run(events));
    expect(found.size).toBe(1);
    const [incident] = [...found.values()];
    expect(incident!.eventIds.size).toBe(300);
    expect(incident!.findings.at(-1)!.summary).toContain(
      'deleted 300 records (contact records, contact.delete)',
    );
  });

  it('slots late deletions in by time', () => {
    const events = Array.from({ length: 21 }, (_, i) => del(i));
    // The deletions arrive in reverse pairs: 1, 0, 3, 2, …
    for (let i = 0; i + 1 < events.length; i += 2)
      [events[i], events[i + 1]] = [events[i + 1]!, events[i]!];
    const findings = run(events);
    expect(findings).toHaveLength(1);
    expect(new Set(findings[0]!.eventIds)).toEqual(new Set(events.map((e) => e.id)));
  });

  it('failed deletions, updates and other actors do not count', () => {
    const events = [
      ...Array.from({ length: 15 }, (_, i) => del(i)),
      ...Array.from({ length: 10 }, (_, i) => del(i, { outcome: 'failure' })),
      ...Array.from({ length: 10 }, (_, i) => del(i, { action: 'contact.update' })),
      ...Array.from({ length: 10 }, (_, i) => del(i, { actorId: 'u-2' })),
    ].sort((a, b) => a.occurredAt - b.occurredAt);
    expect(run(events)).toEqual([]);
  });
});
