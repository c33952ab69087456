/**
 * Per-source token buckets (events per second, bursts up to two seconds' worth), kept in the
 * server process. With several app instances each enforces its own share; documented.
 */
const buckets = new Map<string, { tokens: number; updated: number }>();

/** Takes `cost` tokens; returns 0 when allowed, else the seconds to wait before retrying. */
export function takeTokens(
  key: string,
  ratePerSecond: number,
  cost: number,
  now = Date.now(),
): number {
  const capacity = ratePerSecond * 2;
  const bucket = buckets.get(key) ?? { tokens: capacity, updated: now };
  bucket.tokens = Math.min(
    capacity,
    bucket.tokens + ((now - bucket.updated) / 1000) * ratePerSecond,
  );
  bucket.updated = now;
  buckets.set(key, bucket);
  if (cost > capacity) return Math.ceil(cost / ratePerSecond);
  if (bucket.tokens >= cost) {
    bucket.tokens -= cost;
    return 0;
  }
  return Math.max(1, Math.ceil((cost - bucket.tokens) / ratePerSecond));
}
