import { ipFlags } from '@/lib/events/flags';
import type { EventInput } from '@/lib/events/schema';
import { cutRaw, MAX_RECORD_CHARS, type ParsedRecord } from './types';

/**
 * CloudTrail import. A file is `{"Records": [...]}` (what CloudTrail writes to S3, usually
 * gzipped) or a bare JSON array of records. The document is scanned as a stream: only the
 * record being read is held in memory, and each record is parsed on its own, so a broken record
 * is `ok: false` without losing its neighbours. `line` is the line on which the record's `{`
 * stands (CloudTrail's own S3 files are a single line, so there every record reports line 1;
 * within one file records keep their order).
 *
 * Mapping of one record to an event (not validated; the caller runs validateEvent):
 *
 *   id          eventID (missing -> ok:false 'missing eventID')
 *   occurred_at eventTime, as given
 *   action      `<service>.<eventName in snake_case>`, service = eventSource without
 *               `.amazonaws.com`, other characters -> `_`:
 *               iam.amazonaws.com + AttachUserPolicy -> iam.attach_user_policy,
 *               signin.amazonaws.com + ConsoleLogin -> signin.console_login,
 *               ec2-instance-connect.amazonaws.com + SendSSHPublicKey
 *                 -> ec2_instance_connect.send_ssh_public_key,
 *               lambda + UpdateFunctionCode20150331v2 -> lambda.update_function_code20150331v2
 *               (missing eventSource / eventName -> ok:false)
 *   outcome     failure when errorCode is set or responseElements.ConsoleLogin is 'Failure'
 *   actor       type: user for IAMUser, Root, AssumedRole, FederatedUser, IdentityCenterUser and
 *               anything unknown; service for AWSService, AWSAccount.
 *               id: userIdentity.arn ?? principalId ?? accessKeyId ?? invokedBy.
 *               name: userName ?? sessionContext.sessionIssuer.userName ?? last segment of the
 *               arn ?? invokedBy. email and time_zone null. ip: sourceIPAddress exactly as given.
 *               user_agent: userAgent.
 *   target      1. resources[0] with an ARN: type from its `type` (`AWS::IAM::Role` -> iam_role)
 *                  or from the ARN (`arn:aws:ssm:..:parameter/x` -> ssm_parameter), id = the ARN,
 *                  label = the resource name from the ARN.
 *               2. else the first matching key of requestParameters, then of responseElements,
 *                  in the order of TARGET_RULES below (e.g. userName -> iam_user, roleName ->
 *                  iam_role, roleArn -> iam_role, policyArn -> iam_policy, bucketName ->
 *                  s3_bucket, instanceId / instanceIds / instancesSet -> ec2_instance,
 *                  functionName -> lambda_function, trailName / cloudtrail name ->
 *                  cloudtrail_trail, secretId -> secret, ssm name(s) -> ssm_parameter, ...);
 *                  id = the value (the first of a list), label = the name part of an ARN or
 *                  the value itself, with "(+N more)" for lists.
 *               3. else the account: {type: 'aws_account', id: recipientAccountId, label: null}.
 *   changes     readOnly !== true: one {field, old: null, new: value} per top-level
 *               requestParameters key, at most 50 (more -> flag changes_truncated:<count>, and
 *               the full requestParameters go to metadata). readOnly: [] (the request
 *               parameters, e.g. which secrets were read, go to metadata.requestParameters).
 *   request_id  requestID; session_id null.
 *   reason      `${errorCode}: ${errorMessage}` (or just errorCode); without errorCode,
 *               errorMessage (failed console logins carry only that); else null.
 *   metadata    every other field of the record (awsRegion, eventSource, eventName, eventType,
 *               eventCategory, eventVersion, recipientAccountId, readOnly, managementEvent,
 *               errorCode, errorMessage, tlsDetails, additionalEventData, responseElements,
 *               resources, userIdentity in full, ...). A value whose JSON exceeds 32 KB becomes
 *               {"truncated": true, "bytes": n} and is flagged metadata_truncated:<key>.
 *
 * Secrets: the security requirements forbid session tokens, passwords and keys in audit
 * records, yet CloudTrail logs e.g. the sessionToken issued by sts:AssumeRole. String values
 * under the keys in SECRET_KEYS (anywhere in requestParameters, responseElements, ...) are
 * replaced by "[REDACTED]" and flagged redacted:<path>. Values CloudTrail already hid
 * ("HIDDEN_DUE_TO_SECURITY_REASONS", ...) are left alone.
 *
 * Flags (values are kept as given, never dropped or fixed): invalid_ip:<v> for a
 * sourceIPAddress that is no IPv4/IPv6 address (e.g. 225.01.00.16, leading zeros),
 * ip_is_hostname:<v> for a service name such as ssm.amazonaws.com, unusual_region:<v> for an
 * awsRegion that does not look like an AWS region (e.g. eu-west-2r), plus redacted:<path>,
 * metadata_truncated:<key>, changes_truncated:<n>.
 */

