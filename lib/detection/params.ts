/**
 * Parameter parsing shared by the detectors: each detector describes its parameters as a zod
 * shape with defaults; `paramsParser` turns that into the contract's `parseParams`, which fills
 * in defaults for missing fields, accepts numbers typed as text (form fields), rejects unknown
 * fields, and reports one plain message per bad field.
 */
import { z } from 'zod';

/** A number, or a string holding one (what a form field sends). */
const numeric = (schema: z.ZodNumber) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v),
    schema,
  );

/** A whole number in [min, max]. */
export function wholeNumber(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return numeric(
    z
      .number({ error: message })
      .int({ error: message })
      .min(min, { error: message })
      .max(max, { error: message }),
  );
}

/** A number (fractions allowed) in [min, max]. */
export function decimal(min: number, max: number) {
  const message = `must be a number from ${min} to ${max}`;
  return numeric(
    z.number({ error: message }).min(min, { error: message }).max(max, { error: message }),
  );
}

export function flag() {
  return z.boolean({ error: 'must be true or false' });
}

/** A list of short non-empty strings (ids, names). */
export function stringList(maxItems = 500) {
  return z
    .array(z.string().trim().min(1).max(200), {
      error: `must be a list of at most ${maxItems} non-empty names`,
    })
    .max(maxItems, { error: `must be a list of at most ${maxItems} non-empty names` });
}

export type ParseResult<P> =
  { ok: true; params: P } | { ok: false; errors: Record<string, string> };

/**
 * The contract's parseParams for a shape: `input` may be undefined/null (all defaults) or an
 * object with some of the fields. The result always has every field.
 */
export function paramsParser<P extends Record<string, unknown>>(
  shape: { [K in keyof P]: z.ZodType<P[K], unknown> },
  defaults: P,
): (input: unknown) => ParseResult<P> {
  const keys = Object.keys(shape) as (keyof P & string)[];
  const schema = z.strictObject(
    Object.fromEntries(keys.map((k) => [k, shape[k].optional()])) as Record<
      string,
      z.ZodType<unknown, unknown>
    >,
  );
  return (input) => {
    const raw = input === undefined || input === null ? {} : input;
    if (typeof raw !== 'object' || Array.isArray(raw))
      return { ok: false, errors: { params: 'must be an object of parameters' } };
    const result = schema.safeParse(raw);
    if (!result.success) {
      const errors: Record<string, string> = {};
      for (const issue of result.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) errors[key] ??= 'is not a parameter of this rule';
          continue;
        }
        const key = issue.path.length > 0 ? String(issue.path[0]) : 'params';
        errors[key] ??= issue.message;
      }
      return { ok: false, errors };
    }
    const parsed = result.data as Partial<P>;
    const params = { ...defaults };
    for (const k of keys) if (parsed[k] !== undefined) params[k] = parsed[k] as P[typeof k];
    return { ok: true, params };
  };
}
