/**
 * `npm run detect`: evaluates every event the detection engine has not seen yet (after an import
 * with the server stopped, say), prints what it raised, and exits. `--follow` keeps running.
 * The server runs the same engine in the background; the two never evaluate an event twice.
 */
import { parseArgs } from 'node:util';
import { openDatabase } from '@/db/connect';
import { catchUp, startDetectionLoop } from '@/lib/detection/engine';

const { values } = parseArgs({ options: { follow: { type: 'boolean', default: false } } });
const { db, close } = await openDatabase({ quiet: true });
try {
  const started = performance.now();
  let raised = 0;
  const evaluated = await catchUp(db, (round) => {
    raised += round.alertsRaised;
    if (round.busy) console.error('another detection worker is running; waiting for it…');
    if (process.stderr.isTTY && round.evaluated)
      process.stderr.write(`\revaluating… ${raised} alerts raised so far`);
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${values.follow ? '[detection] ' : ''}evaluated ${evaluated.toLocaleString('en-US')} events in ${seconds.toFixed(1)} s (${Math.round(evaluated / Math.max(seconds, 0.001)).toLocaleString('en-US')} events/s); ${raised} new alerts`,
  );
  if (values.follow) {
    console.log('[detection] following new events (Ctrl+C to stop)…');
    const loop = startDetectionLoop(db, {
      log: (m) => console.error(`[detection] ${m}`),
      onCaughtUp: (events, s) => {
        // Quiet while following live traffic; a catch-up after an import or downtime is news.
        if (events >= 10_000)
          console.log(
            `[detection] evaluated ${events.toLocaleString('en-US')} events in ${s.toFixed(1)} s`,
          );
      },
    });
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await loop.stop();
  }
} finally {
  await close();
}
