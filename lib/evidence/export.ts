import { createHash, randomBytes } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Database } from '@/db/client';
import {
  canonicalTextFromParts,
  contentParts,
  formatTimestamp,
  leafHashOfBytes,
} from '@/lib/audit/chain';
import { canonicalJson } from '@/lib/audit/jcs';
import { writeAuditEvent } from '@/lib/audit/writer';
import { envelopeFromRow, STORED_COLUMNS, type StoredRow } from '@/lib/audit/verify';
import type { Role } from '@/lib/authz';
import { ExpectedError } from '@/lib/errors';
import { csvRecord } from '@/lib/export/csv';
import { createCheckpoint, listCheckpoints, parseBody } from '@/lib/integrity/checkpoints';
import type { Signer } from '@/lib/integrity/keys';
import { compileSearch, describeSearch, parseSearch } from '@/lib/search';
import type { ActingUser } from '@/lib/users';
import { packBundle, sampleFiles } from './pack';

/** At most this many events in scope, and chain entries in all (redacted ones included). */
export const MAX_SCOPE_EVENTS = 200_000;
export const MAX_CHAIN_ENTRIES = 2_000_000;
export const MAX_SAMPLE = 10_000;

/** What an evidence bundle covers. Exactly one of query, record and person, or none (everything). */
export const evidenceScopeSchema = z
  .strictObject({
    from: z.iso.datetime({ offset: true, error: 'from must be a date and time' }),
    to: z.iso.datetime({ offset: true, error: 'to must be a date and time' }),
    query: z.string().max(2000, 'query must be at most 2,000 characters').optional(),
    record: z
      .strictObject({
        type: z.string().min(1, 'record type is required').max(200),
        id: z.string().min(1, 'record id is required').max(500),
      })
      .optional(),
    person: z.string().min(1, 'person is required').max(500).optional(),
    alerts: z.boolean().default(true),
    sample: z
      .strictObject({
        size: z
          .number({ error: 'sample size must be a number' })
          .int('sample size must be a whole number')
          .min(1, 'sample size must be at least 1')
          .max(MAX_SAMPLE, `sample size must be at most ${MAX_SAMPLE.toLocaleString('en-US')}`),
        seed: z
          .string()
          .regex(/^[0-9a-f]{2,128}$/i, 'seed must be hex (2 to 128 digits)')
          .optional(),
      })
      .optional(),
  })
  .superRefine((s, ctx) => {
    if (Date.parse(s.from) >= Date.parse(s.to))
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
    const kinds = [
      s.query?.trim() ? 'query' : null,
      s.record ? 'record' : null,
      s.person ? 'person' : null,
    ].filter(Boolean);
    if (kinds.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['query'],
        message: `choose one scope, not ${kinds.join(' and ')}`,
      });
  });
export type EvidenceScope = z.input<typeof evidenceScopeSchema>;
type Scope = z.output<typeof evidenceScopeSchema>;

export type Exporter = ActingUser & { userId: string; role: Role };

const dialect = new PgDialect();

/** The scope's filter on audit_events (within the period), and the scope in words. */
function compileScope(scope: Scope): { filter: SQL; description: string } {
  const from = new Date(scope.from).toISOString();
  const to = new Date(scope.to).toISOString();
  const period = sql`occurred_at >= ${from}::timestamptz and occurred_at < ${to}::timestamptz`;
  const within = (filter: SQL, what: string) => ({
    filter: sql`${period} and (${filter})`,
    description: `${what}, ${from} to ${to}`,
  });
  if (scope.query?.trim()) {
    const parsed = parseSearch(scope.query);
    if (!parsed.ok)
      throw new ExpectedError(`The search is not valid: ${parsed.error.message}`, 'query');
    return within(compileSearch(parsed.tree), `search "${describeSearch(parsed.tree)}"`);
  }
  if (scope.record)
    return within(
      sql`target_type = ${scope.record.type} and target_id = ${scope.record.id}`,
      `record ${scope.record.type}/${scope.record.id}`,
    );
  if (scope.person) return within(sql`actor_id = ${scope.person}`, `person ${scope.person}`);
  return within(sql`true`, 'every event');
}

/** Ranks for the reproducible sample (VERIFY.md, "Sampling"). */
export function sampleRank(seedHex: string, hashHex: string): string {
  return createHash('sha256')
    .update(Buffer.from(seedHex, 'hex'))
    .update(Buffer.from(hashHex, 'hex'))
    .digest('hex');
}

