import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTION_PATTERN, validateEvent } from '@/lib/events/schema';
import {
  cloudTrailAction,
  cloudTrailToEvent,
  MAX_METADATA_VALUE_BYTES,
  REDACTED,
  snakeCase,
} from './cloudtrail';
import { parseText, readRecords } from './index';
import { badRecords, chunked, collect, okRecords, tempDir } from './test-helpers';
import type { ParsedRecord } from './types';

const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures/cloudtrail-stratus');
const fixtureFiles = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .sort();
const tmp = tempDir('cloudtrail');
afterAll(() => tmp.cleanup());

type Ok = Extract<ParsedRecord, { ok: true }>;
const all = new Map<string, ParsedRecord[]>();
async function fixture(name: string): Promise<ParsedRecord[]> {
  let records = all.get(name);
  if (!records) {
    records = await collect(readRecords(path.join(FIXTURES, name), 'cloudtrail'));
    all.set(name, records);
  }
  return records;
}
async function allEvents(): Promise<Ok[]> {
  const out: Ok[] = [];
  for (const f of fixtureFiles) out.push(...okRecords(await fixture(f)));
  return out;
}
const withoutLine = (records: ParsedRecord[]) => records.map(({ line: _line, ...rest }) => rest);
const text = (s: string) => chunked(s);
const cloudtrail = (doc: string) => collect(parseText(text(doc), 'cloudtrail'));

/** A minimal, valid CloudTrail record; fields can be overridden. */
function record(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventID: 'e-1',
    eventTime: '2024-08-01T13:33:28Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'AttachUserPolicy',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2',
    readOnly: false,
    requestID: 'req-1',
    recipientAccountId: '123456789012',
    requestParameters: {
      userName: 'alice',
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    },
    responseElements: null,
    userIdentity: {
      type: 'IAMUser',
      arn: 'arn:aws:iam::123456789012:user/bob',
      principalId: 'AIDAX',
      userName: 'bob',
    },
    ...overrides,
  };
}
async function mapOne(overrides: Record<string, unknown> = {}): Promise<Ok> {
  const [r] = await cloudtrail(JSON.stringify({ Records: [record(overrides)] }));
  expect(r?.ok).toBe(true);
  return r as Ok;
}

