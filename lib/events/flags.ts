import { isIP } from 'node:net';

/**
 * Values that are kept exactly as given but are not valid as they stand get a flag, so they are
 * visible and searchable instead of silently dropped or "fixed" (e.g. `225.01.00.16`: leading
 * zeros make it no valid IPv4 address).
 */
export function ipFlags(ip: string | null): string[] {
  if (ip === null || ip === '' || isIP(ip) !== 0) return [];
  if (/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(ip)) return [`ip_is_hostname:${ip}`];
  return [`invalid_ip:${ip}`];
}
