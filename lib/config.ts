import path from 'node:path';
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

/** Where `npm start` keeps its embedded PostgreSQL, secrets and signing key. */
export const dataDir = () => path.resolve(process.env.WHOCHANGED_DATA_DIR ?? '.data');

/** Signed checkpoints and verification (lib/integrity). */
export function integrityConfig() {
  return {
    /** A checkpoint every this many seconds, also when nothing happened. */
    checkpointIntervalSeconds: intFromEnv('CHECKPOINT_INTERVAL_SECONDS', 300, 5, 24 * 3600),
    /** The write-once copies (in production: a bucket with S3 Object Lock, see the README). */
    checkpointDir: path.resolve(process.env.CHECKPOINT_DIR || path.join(dataDir(), 'checkpoints')),
    /** The Ed25519 private key as PEM text (from a secret store), else read from keyFile. */
    privateKeyPem: process.env.CHECKPOINT_PRIVATE_KEY || null,
    /** Generated on first use with mode 0600 when missing. */
    keyFile: path.resolve(
      process.env.CHECKPOINT_KEY_FILE || path.join(dataDir(), 'checkpoint-signing-key.pem'),
    ),
    /** A full verification in the background every this many hours. */
    verifyIntervalHours: intFromEnv('VERIFY_INTERVAL_HOURS', 24, 1, 24 * 31),
  };
}
