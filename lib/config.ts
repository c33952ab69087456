/** Runtime settings read from the environment, with the documented defaults. */
function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

export function authConfig() {
  return {
    sessionMaxAgeSeconds: intFromEnv('SESSION_MAX_AGE_HOURS', 8, 1, 24 * 30) * 3600,
    lockoutThreshold: intFromEnv('LOCKOUT_THRESHOLD', 5, 1, 1000),
    lockoutWindowMinutes: intFromEnv('LOCKOUT_WINDOW_MINUTES', 15, 1, 24 * 60),
    lockoutMinutes: intFromEnv('LOCKOUT_MINUTES', 15, 1, 24 * 60),
    ipThrottleThreshold: intFromEnv('IP_THROTTLE_THRESHOLD', 20, 1, 100000),
  };
}
