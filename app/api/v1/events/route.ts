import { NextResponse, type NextRequest } from 'next/server';
import { db } from '@/db';
import { prepareRequest, storeBatch } from '@/lib/ingest/ingest';
import { MAX_BODY_BYTES } from '@/lib/ingest/parse-request';
import { takeTokens } from '@/lib/ingest/rate-limit';
import { authenticateApiKey } from '@/lib/ingest/sources';

export const dynamic = 'force-dynamic';

const HEADERS = { 'Cache-Control': 'no-store' };
const fail = (
  status: number,
  error: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) => NextResponse.json({ error, ...extra }, { status, headers: { ...HEADERS, ...headers } });

/** Reads the body up to the limit; null when it is larger (without reading the rest). */
async function readBody(request: NextRequest): Promise<string | null> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) return null;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * POST /api/v1/events — authenticated by a source's API key (`Authorization: Bearer wck_…`),
 * the only credential this route accepts; a key can only append to its own source's stream.
 * Atomic per request: 200 means every new event is committed and queryable.
 */
export async function POST(request: NextRequest) {
  const authorization = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  const source = match ? await authenticateApiKey(db, match[1]!) : null;
  if (!source) {
    return fail(
      401,
      'missing, unknown or revoked API key',
      {},
      { 'WWW-Authenticate': 'Bearer realm="whochanged-ingest"' },
    );
  }

  const body = await readBody(request);
  if (body === null) return fail(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`);
  // Parsed, validated, canonicalised and hashed in a worker thread when the server has them.
  const batch = await prepareRequest(
    { id: source.id, streamId: source.streamId },
    request.headers.get('content-type'),
    body,
  );
  if (!batch.ok)
    return fail(batch.status, batch.error, batch.errors ? { errors: batch.errors } : {});

  const wait = takeTokens(source.id, source.rateLimitPerSecond, batch.events);
  if (wait > 0) {
    return fail(
      429,
      `source ${source.name} is over its rate of ${source.rateLimitPerSecond} events per second`,
      {},
      { 'Retry-After': String(wait) },
    );
  }

  const { prepared } = batch;
  const outcome = prepared.ok ? await storeBatch(db.$client, prepared.batch) : prepared;
  if (!outcome.ok) {
    return fail(
      409,
      `${outcome.conflicts.length} event id(s) conflict with a different body; nothing was stored`,
      { conflicts: outcome.conflicts },
    );
  }
  return NextResponse.json(
    { accepted: outcome.accepted, duplicates: outcome.duplicates },
    { headers: HEADERS },
  );
}
