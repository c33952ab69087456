import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDemo } from '@/lib/demo';
import { MAX_EVENT_BYTES, validAsItStands, validateEvent, validateWithSchema } from './schema';

// JSON values with the awkward corners: NUL, lone surrogates, deep nesting, odd keys.
const awkwardString = fc.oneof(
  { weight: 20, arbitrary: fc.string({ maxLength: 12 }) },
  fc.constantFrom('', '\u0000', '\uD800', 'a\uDC00', '😀', '\u202E', '__proto__', 'x'.repeat(201)),
);
const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    awkwardString,
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(awkwardString, tie('json'), { maxKeys: 4 }),
  ),
}));
// Each member is valid most of the time and awkward now and then, so that both paths get work.
const mostly = <T>(valid: fc.Arbitrary<T>, ...awkward: fc.Arbitrary<unknown>[]) =>
  fc.oneof({ weight: 40, arbitrary: valid as fc.Arbitrary<unknown> }, ...awkward);
const text = (max: number) =>
  mostly(
    fc.string({ maxLength: 20 }),
    fc.string({ minLength: max - 1, maxLength: max + 1 }),
    awkwardString,
    fc.integer(),
  );
const nullableText = (max: number) =>
  mostly(fc.option(fc.string({ maxLength: 20 }), { nil: null }), text(max), fc.constant(undefined));
const sometimes = (arb: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 30, arbitrary: fc.constant(undefined) }, arb);

export const eventArb = fc
  .record(
    {
      id: mostly(fc.string({ minLength: 1, maxLength: 20 }), text(200), fc.constant('')),
      occurred_at: mostly(
        fc
          .date({ min: new Date('2000-01-01'), max: new Date() })
          .map((d) => (Number.isNaN(d.getTime()) ? '2026-11-01T10:00:00Z' : d.toISOString())),
        fc
          .date({ min: new Date('1999-06-01'), max: new Date(Date.now() + 3 * 86400_000) })
          .map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
        fc.constantFrom(
          '2026-02-30T10:00:00Z',
          '2026-01-01T00:00:00',
          '2026-11-01 10:00:00+05:30',
          5,
        ),
      ),
      action: mostly(
        fc.constantFrom('candidate.update', 'user.login_failed'),
        fc.constantFrom('User.Login', 'x'),
        text(100),
      ),
      outcome: mostly(
        fc.constantFrom('success', 'failure', undefined),
        fc.constantFrom('ok', null),
      ),
      actor: mostly(
        fc.record(
          {
            id: nullableText(200),
            name: nullableText(200),
            email: nullableText(320),
            type: mostly(
              fc.constantFrom('user', 'service', undefined),
              fc.constantFrom('robot', null),
            ),
            ip: nullableText(100),
            user_agent: nullableText(1024),
            time_zone: mostly(
              fc.constantFrom('Europe/Berlin', 'UTC', null),
              fc.constantFrom('Mars/Olympus', 7),
            ),
            extra: sometimes(fc.string()),
          },
          { requiredKeys: [] },
        ),
        fc.constantFrom(null, [], 'someone', undefined),
      ),
      target: mostly(
        fc.option(
          fc.record(
            {
              type: nullableText(100),
              id: nullableText(200),
              label: nullableText(500),
              x: sometimes(fc.string()),
            },
            { requiredKeys: [] },
          ),
          { nil: null },
        ),
        fc.constantFrom(undefined, 'record-1', []),
      ),
      changes: mostly(
        fc.array(
          fc.record(
            {
              field: text(200),
              old: mostly(json, fc.constant(undefined)),
              new: json,
              note: sometimes(fc.string()),
            },
            { requiredKeys: ['field', 'new'] },
          ),
          { maxLength: 4 },
        ),
        fc.constantFrom(null, {}, undefined),
      ),
      request_id: nullableText(200),
      session_id: nullableText(200),
      reason: nullableText(2000),
      metadata: mostly(fc.dictionary(awkwardString, json, { maxKeys: 5 }), json),
      unknown_field: sometimes(fc.string()),
    },
    { requiredKeys: ['id', 'occurred_at', 'action', 'actor', 'unknown_field'] },
  )
  // fc.record writes an absent optional key as missing or as undefined; both must be covered.
  .map(
    (raw) =>
      JSON.parse(
        JSON.stringify(raw, (_k, v: unknown) => (v === undefined ? undefined : v)),
      ) as unknown,
  );

describe('validateEvent: the fast path agrees with the schema', () => {
  it('accepts only what the schema accepts, and returns what the schema returns', () => {
    let fast = 0;
    fc.assert(
      fc.property(eventArb, (raw) => {
        const quick = validAsItStands(raw);
        const schema = validateWithSchema(raw, 0);
        if (quick) {
          fast++;
          expect(schema.ok).toBe(true);
          if (schema.ok) expect(quick).toStrictEqual(schema.event);
        }
        // Whichever path answers, the public result is the schema's.
        expect(validateEvent(raw, 0)).toStrictEqual(schema);
      }),
      { numRuns: 3000 },
    );
    // The generator must exercise the fast path, not only the refusals.
    expect(fast).toBeGreaterThan(100);
  });

  it('takes the fast path for every demo event, and keeps what the schema keeps', () => {
    for (const { event: raw } of createDemo({ events: 3000, days: 30, seed: 7 }).events()) {
      const parsed = JSON.parse(JSON.stringify(raw)) as unknown;
      const quick = validAsItStands(parsed);
      expect(quick).not.toBeNull();
      expect(quick).toStrictEqual((validateWithSchema(parsed, 0) as { event: unknown }).event);
    }
  });

  it('leaves an event near the size limit to the exact measurement', () => {
    const base = { id: 'big', occurred_at: '2026-11-01T10:00:00Z', action: 'x.y', actor: {} };
    const under = { ...base, metadata: { blob: 'a'.repeat(MAX_EVENT_BYTES - 200) } };
    const over = { ...base, metadata: { blob: 'a'.repeat(MAX_EVENT_BYTES) } };
    expect(validAsItStands(under)).toBeNull();
    expect(validateEvent(under, 0).ok).toBe(true);
    expect(validateEvent(over, 0)).toMatchObject({ ok: false, problems: [{ field: '(event)' }] });
  });

  it('keeps an own __proto__ key in metadata (a copy would drop it)', () => {
    const raw = JSON.parse(
      '{"id":"p","occurred_at":"2026-11-01T10:00:00Z","action":"x.y","actor":{},"metadata":{"__proto__":{"isAdmin":true}}}',
    ) as unknown;
    const result = validateEvent(raw, 0);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.hasOwn(result.event.metadata, '__proto__')).toBe(true);
    expect(JSON.stringify(result.event.metadata)).toBe('{"__proto__":{"isAdmin":true}}');
    expect(({} as { isAdmin?: boolean }).isAdmin).toBeUndefined();
  });
});