describe('CloudTrail fixtures (Stratus Red Team detonation logs)', () => {
  it('reads all 310 records with no ok:false', async () => {
    let total = 0;
    for (const f of fixtureFiles) {
      const records = await fixture(f);
      expect(badRecords(records), f).toEqual([]);
      total += records.length;
    }
    expect(fixtureFiles.length).toBe(35);
    expect(total).toBe(310);
  });

  it('produces events that all pass validateEvent', async () => {
    const events = await allEvents();
    expect(events).toHaveLength(310);
    const problems = events.flatMap((r, i) => {
      const v = validateEvent(r.event, i);
      return v.ok ? [] : [{ id: r.event.id, problems: v.problems }];
    });
    expect(problems).toEqual([]);
    for (const r of events) expect(r.event.action).toMatch(ACTION_PATTERN);
  });

  it('reports the line on which each record starts', async () => {
    const name = 'aws.persistence.iam-create-admin-user.json';
    const lines = readFileSync(path.join(FIXTURES, name), 'utf8').split('\n');
    const records = await fixture(name);
    expect(records.length).toBeGreaterThan(1);
    let previous = 0;
    for (const r of records) {
      expect(lines[r.line - 1]?.trim()).toBe('{');
      expect(r.line).toBeGreaterThan(previous);
      previous = r.line;
    }
    expect(records[0]!.line).toBe(2);
  });

  it('keeps invalid source IPs verbatim and flags them', async () => {
    const events = await allEvents();
    const login = events.find((r) => r.event.actor.ip === '225.01.00.16');
    expect(login).toBeDefined();
    expect(login!.flags).toContain('invalid_ip:225.01.00.16');
    const leadingZeros = events.filter((r) => /(^|\.)0\d/.test(r.event.actor.ip ?? ''));
    expect(leadingZeros.length).toBeGreaterThan(10);
    for (const r of leadingZeros) expect(r.flags).toContain(`invalid_ip:${r.event.actor.ip}`);
    const valid = events.filter((r) => r.event.actor.ip === '18.236.253.47');
    expect(valid.length).toBeGreaterThan(0);
    for (const r of valid) expect(r.flags.some((f) => f.startsWith('invalid_ip:'))).toBe(false);
  });

  it('keeps anonymised regions and flags them', async () => {
    const events = await allEvents();
    for (const r of events) {
      const region = (r.event.metadata as { awsRegion: string }).awsRegion;
      expect(r.flags).toContain(`unusual_region:${region}`);
    }
  });

  it('maps console-login-without-mfa to signin.console_login', async () => {
    const [r] = await fixture('aws.initial-access.console-login-without-mfa.json');
    expect(r?.ok).toBe(true);
    const { event, flags } = r as Ok;
    expect(event).toMatchObject({
      id: '865d9377-9c6b-4fd7-8aad-725e95f6a140',
      occurred_at: '2024-08-02T08:53:24Z',
      action: 'signin.console_login',
      outcome: 'success',
      actor: {
        id: 'arn:aws:iam::562283505220:user/stratus-red-team-nmfalu-jfzdtsvchl',
        name: 'stratus-red-team-nmfalu-jfzdtsvchl',
        email: null,
        type: 'user',
        ip: '225.01.00.16',
        user_agent: 'stratus-red-team_fccf7123-0651-41f5-b06c-460da5ee1c94',
        time_zone: null,
      },
      target: { type: 'aws_account', id: '562283505220', label: null },
      changes: [],
      request_id: null,
      session_id: null,
      reason: null,
    });
    expect(event.metadata).toMatchObject({
      awsRegion: 'eu-west-2r',
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      eventType: 'AwsConsoleSignIn',
      additionalEventData: { MFAUsed: 'No' },
      responseElements: { ConsoleLogin: 'Success' },
      userIdentity: { type: 'IAMUser', principalId: 'AIDA1ERT0661IN5R239V' },
    });
    expect(flags).toEqual(['invalid_ip:225.01.00.16', 'unusual_region:eu-west-2r']);
  });

  it('marks errorCode events as failures with the error as reason', async () => {
    const raw = fixtureFiles.flatMap(
      (f) => JSON.parse(readFileSync(path.join(FIXTURES, f), 'utf8')) as Record<string, unknown>[],
    );
    const withError = new Set(raw.filter((r) => r.errorCode).map((r) => r.eventID));
    expect(withError.size).toBe(52);
    const events = await allEvents();
    for (const r of events) {
      if (withError.has(r.event.id)) {
        expect(r.event.outcome).toBe('failure');
        const source = raw.find((x) => x.eventID === r.event.id)!;
        expect(r.event.reason).toBe(
          `${source.errorCode as string}: ${source.errorMessage as string}`,
        );
      } else {
        expect(r.event.outcome).toBe('success');
        expect(r.event.reason).toBeNull();
      }
    }
  });

  it('maps iam AttachUserPolicy to the user with the policy as the change', async () => {
    const records = okRecords(await fixture('aws.persistence.iam-create-admin-user.json'));
    const attach = records.find((r) => r.event.action === 'iam.attach_user_policy');
    expect(attach?.event.target).toEqual({
      type: 'iam_user',
      id: 'malicious-iam-user',
      label: 'malicious-iam-user',
    });
    expect(attach?.event.changes).toEqual([
      { field: 'policyArn', old: null, new: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      { field: 'userName', old: null, new: 'malicious-iam-user' },
    ]);
    expect(attach?.event.metadata).not.toHaveProperty('requestParameters');
  });

  it('gives read-only events no changes and keeps their parameters in metadata', async () => {
    const records = okRecords(
      await fixture('aws.credential-access.ssm-retrieve-securestring-parameters.json'),
    );
    const get = records.find((r) => r.event.action === 'ssm.get_parameters');
    expect(get?.event.changes).toEqual([]);
    expect(get?.event.target).toMatchObject({
      type: 'ssm_parameter',
      id: expect.stringMatching(/^arn:aws:ssm:/),
    });
    expect(get?.event.metadata).toMatchObject({
      requestParameters: { withDecryption: true },
      readOnly: true,
    });
    expect((get?.event.metadata as { resources: unknown[] }).resources.length).toBeGreaterThan(1);
  });

  it('derives a sensible target for every fixture record', async () => {
    const events = await allEvents();
    const byAction = new Map(events.map((r) => [r.event.action, r.event.target]));
    expect(byAction.get('sts.assume_role')).toMatchObject({
      type: 'iam_role',
      id: expect.stringMatching(/^arn:aws:iam::\d+:role\//),
    });
    expect(byAction.get('ec2.get_password_data')).toMatchObject({
      type: 'ec2_instance',
      id: expect.stringMatching(/^i-/),
    });
    expect(byAction.get('lambda.update_function_code20150331v2')).toMatchObject({
      type: 'lambda_function',
    });
    expect(byAction.get('cloudtrail.stop_logging')).toMatchObject({ type: 'cloudtrail_trail' });
    expect(byAction.get('secretsmanager.get_secret_value')).toMatchObject({ type: 'secret' });
    // Denied: no instance was created, so the target is the account.
    expect(byAction.get('ec2.run_instances')).toMatchObject({
      type: 'aws_account',
      id: expect.stringMatching(/^\d{12}$/),
    });
    expect(byAction.get('ec2_instance_connect.send_ssh_public_key')).toMatchObject({
      type: 'ec2_instance',
    });
    for (const r of events) expect(r.event.target?.type, r.event.action).toBeTruthy();
  });

  it('redacts the session tokens that sts responses carry', async () => {
    const events = await allEvents();
    const assumed = events.filter(
      (r) => r.event.action === 'sts.assume_role' && r.event.outcome === 'success',
    );
    expect(assumed.length).toBeGreaterThan(0);
    for (const r of assumed) {
      const credentials = (
        r.event.metadata as { responseElements: { credentials: Record<string, unknown> } }
      ).responseElements.credentials;
      expect(credentials.sessionToken).toBe(REDACTED);
      expect(credentials.accessKeyId).toMatch(/^ASIA/); // an identifier, not a secret: kept
      expect(r.flags).toContain('redacted:responseElements.credentials.sessionToken');
    }
    const everything = JSON.stringify(events.map((r) => r.event));
    expect(everything).not.toContain('IQoJb3JpZ2luX2Vj'); // the prefix of every STS session token
    expect(everything).toContain('Value hidden due to security reasons.'); // already hidden by AWS: left alone
  });

  it('gives the same events for a gzipped copy, a {"Records": [...]} copy and both', async () => {
    for (const name of [
      'aws.persistence.iam-create-admin-user.json',
      'aws.execution.ssm-start-session.json',
    ]) {
      const original = await fixture(name);
      const source = readFileSync(path.join(FIXTURES, name), 'utf8');
      const wrapped = JSON.stringify({ Records: JSON.parse(source) });
      writeFileSync(tmp.file(`${name}.gz`), gzipSync(source));
      writeFileSync(tmp.file(`${name}.records.json`), wrapped);
      writeFileSync(tmp.file(`${name}.records.json.gz`), gzipSync(wrapped));
      writeFileSync(tmp.file(`${name}.no-extension`), gzipSync(wrapped)); // sniffed by magic bytes
      const gz = await collect(readRecords(tmp.file(`${name}.gz`), 'cloudtrail'));
      expect(gz).toEqual(original); // same text: same lines too
      for (const copy of [
        `${name}.records.json`,
        `${name}.records.json.gz`,
        `${name}.no-extension`,
      ]) {
        const records = await collect(readRecords(tmp.file(copy), 'cloudtrail'));
        expect(withoutLine(records)).toEqual(withoutLine(original));
        expect(records.every((r) => r.line === 1)).toBe(true); // one-line document
      }
    }
  });

  it('does not depend on where chunks end', async () => {
    for (const name of [
      'aws.initial-access.console-login-without-mfa.json',
      'aws.persistence.sts-federation-token.json',
    ]) {
      const source = readFileSync(path.join(FIXTURES, name), 'utf8');
      const whole = await fixture(name);
      for (const sizes of [[1], [2, 3, 5, 7], [4096]]) {
        expect(await collect(parseText(chunked(source, sizes), 'cloudtrail'))).toEqual(whole);
      }
    }
  });
});

describe('CloudTrail mapping', () => {
  it('builds actions from eventSource and eventName', () => {
    expect(cloudTrailAction('iam.amazonaws.com', 'AttachUserPolicy')).toBe(
      'iam.attach_user_policy',
    );
    expect(cloudTrailAction('signin.amazonaws.com', 'ConsoleLogin')).toBe('signin.console_login');
    expect(cloudTrailAction('ec2-instance-connect.amazonaws.com', 'SendSSHPublicKey')).toBe(
      'ec2_instance_connect.send_ssh_public_key',
    );
    expect(cloudTrailAction('rds.amazonaws.com', 'DescribeDBInstances')).toBe(
      'rds.describe_db_instances',
    );
    expect(cloudTrailAction('health.aws.internal', 'DescribeEvents')).toBe(
      'health_aws_internal.describe_events',
    );
    expect(snakeCase('UpdateFunctionCode20150331v2')).toBe('update_function_code20150331v2');
    expect(snakeCase('GetCallerIdentity')).toBe('get_caller_identity');
  });

  it('flags a service name as source IP as ip_is_hostname and keeps it', async () => {
    const r = await mapOne({ sourceIPAddress: 'ssm.amazonaws.com' });
    expect(r.event.actor.ip).toBe('ssm.amazonaws.com');
    expect(r.flags).toEqual(['ip_is_hostname:ssm.amazonaws.com']);
    const internal = await mapOne({ sourceIPAddress: 'AWS Internal' });
    expect(internal.flags).toEqual(['invalid_ip:AWS Internal']);
    const v6 = await mapOne({ sourceIPAddress: '2001:db8::1' });
    expect(v6.flags).toEqual([]);
  });

  it('accepts real region names and flags the others', async () => {
    for (const region of [
      'us-east-1',
      'eu-central-2',
      'us-gov-west-1',
      'us-isob-east-1',
      'ap-southeast-4',
    ]) {
      expect((await mapOne({ awsRegion: region })).flags).toEqual([]);
    }
    expect((await mapOne({ awsRegion: 'mars-1' })).flags).toEqual(['unusual_region:mars-1']);
  });

  it('maps a service identity and a failed console login', async () => {
    const service = await mapOne({
      userIdentity: { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' },
    });
    expect(service.event.actor).toMatchObject({
      type: 'service',
      id: 'lambda.amazonaws.com',
      name: 'lambda.amazonaws.com',
    });
    const login = await mapOne({
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      requestParameters: null,
      responseElements: { ConsoleLogin: 'Failure' },
      errorMessage: 'Failed authentication',
      userIdentity: {
        type: 'IAMUser',
        principalId: 'AIDAX',
        accountId: '123456789012',
        accessKeyId: '',
        userName: 'HIDDEN_DUE_TO_SECURITY_REASONS',
      },
    });
    expect(login.event).toMatchObject({
      action: 'signin.console_login',
      outcome: 'failure',
      reason: 'Failed authentication',
    });
    expect(login.event.actor).toMatchObject({
      id: 'AIDAX',
      name: 'HIDDEN_DUE_TO_SECURITY_REASONS',
    });
  });

  it('names an assumed role by its issuer and a root user by the arn', async () => {
    const role = await mapOne({
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::1:assumed-role/admin/session',
        sessionContext: { sessionIssuer: { userName: 'admin' } },
      },
    });
    expect(role.event.actor).toMatchObject({
      type: 'user',
      id: 'arn:aws:sts::1:assumed-role/admin/session',
      name: 'admin',
    });
    const root = await mapOne({
      userIdentity: { type: 'Root', arn: 'arn:aws:iam::123456789012:root' },
    });
    expect(root.event.actor).toMatchObject({ type: 'user', name: 'root' });
  });

  it('takes the target of a successful RunInstances from the response', async () => {
    const r = await mapOne({
      eventSource: 'ec2.amazonaws.com',
      eventName: 'RunInstances',
      requestParameters: {
        instancesSet: { items: [{ imageId: 'ami-1', minCount: 1, maxCount: 2 }] },
      },
      responseElements: { instancesSet: { items: [{ instanceId: 'i-1' }, { instanceId: 'i-2' }] } },
    });
    expect(r.event.target).toEqual({ type: 'ec2_instance', id: 'i-1', label: 'i-1 (+1 more)' });
  });

  it('takes the target from resources[0] before the parameters', async () => {
    const r = await mapOne({
      resources: [{ ARN: 'arn:aws:iam::1:role/path/to/deployer', type: 'AWS::IAM::Role' }],
    });
    expect(r.event.target).toEqual({
      type: 'iam_role',
      id: 'arn:aws:iam::1:role/path/to/deployer',
      label: 'deployer',
    });
    const s3 = await mapOne({ resources: [{ ARN: 'arn:aws:s3:::my-bucket' }] });
    expect(s3.event.target).toEqual({
      type: 's3_bucket',
      id: 'arn:aws:s3:::my-bucket',
      label: 'my-bucket',
    });
  });

  it('caps changes at 50 and keeps the full request in metadata', async () => {
    const params = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`key${i}`, i]));
    const r = await mapOne({ requestParameters: params });
    expect(r.event.changes).toHaveLength(50);
    expect(r.flags).toContain('changes_truncated:60');
    expect((r.event.metadata as { requestParameters: unknown }).requestParameters).toEqual(params);
    expect(validateEvent(r.event, 0).ok).toBe(true);
  });

  it('replaces a metadata value over 32 KB by a marker', async () => {
    const big = { blob: 'x'.repeat(40_000) };
    const r = await mapOne({ responseElements: big, additionalEventData: { small: true } });
    const metadata = r.event.metadata as Record<string, unknown>;
    expect(metadata.responseElements).toEqual({
      truncated: true,
      bytes: JSON.stringify(big).length,
    });
    expect(metadata.additionalEventData).toEqual({ small: true });
    expect(r.flags).toContain('metadata_truncated:responseElements');
    expect(JSON.stringify(metadata).length).toBeLessThan(MAX_METADATA_VALUE_BYTES);
  });

  it('redacts secrets in requests and responses wherever they are', async () => {
    const r = await mapOne({
      eventName: 'UpdateLoginProfile',
      requestParameters: {
        userName: 'alice',
        password: 'hunter2',
        nested: [{ secretAccessKey: 'abc' }],
        passwordResetRequired: true,
      },
      responseElements: { credentials: { sessionToken: 'tok', accessKeyId: 'ASIA1' } },
    });
    const json = JSON.stringify(r.event);
    for (const secret of ['hunter2', '"abc"', '"tok"']) expect(json).not.toContain(secret);
    expect(r.event.changes).toContainEqual({ field: 'password', old: null, new: REDACTED });
    expect(r.event.changes).toContainEqual({
      field: 'passwordResetRequired',
      old: null,
      new: true,
    });
    expect(r.flags).toEqual(
      expect.arrayContaining([
        'redacted:requestParameters.password',
        'redacted:requestParameters.nested.0.secretAccessKey',
        'redacted:responseElements.credentials.sessionToken',
      ]),
    );
  });

  it('keeps a __proto__ key as data', async () => {
    const doc = `[${JSON.stringify(record()).slice(0, -1)},"additionalEventData":{"__proto__":{"isAdmin":true}}}]`;
    const [r] = okRecords(await cloudtrail(doc));
    const extra = (r!.event.metadata as Record<string, unknown>).additionalEventData as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(extra)).toBe(Object.prototype);
    expect(Object.hasOwn(extra, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('returns ok:false for a record without eventID, and one that is not an object', () => {
    expect(cloudTrailToEvent(record({ eventID: undefined }))).toEqual({
      ok: false,
      reason: 'missing eventID',
    });
    expect(cloudTrailToEvent(record({ eventSource: undefined }))).toEqual({
      ok: false,
      reason: 'missing eventSource',
    });
    expect(cloudTrailToEvent('x')).toEqual({ ok: false, reason: 'record is not a JSON object' });
  });
});

describe('CloudTrail documents', () => {
  it('reports bad records with their line and reads the neighbours', async () => {
    const good = (id: string) => JSON.stringify(record({ eventID: id }));
    const doc = [
      '{"Records": [',
      good('a') + ',',
      '{"eventID": "b", "x": [1,]}',
      ',',
      JSON.stringify(record({ eventID: undefined })) + ',',
      '42,',
      '"text",',
      good('c'),
      ']}',
    ].join('\n');
    const records = await cloudtrail(doc);
    expect(records.map((r) => [r.line, r.ok ? r.event.id : r.reason])).toEqual([
      [2, 'a'],
      [3, expect.stringMatching(/^invalid JSON: /)],
      [5, 'missing eventID'],
      [6, 'record is not a JSON object'],
      [7, 'record is not a JSON object'],
      [8, 'c'],
    ]);
    expect(badRecords(records)[0]!.raw).toBe('{"eventID": "b", "x": [1,]}');
  });

  it('handles strings with brackets, escaped quotes and other top-level keys', async () => {
    const tricky = record({ eventID: 'x', userAgent: 'a "quoted" ] } [ { \\ agent' });
    const doc = JSON.stringify(
      { Other: { Records: 'no', list: [1, { a: ']' }] }, Records: [tricky], After: '}' },
      null,
      2,
    );
    const [r] = await cloudtrail(doc);
    expect(r).toMatchObject({
      ok: true,
      event: { id: 'x', actor: { user_agent: 'a "quoted" ] } [ { \\ agent' } },
    });
  });

  it('refuses documents that are not CloudTrail', async () => {
    await expect(cloudtrail('{"foo": []}')).rejects.toThrow(/no "Records" array/);
    await expect(cloudtrail('{"Records": {}}')).rejects.toThrow(/"Records" is not an array/);
    await expect(cloudtrail('"Records"')).rejects.toThrow(/expected \{"Records"/);
    await expect(cloudtrail('')).rejects.toThrow(/empty/);
    await expect(cloudtrail('[]]')).rejects.toThrow(/after the end/);
    expect(await cloudtrail('{"Records": []}')).toEqual([]);
  });

  it('yields what it read from a cut-off file, then throws', async () => {
    const doc = JSON.stringify({ Records: [record({ eventID: 'a' }), record({ eventID: 'b' })] });
    const seen: ParsedRecord[] = [];
    await expect(
      (async () => {
        for await (const r of parseText(chunked(doc.slice(0, doc.length - 40)), 'cloudtrail'))
          seen.push(r);
      })(),
    ).rejects.toThrow(/incomplete/);
    expect(seen.map((r) => (r.ok ? r.event.id : r.reason))).toEqual([
      'a',
      'unexpected end of file inside this record',
    ]);
  });

  it('throws on a corrupt gzip file', async () => {
    const gz = gzipSync(JSON.stringify({ Records: [record()] }));
    writeFileSync(tmp.file('corrupt.json.gz'), gz.subarray(0, gz.length - 10));
    await expect(collect(readRecords(tmp.file('corrupt.json.gz'), 'cloudtrail'))).rejects.toThrow();
  });
});
