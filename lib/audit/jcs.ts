/**
 * RFC 8785 JSON Canonicalization Scheme for JSON values (as produced by JSON.parse): object
 * keys sorted by UTF-16 code units, no whitespace, numbers in ECMAScript's shortest form,
 * strings escaped as JSON.stringify does. A hot path of ingest, so it is written for speed;
 * lib/audit/jcs.test.ts checks it against the reference implementation (`canonicalize`).
 * Rejects what has no canonical form: lone surrogates, NaN and infinities, non-JSON values.
 */
const ANY_SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** JCS of a string. */
export function canonicalString(value: string): string {
  // The cheap test first: most strings hold no surrogate at all.
  if (ANY_SURROGATE.test(value) && LONE_SURROGATE.test(value))
    throw new Error('Lone surrogate is not allowed');
  return JSON.stringify(value);
}

export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return canonicalString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`${value} is not allowed in JSON`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++)
          out += (i ? ',' : '') + canonicalJson(value[i] === undefined ? null : value[i]);
        return out + ']';
      }
      if (value instanceof Date) return canonicalString(value.toISOString());
      const keys = Object.keys(value).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined) continue;
        out += (first ? '' : ',') + canonicalString(key) + ':' + canonicalJson(item);
        first = false;
      }
      return out + '}';
    }
    default:
      throw new Error(`a ${typeof value} is not a JSON value`);
  }
}
