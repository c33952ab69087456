/** A fingerprint in groups of four hex digits, as people read it aloud to compare. */
export function groupHex(hex: string): string {
  return hex.match(/.{1,4}/g)?.join(' ') ?? hex;
}

/** "42 s", "5 min", "3 h", "2 days": how long ago, coarse enough to read at a glance. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 120) return `${min} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} days`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** The file name a downloaded key gets (a colon is not allowed in file names everywhere). */
export const publicKeyFilename = (keyId: string) =>
  `whochanged-public-key-${keyId.replace(/[^a-z0-9]+/gi, '-')}.pem`;

export const TRIGGER_LABELS: Record<string, string> = {
  daily: 'scheduled (daily)',
  on_demand: 'on demand',
  cli: 'command line (npm run verify)',
};

/** The command the auditor runs, as VERIFY.md in every bundle gives it. */
export const VERIFY_COMMAND =
  'node verify-bundle.mjs bundle.zip --public-key whochanged-public-key.pem';
