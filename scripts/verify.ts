/**
 * `npm run verify [-- --trusted <checkpoint.json>] [--public-key <pem>…] [--strict]`: recomputes
 * every hash chain from the stored events, then checks every signed checkpoint against them
 * (signature, link to the previous checkpoint, signed heads equal to the recomputed chain), the
 * newest checkpoint covering the newest events, the write-once copies in CHECKPOINT_DIR, and
 * optionally a checkpoint saved earlier being a prefix of today's chains. Prints PASS, or FAIL
 * and the first problem (stream, seq, reason). Exit code 0 on PASS, 1 on FAIL, 2 on bad usage.
 * The result is recorded (the integrity page shows it) and a failure raises a critical alert.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openDatabase } from '@/db/connect';
import { keyIdOf, type SignedCheckpoint } from '@/lib/integrity/format';
import { runVerification } from '@/lib/integrity/runs';
import { describeProblem } from '@/lib/integrity/verify';

function usage(message: string): never {
  console.error(
    `${message}\nusage: npm run verify [-- --trusted <checkpoint.json>] [--public-key <file>]… [--strict]`,
  );
  process.exit(2);
}

let values: { trusted?: string; 'public-key'?: string[]; strict?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      trusted: { type: 'string' },
      'public-key': { type: 'string', multiple: true },
      strict: { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  usage((error as Error).message);
}

let trusted: SignedCheckpoint | undefined;
if (values.trusted) {
  try {
    trusted = JSON.parse(readFileSync(values.trusted, 'utf8')) as SignedCheckpoint;
    if (typeof trusted.body !== 'string' || typeof trusted.signature !== 'string')
      throw new Error('not a checkpoint');
  } catch (error) {
    usage(`--trusted ${values.trusted}: ${(error as Error).message}`);
  }
}
let keys: Map<string, KeyObject> | undefined;
if (values['public-key']?.length) {
  keys = new Map();
  for (const file of values['public-key']) {
    try {
      const key = createPublicKey(readFileSync(file, 'utf8'));
      keys.set(keyIdOf(key), key);
    } catch (error) {
      usage(`--public-key ${file}: ${(error as Error).message}`);
    }
  }
}

const { db, close } = await openDatabase({ quiet: true });
const started = Date.now();
try {
  const { report } = await runVerification(db, 'cli', {
    trusted,
    keys,
    strict: values.strict,
    onProgress: (done) => {
      if (process.stderr.isTTY)
        process.stderr.write(`\rverified ${done.toLocaleString('en-US')} events…`);
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  for (const s of report.chains.streams) {
    const state = s.broken
      ? `FAIL at seq ${s.broken.seq}: ${s.broken.reason} (${s.broken.detail})`
      : 'ok';
    console.log(
      `${s.name.padEnd(28)} ${s.events.toLocaleString('en-US').padStart(12)} events  head ${s.headSeq} ${s.headHash.slice(0, 16)}…  ${state}`,
    );
  }
  const c = report.checkpoints;
  console.log(
    c.newestId === null
      ? 'checkpoints: none yet'
      : `checkpoints: ${c.count.toLocaleString('en-US')}, the newest #${c.newestId} at ${c.newestAt}`,
  );
  for (const k of report.keys) console.log(`key ${k.keyId}  fingerprint ${k.fingerprint}`);
  for (const p of report.pending)
    console.log(
      `pending: ${p.events} events of ${p.stream} since ${p.oldestReceivedAt} await the next checkpoint`,
    );
  if (report.trusted)
    console.log(`trusted checkpoint #${report.trusted.id} (${report.trusted.issuedAt}) checked`);
  const seconds = (Date.now() - started) / 1000;
  if (report.ok) {
    console.log(
      `PASS: ${report.chains.streams.length} streams, ${report.events.toLocaleString('en-US')} events and ${c.count.toLocaleString('en-US')} checkpoints verified in ${seconds.toFixed(1)} s`,
    );
  } else {
    for (const p of report.problems.slice(1, 10)) console.log(`also: ${describeProblem(p)}`);
    console.log(`FAIL: ${describeProblem(report.problems[0]!)}`);
    process.exitCode = 1;
  }
} finally {
  await close();
}
