/**
 * `npm run verify`: recomputes every hash chain from the stored events and prints PASS, or
 * FAIL with the first broken (stream, seq, reason). Exit code 0 on PASS, 1 on FAIL.
 */
import { openDatabase } from '@/db/connect';
import { verifyDatabase } from '@/lib/audit/verify';

const { db, close } = await openDatabase({ quiet: true });
const started = Date.now();
try {
  const report = await verifyDatabase(db.$client, (done) => {
    if (process.stderr.isTTY)
      process.stderr.write(`\rverified ${done.toLocaleString('en-US')} events…`);
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  for (const s of report.streams) {
    const state = s.broken
      ? `FAIL at seq ${s.broken.seq}: ${s.broken.reason} (${s.broken.detail})`
      : 'ok';
    console.log(
      `${s.name.padEnd(28)} ${String(s.events).padStart(10)} events  head ${s.headSeq} ${s.headHash.slice(0, 16)}…  ${state}`,
    );
  }
  const total = report.streams.reduce((n, s) => n + s.events, 0);
  const seconds = (Date.now() - started) / 1000;
  if (report.ok) {
    console.log(
      `PASS: ${report.streams.length} streams, ${total} events verified in ${seconds.toFixed(1)} s`,
    );
  } else {
    const first = report.streams.find((s) => s.broken)!;
    console.log(`FAIL: stream ${first.name} seq ${first.broken!.seq}: ${first.broken!.reason}`);
    process.exitCode = 1;
  }
} finally {
  await close();
}
