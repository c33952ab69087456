/**
 * The detectors over real attack simulations: CloudTrail logs recorded while Stratus Red Team
 * detonated one technique per file (/work/shared/fixtures/cloudtrail-stratus), imported by the
 * production importer (lib/import) and run through every rule from empty state, file by file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cloudTrailToEvent, readRecords } from '@/lib/import';
import { defaultRules, DEFAULT_SETTINGS, runDetectors } from './run';
import { fromEventInput, incidents } from './testing';
import type { DetectionEvent, Finding, RuleId } from './types';

const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures/cloudtrail-stratus');
const files = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .sort();

async function load(file: string, firstId: number): Promise<DetectionEvent[]> {
  const out: DetectionEvent[] = [];
  for await (const record of readRecords(path.join(FIXTURES, file), 'cloudtrail')) {
    if (record.ok) out.push(fromEventInput(record.event, 'aws', firstId + out.length));
  }
  // A detonation log is not in time order; the engine reads streams in order of occurrence.
  return out.sort((a, b) => a.occurredAt - b.occurredAt || a.id - b.id);
}

const run = (events: DetectionEvent[]) =>
  runDetectors(events, defaultRules(), DEFAULT_SETTINGS, new Map()).findings;

const byFile = new Map<string, { events: DetectionEvent[]; findings: Finding[] }>();

beforeAll(async () => {
  let id = 1;
  for (const file of files) {
    const events = await load(file, id);
    id += events.length;
    byFile.set(file, { events, findings: run(events) });
  }
});

/** Files whose findings include `rule`. */
const filesWith = (rule: RuleId) =>
  files.filter((f) => byFile.get(f)!.findings.some((x) => x.rule === rule));

/** The techniques that give an identity more access or a way in (AWS privilege escalation). */
const PRIVILEGE_FILES = [
  'aws.persistence.iam-backdoor-role.json', // UpdateAssumeRolePolicy: trust an outside account
  'aws.persistence.iam-backdoor-user.json', // CreateAccessKey for another user
  'aws.persistence.iam-create-admin-user.json', // AttachUserPolicy AdministratorAccess + CreateAccessKey
  'aws.persistence.iam-create-backdoor-role.json', // AttachRolePolicy AdministratorAccess
  'aws.persistence.iam-create-user-login-profile.json', // CreateLoginProfile: console password
  'aws.persistence.lambda-backdoor-function.json', // AddPermission for principal "*"
  'aws.privilege-escalation.iam-update-user-login-profile.json', // UpdateLoginProfile: reset a password
];

describe('detectors on the Stratus Red Team CloudTrail fixtures', () => {
  it('loads every fixture through the importer', () => {
    expect(files.length).toBe(35);
    const total = [...byFile.values()].reduce((n, f) => n + f.events.length, 0);
    expect(total).toBe(310);
    const table = files
      .map((f) => {
        const rules = [...new Set(byFile.get(f)!.findings.map((x) => x.rule))];
        return `${f}: ${rules.join(', ') || '-'}`;
      })
      .join('\n');
    console.log(`rules raised per fixture:\n${table}`);
  });

  it('raises a critical privilege_grant for each IAM escalation technique, and only for those', () => {
    expect(filesWith('privilege_grant')).toEqual(PRIVILEGE_FILES);
    for (const file of PRIVILEGE_FILES) {
      const grants = byFile.get(file)!.findings.filter((f) => f.rule === 'privilege_grant');
      // The acting IAM user is not a configured administrator.
      expect(
        grants.every((f) => f.severity === 'critical'),
        file,
      ).toBe(true);
      expect(grants[0]!.actorId).toMatch(/^arn:aws:iam::\d+:user\//);
    }
  });

  it('makes the admin-user technique one alert: the AdministratorAccess policy and the access key', () => {
    const { events, findings } = byFile.get('aws.persistence.iam-create-admin-user.json')!;
    const grants = incidents(findings.filter((f) => f.rule === 'privilege_grant'));
    expect(grants.size).toBe(1);
    const [alert] = [...grants.values()];
    const actions = [...alert!.eventIds]
      .map((id) => events.find((e) => e.id === id)!.action)
      .sort();
    expect(actions).toEqual(['iam.attach_user_policy', 'iam.create_access_key']);
    const last = alert!.findings.at(-1)!;
    expect(last.details).toMatchObject({ adminLevel: true });
    expect(last.summary).toContain(
      'christophe (not an administrator) gave malicious-iam-user admin-level access',
    );
  });

  it('finds no failed sign-ins in them, because they hold none: no brute force or spraying alerts', () => {
    // The only console sign-in (initial-access.console-login-without-mfa) succeeded; the 30 failed
    // ec2 GetPasswordData calls and the failed sts AssumeRole calls are not sign-ins.
    const consoleLogins = [...byFile.values()]
      .flatMap((f) => f.events)
      .filter((e) => e.action === 'signin.console_login');
    expect(consoleLogins.map((e) => e.outcome)).toEqual(['success']);
    expect(filesWith('failed_login_burst')).toEqual([]);
    expect(filesWith('password_spraying')).toEqual([]);
  });

  it('raises failed_login_burst and password_spraying for failed ConsoleLogin records in that same format', () => {
    // The fixture's ConsoleLogin record, failed, as CloudTrail writes a wrong password.
    const raw = JSON.parse(
      readFileSync(
        path.join(FIXTURES, 'aws.initial-access.console-login-without-mfa.json'),
        'utf8',
      ),
    )[0] as Record<string, unknown>;
    const failed = (i: number, userName: string, ip = '203.0.113.77') => {
      const identity = raw.userIdentity as Record<string, unknown>;
      const record = {
        ...raw,
        eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        eventTime: new Date(Date.parse(raw.eventTime as string) + i * 20_000).toISOString(),
        sourceIPAddress: ip,
        errorMessage: 'Failed authentication',
        responseElements: { ConsoleLogin: 'Failure' },
        userIdentity: { ...identity, userName, arn: `arn:aws:iam::562283505220:user/${userName}` },
      };
      const mapped = cloudTrailToEvent(record);
      if (!mapped.ok) throw new Error(mapped.reason);
      return fromEventInput(mapped.event, 'aws', 10_000 + i);
    };
    const bruteForce = Array.from({ length: 6 }, (_, i) => failed(i, 'alice'));
    expect(bruteForce[0]!.outcome).toBe('failure');
    const brute = run(bruteForce).filter((f) => f.rule === 'failed_login_burst');
    expect(brute).toHaveLength(1);
    expect(brute[0]!.actorId).toBe('arn:aws:iam::562283505220:user/alice');
    const spray = run(Array.from({ length: 11 }, (_, i) => failed(100 + i, `user-${i}`))).filter(
      (f) => f.rule === 'password_spraying',
    );
    expect(spray).toHaveLength(1);
    expect(spray[0]!.targetId).toBe('203.0.113.77');
  });
});