export const MAX_CHANGES_FROM_REQUEST = 50;
export const MAX_METADATA_VALUE_BYTES = 32 * 1024;
export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

/** Keys (compared case-insensitively) whose string values are secrets. */
export const SECRET_KEYS = new Set(
  [
    'password',
    'newPassword',
    'oldPassword',
    'currentPassword',
    'masterUserPassword',
    'sessionToken',
    'secretAccessKey',
    'secretKey',
    'privateKey',
    'privateKeyMaterial',
    'keyMaterial',
    'secretString',
    'secretBinary',
    'passwordData',
    'tokenValue',
    'accessToken',
    'refreshToken',
    'idToken',
    'clientSecret',
    'authorizationToken',
  ].map((k) => k.toLowerCase()),
);
const ALREADY_HIDDEN =
  /hidden due to security reasons|sensitiveDataRemoved|^\*+$|^\[?redacted\]?$/i;
export const REDACTED = '[REDACTED]';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** PascalCase / camelCase to snake_case: SendSSHPublicKey -> send_ssh_public_key. */
export function snakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function serviceOf(eventSource: string): string {
  const service = eventSource
    .replace(/\.amazonaws\.com$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[0-9]/.test(service) ? `aws_${service}` : service;
}

export function cloudTrailAction(eventSource: string, eventName: string): string {
  return `${serviceOf(eventSource)}.${snakeCase(eventName)}`;
}

const ACTOR_TYPES: Record<string, 'user' | 'service'> = {
  IAMUser: 'user',
  Root: 'user',
  AssumedRole: 'user',
  FederatedUser: 'user',
  IdentityCenterUser: 'user',
  AWSService: 'service',
  AWSAccount: 'service',
};

/** The last `/`- or `:`-separated segment: arn:aws:iam::1:user/a/b -> b. */
function lastSegment(value: string): string {
  const parts = value.split(/[/:]/);
  return parts[parts.length - 1] || value;
}

const TYPE_ALIASES: Record<string, string> = { secretsmanager_secret: 'secret' };

/** Target type and name from an ARN: arn:aws:iam::1:role/path/name -> iam_role, name. */
export function arnTarget(arn: string): { type: string; label: string } | null {
  const m = /^arn:[^:]*:([^:]+):[^:]*:[^:]*:(.*)$/.exec(arn);
  if (!m) return null;
  const service = serviceOf(m[1]!);
  const resource = m[2]!;
  const sep = resource.search(/[/:]/);
  let type: string;
  let name: string;
  if (service === 's3') {
    type = sep === -1 ? 's3_bucket' : 's3_object';
    name = resource;
  } else if (sep === -1) {
    type = `${service}_resource`;
    name = resource;
  } else {
    type = `${service}_${snakeCase(resource.slice(0, sep))}`;
    name = service === 'iam' ? lastSegment(resource) : resource.slice(sep + 1);
  }
  return { type: TYPE_ALIASES[type] ?? type, label: name || resource };
}

/** `AWS::IAM::Role` -> iam_role. */
function resourceTypeName(type: string): string {
  const t = type
    .split('::')
    .filter((p, i) => !(i === 0 && p.toUpperCase() === 'AWS'))
    .map(snakeCase)
    .join('_');
  return TYPE_ALIASES[t] ?? t;
}

type TargetRule = { key: string; type: string; services?: string[] };

/** requestParameters (then responseElements) keys that name the target, in priority order. */
export const TARGET_RULES: TargetRule[] = [
  { key: 'userName', type: 'iam_user', services: ['iam'] },
  { key: 'roleName', type: 'iam_role', services: ['iam'] },
  { key: 'groupName', type: 'iam_group', services: ['iam'] },
  { key: 'instanceProfileName', type: 'iam_instance_profile', services: ['iam'] },
  { key: 'roleArn', type: 'iam_role' },
  { key: 'policyArn', type: 'iam_policy' },
  { key: 'bucketName', type: 's3_bucket' },
  { key: 'instanceId', type: 'ec2_instance' },
  { key: 'instanceIds', type: 'ec2_instance' },
  { key: 'instancesSet', type: 'ec2_instance' },
  { key: 'target', type: 'ec2_instance', services: ['ssm'] },
  { key: 'functionName', type: 'lambda_function' },
  { key: 'layerName', type: 'lambda_layer' },
  { key: 'trailName', type: 'cloudtrail_trail' },
  { key: 'name', type: 'cloudtrail_trail', services: ['cloudtrail'] },
  { key: 'secretId', type: 'secret' },
  { key: 'name', type: 'ssm_parameter', services: ['ssm'] },
  { key: 'names', type: 'ssm_parameter', services: ['ssm'] },
  { key: 'name', type: 'sts_federated_user', services: ['sts'] },
  { key: 'groupId', type: 'ec2_security_group', services: ['ec2'] },
  { key: 'snapshotId', type: 'ec2_snapshot', services: ['ec2'] },
  { key: 'imageId', type: 'ec2_image', services: ['ec2'] },
  { key: 'volumeId', type: 'ec2_volume', services: ['ec2'] },
  { key: 'vpcId', type: 'ec2_vpc', services: ['ec2'] },
  { key: 'dBSnapshotIdentifier', type: 'rds_snapshot' },
  { key: 'dBClusterSnapshotIdentifier', type: 'rds_cluster_snapshot' },
  { key: 'dBInstanceIdentifier', type: 'rds_instance' },
  { key: 'dBClusterIdentifier', type: 'rds_cluster' },
  { key: 'keyId', type: 'kms_key', services: ['kms'] },
  { key: 'logGroupName', type: 'logs_log_group' },
  { key: 'modelId', type: 'bedrock_model' },
  { key: 'resolverQueryLogConfigId', type: 'route53resolver_query_log_config' },
  { key: 'hostedZoneId', type: 'route53_hosted_zone' },
  { key: 'commandId', type: 'ssm_command' },
  { key: 'sessionId', type: 'ssm_session', services: ['ssm'] },
  { key: 'detectorId', type: 'guardduty_detector' },
  { key: 'accountId', type: 'aws_account', services: ['organizations'] },
];

/** The ids a rule's value names: a string, a list of strings, or an EC2 `{items: [{instanceId}]}`. */
function idsOf(value: unknown): string[] {
  if (typeof value === 'string') return value ? [value] : [];
  if (Array.isArray(value))
    return value.filter((v): v is string => typeof v === 'string' && v !== '');
  const items = obj(value)?.items;
  if (Array.isArray(items)) {
    return items
      .map((item) => obj(item)?.instanceId)
      .filter((v): v is string => typeof v === 'string' && v !== '');
  }
  return [];
}

type Target = { type: string | null; id: string | null; label: string | null };

function targetFrom(service: string, record: Json): Target {
  const resources = record.resources;
  const first = Array.isArray(resources) ? obj(resources[0]) : null;
  const arn = first ? str(first.ARN) : null;
  if (first && arn) {
    const fromArn = arnTarget(arn);
    const type = str(first.type) ? resourceTypeName(first.type as string) : (fromArn?.type ?? null);
    return { type, id: arn, label: fromArn?.label ?? null };
  }
  for (const source of [obj(record.requestParameters), obj(record.responseElements)]) {
    if (!source) continue;
    for (const rule of TARGET_RULES) {
      if (rule.services && !rule.services.includes(service)) continue;
      if (!Object.hasOwn(source, rule.key)) continue;
      const ids = idsOf(source[rule.key]);
      const id = ids[0];
      if (id === undefined) continue;
      const name = id.startsWith('arn:') ? (arnTarget(id)?.label ?? lastSegment(id)) : id;
      return {
        type: rule.type,
        id,
        label: ids.length > 1 ? `${name} (+${ids.length - 1} more)` : name,
      };
    }
  }
  const account = str(record.recipientAccountId);
  return account
    ? { type: 'aws_account', id: account, label: null }
    : { type: null, id: null, label: null };
}

/** Replaces secret string values (see SECRET_KEYS), returning the same object when nothing changed. */
export function redactSecrets(value: unknown, path: string, flags: string[], depth = 0): unknown {
  if (depth > 64 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item, i) => {
      const r = redactSecrets(item, `${path}.${i}`, flags, depth + 1);
      if (r !== item) changed = true;
      return r;
    });
    return changed ? out : value;
  }
  let changed = false;
  const entries = Object.entries(value as Json).map(([key, item]): [string, unknown] => {
    const at = path ? `${path}.${key}` : key;
    if (
      typeof item === 'string' &&
      item !== '' &&
      SECRET_KEYS.has(key.toLowerCase()) &&
      !ALREADY_HIDDEN.test(item)
    ) {
      flags.push(`redacted:${at}`);
      changed = true;
      return [key, REDACTED];
    }
    const r = redactSecrets(item, at, flags, depth + 1);
    if (r !== item) changed = true;
    return [key, r];
  });
  // fromEntries defines own properties, so a "__proto__" key stays data.
  return changed ? Object.fromEntries(entries) : value;
}

function jsonBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? 'null', 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY; // too deep to serialise: certainly too big to keep
  }
}

/** Record fields that become top-level event fields and are not repeated in metadata. */
const MAPPED_FIELDS = new Set([
  'eventID',
  'eventTime',
  'sourceIPAddress',
  'userAgent',
  'requestID',
  'requestParameters',
]);

export type MappedRecord =
  { ok: true; event: EventInput; flags: string[] } | { ok: false; reason: string };

/** Maps one parsed CloudTrail record to an event (see the module comment for the mapping). */
export function cloudTrailToEvent(value: unknown): MappedRecord {
  const input = obj(value);
  if (!input) return { ok: false, reason: 'record is not a JSON object' };
  const id = str(input.eventID);
  if (id === null) return { ok: false, reason: 'missing eventID' };
  const eventSource = str(input.eventSource);
  if (eventSource === null) return { ok: false, reason: 'missing eventSource' };
  const eventName = str(input.eventName);
  if (eventName === null) return { ok: false, reason: 'missing eventName' };

  const redactions: string[] = [];
  const record = redactSecrets(input, '', redactions) as Json;
  const service = serviceOf(eventSource);

  const ip = typeof record.sourceIPAddress === 'string' ? record.sourceIPAddress : null;
  // Order: ip, region, redactions, then truncations.
  const flags = ip !== null ? ipFlags(ip) : [];
  const region = record.awsRegion;
  if (typeof region === 'string' && !REGION_PATTERN.test(region))
    flags.push(`unusual_region:${region}`);
  flags.push(...redactions);

  const errorCode = str(record.errorCode);
  const errorMessage = str(record.errorMessage);
  const consoleLogin = obj(record.responseElements)?.ConsoleLogin;
  const outcome = errorCode !== null || consoleLogin === 'Failure' ? 'failure' : 'success';

  const identity = obj(record.userIdentity) ?? {};
  const identityType = str(identity.type);
  const arn = str(identity.arn);
  const invokedBy = str(identity.invokedBy);
  const issuer = obj(obj(identity.sessionContext)?.sessionIssuer);
  const actor = {
    id: arn ?? str(identity.principalId) ?? str(identity.accessKeyId) ?? invokedBy,
    name:
      str(identity.userName) ??
      str(issuer?.userName) ??
      (arn ? lastSegment(arn) : null) ??
      invokedBy,
    email: null,
    type: (identityType && ACTOR_TYPES[identityType]) || 'user',
    ip,
    user_agent: typeof record.userAgent === 'string' ? record.userAgent : null,
    time_zone: null,
  };

  const readOnly = record.readOnly === true || record.readOnly === 'true';
  const params = record.requestParameters;
  const paramsObject = obj(params);
  let changes: { field: string; old: unknown; new: unknown }[] = [];
  let paramsInChanges = params === null || params === undefined;
  if (!readOnly && paramsObject) {
    const entries = Object.entries(paramsObject).filter(([, v]) => v !== undefined);
    changes = entries
      .slice(0, MAX_CHANGES_FROM_REQUEST)
      .map(([field, v]) => ({ field, old: null, new: v }));
    if (entries.length > MAX_CHANGES_FROM_REQUEST)
      flags.push(`changes_truncated:${entries.length}`);
    else paramsInChanges = true;
  }

  const metadataEntries: [string, unknown][] = [];
  for (const [key, v] of Object.entries(record)) {
    if (v === undefined) continue;
    if (MAPPED_FIELDS.has(key) && !(key === 'requestParameters' && !paramsInChanges)) continue;
    const bytes = jsonBytes(v);
    if (bytes > MAX_METADATA_VALUE_BYTES) {
      flags.push(`metadata_truncated:${key}`);
      metadataEntries.push([
        key,
        { truncated: true, bytes: Number.isFinite(bytes) ? bytes : null },
      ]);
    } else metadataEntries.push([key, v]);
  }

  const event: EventInput = {
    id,
    occurred_at: record.eventTime as string,
    action: cloudTrailAction(eventSource, eventName),
    outcome,
    actor,
    target: targetFrom(service, record),
    changes,
    request_id: str(record.requestID),
    session_id: null,
    reason:
      errorCode !== null
        ? errorMessage !== null
          ? `${errorCode}: ${errorMessage}`
          : errorCode
        : errorMessage,
    metadata: Object.fromEntries(metadataEntries),
  };
  return { ok: true, event, flags };
}

