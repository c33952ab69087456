import { describe, expect, it } from 'vitest';
import { ev, runRule } from '../testing';
import { userAgentFamily } from './new-address';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T09:00:00Z');
const CHROME_WIN =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const FIREFOX_WIN =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0';
const seen = (
  at: number,
  ip: string,
  ua = CHROME_WIN,
  extra: Partial<ReturnType<typeof ev>> = {},
) => ev({ at, action: 'record.view', changes: [], actorIp: ip, actorUserAgent: ua, ...extra });
/** 60 events over 20 days from the office and home addresses: past the default learning. */
const habits = () =>
  Array.from({ length: 60 }, (_, i) =>
    seen(T0 + (i / 3) * DAY, i % 3 === 0 ? '198.51.100.20' : '192.0.2.11'),
  );
const run = (events: ReturnType<typeof ev>[], params: Record<string, unknown> = {}) =>
  runRule('new_address', events, { params });

describe('new_address', () => {
  it('stays quiet while learning (14 days and 50 events), then flags a new address once', () => {
    expect(run(habits())).toEqual([]);
    const later = T0 + 25 * DAY;
    const findings = run([
      ...habits(),
      seen(later, '203.0.113.7'),
      seen(later + 60_000, '203.0.113.7'),
    ]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: 'low',
      dedupeKey: 'new_address:u-1:203.0.113.7',
    });
    expect(findings[0]!.summary).toContain('used a new address 203.0.113.7');
    expect(findings[0]!.summary).toContain('recently seen: 192.0.2.11, 198.51.100.20');
  });

  it('learning needs both the days and the events', () => {
    const few = Array.from({ length: 10 }, (_, i) => seen(T0 + i * 3 * DAY, '192.0.2.11'));
    expect(run([...few, seen(T0 + 40 * DAY, '203.0.113.7')])).toEqual([]); // 11 events only
    const quick = Array.from({ length: 80 }, (_, i) => seen(T0 + i * 60_000, '192.0.2.11'));
    expect(run([...quick, seen(T0 + DAY, '203.0.113.7')])).toEqual([]); // one day only
  });

  it('a new browser family with the new address raises the severity; a new version is no new browser', () => {
    const later = T0 + 25 * DAY;
    const [both] = run([...habits(), seen(later, '203.0.113.144', FIREFOX_WIN)]);
    expect(both!.severity).toBe('medium');
    expect(both!.summary).toContain('and a new browser (Firefox on Windows)');
    const upgraded = CHROME_WIN.replace('124.0.0.0', '125.0.0.0');
    expect(
      run([...habits(), seen(later, '192.0.2.11', upgraded)], { alertOnNewUserAgent: true }),
    ).toEqual([]);
    expect(run([...habits(), seen(later, '192.0.2.11', FIREFOX_WIN)])).toEqual([]);
    expect(
      run([...habits(), seen(later, '192.0.2.11', FIREFOX_WIN)], { alertOnNewUserAgent: true }),
    ).toHaveLength(1);
  });

  it('forgets the least recently used addresses beyond maxAddresses', () => {
    const later = T0 + 25 * DAY;
    const events = [
      ...habits(),
      seen(later, '203.0.113.1'),
      seen(later + DAY, '203.0.113.2'),
      seen(later + 2 * DAY, '192.0.2.11'),
      seen(later + 3 * DAY, '198.51.100.20'), // evicted with maxAddresses 3: new again
    ];
    expect(run(events).map((f) => f.details.address)).toEqual(['203.0.113.1', '203.0.113.2']);
    expect(run(events, { maxAddresses: 3 }).map((f) => f.details.address)).toEqual([
      '203.0.113.1',
      '203.0.113.2',
      '198.51.100.20',
    ]);
  });

  it('names client families without versions', () => {
    expect(userAgentFamily(CHROME_WIN)).toBe('Chrome on Windows');
    expect(userAgentFamily(FIREFOX_WIN)).toBe('Firefox on Windows');
    expect(
      userAgentFamily(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67',
      ),
    ).toBe('Edge on Windows');
    expect(
      userAgentFamily(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iOS');
    expect(userAgentFamily('python-requests/2.31.0')).toBe('python-requests');
    expect(userAgentFamily('stratus-red-team_fccf7123-0651-41f5-b06c-460da5ee1c94')).toBe(
      'stratus-red-team',
    );
  });
});