export function drawSample(population: string[], seedHex: string, size: number): string[] {
  return population
    .map((h) => ({ h, rank: sampleRank(seedHex, h) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
    .slice(0, size)
    .map((x) => x.h);
}

type ScopeRow = { stream_id: string; seq: number; hash: string; changed: boolean };
type Stretch = { stream: string; from: number; to: number; fromCp: number | null; toCp: number };

/**
 * Builds an evidence bundle (lib/evidence/VERIFY.md): records the export as an audit event,
 * takes a checkpoint right after it, and packs the events in scope with the chain around them,
 * the checkpoints that anchor every stretch, the public keys, a CSV, the alerts in scope and
 * their review history, and (optionally) a reproducible sample.
 */
export async function exportEvidence(
  db: Database,
  by: Exporter,
  input: EvidenceScope,
  signer: Signer,
  dir?: string,
): Promise<{
  zip: Buffer;
  filename: string;
  exportCheckpoint: number;
  counts: Record<string, number>;
}> {
  const parsedScope = evidenceScopeSchema.safeParse(input);
  if (!parsedScope.success) {
    const issue = parsedScope.error.issues[0]!;
    throw new ExpectedError(issue.message, issue.path.join('.') || undefined);
  }
  const scope = parsedScope.data;
  const { filter, description } = compileScope(scope);

  // The events in scope (ids only), and the population of changes for the sample.
  const q = dialect.sqlToQuery(sql`
    select stream_id::text as stream_id, seq::float8 as seq, encode(hash, 'hex') as hash,
           jsonb_array_length(changes) > 0 as changed
      from audit_events where ${filter} limit ${MAX_SCOPE_EVENTS + 1}`);
  const matched = await db.$client.unsafe<ScopeRow[]>(q.sql, q.params as never[]);
  if (matched.length > MAX_SCOPE_EVENTS)
    throw new ExpectedError(
      `More than ${MAX_SCOPE_EVENTS.toLocaleString('en-US')} events are in scope: narrow the period or the scope, or draw a sample.`,
    );
  let inScope: ScopeRow[] = matched;
  let sample: { seed: string; size: number; population: string[]; drawn: string[] } | null = null;
  if (scope.sample) {
    const population = matched
      .filter((r) => r.changed)
      .map((r) => r.hash)
      .sort();
    if (population.length === 0)
      throw new ExpectedError('There are no changes in scope to sample.', 'sample');
    const seed = (scope.sample.seed ?? randomBytes(16).toString('hex')).toLowerCase();
    if (seed.length % 2)
      throw new ExpectedError('seed must have an even number of hex digits', 'sample.seed');
    const drawn = drawSample(population, seed, scope.sample.size);
    sample = { seed, size: scope.sample.size, population, drawn };
    const picked = new Set(drawn);
    inScope = matched.filter((r) => picked.has(r.hash));
  }

  // The alerts about these events (or raised in the period, for an unfiltered scope), and their
  // review history: the dashboard's own events about each alert, which join the scope.
  type AlertRow = Record<string, unknown> & { id: string };
  let alertRows: AlertRow[] = [];
  if (scope.alerts) {
    const unfiltered = !scope.query?.trim() && !scope.record && !scope.person;
    const aq = dialect.sqlToQuery(sql`
      select a.id::text as id, a.rule, a.severity, a.status, a.disposition, a.ticket, a.summary,
             a.actor_id, a.actor_name, a.target_type, a.target_id, a.target_label, a.event_count,
             a.details, to_char(a.first_event_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as first_event_at,
             to_char(a.last_event_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_event_at,
             to_char(a.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at
        from alerts a
       where ${
         unfiltered
           ? sql`a.created_at >= ${new Date(scope.from).toISOString()}::timestamptz and a.created_at < ${new Date(scope.to).toISOString()}::timestamptz`
           : sql`a.id in (select ae.alert_id from alert_events ae
                           where (ae.event_id, ae.occurred_at) in (select id, occurred_at from audit_events where ${filter}))`
       }
       order by a.id limit 5001`);
    alertRows = await db.$client.unsafe<AlertRow[]>(aq.sql, aq.params as never[]);
    if (alertRows.length > 5000)
      throw new ExpectedError('More than 5,000 alerts are in scope: narrow the period.');
  }
  const alertIds = alertRows.map((a) => a.id);
  // Their review history, read once: its events join the chain entries, and alerts.json lists it.
  const historyRows = alertIds.length
    ? await db.$client<
        (ScopeRow & {
          target_id: string;
          at: string;
          action: string;
          actor_name: string | null;
          reason: string | null;
          changes: unknown;
        })[]
      >`
        select stream_id::text as stream_id, seq::float8 as seq, encode(hash, 'hex') as hash,
               false as changed, target_id, action, actor_name, reason, changes,
               to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
          from audit_events where target_type = 'alert' and target_id = any(${alertIds})
           and action like 'alert.%'
         order by occurred_at, seq`
    : [];
  const history: ScopeRow[] = historyRows;

  // Refuse a bundle too big to build before anything is recorded: the stretches as the existing
  // checkpoints draw them (events past the newest one reach up to the stream's head).
  const estimate = await planStretches(db, wantedSeqs([...inScope, ...history]), null);
  const totalEntries = estimate.reduce((n, s) => n + (s.to - s.from), 0);
  if (totalEntries > MAX_CHAIN_ENTRIES)
    throw new ExpectedError(
      `The chain around these events holds ${totalEntries.toLocaleString('en-US')} entries (at most ${MAX_CHAIN_ENTRIES.toLocaleString('en-US')}): narrow the period or draw a sample.`,
    );

  // The export is recorded first, then signed into a checkpoint: the bundle carries both.
  const exportId = randomBytes(8).toString('hex');
  const exportEvent = await db.transaction(async (tx) => {
    await writeAuditEvent(tx, {
      action: 'evidence.export',
      actor: by.actor,
      context: by.context,
      sessionId: by.sessionId,
      target: { type: 'evidence_bundle', id: exportId, label: description.slice(0, 200) },
      metadata: {
        scope: {
          from: scope.from,
          to: scope.to,
          query: scope.query ?? null,
          record: scope.record ?? null,
          person: scope.person ?? null,
          alerts: scope.alerts,
          sample: sample
            ? { size: sample.size, seed: sample.seed, population: sample.population.length }
            : null,
        },
        events: inScope.length,
        alerts: alertRows.length,
      },
    });
    // Still holding the dashboard stream's head lock: its seq is ours.
    const [head] = await tx.execute<{ id: string; seq: number; hash: string }>(sql`
      select id::text as id, head_seq::float8 as seq, encode(head_hash, 'hex') as hash
        from audit_streams where kind = 'dashboard'`);
    return head!;
  });
  const exportCheckpoint = await createCheckpoint(db, 'export', signer, dir);

  // The exact stretches, now that the export's checkpoint covers its own event.
  const exportSeq = parseBody(exportCheckpoint).streams.find((x) => x.id === exportEvent.id)!.seq;
  const wanted = wantedSeqs([
    ...inScope,
    ...history,
    { stream_id: exportEvent.id, seq: exportEvent.seq, hash: exportEvent.hash, changed: false },
  ]);
  const stretches = await planStretches(db, wanted, exportCheckpoint.id, {
    stream: exportEvent.id,
    seq: exportEvent.seq,
    cover: { id: exportCheckpoint.id, seq: exportSeq },
  });

  // The chain entries: full for events in scope, redacted (leaf only) for the others.
  const names = new Map(
    (
      await db.execute<{ id: string; name: string }>(
        sql`select id::text as id, name from audit_streams`,
      )
    ).map((s) => [s.id, s.name]),
  );
  stretches.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : a.from - b.from));
  const lines: string[] = [];
  const csv: string[] = [csvRecord(CSV_COLUMNS)];
  let full = 0;
  let redacted = 0;
  for (const s of stretches) {
    const keep = wanted.get(s.stream)!;
    const cursor = db.$client
      .unsafe<(StoredRow & { prev_hex: string; hash_hex: string })[]>(
        `select ${STORED_COLUMNS}, encode(prev_hash, 'hex') as prev_hex, encode(hash, 'hex') as hash_hex
           from audit_events where stream_id = $1 and seq > $2 and seq <= $3 order by seq`,
        [s.stream, s.from, s.to],
      )
      .cursor(2000);
    for await (const rows of cursor)
      for (const row of rows) {
        const envelope = envelopeFromRow(s.stream, row);
        const { stream, seq, receivedAt, flags, ...content } = envelope;
        const text = canonicalTextFromParts(contentParts(content), {
          stream,
          seq,
          receivedAt,
          flags,
        });
        // Each line is the JCS of its entry (keys in order), so the event's text in it is
        // exactly the bytes its leaf hashes.
        const tail = `"prevHash":"${row.prev_hex}","seq":${Number(row.seq)},"stream":"${s.stream}"}`;
        if (keep.has(Number(row.seq))) {
          lines.push(`{"event":${text},"hash":"${row.hash_hex}",${tail}`);
          full++;
          if (s.stream !== exportEvent.id || row.action.startsWith('evidence.'))
            csv.push(...csvRows(names.get(s.stream) ?? s.stream, envelope, row.hash_hex));
        } else {
          const leaf = leafHashOfBytes(Buffer.from(text, 'utf8')).toString('hex');
          lines.push(`{"hash":"${row.hash_hex}","leaf":"${leaf}",${tail}`);
          redacted++;
        }
      }
  }
  const used = new Set<number>([exportCheckpoint.id]);
  for (const s of stretches) {
    if (s.fromCp !== null) used.add(s.fromCp);
    used.add(s.toCp);
  }
  const cps = await listCheckpoints(db, [...used]);
  const head = (cpId: number | null, stream: string, seq: number) => {
    if (cpId === null) return '0'.repeat(64);
    const signed = cps.find((c) => c.id === cpId);
    const entry = signed && parseBody(signed).streams.find((x) => x.id === stream);
    // checkpoint_heads is an index of the signed bodies; the body decides.
    if (!entry || entry.seq !== seq)
      throw new Error(`checkpoint ${cpId} does not sign seq ${seq} of stream ${stream}`);
    return entry.head;
  };
  const chains = stretches.map((s) => ({
    stream: s.stream,
    name: names.get(s.stream) ?? s.stream,
    from: { seq: s.from, hash: head(s.fromCp, s.stream, s.from), checkpoint: s.fromCp },
    to: { seq: s.to, hash: head(s.toCp, s.stream, s.to), checkpoint: s.toCp },
  }));
  const keys = await db.$client<{ key_id: string; public_key: string }[]>`
    select key_id, public_key from signing_keys where key_id = any(${[...new Set(cps.map((c) => c.keyId))]})`;

  const historyByAlert = new Map<string, unknown[]>();
  for (const e of historyRows) {
    const list = historyByAlert.get(e.target_id) ?? [];
    list.push({
      at: e.at,
      action: e.action,
      by: e.actor_name,
      reason: e.reason,
      changes: e.changes,
      seq: e.seq,
    });
    historyByAlert.set(e.target_id, list);
  }
  const alertsJson = alertRows.map((a) => ({ ...a, history: historyByAlert.get(a.id) ?? [] }));

  const files: { path: string; bytes: Buffer }[] = [
    { path: 'events.ndjson', bytes: Buffer.from(lines.map((l) => l + '\n').join(''), 'utf8') },
    { path: 'chains.json', bytes: Buffer.from(JSON.stringify(chains, null, 1) + '\n', 'utf8') },
    {
      path: 'checkpoints.ndjson',
      bytes: Buffer.from(
        cps
          .map(
            (c) =>
              canonicalJson({
                body: c.body,
                hash: c.hash,
                keyId: c.keyId,
                signature: c.signature,
              }) + '\n',
          )
          .join(''),
        'utf8',
      ),
    },
    ...keys.map((k) => ({
      path: `keys/${k.key_id.replace(':', '-')}.pem`,
      bytes: Buffer.from(k.public_key, 'utf8'),
    })),
    { path: 'events.csv', bytes: Buffer.from(csv.join(''), 'utf8') },
    { path: 'alerts.json', bytes: Buffer.from(JSON.stringify(alertsJson, null, 1) + '\n', 'utf8') },
  ];
  if (sample) files.push(...sampleFiles(sample));
  const counts = { events: full, redacted, checkpoints: cps.length, alerts: alertRows.length };
  const createdAt = formatTimestamp(new Date());
  const zip = packBundle({
    files,
    manifest: {
      createdAt,
      createdBy: { id: by.userId, name: by.actor.name ?? '', role: by.role },
      scope: {
        from: new Date(scope.from).toISOString(),
        to: new Date(scope.to).toISOString(),
        query: scope.query?.trim() || null,
        record: scope.record ?? null,
        person: scope.person ?? null,
        alerts: scope.alerts,
        sample: sample ? { size: sample.size, seed: sample.seed } : null,
        description,
      },
      exportCheckpoint: exportCheckpoint.id,
      exportEvent: { stream: exportEvent.id, seq: exportEvent.seq },
      counts,
    },
    privateKey: signer.privateKey,
  });
  return {
    zip,
    filename: `whochanged-evidence-${createdAt.replace(/[:.]/g, '-')}.zip`,
    exportCheckpoint: exportCheckpoint.id,
    counts,
  };
}

function wantedSeqs(rows: ScopeRow[]): Map<string, Set<number>> {
  const wanted = new Map<string, Set<number>>();
  for (const r of rows) {
    const set = wanted.get(r.stream_id) ?? new Set<number>();
    set.add(r.seq);
    wanted.set(r.stream_id, set);
  }
  return wanted;
}

/**
 * The stretches of chain a bundle carries: each wanted seq lies between the newest checkpoint
 * before it and the oldest one covering it, found by index in checkpoint_heads (checkpoints up
 * to `upTo`; all when null); overlapping stretches of a stream merge. `pin` forces the cover of
 * one event (the export's own, by the export's checkpoint). Without `upTo`, a seq past the newest
 * checkpoint is assumed covered at the stream's head (an estimate, for the size check).
 */
async function planStretches(
  db: Database,
  wanted: Map<string, Set<number>>,
  upTo: number | null,
  pin?: { stream: string; seq: number; cover: { id: number; seq: number } },
): Promise<Stretch[]> {
  const limit = upTo ?? Number.MAX_SAFE_INTEGER;
  const stretches: Stretch[] = [];
  for (const [stream, seqs] of wanted) {
    const sorted = [...seqs].sort((a, b) => a - b);
    // Per distinct signed seq around the wanted ones: the oldest and newest checkpoint signing it.
    const list = await db.$client<{ seq: number; first: number; last: number }[]>`
      select seq::float8 as seq, min(checkpoint_id)::float8 as first, max(checkpoint_id)::float8 as last
        from checkpoint_heads
       where stream_id = ${stream} and checkpoint_id <= ${limit}
         and seq >= coalesce((select max(seq) from checkpoint_heads where stream_id = ${stream}
                                and seq < ${sorted[0]!} and checkpoint_id <= ${limit}), 0)
         and seq <= coalesce((select min(seq) from checkpoint_heads where stream_id = ${stream}
                                and seq >= ${sorted.at(-1)!} and checkpoint_id <= ${limit}), 9.0e15)
       group by seq order by seq`;
    const [head] =
      upTo === null
        ? await db.$client<{ seq: number }[]>`
            select head_seq::float8 as seq from audit_streams where id = ${stream}`
        : [];
    let open: Stretch | null = null;
    let i = 0; // list[i] is the first mark at or after seq
    for (const seq of sorted) {
      while (i < list.length && list[i]!.seq < seq) i++;
      const b = i > 0 ? list[i - 1]! : null;
      const before = b ? { id: b.last, seq: b.seq } : null;
      let after = i < list.length ? { id: list[i]!.first, seq: list[i]!.seq } : null;
      if (pin && stream === pin.stream && seq === pin.seq) after = pin.cover;
      if (!after && head) after = { id: 0, seq: head.seq };
      if (!after) throw new Error(`no checkpoint covers seq ${seq} of stream ${stream}`);
      const fromSeq = before?.seq ?? 0;
      if (open && fromSeq <= open.to) {
        if (after.seq > open.to) {
          open.to = after.seq;
          open.toCp = after.id;
        }
      } else {
        if (open) stretches.push(open);
        open = { stream, from: fromSeq, to: after.seq, fromCp: before?.id ?? null, toCp: after.id };
      }
    }
    if (open) stretches.push(open);
  }
  return stretches;
}

const CSV_COLUMNS = [
  'occurred_at',
  'stream',
  'seq',
  'action',
  'outcome',
  'actor_id',
  'actor_name',
  'actor_email',
  'actor_ip',
  'target_type',
  'target_id',
  'target_label',
  'field',
  'old',
  'new',
  'reason',
  'hash',
];

function csvRows(stream: string, e: ReturnType<typeof envelopeFromRow>, hash: string): string[] {
  const base = [
    formatTimestamp(e.occurredAt),
    stream,
    e.seq,
    e.action,
    e.outcome,
    e.actor.id,
    e.actor.name,
    e.actor.email,
    e.actor.ip,
    e.target.type,
    e.target.id,
    e.target.label,
  ];
  const changes = e.changes.length ? e.changes : [null];
  return changes.map((c) =>
    csvRecord([
      ...base,
      c?.field ?? '',
      c ? JSON.stringify(c.old) : '',
      c ? JSON.stringify(c.new) : '',
      e.reason,
      hash,
    ]),
  );
}