// ---------------------------------------------------------------------------------------------
// Streaming scan of the document for record texts.

export type ScannedRecord = { line: number; text: string; length: number; complete: boolean };

const C_QUOTE = 0x22;
const C_BACKSLASH = 0x5c;
const C_NL = 0x0a;
const C_LBRACE = 0x7b;
const C_RBRACE = 0x7d;
const C_LBRACKET = 0x5b;
const C_RBRACKET = 0x5d;
const C_COMMA = 0x2c;
const C_COLON = 0x3a;

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * Finds the records of `{"Records": [...]}` or `[...]` without parsing the whole document:
 * tracks strings and brackets, and hands each element of the records array over as text with
 * the line it starts on. Structural errors outside a record throw (after the records before
 * them were yielded); inside a record the text is handed over as it is and JSON.parse reports
 * the problem for that record alone. A file cut off inside a record yields that record with
 * `complete: false` and then throws.
 */
export async function* scanCloudTrail(
  chunks: AsyncIterable<string>,
): AsyncGenerator<ScannedRecord> {
  /** Open containers, true for an array. */
  const stack: boolean[] = [];
  /** stack.length while directly inside the records array, else -1. */
  let recordsDepth = -1;
  let recordsFound = false;
  let line = 1;
  let inString = false;
  let escaped = false;
  let rootSeen = false;
  let rootClosed = false;
  // Keys are only tracked at the top level of a root object, to find "Records".
  let expectKey = false;
  let keyText: string | null = null;
  let lastKey: string | null = null;
  let expectRecordsValue = false;
  // The record being captured.
  let capturing = false;
  let scalar = false; // a bare string/number/... in the records array (ok:false later, but skipped right)
  let captureLine = 0;
  let captureStart = 0;
  let parts: string[] = [];
  let captured = 0;
  let length = 0;

  const fail = (message: string): never => {
    throw new Error(`not a readable CloudTrail file: ${message} (line ${line})`);
  };
  const keep = (piece: string) => {
    length += piece.length;
    if (captured >= MAX_RECORD_CHARS) return;
    const kept =
      piece.length > MAX_RECORD_CHARS - captured
        ? piece.slice(0, MAX_RECORD_CHARS - captured)
        : piece;
    parts.push(kept);
    captured += kept.length;
  };
  const finish = (chunk: string, end: number): ScannedRecord => {
    keep(chunk.slice(captureStart, end));
    const result = { line: captureLine, text: parts.join(''), length, complete: true };
    capturing = false;
    scalar = false;
    parts = [];
    captured = 0;
    length = 0;
    return result;
  };

  for await (const chunk of chunks) {
    captureStart = 0;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c === C_NL) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === C_BACKSLASH) escaped = true;
        else if (c === C_QUOTE) {
          inString = false;
          if (keyText !== null) {
            lastKey = keyText;
            keyText = null;
          }
          if (capturing && scalar) yield finish(chunk, i + 1);
          continue;
        }
        if (keyText !== null && keyText.length < 64) keyText += chunk[i];
        continue;
      }
      if (
        capturing &&
        scalar &&
        (isSpace(c) || c === C_COMMA || c === C_RBRACKET || c === C_RBRACE)
      ) {
        yield finish(chunk, i);
      }
      if (isSpace(c)) continue;
      if (rootClosed) fail('unexpected text after the end of the JSON document');
      if (!rootSeen && c !== C_LBRACE && c !== C_LBRACKET)
        fail('expected {"Records": [...]} or a JSON array');

      if (stack.length === recordsDepth && !capturing && c !== C_COMMA && c !== C_RBRACKET) {
        capturing = true;
        scalar = c !== C_LBRACE && c !== C_LBRACKET;
        captureLine = line;
        captureStart = i;
      }
      if (expectRecordsValue) {
        expectRecordsValue = false;
        if (c !== C_LBRACKET) fail('"Records" is not an array');
        stack.push(true);
        recordsDepth = stack.length;
        recordsFound = true;
        continue;
      }
      switch (c) {
        case C_QUOTE:
          inString = true;
          if (stack.length === 1 && stack[0] === false && expectKey) keyText = '';
          break;
        case C_LBRACE:
        case C_LBRACKET: {
          const array = c === C_LBRACKET;
          stack.push(array);
          if (!rootSeen) {
            rootSeen = true;
            if (array) {
              recordsDepth = 1;
              recordsFound = true;
            } else expectKey = true;
          }
          break;
        }
        case C_RBRACE:
        case C_RBRACKET: {
          if (capturing && !scalar) {
            // Inside a record brackets only count; JSON.parse judges the record's text.
            stack.pop();
            if (stack.length === recordsDepth) yield finish(chunk, i + 1);
            break;
          }
          if (stack.length === 0 || stack[stack.length - 1] !== (c === C_RBRACKET))
            fail(`unexpected "${chunk[i]}"`);
          if (stack.length === recordsDepth) recordsDepth = -1;
          stack.pop();
          if (stack.length === 0) rootClosed = true;
          break;
        }
        case C_COLON:
          if (stack.length === 1 && stack[0] === false && expectKey) {
            expectKey = false;
            if (lastKey === 'Records') expectRecordsValue = true;
          }
          break;
        case C_COMMA:
          if (stack.length === 1 && stack[0] === false) expectKey = true;
          break;
        default:
          break;
      }
    }
    if (capturing) keep(chunk.slice(captureStart));
  }
  if (capturing) {
    capturing = false;
    yield { line: captureLine, text: parts.join(''), length, complete: false };
  }
  if (!rootSeen) fail('the file is empty; expected {"Records": [...]} or a JSON array');
  if (!rootClosed) fail('unexpected end of file: the JSON document is incomplete');
  if (!recordsFound) fail('no "Records" array at the top level');
}

/** CloudTrail import: one event per record. */
export async function* readCloudTrail(chunks: AsyncIterable<string>): AsyncGenerator<ParsedRecord> {
  for await (const scanned of scanCloudTrail(chunks)) {
    const raw = cutRaw(scanned.text);
    if (!scanned.complete) {
      yield {
        ok: false,
        line: scanned.line,
        reason: 'unexpected end of file inside this record',
        raw,
      };
      continue;
    }
    if (scanned.length > MAX_RECORD_CHARS) {
      yield {
        ok: false,
        line: scanned.line,
        reason: `record is longer than ${MAX_RECORD_CHARS} characters (${scanned.length})`,
        raw,
      };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(scanned.text);
    } catch (err) {
      yield {
        ok: false,
        line: scanned.line,
        reason: `invalid JSON: ${(err as Error).message}`,
        raw,
      };
      continue;
    }
    const mapped = cloudTrailToEvent(value);
    if (mapped.ok) yield { ok: true, line: scanned.line, event: mapped.event, flags: mapped.flags };
    else yield { ok: false, line: scanned.line, reason: mapped.reason, raw };
  }
}
