import { randomBytes } from 'node:crypto';
import { NextResponse, type NextRequest } from 'next/server';
import { db } from '@/db';
import { can } from '@/lib/authz';
import { ExpectedError } from '@/lib/errors';
import { exportEvidence } from '@/lib/evidence/export';
import { loadSigner } from '@/lib/integrity/keys';
import { getRequestContext } from '@/lib/request-context';
import { getCurrentUser } from '@/lib/session';
import {
  evidenceHref,
  formField,
  scopeFromValues,
  valuesFromForm,
  type EvidenceFormValues,
  type FormProblem,
} from '../form';
import { FLASH_COOKIE, encodeFlash } from '../flash';

export const dynamic = 'force-dynamic';

/** The largest form this endpoint reads (the search is at most 2,000 characters). */
const MAX_BODY_BYTES = 16 * 1024;

const fail = (status: number, error: string, field?: string | null) =>
  NextResponse.json(field ? { error, field } : { error }, {
    status,
    headers: { 'Cache-Control': 'no-store' },
  });

/** The request body, or null when it is longer than `max` bytes (read no further than that). */
async function readBounded(
  request: NextRequest,
  max: number,
): Promise<Uint8Array<ArrayBuffer> | null> {
  if (Number(request.headers.get('content-length') ?? 0) > max) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body)
    for await (const chunk of request.body) {
      size += chunk.length;
      if (size > max) return null;
      chunks.push(chunk);
    }
  const body = new Uint8Array(new ArrayBuffer(size));
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return body;
}

/**
 * A form post must come from a page of this site: the browser's Origin header names the page's
 * origin and must match the host this request was sent to. A missing or `null` Origin (a
 * sandboxed frame, a privacy-stripped redirect) is refused as well: the session cookie alone is
 * no proof that the user meant to export.
 */
function sameOrigin(request: NextRequest): boolean {
  const origin = request.headers.get('origin');
  if (!origin || origin === 'null') return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  return !!host && url.host === host && (url.protocol === 'http:' || url.protocol === 'https:');
}

/**
 * A refused export: a browser's form post goes back to the form with its values and the message
 * (kept in a short-lived cookie, so no link can put words on the page); any other client gets
 * 400 JSON naming the field.
 */
function refuse(request: NextRequest, values: EvidenceFormValues, problem: FormProblem) {
  if (request.headers.get('sec-fetch-mode') !== 'navigate')
    return fail(400, problem.error, problem.field);
  const attempt = randomBytes(6).toString('hex');
  // A relative Location: the host this server thinks it has may not be the one the browser used.
  const response = new NextResponse(null, {
    status: 303,
    headers: { Location: evidenceHref(values, { attempt }), 'Cache-Control': 'no-store' },
  });
  response.cookies.set(FLASH_COOKIE, encodeFlash({ attempt, ...problem }), {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.nextUrl.protocol === 'https:',
    path: '/evidence',
    maxAge: 600,
  });
  return response;
}

/**
 * POST /evidence/export — the evidence form. Builds the bundle for the signed-in user (who is
 * recorded in it and in its `evidence.export` audit event, signed into the checkpoint taken
 * right after) and sends it as a download. Bad input records nothing.
 */
export async function POST(request: NextRequest) {
  const user = await getCurrentUser();
  if (!user) return fail(401, 'You are not signed in.');
  if (!can(user.role, 'evidence:export'))
    return fail(403, 'You do not have permission to export evidence.');
  if (!sameOrigin(request))
    return fail(
      403,
      'The export was refused: the request did not come from a page of this site (its Origin header is missing or names another site).',
    );
  const type = request.headers.get('content-type') ?? '';
  if (
    !type.startsWith('application/x-www-form-urlencoded') &&
    !type.startsWith('multipart/form-data')
  )
    return fail(415, 'Send the evidence form as application/x-www-form-urlencoded.');
  const body = await readBounded(request, MAX_BODY_BYTES);
  if (!body) return fail(413, `The form is too large (at most ${MAX_BODY_BYTES / 1024} KiB).`);
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'Content-Type': type } }).formData();
  } catch {
    return fail(400, 'The form could not be read.');
  }
  const values = valuesFromForm(form);
  const parsed = scopeFromValues(values);
  if (!parsed.ok) return refuse(request, values, parsed);

  let result: Awaited<ReturnType<typeof exportEvidence>>;
  try {
    result = await exportEvidence(
      db,
      {
        actor: { id: user.id, name: user.name, email: user.email, type: 'user' },
        context: await getRequestContext(),
        sessionId: user.sessionId,
        userId: user.id,
        role: user.role,
      },
      parsed.scope,
      loadSigner(),
    );
  } catch (error) {
    if (error instanceof ExpectedError)
      return refuse(request, values, { error: error.message, field: formField(error.field) });
    throw error;
  }
  const response = new NextResponse(new Uint8Array(result.zip), {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="${result.filename}"`,
      'Content-Length': String(result.zip.length),
      'Cache-Control': 'no-store',
      'X-Export-Checkpoint': String(result.exportCheckpoint),
    },
  });
  response.cookies.delete({ name: FLASH_COOKIE, path: '/evidence' });
  return response;
}
