import { RULE_NAMES, type RuleId, type Severity } from '@/lib/detection/types';

/** Alerts raised by the dashboard's own machinery rather than a detection rule (lib/integrity). */
const SYSTEM_RULE_NAMES: Record<string, string> = {
  integrity_failure: 'Integrity verification failed',
};

export const ruleLabel = (rule: string) =>
  RULE_NAMES[rule as RuleId] ?? SYSTEM_RULE_NAMES[rule] ?? rule;

export const SEVERITY_LABELS: Record<Severity, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

export const STATUS_LABELS = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
} as const;

/** How long ago, compactly ("45m", "5h", "3d"), from the server's clock passed down as `now`. */
export function formatAge(iso: string, now: string): string {
  const minutes = Math.max(0, Math.floor((Date.parse(now) - Date.parse(iso)) / 60_000));
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)}h`;
  return `${Math.floor(minutes / 1440)}d`;
}
