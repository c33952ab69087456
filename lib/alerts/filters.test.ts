import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, filtersToParams, parseAlertFilters } from './filters';

describe('alert queue filters in the URL', () => {
  it('reads every filter and writes back only what differs from the defaults', () => {
    const parsed = parseAlertFilters(
      new URLSearchParams(
        'status=all&severity=high&rule=mass_delete&assignee=me&actor=u-7&age=7d&snoozed=show&raisedAfter=2026-11-01&raisedBefore=2026-11-08T12:00:00%2B01:00',
      ),
    );
    expect(parsed).toEqual({
      ok: true,
      filters: {
        status: 'all',
        severity: 'high',
        rule: 'mass_delete',
        assignee: 'me',
        actor: 'u-7',
        age: '7d',
        snoozed: 'show',
        raisedAfter: '2026-11-01T00:00:00.000Z',
        raisedBefore: '2026-11-08T11:00:00.000Z',
      },
    });
    if (!parsed.ok) return;
    expect(parseAlertFilters(filtersToParams(parsed.filters))).toEqual(parsed);
    expect(filtersToParams(DEFAULT_FILTERS).toString()).toBe('');
  });

  it('names the parameter that is wrong instead of ignoring it', () => {
    expect(parseAlertFilters({ severity: 'urgent' })).toEqual({
      ok: false,
      error: 'Unknown severity "urgent": use one of low, medium, high, critical.',
    });
    expect(parseAlertFilters({ raisedAfter: 'yesterday' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^raisedAfter "yesterday" is not a date/),
    });
    expect(parseAlertFilters({ raisedAfter: '2026-13-45' })).toMatchObject({ ok: false });
    expect(parseAlertFilters({ raisedAfter: '2026-11-08', raisedBefore: '2026-11-01' })).toEqual({
      ok: false,
      error: 'raisedAfter must be before raisedBefore.',
    });
    expect(parseAlertFilters({ assignee: "x' or 1=1" })).toMatchObject({ ok: false });
  });
});
