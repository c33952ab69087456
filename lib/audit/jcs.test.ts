import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './jcs';

const wellFormed = fc.string({ unit: 'grapheme', maxLength: 12 });
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    wellFormed,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(wellFormed, tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('canonicalJson (RFC 8785)', () => {
  it('agrees with the reference implementation on any JSON value', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
    );
  });

  it('sorts keys by UTF-16 code units and formats numbers the ECMAScript way', () => {
    expect(
      canonicalJson({
        b: 1,
        a: [1e21, 1e-7, -0, 0.1],
        é: 'x',
        Z: null,
        '\u20ac': true,
        '\ud83d\ude00': 2,
      }),
    ).toBe('{"Z":null,"a":[1e+21,1e-7,0,0.1],"b":1,"é":"x","€":true,"😀":2}');
  });

  it('refuses what has no canonical form', () => {
    expect(() => canonicalJson('x\uD800')).toThrow(/Lone surrogate/);
    expect(() => canonicalJson({ ['\uDC00']: 1 })).toThrow(/Lone surrogate/);
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow();
    expect(() => canonicalJson(() => 1)).toThrow();
  });
});
