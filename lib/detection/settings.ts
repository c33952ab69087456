/**
 * The organisation-wide detection settings used until someone edits them on the rules page
 * (validated there, see rules.ts).
 */
import type { DetectionSettings } from './types';

/**
 * Defaults for an organisation that has configured nothing: Monday–Friday 08:00–18:00 (read in
 * each person's own zone when events report it, else UTC), no holidays, the usual sensitive
 * personal and pay fields, no administrators (so every grant is treated as a non-admin's until
 * someone lists them).
 */
export const DEFAULT_SETTINGS: DetectionSettings = {
  defaultSchedule: { timeZone: 'UTC', days: [1, 2, 3, 4, 5], startHour: 8, endHour: 18 },
  schedules: {},
  holidays: [],
  sensitiveFields: [
    'salary',
    'bank_account',
    'iban',
    'national_id',
    'ssn',
    'tax_id',
    'date_of_birth',
    'offer_amount',
  ],
  adminActors: [],
};
