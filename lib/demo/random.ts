/**
 * Small, fast, seeded randomness for the demo generator. Everything the generator produces is a
 * pure function of its options, so the same (seed, events, days, end) gives byte-identical output.
 */

/** A 32-bit integer hash of any number of integers (murmur3-style finaliser per step). */
export function hash32(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    let k = Math.imul(value | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    // Numbers beyond 32 bits (e.g. day numbers times something) still contribute their high part.
    const high = Math.floor(value / 4294967296) | 0;
    if (high !== 0) h = Math.imul(h ^ high, 0x85ebca6b);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) that depends only on its inputs. */
export function hashUnit(...values: number[]): number {
  return hash32(...values) / 4294967296;
}

/** Turns a label into a number, so streams can be named (`stream(seed, 'skeleton', day)`). */
export function labelNumber(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** sfc32: a small fast counter generator with a 128-bit state; passes PractRand to 2^40+ bytes. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(...seed: number[]) {
    this.a = hash32(1, ...seed);
    this.b = hash32(2, ...seed);
    this.c = hash32(3, ...seed);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [min, max]. */
  range(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Approximately normal (Irwin–Hall of 4), mean 0, standard deviation 1. */
  normal(): number {
    return (this.next() + this.next() + this.next() + this.next() - 2) * 1.7320508;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.nextUint32().toString(16).padStart(8, '0');
    return out.slice(0, length);
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}

/** Index into a cumulative weight array (ascending, last element = total) for a value in [0, total). */
export function searchCumulative(
  cumulative: Float64Array | readonly number[],
  value: number,
  length = cumulative.length,
): number {
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] as number) > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Splits `total` into integers proportional to `weights` (largest remainder; ties by index), so
 * the parts always sum to exactly `total`. All-zero weights put everything in the first part.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const parts: number[] = [];
  const remainders: { i: number; r: number }[] = [];
  let assigned = 0;
  weights.forEach((w, i) => {
    const exact = (total * w) / sum;
    const whole = Math.floor(exact);
    parts.push(whole);
    assigned += whole;
    remainders.push({ i, r: exact - whole });
  });
  remainders.sort((x, y) => y.r - x.r || x.i - y.i);
  for (let k = 0; k < total - assigned; k++) {
    const slot = remainders[k % remainders.length] as { i: number };
    parts[slot.i] = (parts[slot.i] as number) + 1;
  }
  return parts;
}
