import { describe, expect, it } from 'vitest';
import { ev, incidents, runRule } from '../testing';

const DAY = 86_400_000;
const MIN = 60_000;
const T0 = Date.parse('2026-06-01T14:00:00Z');
const exp = (at: number, rows: number | null, extra: Partial<ReturnType<typeof ev>> = {}) =>
  ev({
    at,
    action: 'candidate.export',
    changes: [],
    targetType: 'report',
    metadata: rows === null ? { format: 'csv' } : { count: rows, format: 'csv' },
    ...extra,
  });
/** Small exports on earlier days: the actor's history. */
const history = (sizes: number[]) =>
  sizes.map((rows, i) => exp(T0 - (sizes.length - i) * DAY, rows));
const run = (events: ReturnType<typeof ev>[], params: Record<string, unknown> = {}) =>
  runRule('mass_export', events, { params });

describe('mass_export', () => {
  it('volume: more than 1,000 rows within 60 minutes fires, exactly 1,000 does not', () => {
    expect(run([exp(T0, 500), exp(T0 + 10 * MIN, 500)])).toEqual([]);
    const findings = run([exp(T0, 500), exp(T0 + 10 * MIN, 500), exp(T0 + 20 * MIN, 1)]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.eventIds).toHaveLength(3);
    expect(findings[0]!.details.reasons).toEqual([
      expect.stringContaining(
        '1,001 rows exported within 20 minutes (more than 1,000 rows in 60 minutes)',
      ),
    ]);
  });

  it('volume: exports a full window apart do not add up', () => {
    expect(run([exp(T0, 600), exp(T0 + 60 * MIN, 600)])).toEqual([]);
    expect(run([exp(T0, 600), exp(T0 + 60 * MIN - 1, 600)])).toHaveLength(1);
  });

  it('unusual: more than 5× the median and larger than any before, from 200 rows, with 3+ earlier exports', () => {
    const past = history([20, 20, 20, 20, 20]);
    const [f] = run([...past, exp(T0, 200)]);
    expect(f!.summary).toContain(
      '10 times their median export (20) and larger than their largest before (20)',
    );
    expect(run([...past, exp(T0, 199)])).toEqual([]); // under the 200-row floor
    expect(run([...history([20, 20]), exp(T0, 500)])).toEqual([]); // too little history
    // Not their largest (the 300-row export before it was itself unusual, and alerted then).
    const notLargest = exp(T0, 250);
    const withBig = run([...history([20, 20, 20, 300]), notLargest]);
    expect(withBig).toHaveLength(1);
    expect(withBig[0]!.eventIds).not.toContain(notLargest.id);
    expect(run([...history([100, 100, 100]), exp(T0, 500)])).toEqual([]); // exactly 5×: not more
    expect(run([...history([100, 100, 100]), exp(T0, 501)])).toHaveLength(1);
  });

  it('one incident while the exports continue: ten exports of 500 rows in 20 minutes', () => {
    const past = history([12, 30, 8, 52, 15]);
    const burst = Array.from({ length: 10 }, (_, k) => exp(T0 + k * 2 * MIN, 500));
    const found = incidents(run([...past, ...burst]));
    expect(found.size).toBe(1);
    const [incident] = [...found.values()];
    expect(incident!.eventIds).toEqual(new Set(burst.map((e) => e.id)));
    const last = incident!.findings.at(-1)!;
    expect(last.summary).toContain('exported 5,000 rows in 10 exports');
    expect(last.details).toMatchObject({ rows: 5000, exports: 10 });
  });

  it('counts a late export into the window it belongs to', () => {
    const findings = run([
      exp(T0 + 30 * MIN, 400),
      exp(T0 + 40 * MIN, 400),
      exp(T0 + 5 * MIN, 400),
    ]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.details.rows).toBe(1200);
  });

  it('ignores exports without a row count, failed exports and other actions', () => {
    expect(
      run([
        exp(T0, null),
        exp(T0 + MIN, 5000, { outcome: 'failure' }),
        exp(T0 + 2 * MIN, 5000, { action: 'candidate.view' }),
      ]),
    ).toEqual([]);
  });
});
