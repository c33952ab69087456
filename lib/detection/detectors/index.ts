/**
 * The registry of detectors: one per rule, in the order of RULE_IDS (the rules page lists them
 * in this order too).
 */
import type { AnyDetector, RuleId } from '../types';
import { burst } from './burst';
import { dormantAccount } from './dormant-account';
import { failedLoginBurst } from './failed-login-burst';
import { massDelete } from './mass-delete';
import { massExport } from './mass-export';
import { newAddress } from './new-address';
import { offHoursChange } from './off-hours-change';
import { passwordSpraying } from './password-spraying';
import { privilegeGrant } from './privilege-grant';
import { selfChange } from './self-change';
import { sensitiveField } from './sensitive-field';
import { volumeAnomaly } from './volume-anomaly';

export const DETECTORS: Record<RuleId, AnyDetector> = {
  off_hours_change: offHoursChange,
  burst,
  mass_delete: massDelete,
  mass_export: massExport,
  failed_login_burst: failedLoginBurst,
  password_spraying: passwordSpraying,
  privilege_grant: privilegeGrant,
  sensitive_field: sensitiveField,
  self_change: selfChange,
  new_address: newAddress,
  dormant_account: dormantAccount,
  volume_anomaly: volumeAnomaly,
};
